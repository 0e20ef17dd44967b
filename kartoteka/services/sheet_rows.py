"""The rows of a one-sheet registry (a person and a case per row) grouped into persons.

Rows with a trusted id group by it; rows without one group by their normalised full name and compatible
birth dates (one refines the other), so several case rows of one person become one person; a row that
fits two persons of the sheet waits for a decision. A
column of running numbers (1, 2, 3 ... in file order) is never an id, whatever its header says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kartoteka.errors import N_, ErrorCollector, InvalidInput, Message, reason_of
from kartoteka.matching.engine import NameQuery, query_key
from kartoteka.services import rows as rowparse
from kartoteka.services.value_mappings import unknown_value
from kartoteka.tabular.slashed import SlashedOrder
from kartoteka.tabular.vocab import normalise_value

PERSON_FIELDS = ("id", "row_number", "name", "surname", "given_name", "patronymic", "aliases", "birth_date",
                 "gender", "citizenship", "region", "sensitivity")
CUSTODY_FIELDS = ("custody", "held_by", "category", "category_definition")
CASE_FIELDS = ("case_id", "jurisdiction", "case_number", "articles", "court", "detained_on", "verdict_on",
               "sentence", "facility", "status")


@dataclass
class SheetPerson:
    """One person of the sheet: the rows that describe them, their values, names, cases and sources."""

    key: str
    rows: list[int]
    label: str                                # how messages name the first row ("row 5, № 3")
    ext_id: str                               # the trusted id ('' when the sheet has none)
    values: dict[str, Any]                    # only the fields the sheet gives (never clears a value)
    names: list[dict[str, str]]               # primary first, then aliases
    cases: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)                  # the rows' birth dates, coarsest first
    ambiguous: list[tuple[int, str]] = field(default_factory=list)  # fits these sheet persons (first row, date)
    custody: dict[str, str] = field(default_factory=dict)   # state, held_by, category, category_definition

    @property
    def name(self) -> str:
        return self.names[0]["full"] if self.names else ""


def running_numbers(values: list[str]) -> bool:
    """True when a column holds 1, 2, 3 ... (every row, in file order): a row count, not an id."""
    return len(values) >= 2 and all(v.strip() == str(i) for i, v in enumerate(values, 1))


def _given(r: rowparse.RowReader, fld: str) -> bool:
    return fld in r.fields and bool(r.raw.get(r.fields[fld], "").strip())


def _person_part(r: rowparse.RowReader) -> tuple[dict[str, Any], list[dict[str, str]]] | None:
    parsed = rowparse.parse_person(r, id_required=False)
    if parsed is None:
        return None
    values, names = parsed
    given = {k: v for k, v in values.items()
             if k not in ("sensitivity", "birth_precision") and v not in (None, "")}
    if _given(r, "sensitivity"):
        given["sensitivity"] = values["sensitivity"]
    if values.get("birth_date"):
        given["birth_precision"] = values["birth_precision"]
    return given, names


def _custody_part(r: rowparse.RowReader, case: dict[str, Any], jurisdiction: str,
                  value_map: dict[str, dict[str, str]]) -> dict[str, str] | None:
    """The person's custody state and category of a row, as controlled values (None: a row error)."""
    out: dict[str, str] = {}
    if "custody" not in r.fields and "category" not in r.fields:
        return out
    from kartoteka.services import custody as svc
    for vocabulary in ("custody", "category"):
        text = r.text(vocabulary, limit=200)
        value = normalise_value(vocabulary, text, value_map.get(vocabulary)) if text else ""
        if value is None:
            r.fail(vocabulary, unknown_value(vocabulary, text))
        elif value:
            out["state" if vocabulary == "custody" else "category"] = value
    if not r.ok:
        return None
    column = "custody"
    try:
        if "state" in out:
            out["state"] = svc.check_state(out["state"])
            column = "held_by"
            party = r.text("held_by") or str(case.get("jurisdiction") or "") or jurisdiction
            if not party:
                r.fail("custody", Message(N_("a custody state needs the detaining party: add a held_by column, "
                                             "a jurisdiction column or a file-wide --code")))
                return None
            out["held_by"] = svc.check_party(party)
        if "category" in out:
            column = "category"
            out["category"], definition = svc.check_category(out["category"], r.text("category_definition"))
            if definition:
                out["category_definition"] = definition
    except InvalidInput as exc:
        r.fail(column, reason_of(exc))
        return None
    return out


