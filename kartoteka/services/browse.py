"""Finding persons: a text query (via the matching service) narrowed by filters, for one principal.

Filters: case status, criminal-code article, region, facility, screening flag. Every result is
limited to the sensitivities the principal may see (services/access.py).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, cast

from sqlalchemy import ColumnElement, Connection, Engine, Integer, Select, bindparam, func, or_, select, tuple_

from kartoteka.catalogs.loader import article_index
from kartoteka.db.tables import cases, charges, person_names, persons
from kartoteka.db.engine import ids_param
from kartoteka.db.unindexed import Unindexed
from kartoteka.services.access import Principal, visible_param, visible_values
from kartoteka.services.matching import search_on, search_persons
from kartoteka.services.name_index import Head, synced_head
from kartoteka.services.search_results import ResultCache, result_cache
from kartoteka.services.screening import CASES_OF_PERSONS, CaseRow, add_case_rows, citizenship_of, person_flags, tags_of
from kartoteka.services.viewer_world import VisibleFlagTags, restricted_to

MAX_LIMIT = 200
FLAG_SCAN = 2000     # persons screened at most for a flag filter without a name


@dataclass(frozen=True)
class PersonFilters:
    text: str = ""
    status: str = ""
    code: str = ""
    article: str = ""
    region: str = ""
    facility: str = ""
    flag: str = ""
    transliterate: bool = True

    @property
    def empty(self) -> bool:
        return not any((self.text, self.status, self.code, self.article, self.region, self.facility, self.flag))


@dataclass
class PersonRow:
    id: int
    ext_id: str
    name: str
    birth_date: str | None
    region: str
    sensitivity: str
    statuses: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    score: float | None = None


def _text_candidates(engine: Engine, text: str, *, transliterate: bool, limit: int,
                     sensitivities: list[str] | None = None) -> list[tuple[int, float]]:
    """(person id, score) best first, from the matching service's search (which keeps the matcher),
    ranked as in the registry of the ``sensitivities`` the reader may see (None: every record)."""
    return [(int(h.person_id), float(h.score))
            for h in search_persons(engine, text=text, limit=limit, transliterate=transliterate, explain=False,
                                    sensitivities=sensitivities)
            if h.person_id is not None]


def _contains(column: Any, key: str) -> ColumnElement[bool]:
    """Case-insensitive substring match that also works for Cyrillic on SQLite (whose lower() is ASCII-only):
    the lowered column against the lowered text, and the column against the text in four casings
    (parameters ``key``_0 .. ``key``_4, from ``_contains_values``)."""
    return or_(func.lower(column).contains(bindparam(f"{key}_0")),
               *(column.contains(bindparam(f"{key}_{i}")) for i in range(1, 5)))


def _contains_values(key: str, text: str) -> dict[str, str]:
    t = text.strip()
    return {f"{key}_{i}": v for i, v in enumerate((t.lower(), t, t.upper(), t.capitalize(), t.title()))}


def flag_articles(tag: str) -> list[tuple[str, str]] | None:
    """Catalogued (code, article) pairs whose charges can raise ``tag``: a superset that narrows a
    flag search before screening decides. None when the tag does not come from articles (caveats)."""
    found = [key for key, art in article_index().items()
             if tag in art.tags or (tag == "violence" and art.violence.value != "none")]
    return found or None


@lru_cache(maxsize=256)
def _filtered(among_candidates: bool, region: bool, status: bool, facility: bool, code: bool, article: bool,
              flag: str) -> Select[Any]:
    """Visible, live person ids passing the filters, as one prebuilt statement per combination of
    filters; the values come as parameters (``_filter_values``). ``flag`` narrows by article only
    without candidates (with them, screening filters the few candidates itself)."""
    stmt = select(persons.c.id).where(persons.c.deleted_at.is_(None), visible_param(persons.c.sensitivity))
    if among_candidates:
        stmt = stmt.where(persons.c.id.in_(ids_param()))
    if region:
        stmt = stmt.where(_contains(persons.c.region, "region"))
    articles = flag_articles(flag) if flag else None
    if status or facility or code or article or articles:
        case_q = select(cases.c.person_id).where(cases.c.deleted_at.is_(None), visible_param(cases.c.sensitivity))
        if among_candidates:
            case_q = case_q.where(cases.c.person_id.in_(ids_param()))
        if status:   # (not through ix_cases_status: a common status holds most cases; db/unindexed.py)
            case_q = case_q.where(Unindexed(cases.c.status) == bindparam("status"))
        if facility:
            case_q = case_q.where(_contains(cases.c.facility, "facility"))
        if code or article or articles:
            case_q = case_q.join(charges, charges.c.case_id == cases.c.id)
        if code:
            case_q = case_q.where(charges.c.code == bindparam("code"))
        if article:
            case_q = case_q.where(charges.c.article == bindparam("article"))
        if articles:
            case_q = case_q.where(tuple_(charges.c.code, charges.c.article).in_(articles))
        stmt = stmt.where(persons.c.id.in_(case_q))
    return stmt.order_by(persons.c.id).limit(bindparam("scan", type_=Integer))


def _filter_values(principal: Principal, f: PersonFilters, candidates: list[int] | None,
                   scan: int) -> dict[str, Any]:
    values: dict[str, Any] = {"visible": visible_values(principal), "scan": scan, "status": f.status,
                              "code": f.code.upper(), "article": f.article}
    if candidates is not None:
        values["ids"] = candidates
    if f.region:
        values.update(_contains_values("region", f.region))
    if f.facility:
        values.update(_contains_values("facility", f.facility))
    return values


FlagSource = Callable[[Connection, list[int]], dict[int, list[str]]]


def search(engine: Engine, principal: Principal, filters: PersonFilters, *, limit: int = 50,
           flags_for: FlagSource | None = None, cache_as: Hashable | None = None) -> list[PersonRow]:
    """Persons matching ``filters`` that ``principal`` may see; best text matches first. With ``cache_as``
    (what the answer depends on besides the filters, the limit and the reader's sensitivities: the source of
    ``flags_for``), answers and the rows of the persons shown (with their flags) are kept while no record
    changes (services/search_results.py)."""
    limit = max(1, min(limit, MAX_LIMIT))
    cache = result_cache(engine)
    with engine.connect() as conn:
        head = synced_head(conn)   # before anything else: what this search reads is at least that new
        reader = (tuple(visible_values(principal)), cache_as)
        key = None if cache_as is None else (filters, limit, reader)
        if key is not None and (kept := cache.get(head, key)) is not None:
            return [_thawed(r) for r in kept]
        rows = _search(conn, principal, filters, limit, flags_for, _Memo(cache, head, reader, key is not None))
    if key is not None:
        cache.keep(head, key, tuple(_frozen(r) for r in rows))
    return rows


@dataclass(frozen=True)
class _Memo:
    """The rows (with flags, without a score) of the persons shown, kept per reader at the chain position
    ``head`` (only ``on``, and while ``head`` is current): a person found by several searches is read once."""
    cache: ResultCache
    head: Head
    reader: Hashable
    on: bool

    def rows(self, conn: Connection, principal: Principal, ids: list[int], flags_for: FlagSource | None, *,
             shown_only: bool = False) -> list[PersonRow]:
        """As ``_rows`` (in the order of ``ids``), with the flags; those kept are not read again."""
        kept = {i: k[0] for i in ids if self.on and (k := self.cache.get(self.head, ("row", self.reader, i)))}
        todo = [i for i in ids if i not in kept]
        if isinstance(flags_for, VisibleFlagTags):   # the tags from the cases the rows read (with them)
            fresh = _rows(conn, principal, todo, shown_only=shown_only, tags=True)
        else:
            fresh = _rows(conn, principal, todo, shown_only=shown_only)
            flag_map = flags_for(conn, [r.id for r in fresh]) if flags_for and fresh else {}
            for r in fresh:
                r.flags = flag_map.get(r.id, [])
        for r in fresh:
            if self.on:
                self.cache.keep(self.head, ("row", self.reader, r.id), (_frozen(r),))
        by_id = {r.id: r for r in fresh}
        return [_thawed(kept[i]) if i in kept else by_id[i] for i in ids if i in kept or i in by_id]


def _frozen(r: PersonRow) -> tuple[Any, ...]:
    return (r.id, r.ext_id, r.name, r.birth_date, r.region, r.sensitivity, tuple(r.statuses), tuple(r.articles),
            tuple(r.flags), r.score)


def _thawed(r: tuple[Any, ...]) -> PersonRow:
    return PersonRow(r[0], r[1], r[2], r[3], r[4], r[5], list(r[6]), list(r[7]), list(r[8]), r[9])


def _search(conn: Connection, principal: Principal, f: PersonFilters, limit: int, flags_for: FlagSource | None,
            memo: _Memo) -> list[PersonRow]:
    scores: dict[int, float] = {}
    if f.text.strip():
        scores = {int(h.person_id): float(h.score) for h in search_on(
            conn, memo.head, text=f.text.strip(), limit=max(limit * 2, 40), transliterate=f.transliterate,
            explain=False, sensitivities=restricted_to(principal))}
        if not scores:
            return []
        if not (f.region or f.status or f.facility or f.code or f.article or f.flag):
            return _ranked_rows(conn, principal, scores, limit, flags_for, memo)
    stmt = _filtered(bool(scores), bool(f.region), bool(f.status), bool(f.facility), bool(f.code),
                     bool(f.article), "" if scores else f.flag)
    scan = len(scores) if scores else (FLAG_SCAN if f.flag else limit * 4)
    ids = [r[0] for r in conn.execute(stmt, _filter_values(principal, f, list(scores) if scores else None, scan))]
    if scores:
        ids.sort(key=lambda i: -scores[i])
    if f.flag:  # screen every candidate to filter by flag; otherwise only the rows shown
        flag_map = flags_for(conn, ids) if flags_for else {}
        ids = [i for i in ids if f.flag in flag_map.get(i, [])][:limit]
        rows = _rows(conn, principal, ids)
        for r in rows:
            r.flags = flag_map.get(r.id, [])
    else:
        rows = memo.rows(conn, principal, ids[:limit], flags_for)
    for r in rows:
        r.score = scores.get(r.id)
    return rows


def _ranked_rows(conn: Connection, principal: Principal, scores: dict[int, float], limit: int,
                 flags_for: FlagSource | None, memo: _Memo) -> list[PersonRow]:
    """The best ``limit`` text candidates as rows, without a filter query: the rows' own query keeps only
    live persons the principal may see (the matcher found no others; one may have changed since)."""
    ranked = sorted(scores, key=lambda i: (-scores[i], i))
    rows: list[PersonRow] = []
    at = 0
    while len(rows) < limit and at < len(ranked):
        want = ranked[at:at + limit - len(rows)]
        at += len(want)
        rows += memo.rows(conn, principal, want, flags_for, shown_only=True)
    for r in rows:
        r.score = scores[r.id]
    return rows


_ROW_PERSONS = (select(persons.c.id, persons.c.ext_id, persons.c.birth_date, persons.c.region,
                       persons.c.sensitivity, persons.c.citizenship, person_names.c.full, person_names.c.kind)
                .outerjoin(person_names, person_names.c.person_id == persons.c.id)
                .where(persons.c.id.in_(ids_param())).order_by(person_names.c.id))
_ROW_SHOWN = _ROW_PERSONS.where(persons.c.deleted_at.is_(None), visible_param(persons.c.sensitivity))
_ROW_CASES = (select(cases.c.person_id, cases.c.status, charges.c.code, charges.c.article)
              .outerjoin(charges, charges.c.case_id == cases.c.id)
              .where(cases.c.person_id.in_(ids_param()), cases.c.deleted_at.is_(None),
                     visible_param(cases.c.sensitivity)))
# the visible cases as screening reads them (its columns and order), for the rows and their flag tags
_ROW_CASES_FLAGGED = CASES_OF_PERSONS.where(visible_param(cases.c.sensitivity))


def _rows(conn: Connection, principal: Principal, ids: list[int], *, shown_only: bool = False,
          tags: bool = False) -> list[PersonRow]:
    """Display rows for ``ids`` in two queries: persons with their names, visible cases with charges
    (``shown_only``: only the live persons the principal may see among ``ids``). With ``tags``, each row's
    flags are the tags of its visible cases' screening flags (``VisibleFlagTags``), from the same read."""
    if not ids:
        return []
    base: dict[int, Any] = {}
    primary: dict[int, str] = {}
    first: dict[int, str] = {}
    visible = visible_values(principal)
    for r in conn.execute(_ROW_SHOWN, {"ids": ids, "visible": visible}) if shown_only else \
            conn.execute(_ROW_PERSONS, {"ids": ids}):
        base.setdefault(r.id, r)
        if r.full is not None:
            first.setdefault(r.id, r.full)
            if r.kind == "primary":
                primary.setdefault(r.id, r.full)
    statuses: dict[int, set[str]] = {}
    articles: dict[int, set[str]] = {}
    params = {"ids": list(base), "visible": visible}
    found = list(conn.execute(_ROW_CASES_FLAGGED if tags else _ROW_CASES, params)) if base else []
    for c in found:
        if c.status:
            statuses.setdefault(c.person_id, set()).add(c.status)
        if c.code is not None:
            articles.setdefault(c.person_id, set()).add(f"{c.code} {c.article}")
    rows = [PersonRow(i, base[i].ext_id, primary.get(i) or first.get(i, ""), base[i].birth_date, base[i].region,
                      base[i].sensitivity, sorted(statuses.get(i, ())), sorted(articles.get(i, ())))
            for i in ids if i in base]
    if tags:
        by_person: dict[int, dict[int, Any]] = {}
        add_case_rows(by_person, cast(list[CaseRow], found), base)
        for row in rows:
            row.flags = tags_of(person_flags(by_person.get(row.id, {}), citizenship_of(base[row.id].citizenship)))
    return rows


