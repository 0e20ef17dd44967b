"""A search as a list to page through, sort and export: the same filters as services/browse.py, plus
a person id, a given name alone and a birth year, over up to ``MAX_RESULTS`` persons.

One data function (``list_persons``) feeds the result pages and the CSV/XLSX exports alike.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, func, or_, select

from kartoteka.db.tables import person_names, persons
from kartoteka.services import browse
from kartoteka.services.access import Principal, visible_clause
from kartoteka.services.browse import FlagSource, PersonFilters, PersonRow
from kartoteka.services.viewer_world import restricted_to
from kartoteka.tabular.cells import neutralise

MAX_RESULTS = 5000
SORTS = ("relevance", "name", "id", "birth")
EXPORT_COLUMNS = ("id", "name", "birth_date", "region", "statuses", "articles", "flags", "sensitivity")
_YEAR = re.compile(r"^(?:18|19|20)\d{2}$")


@dataclass
class PersonList:
    rows: list[PersonRow]     # every result (up to MAX_RESULTS), sorted
    truncated: bool           # more persons passed the filters than are listed

    def page(self, number: int, size: int) -> list[PersonRow]:
        start = max(0, (number - 1) * size)
        return self.rows[start:start + size]

    def pages(self, size: int) -> int:
        return max(1, -(-len(self.rows) // size))


def _fold(text: str) -> str:
    return text.casefold().replace("ё", "е")


def _exact_ids(engine: Engine, principal: Principal, text: str) -> list[int]:
    """Persons named exactly by ``text``: a person id (``P0000012``, ``#12``) or one given name or
    surname written alone ("Степан" finds every Степан; the matcher wants a surname)."""
    t = text.strip()
    with engine.connect() as conn:
        vis = visible_clause(principal, persons.c.sensitivity)
        live = persons.c.deleted_at.is_(None)
        ids = [r[0] for r in conn.execute(select(persons.c.id).where(
            live, vis, or_(persons.c.ext_id == t, func.upper(persons.c.ext_id) == t.upper())))]
        if t.startswith("#") and t[1:].isdigit():
            ids += [r[0] for r in conn.execute(select(persons.c.id).where(live, vis, persons.c.id == int(t[1:])))]
        if " " not in t and len(t) >= 2 and not t.isdigit():
            forms = {t, t.lower(), t.upper(), t.capitalize()}
            ids += [r[0] for r in conn.execute(
                select(person_names.c.person_id).distinct().join(persons, persons.c.id == person_names.c.person_id)
                .where(live, vis, or_(person_names.c.given_name.in_(forms), person_names.c.surname.in_(forms)))
                .limit(MAX_RESULTS))]
    return list(dict.fromkeys(ids))


RECOGNITION = ("recognised", "not_recognised", "under_review")


def list_persons(engine: Engine, principal: Principal, filters: PersonFilters, *, birth_year: str = "",
                 sort: str = "relevance", flags_for: FlagSource | None = None,
                 definition: str = "", recognition: str = "") -> PersonList:
    """Every person passing ``filters`` (and born in ``birth_year``) that ``principal`` may see, sorted;
    with ``definition`` and ``recognition``, only those whose status under that definition is it
    (recognised / not_recognised / under_review; the filter reads only persons already visible)."""
    if recognition:
        _check_recognition(definition, recognition)
    text = filters.text.strip()
    year = birth_year.strip()
    if not year and _YEAR.match(text):
        text, year = "", text   # a year typed into the name box searches by birth year
    f = PersonFilters(text, filters.status, filters.code, filters.article, filters.region, filters.facility,
                      filters.flag, filters.transliterate)
    scores: dict[int, float] = {}
    candidates: list[int] | None = None
    if text:
        exact = _exact_ids(engine, principal, text)
        scores = {i: 2.0 for i in exact}
        for pid, score in browse._text_candidates(engine, text, transliterate=f.transliterate, limit=1000,
                                                  sensitivities=restricted_to(principal)):
            scores.setdefault(pid, score)
        candidates = list(scores)
        if not candidates:
            return PersonList([], False)
    stmt = browse._filtered(candidates is not None, bool(f.region), bool(f.status), bool(f.facility), bool(f.code),
                            bool(f.article), "" if candidates is not None else f.flag)
    with engine.connect() as conn:
        ids = [r[0] for r in conn.execute(stmt, browse._filter_values(principal, f, candidates, MAX_RESULTS + 1))]
        truncated = len(ids) > MAX_RESULTS
        ids = ids[:MAX_RESULTS]
        rows = browse._rows(conn, principal, ids)
        if year:
            rows = [r for r in rows if (r.birth_date or "").startswith(year)]
        if recognition:
            from kartoteka.services.assessments import statuses_under

            under = statuses_under(conn, [r.id for r in rows], definition)
            rows = [r for r in rows if under.get(r.id) == recognition]
        if f.flag or flags_for is not None:
            flag_map = flags_for(conn, [r.id for r in rows]) if flags_for else {}
            for r in rows:
                r.flags = flag_map.get(r.id, [])
            if f.flag:
                rows = [r for r in rows if f.flag in r.flags]
    for r in rows:
        r.score = scores.get(r.id)
    rows.sort(key=_sort_key(sort if sort in SORTS else "relevance", bool(scores)))
    return PersonList(rows, truncated)


def _check_recognition(definition: str, recognition: str) -> None:
    from kartoteka.catalogs import load_definitions
    from kartoteka.errors import N_, InvalidInput

    if recognition not in RECOGNITION:
        raise InvalidInput.of(N_("'%(text)s' is not a recognition status (use %(known)s)"), text=recognition,
                              known=", ".join(RECOGNITION))
    if definition not in load_definitions():
        raise InvalidInput.of(N_("'%(text)s' is not a known definition (%(known)s)"), text=definition,
                              known=", ".join(load_definitions()))


def add_flags(engine: Engine, rows: list[PersonRow], flags_for: FlagSource) -> list[PersonRow]:
    """Screening flags for the rows shown (a page), not for every result."""
    with engine.connect() as conn:
        flag_map = flags_for(conn, [r.id for r in rows])
    for r in rows:
        r.flags = flag_map.get(r.id, [])
    return rows


def _sort_key(sort: str, scored: bool) -> Callable[[PersonRow], tuple[Any, ...]]:
    if sort == "name":
        return lambda r: (_fold(r.name), r.ext_id)
    if sort == "id":
        return lambda r: (len(r.ext_id), r.ext_id)
    if sort == "birth":
        return lambda r: (r.birth_date or "9999", _fold(r.name))
    if scored:
        return lambda r: (-(r.score or 0.0), r.ext_id)
    return lambda r: (r.id,)


def export_rows(result: PersonList) -> list[list[str]]:
    """The header and one row per person, every cell neutralised against spreadsheet formulas."""
    out = [list(EXPORT_COLUMNS)]
    for r in result.rows:
        out.append([neutralise(v) for v in (r.ext_id, r.name, r.birth_date or "", r.region, "; ".join(r.statuses),
                                            "; ".join(r.articles), "; ".join(r.flags), r.sensitivity)])
    return out


def export_csv(result: PersonList) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(export_rows(result))
    return buf.getvalue().encode("utf-8-sig")


def export_xlsx(result: PersonList) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("persons")
    for row in export_rows(result):
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