def _case_part(r: rowparse.RowReader, jurisdiction: str) -> dict[str, Any] | None:
    if not any(_given(r, f) for f in CASE_FIELDS):
        return {}
    values = rowparse.parse_case(r, keys_required=False)
    if values is None:
        return None
    values.pop("person_ext_id")
    if not values["jurisdiction"]:
        values["jurisdiction"] = jurisdiction
    if not _given(r, "sensitivity"):
        values.pop("sensitivity")
    return values


@dataclass
class _Row:
    no: int
    label: str
    ext_id: str
    values: dict[str, Any]
    names: list[dict[str, str]]
    case: dict[str, Any]
    sources: list[str]
    reader: rowparse.RowReader
    custody: dict[str, str]
    birth: str = ""

    def __post_init__(self) -> None:
        self.birth = str(self.values.get("birth_date") or "")


def refines(precise: str, coarse: str) -> bool:
    """True when the partial date ``coarse`` (1985, 1985-03) agrees with ``precise`` (1985-03-12): one
    date refines the other. Equal dates refine each other; an empty date refines nothing."""
    a, b = precise.split("-"), coarse.split("-")
    return bool(precise and coarse) and len(b) <= len(a) and a[:len(b)] == b


def group_rows(rows: list[tuple[int, dict[str, str]]], fields: dict[str, str], errors: ErrorCollector, *,
               status_map: dict[str, str] | None = None, jurisdiction: str = "",
               decisions: dict[int, str] | None = None,
               value_map: dict[str, dict[str, str]] | None = None,
               orders: dict[str, SlashedOrder] | None = None) -> list[SheetPerson]:
    """Parse every row (errors go to the collector) and group the good ones into persons.

    Rows with a trusted id group by it. Rows without one group by their normalised full name when their
    birth dates agree: one date refines the other (1985, 03.1985 and 12.03.1985 are one person born on
    12.03.1985; a row without a date joins them), conflicting dates (1985 and 1986, or two different days)
    are different persons. A row that fits two different persons (no date, or only the year) is never
    merged: it is a person of its own with ``ambiguous`` set, waiting for a decision (``decisions``: row ->
    ``row:N`` to join the person of row N, or ``new`` for a person of its own). ``orders``: the order each date column
    writes its slashed dates in (tabular/slashed.py)."""
    parsed: list[_Row] = []
    for row_no, raw in rows:
        r = rowparse.RowReader(fields, raw, row_no, errors, status_map, orders)
        person = _person_part(r)
        case = _case_part(r, jurisdiction)
        custody = _custody_part(r, case or {}, jurisdiction, value_map or {})
        source = r.text("source")
        if person is None or case is None or custody is None:
            continue
        values, names = person
        ext_id = values.pop("ext_id", "")
        label = f"row {row_no}" + (f" ({fields['row_number']} {raw.get(fields['row_number'], '')})"
                                   if "row_number" in fields else "")
        parsed.append(_Row(row_no, label, ext_id, values, names, case,
                           [s for s in (x.strip() for x in source.replace("\n", ";").split(";")) if s], r, custody))
    by_key: dict[str, list[_Row]] = {}
    for row in parsed:
        key = f"id:{row.ext_id}" if row.ext_id else "name:" + query_key(NameQuery(row.names[0]["full"], None))
        by_key.setdefault(key, []).append(row)
    people: list[SheetPerson] = []
    for key, same in by_key.items():
        if key.startswith("id:"):
            people.append(_person(key, same))
            continue
        groups, ambiguous = _by_birth_date(same, decisions or {}, errors)
        people += [_person(f"{key}|{g[0].birth}", g) for g in groups]
        for row, fits in ambiguous:
            sp = _person(f"{key}|row {row.no}", [row])
            sp.ambiguous = [(g[0].no, g[0].birth) for g in fits]
            people.append(sp)
    return sorted(people, key=lambda p: p.rows[0])