def filter_choices(engine: Engine, principal: Principal) -> dict[str, list[str]]:
    """The values offered in the search form's filter lists: those of the live cases the principal may see
    of the live persons they may see (a code or status only a hidden record has is not offered).

    Read through indexes, as the search page asks on every load: the distinct values one index seek at a time
    (ix_cases_status, ix_charges_code_article), each kept when a case that shows it exists (a query that
    stops at its first row). Reading every case took 13 s at a million persons on SQLite, 3 s on PostgreSQL.
    A value of hidden or deleted records only costs a read of those records."""
    visible = visible_values(principal)
    with engine.connect() as conn:
        return {"status": [v for v in _values(conn, cases.c.status, "") if conn.execute(
                    _STATUS_SHOWN, {"value": v, "visible": visible}).first() is not None],
                "code": [v for v in _values(conn, charges.c.code, None) if conn.execute(
                    _CODE_SHOWN, {"value": v, "visible": visible}).first() is not None]}


def _values(conn: Connection, column: Any, after: str | None) -> list[str]:
    """The distinct values of an indexed ``column`` above ``after`` (None: all of them), in the index's order:
    one seek per value (a skip scan), not a read of every row."""
    out: list[str] = []
    first = select(column).order_by(column).limit(1)
    nxt = select(column).where(column > bindparam("after")).order_by(column).limit(1)
    value = conn.execute(first).scalar() if after is None else conn.execute(nxt, {"after": after}).scalar()
    while value is not None:
        out.append(value)
        value = conn.execute(nxt, {"after": value}).scalar()
    return out


_SHOWN = (cases.c.deleted_at.is_(None), persons.c.deleted_at.is_(None),
          visible_param(cases.c.sensitivity), visible_param(persons.c.sensitivity))
_STATUS_SHOWN = (select(cases.c.id).select_from(cases.join(persons, persons.c.id == cases.c.person_id))
                 .where(cases.c.status == bindparam("value"), *_SHOWN).limit(1))
_CODE_SHOWN = (select(charges.c.id).select_from(charges.join(cases, cases.c.id == charges.c.case_id)
                                                .join(persons, persons.c.id == cases.c.person_id))
               .where(charges.c.code == bindparam("value"), *_SHOWN).limit(1))
