"""The rows of a one-sheet registry (a person and a case per row) grouped into persons.

Rows with a trusted id group by it; rows without one group by their written name and birth date (the
key human judgements are stored under), so several case rows of one person become one person. A
column of running numbers (1, 2, 3 ... in file order) is never an id, whatever its header says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kartoteka.domain.dates import parse_partial_date
from kartoteka.errors import ErrorCollector
from kartoteka.matching.engine import NameQuery, query_key
from kartoteka.services import rows as rowparse

PERSON_FIELDS = ("id", "row_number", "name", "surname", "given_name", "patronymic", "aliases", "birth_date",
                 "gender", "citizenship", "region", "sensitivity")
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


def group_rows(rows: list[tuple[int, dict[str, str]]], fields: dict[str, str], errors: ErrorCollector, *,
               status_map: dict[str, str] | None = None, jurisdiction: str = "") -> list[SheetPerson]:
    """Parse every row (errors go to the collector) and group the good ones into persons."""
    persons: dict[str, SheetPerson] = {}
    for row_no, raw in rows:
        r = rowparse.RowReader(fields, raw, row_no, errors, status_map)
        person = _person_part(r)
        case = _case_part(r, jurisdiction)
        source = r.text("source")
        if person is None or case is None:
            continue
        values, names = person
        ext_id = values.pop("ext_id", "")
        birth = values.get("birth_date")
        key = f"id:{ext_id}" if ext_id else "name:" + query_key(NameQuery(
            names[0]["full"], parse_partial_date(birth) if birth else None))
        label = f"row {row_no}" + (f" ({fields['row_number']} {raw.get(fields['row_number'], '')})"
                                   if "row_number" in fields else "")
        sp = persons.get(key)
        if sp is None:
            sp = persons[key] = SheetPerson(key, [row_no], label, ext_id, values, names)
        else:
            _merge_rows(sp, row_no, values, names, r)
        if case:
            sp.cases.append((row_no, case))
        sp.sources += [s for s in (x.strip() for x in source.replace("\n", ";").split(";"))
                       if s and s not in sp.sources]
    return list(persons.values())


def _merge_rows(sp: SheetPerson, row_no: int, values: dict[str, Any], names: list[dict[str, str]],
                r: rowparse.RowReader) -> None:
    """A further row of the same person: it may add values, never contradict the first row."""
    sp.rows.append(row_no)
    for k, v in values.items():
        if k in sp.values and sp.values[k] != v and k != "birth_precision":
            r.errors.add(row_no, r.header(k), f"'{v}' contradicts row {sp.rows[0]} of the same person "
                                         f"('{sp.values[k]}')")
        sp.values.setdefault(k, v)
    known = {n["full"].casefold() for n in sp.names}
    sp.names += [n for n in names if n["full"].casefold() not in known]