def _by_birth_date(rows: list[_Row], decisions: dict[int, str], errors: ErrorCollector
                   ) -> tuple[list[list[_Row]], list[tuple[_Row, list[list[_Row]]]]]:
    """Rows of one written name as persons (most precise date first in each), and the rows that fit
    several of them with those persons."""
    groups: list[list[_Row]] = []
    ambiguous: list[tuple[_Row, list[list[_Row]]]] = []
    undated = [r for r in rows if not r.birth]
    for row in sorted((r for r in rows if r.birth), key=lambda r: (-len(r.birth), r.no)) + undated:
        fits = [g for g in groups if not row.birth or refines(g[0].birth, row.birth)]
        choice = decisions.get(row.no, "")
        if len(fits) > 1 and choice.startswith("row:"):
            chosen = [g for g in fits if any(f"row:{r.no}" == choice for r in g)]
            if not chosen:
                errors.add(row.no, row.reader.header("birth_date"), Message(N_(
                    "the decision '%(choice)s' names no sheet person this row fits (rows %(rows)s)"),
                    choice=choice, rows=", ".join(str(g[0].no) for g in fits)))
                continue
            fits = chosen
        if len(fits) > 1 and choice != "new":
            ambiguous.append((row, fits))
        elif len(fits) == 1 and choice != "new":
            fits[0].append(row)
        else:
            groups.append([row])
    return groups, ambiguous


def _person(key: str, rows: list[_Row]) -> SheetPerson:
    """One person from their rows (in sheet order; the most precise birth date counts)."""
    ordered = sorted(rows, key=lambda r: r.no) if len(rows) > 1 else rows
    first = ordered[0]
    sp = SheetPerson(key, [first.no], first.label, first.ext_id, dict(first.values), list(first.names))
    for row in ordered[1:]:
        _merge_rows(sp, row.no, row.values, row.names, row.reader)
    best = max((r for r in ordered if r.birth), key=lambda r: len(r.birth), default=None)
    if best is not None:
        sp.values["birth_date"], sp.values["birth_precision"] = best.birth, best.values["birth_precision"]
    sp.dates = sorted({r.birth for r in ordered if r.birth}, key=len)
    for row in ordered:
        if row.case:
            sp.cases.append((row.no, row.case))
        sp.sources += [s for s in row.sources if s not in sp.sources]
        for k, v in row.custody.items():
            if sp.custody.setdefault(k, v) != v:
                row.reader.errors.add(row.no, row.reader.header("custody" if k in ("state", "held_by") else "category"),
                                      Message(N_("'%(value)s' contradicts row %(first)d of the same person ('%(other)s')"),
                                              value=v, first=first.no, other=sp.custody[k]))
    return sp


def _merge_rows(sp: SheetPerson, row_no: int, values: dict[str, Any], names: list[dict[str, str]],
                r: rowparse.RowReader) -> None:
    """A further row of the same person: it may add values, never contradict the first row (a birth date
    may refine another: the grouping checked that)."""
    sp.rows.append(row_no)
    for k, v in values.items():
        if k in sp.values and sp.values[k] != v and k not in ("birth_date", "birth_precision"):
            r.errors.add(row_no, r.header(k), f"'{v}' contradicts row {sp.rows[0]} of the same person "
                                         f"('{sp.values[k]}')")
        sp.values.setdefault(k, v)
    known = {n["full"].casefold() for n in sp.names}
    sp.names += [n for n in names if n["full"].casefold() not in known]


def grouping_notes(people: list[SheetPerson], *, limit: int = 100) -> list[Message]:
    """What the dry run says about grouping: which rows became one person (and the date taken), which rows
    fit several persons and wait for a decision."""
    notes: list[Message] = []
    grouped = [p for p in people if len(p.rows) > 1 and not p.ext_id]
    for p in grouped[:limit]:
        rows = ", ".join(str(n) for n in p.rows)
        if len(p.dates) > 1:
            notes.append(Message(N_("rows %(rows)s are one person, %(name)s, born %(date)s (the most precise of "
                                    "%(dates)s)"), rows=rows, name=p.name, date=p.dates[-1],
                                 dates=", ".join(p.dates)))
        else:
            notes.append(Message(N_("rows %(rows)s are one person, %(name)s"), rows=rows, name=p.name))
    if len(grouped) > limit:
        notes.append(Message(N_("and %(n)d more persons described by several rows"), n=len(grouped) - limit))
    for p in people:
        if p.ambiguous:
            notes.append(Message(N_("row %(row)d (%(name)s) fits several persons of the sheet (rows %(rows)s) "
                                    "and was not grouped: decide which"), row=p.rows[0], name=p.name,
                                 rows=", ".join(str(n) for n, _ in p.ambiguous)))
    return notes
