"""Finding persons: a text query (via the matching service) narrowed by filters, for one principal.

Filters: case status, criminal-code article, region, facility, screening flag. Every result is
limited to the sensitivities the principal may see (services/access.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Connection, Engine, Select, func, or_, select, tuple_

from kartoteka.catalogs.loader import article_index
from kartoteka.db.tables import cases, charges, person_names, persons
from kartoteka.services.access import Principal, visible_clause
from kartoteka.services.matching import search_persons

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


def _text_candidates(engine: Engine, text: str, *, transliterate: bool, limit: int) -> list[tuple[int, float]]:
    """(person id, score) best first, from the matching service's search (which keeps the matcher)."""
    return [(int(h.person_id), float(h.score))
            for h in search_persons(engine, text=text, limit=limit, transliterate=transliterate)
            if h.person_id is not None]


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    """Case-insensitive substring match that also works for Cyrillic on SQLite (whose lower() is ASCII-only)."""
    t = text.strip()
    variants = {t, t.lower(), t.upper(), t.capitalize(), t.title()}
    return or_(func.lower(column).contains(t.lower()), *(column.contains(v) for v in variants))


def flag_articles(tag: str) -> list[tuple[str, str]] | None:
    """Catalogued (code, article) pairs whose charges can raise ``tag``: a superset that narrows a
    flag search before screening decides. None when the tag does not come from articles (caveats)."""
    found = [key for key, art in article_index().items()
             if tag in art.tags or (tag == "violence" and art.violence.value != "none")]
    return found or None


def _filtered(principal: Principal, f: PersonFilters, candidates: list[int] | None) -> Select[Any]:
    """Visible, live persons passing the filters; among ``candidates`` when a text search chose them."""
    stmt = select(persons.c.id).where(persons.c.deleted_at.is_(None), visible_clause(principal, persons.c.sensitivity))
    if candidates is not None:
        stmt = stmt.where(persons.c.id.in_(candidates))
    if f.region:
        stmt = stmt.where(_contains(persons.c.region, f.region))
    articles = flag_articles(f.flag) if f.flag and candidates is None else None
    if f.status or f.facility or f.code or f.article or articles:
        case_q = select(cases.c.person_id).where(cases.c.deleted_at.is_(None),
                                                  visible_clause(principal, cases.c.sensitivity))
        if candidates is not None:
            case_q = case_q.where(cases.c.person_id.in_(candidates))
        if f.status:
            case_q = case_q.where(cases.c.status == f.status)
        if f.facility:
            case_q = case_q.where(_contains(cases.c.facility, f.facility))
        if f.code or f.article:
            case_q = case_q.join(charges, charges.c.case_id == cases.c.id)
            if f.code:
                case_q = case_q.where(charges.c.code == f.code.upper())
            if f.article:
                case_q = case_q.where(charges.c.article == f.article)
        if articles:
            case_q = case_q.join(charges, charges.c.case_id == cases.c.id) if not (f.code or f.article) else case_q
            case_q = case_q.where(tuple_(charges.c.code, charges.c.article).in_(articles))
        stmt = stmt.where(persons.c.id.in_(case_q))
    return stmt


FlagSource = Callable[[Connection, list[int]], dict[int, list[str]]]


def search(engine: Engine, principal: Principal, filters: PersonFilters, *, limit: int = 50,
           flags_for: FlagSource | None = None) -> list[PersonRow]:
    """Persons matching ``filters`` that ``principal`` may see; best text matches first."""
    limit = max(1, min(limit, MAX_LIMIT))
    scores: dict[int, float] = {}
    if filters.text.strip():
        scores = dict(_text_candidates(engine, filters.text.strip(), transliterate=filters.transliterate,
                                       limit=max(limit * 2, 40)))
        if not scores:
            return []
    with engine.connect() as conn:
        stmt = _filtered(principal, filters, list(scores) if scores else None)
        scan = None if scores else (FLAG_SCAN if filters.flag else limit * 4)
        ids = [r[0] for r in conn.execute(stmt.order_by(persons.c.id).limit(scan))]
        if scores:
            ids.sort(key=lambda i: -scores[i])
        if filters.flag:  # screen every candidate to filter by flag; otherwise only the rows shown
            flag_map = flags_for(conn, ids) if flags_for else {}
            ids = [i for i in ids if filters.flag in flag_map.get(i, [])][:limit]
        else:
            ids = ids[:limit]
            flag_map = flags_for(conn, ids) if flags_for else {}
        rows = _rows(conn, principal, ids)
    for r in rows:
        r.flags = flag_map.get(r.id, [])
        r.score = scores.get(r.id)
    return rows


def _rows(conn: Connection, principal: Principal, ids: list[int]) -> list[PersonRow]:
    """Display rows for ``ids`` in two queries: persons with their names, visible cases with charges."""
    if not ids:
        return []
    base: dict[int, Any] = {}
    primary: dict[int, str] = {}
    first: dict[int, str] = {}
    for r in conn.execute(select(persons.c.id, persons.c.ext_id, persons.c.birth_date, persons.c.region,
                                 persons.c.sensitivity, person_names.c.full, person_names.c.kind)
                          .outerjoin(person_names, person_names.c.person_id == persons.c.id)
                          .where(persons.c.id.in_(ids)).order_by(person_names.c.id)):
        base.setdefault(r.id, r)
        if r.full is not None:
            first.setdefault(r.id, r.full)
            if r.kind == "primary":
                primary.setdefault(r.id, r.full)
    statuses: dict[int, set[str]] = {}
    articles: dict[int, set[str]] = {}
    for c in conn.execute(select(cases.c.person_id, cases.c.status, charges.c.code, charges.c.article)
                          .outerjoin(charges, charges.c.case_id == cases.c.id)
                          .where(cases.c.person_id.in_(ids), cases.c.deleted_at.is_(None),
                                 visible_clause(principal, cases.c.sensitivity))):
        if c.status:
            statuses.setdefault(c.person_id, set()).add(c.status)
        if c.code is not None:
            articles.setdefault(c.person_id, set()).add(f"{c.code} {c.article}")
    return [PersonRow(i, base[i].ext_id, primary.get(i) or first.get(i, ""), base[i].birth_date, base[i].region,
                      base[i].sensitivity, sorted(statuses.get(i, ())), sorted(articles.get(i, ())))
            for i in ids if i in base]


def filter_choices(engine: Engine, principal: Principal) -> dict[str, list[str]]:
    """The values offered in the search form's filter lists."""
    with engine.connect() as conn:
        st = conn.execute(select(cases.c.status).distinct().where(
            cases.c.status != "", visible_clause(principal, cases.c.sensitivity)).order_by(cases.c.status))
        codes = conn.execute(select(charges.c.code).distinct().order_by(charges.c.code))
        return {"status": [r[0] for r in st], "code": [r[0] for r in codes]}
