"""What an import did or would do: counts, the columns used and ignored, and every change listed (a dry
run shows the same report, so a user sees each diff, rename and open decision before anything is written)."""

from __future__ import annotations

from dataclasses import dataclass, field

from kartoteka.errors import Message, N_
from kartoteka.tabular.reader import RawTable


@dataclass
class Change:
    row: int
    record: str            # the person's or case's id
    field: str
    before: str
    after: str


@dataclass
class Rename:
    """An update that would change a person's surname or given name: written only when confirmed."""

    row: int
    person: str
    before: str
    after: str


@dataclass
class ReviewRow:
    """A row the matcher could not decide: (person id, name, score) candidates, best first."""

    row: int
    label: str
    name: str
    candidates: list[tuple[str, str, float]]
    explanation: str


@dataclass
class ImportReport:
    kind: str
    file: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    import_id: str = ""
    encoding: str = ""
    delimiter: str = ""
    columns: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)         # headers no field reads
    notes: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    renames: list[Rename] = field(default_factory=list)
    reviews: list[ReviewRow] = field(default_factory=list)
    cases_created: int = 0
    cases_updated: int = 0
    cases_unchanged: int = 0
    rejected: int = 0
    rejected_file: str = ""


def reading_notes(table: RawTable) -> list[str]:
    """What reading the sheet skipped, said in the report: a title above the header, captions and
    signature lines under the table (tabular/reader.py); nothing is dropped without a word."""
    notes: list[str] = []
    if table.header_row > 1:
        notes.append(Message(N_("the header is in row %(row)d; the %(n)d row(s) above it (a title, a date) "
                                "were not read as data"), row=table.header_row, n=table.header_row - 1))
    for row_no, text in table.skipped[:50]:
        notes.append(Message(N_("row %(row)d is a caption or a signature, not a list row, and was not imported: "
                                "%(text)s"), row=row_no, text=text))
    if len(table.skipped) > 50:
        notes.append(Message(N_("and %(n)d more caption or signature rows"), n=len(table.skipped) - 50))
    return notes


def row_note(row: int, text: str) -> str:
    """A note about one row of the file (translated where it is shown when ``text`` is a Message)."""
    return Message(N_("row %(row)d: %(problem)s"), row=row, problem=text)
