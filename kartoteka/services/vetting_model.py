"""The vetting result: one plain object that the HTML, CSV, XLSX and PDF exporters and the web pages
all render. No database access here."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

STATUSES = ("recognised", "not_recognised", "under_review", "unknown")
DECISIONS = ("match", "review", "no_match")
JUDGEMENTS = ("same", "different", "unsure")
OUTCOME_KINDS = ("released", "exchanged")
CSV_COLUMNS = ("id", "name", "person_id", "match", "score", "status", "flags", "duplicate_of", "explanation")
# Flag kinds that go into a row's ``flags`` column; the others (supports, context, data) stay in the detail.
WARNING_KINDS = ("risk", "caveat")
# After the nine columns above: who holds the person, the row's warnings, all flags as kind:tag, ...
CSV_EXTRA_COLUMNS = ("category", "held_by", "custody", "warnings", "all_flags", "recognised_by", "claimed")
FLAG_KIND_ORDER = ("risk", "caveat", "supports", "context", "data")


@dataclass(frozen=True)
class RowContext:
    """What the registry says about a row's person beyond status and flags: custody, category, fine
    statuses per requested definition, recognitions, warnings. Describes a registry person, so a
    reader who may not see the person gets an empty one (services/access.py)."""

    category: str = ""
    category_definition: str = ""
    held_by: str = ""
    custody: str = ""                 # a state of data/custody.yaml
    place: str = ""
    confirmed_on: str = ""
    warnings: tuple[str, ...] = ()    # not_in_custody, already_exchanged, deceased, held_by_other_party, no_assessment
    statuses: tuple[tuple[str, str], ...] = ()   # (definition id, fine status) per requested definition
    recognised_by: tuple[str, ...] = ()          # "Memorial (2024-03-01)"

    def as_json(self) -> dict[str, object]:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in self.__dict__.items()}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> RowContext:
        def tup(key: str) -> tuple[Any, ...]:
            return tuple(tuple(x) if isinstance(x, list) else x for x in data.get(key, []) or [])  # type: ignore[attr-defined]
        return cls(str(data.get("category", "")), str(data.get("category_definition", "")),
                   str(data.get("held_by", "")), str(data.get("custody", "")), str(data.get("place", "")),
                   str(data.get("confirmed_on", "")), tup("warnings"), tup("statuses"), tup("recognised_by"))


@dataclass(frozen=True)
class FlagView:
    tag: str
    kind: str            # risk | caveat | supports | context | data
    articles: list[str]
    reason: str


@dataclass(slots=True)
class VetRow:
    """One list row and what the registry says about it. ``person_id`` is the organisation's id."""

    id: str
    name: str
    person_id: str
    match: str
    score: float
    status: str
    flags: list[str]
    duplicate_of: str
    explanation: str
    row_no: int = 0
    birth_date: str = ""
    registry_name: str = ""
    flag_detail: list[FlagView] = field(default_factory=list)
    review: str = ""
    reviewed_by: str = ""
    internal_id: int | None = None
    key: int = 0         # vetting_rows.id once stored
    context: RowContext = field(default_factory=RowContext)
    claimed: str = ""    # the list's own claim about the row (its "political prisoner" column), verbatim
    reasons: list[Any] = field(default_factory=list)   # the matcher's explanation as data (matching/explain.py)

    def csv_values(self) -> list[str]:
        return [self.id, self.name, self.person_id, self.match, f"{self.score:.3f}", self.status,
                ";".join(self.flags), self.duplicate_of, self.explanation]

    def csv_extra_values(self, definitions: list[str]) -> list[str]:
        c, fine = self.context, dict(self.context.statuses)
        return [c.category, c.held_by, c.custody, ";".join(c.warnings), ";".join(self.all_flags),
                "; ".join(c.recognised_by), self.claimed] + [fine.get(d, "") for d in definitions]

    @property
    def all_flags(self) -> list[str]:
        """Every flag as ``kind:tag``, grouped by kind (risk, caveat, supports, context, data)."""
        rank = {k: i for i, k in enumerate(FLAG_KIND_ORDER)}
        ordered = sorted(self.flag_detail, key=lambda f: rank.get(f.kind, len(rank)))
        return list(dict.fromkeys(f"{f.kind}:{f.tag}" for f in ordered))

    @property
    def flag_articles(self) -> list[str]:
        return list(dict.fromkeys(a for f in self.flag_detail if f.tag in self.flags for a in f.articles))


