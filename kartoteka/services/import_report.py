"""What an import did or would do: counts, the columns used and ignored, and every change listed (a dry
run shows the same report, so a user sees each diff, rename and open decision before anything is written)."""

from __future__ import annotations

import itertools
from collections.abc import Collection
from dataclasses import dataclass, field

from kartoteka.errors import InvalidInput, Message, N_
from kartoteka.tabular.field_labels import FIELD_LABELS
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
    # what the user must look at before trusting the import: rows hidden in the workbook imported (or left out)
    warnings: list[str] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    renames: list[Rename] = field(default_factory=list)
    reviews: list[ReviewRow] = field(default_factory=list)
    # rows more closely held than the person they found: not merged (a new record held for review, or left
    # out), each said in the warnings (services/registry_import.py)
    held: int = 0
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


def require_rows(table: RawTable) -> None:
    """Refuse a file whose header has no row of data under it (a template saved before it was filled in, the rows
    on another sheet), before anything is written: an import of it would "succeed" with 0 rows and be registered.
    Its first row is read to know; ``table.rows`` yields it again. A file whose rows were all left out as asked
    (hidden rows, ``skip_hidden``) or could not be read (its problems are the answer) is not refused here."""
    first = next(table.rows, None)
    if first is not None:
        table.rows = itertools.chain([first], table.rows)
        return
    if table.hidden_skipped or table.problems:
        return
    if table.other_sheets:   # an import reads only the first sheet; the rows are often on a later one
        raise InvalidInput.of(N_("%(file)s: the first sheet has a header (row %(row)d) but no rows of data under it, "
                                 "and an import reads only the first sheet; nothing was imported (move the sheet "
                                 "holding the rows, %(sheets)s, to the front)"),
                              file=table.path.name, row=table.header_row, sheets=", ".join(table.other_sheets))
    raise InvalidInput.of(N_("%(file)s: the file has a header (row %(row)d) but no rows of data under it; nothing "
                             "was imported"), file=table.path.name, row=table.header_row)


def row_note(row: int, text: str) -> str:
    """A note about one row of the file (translated where it is shown when ``text`` is a Message)."""
    return Message(N_("row %(row)d: %(problem)s"), row=row, problem=text)


HIDDEN_NAMED = 20   # hidden rows named one by one in a report; the others counted


def hidden_warnings(table: RawTable, fields: dict[str, str], *, left_out: Collection[int] = ()) -> list[str]:
    """What the workbook hides and the import reads, said loudly (``ImportReport.warnings``): a row hidden in its
    sheet (by hand, in a collapsed outline group, of zero height: people taken off the list, parked duplicates,
    rows under review) is imported like the others unless the user asks to skip hidden rows, so each sheet's
    hidden rows are counted and the first ``HIDDEN_NAMED`` named, those imported or those left out; a hidden
    column a field is read from is named too. ``left_out``: rows rejected as bad (--skip-bad-rows), not imported."""
    field_of = {header: f for f, header in fields.items()}
    out: list[str] = [Message(N_("the column '%(column)s' of sheet '%(sheet)s' is hidden in the file; it is "
                                 "imported as the %(field)s"), column=header, sheet=sheet,
                              field=Message(FIELD_LABELS.get(field_of[header], field_of[header])))
                      for sheet, header in table.hidden_columns if header in field_of]
    read = {row: at for row, at in table.hidden_rows.items() if row not in left_out}
    for rows, summary, each, more in (
            (read, N_("%(n)d row(s) hidden in sheet '%(sheet)s' (by hand, in a collapsed group or of zero height) "
                      "are imported like the others: check that they belong in the registry, or import the file "
                      "again skipping hidden rows (--skip-hidden; on the import page, 'Skip hidden rows')"),
             N_("row %(row)d of sheet '%(sheet)s' is hidden in the file and is imported"),
             N_("and %(n)d more hidden rows imported")),
            (table.hidden_skipped, N_("%(n)d row(s) hidden in sheet '%(sheet)s' are left out, as asked (skip hidden "
                                      "rows): they are not imported"),
             N_("row %(row)d of sheet '%(sheet)s' is hidden in the file and is left out"),
             N_("and %(n)d more hidden rows left out"))):
        by_sheet: dict[str, list[int]] = {}
        for sheet, row in rows.values():
            by_sheet.setdefault(sheet, []).append(row)
        for sheet, numbers in by_sheet.items():
            out.append(Message(summary, n=len(numbers), sheet=sheet))
            out += [Message(each, row=row, sheet=sheet) for row in numbers[:HIDDEN_NAMED]]
            if len(numbers) > HIDDEN_NAMED:
                out.append(Message(more, n=len(numbers) - HIDDEN_NAMED))
    return out
