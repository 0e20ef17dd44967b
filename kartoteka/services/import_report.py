"""What an import did or would do: counts, the columns used and ignored, and every change listed (a dry
run shows the same report, so a user sees each diff, rename and open decision before anything is written)."""

from __future__ import annotations

from dataclasses import dataclass, field


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