@dataclass(slots=True)
class MissingPerson:
    """A recognised political prisoner in the registry who is not on the list."""

    person_id: str
    name: str
    birth_date: str
    internal_id: int
    possible_rows: list[str] = field(default_factory=list)   # list rows whose candidate (review) is this person
    section: str = "recognised"      # recognised | under_review (held by the list's party, not yet assessed)
    held_by: str = ""
    custody: str = ""
    category: str = ""


@dataclass(frozen=True)
class OutcomeView:
    event_id: int
    person_id: str
    name: str
    kind: str
    date: str
    note: str
    actor: str


@dataclass
class RunInfo:
    id: int
    label: str
    round: str
    side: str
    definition_id: str
    filename: str
    sha256: str
    at: dt.datetime
    actor: str
    algorithm: str
    algorithm_version: str
    list_format: str = ""
    rows: int = 0
    by_status: dict[str, int] = field(default_factory=dict)
    missing: int = 0
    held_by: str = ""                  # whose custody the list concerns (RU, UA, OCC:<region> ...)
    definitions: list[str] = field(default_factory=list)   # every requested definition, the main one first
    notices: list[str] = field(default_factory=list)       # "no_decided:<definition>", "no_custody_data"


@dataclass
class VetSummary:
    rows: int
    by_status: dict[str, int]      # rows a reviewer need not confirm; + by_match["review"] = rows
    by_match: dict[str, int]
    flagged: list[VetRow]
    duplicates: list[VetRow]
    unknown: list[VetRow]
    review: list[VetRow]
    by_flag: dict[str, int]
    missing: int


@dataclass
class VetReport:
    run: RunInfo
    rows: list[VetRow]
    missing: list[MissingPerson]
    columns: dict[str, str] = field(default_factory=dict)   # field -> header in the list
    problems: list[str] = field(default_factory=list)
    outcomes: list[OutcomeView] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def summary(self) -> VetSummary:
        return summarise(self.rows, self.missing)


def csv_header(definitions: list[str]) -> list[str]:
    """The report CSV's header: the nine columns, the context columns, one status column per definition."""
    return [*CSV_COLUMNS, *CSV_EXTRA_COLUMNS, *(f"status:{d}" for d in definitions)]


def summarise(rows: list[VetRow], missing: list[MissingPerson]) -> VetSummary:
    by_status = Counter(r.status for r in rows if r.match != "review")   # review rows are counted apart
    by_match = Counter(r.match for r in rows)
    by_flag = Counter(tag for r in rows if not r.duplicate_of for tag in r.flags)
    return VetSummary(
        rows=len(rows),
        by_status={s: by_status.get(s, 0) for s in STATUSES},
        by_match={d: by_match.get(d, 0) for d in DECISIONS},
        flagged=[r for r in rows if r.flags],
        duplicates=[r for r in rows if r.duplicate_of],
        unknown=[r for r in rows if r.status == "unknown"],
        review=[r for r in rows if r.match == "review"],
        by_flag=dict(by_flag.most_common()),
        missing=sum(1 for m in missing if m.section == "recognised"),
    )


def mark_duplicates(rows: list[VetRow], name_keys: list[str]) -> None:
    """Set ``duplicate_of`` to the first earlier row naming the same person: the same matched person,
    or (when unmatched) the same normalised name and birth date."""
    first: dict[tuple[str, str], str] = {}
    for row, name_key in zip(rows, name_keys):
        key = ("person", str(row.internal_id)) if row.match == "match" and row.internal_id is not None \
            else ("name", name_key)
        if key in first:
            row.duplicate_of = first[key]
        else:
            row.duplicate_of = ""
            first[key] = row.id
