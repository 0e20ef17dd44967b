"""Who holds whom: a person's custody (history with sources), category and the recognitions other
organisations have published. Record changes go through the audit log; the latest custody record
(by ``since``, then id) and the latest category record are the current ones.

Imported recognitions are provenance, not decisions: they name the organisation, the statement and
its date, with the importing user as actor; only a reviewer or an administrator records them, and they
never touch an assessment (a decision by this organisation still takes two people).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Connection, Engine, select

from kartoteka.catalogs import definition_ids
from kartoteka.catalogs.custody import load_categories, load_custody_vocabulary, normalise_party
from kartoteka.db import audit
from kartoteka.db.tables import custody, person_categories, persons, recognitions, sources
from kartoteka.domain.dates import parse_partial_date
from kartoteka.errors import N_, Forbidden, InvalidInput, Message, reason_of
from kartoteka.services.evidence import check_source_url
from kartoteka.services.persons import resolve_person_id

CHUNK = 5000
RECOGNITION_ROLES = ("reviewer", "admin")


@dataclass(frozen=True)
class CustodyRecord:
    id: int
    held_by: str
    state: str
    place: str = ""
    since: str = ""
    confirmed_on: str = ""
    source: str = ""
    confirmed_source: str = ""
    note: str = ""
    by: str = ""

    @property
    def custody(self) -> str:      # the same name as in a report row's context
        return self.state

    @property
    def in_custody(self) -> bool:
        found = load_custody_vocabulary().states.get(self.state)
        return bool(found and found.in_custody)

    @property
    def warning(self) -> str:
        found = load_custody_vocabulary().states.get(self.state)
        return found.warning if found else ""


@dataclass(frozen=True)
class CategoryRecord:
    id: int
    category: str
    definition_id: str = ""
    source: str = ""
    note: str = ""
    by: str = ""


@dataclass(frozen=True)
class Recognition:
    id: int
    organisation: str
    definition_id: str
    statement: str
    stated_on: str
    actor: str

    def label(self) -> str:
        return f"{self.organisation} ({self.stated_on})" if self.stated_on else self.organisation


@dataclass
class PersonCustody:
    """Everything the person page shows: custody history (newest first), categories, recognitions."""
    history: list[CustodyRecord] = field(default_factory=list)
    categories: list[CategoryRecord] = field(default_factory=list)
    recognitions: list[Recognition] = field(default_factory=list)

    @property
    def current(self) -> CustodyRecord | None:
        return self.history[0] if self.history else None

    @property
    def category(self) -> CategoryRecord | None:
        return self.categories[0] if self.categories else None


def _date(text: str, what: str) -> str | None:
    try:
        return parse_partial_date(text.strip()).iso() if text.strip() else None
    except ValueError as exc:
        raise InvalidInput.of(N_("%(what)s: '%(text)s' is not a date (%(error)s)"), what=Message(what), text=text,
                              error=reason_of(exc)) from exc


def check_state(state: str) -> str:
    value = state.strip().lower().replace(" ", "_").replace("-", "_")
    if value not in load_custody_vocabulary().states:
        raise InvalidInput.of(N_("'%(state)s' is not a custody state (use %(states)s)"), state=state,
                              states=", ".join(load_custody_vocabulary().states))
    return value


def check_party(text: str) -> str:
    try:
        return normalise_party(text)
    except ValueError as exc:
        raise InvalidInput(reason_of(exc)) from exc


def check_category(category: str, definition_id: str) -> tuple[str, str]:
    value = category.strip().lower().replace(" ", "_")
    found = load_categories().get(value)
    if found is None:
        raise InvalidInput.of(N_("'%(category)s' is not a category (use %(categories)s)"), category=category,
                              categories=", ".join(load_categories()))
    if definition_id and definition_id not in definition_ids():
        raise InvalidInput.of(N_("unknown definition '%(definition)s' (known: %(known)s)"), definition=definition_id,
                              known=", ".join(definition_ids()))
    if found.needs_definition and not definition_id:
        raise InvalidInput.of(N_("the category '%(category)s' names the definition it is under (e.g. guidelines-2013)"),
                              category=value)
    return value, definition_id


def source_id(conn: Connection, url: str, actor: str, *, person_id: int | None = None) -> int | None:
    """The source with this URL or document reference, registered on first use; None for none. An
    address is http:// or https:// only (the rule of a source added by hand). A source cited for a
    person is held at least as closely as the person: a confidential person's source is confidential."""
    ref = url.strip()
    if not ref:
        return None
    if urlsplit(ref).scheme:
        ref = check_source_url(ref)
    from kartoteka.services.access import SENSITIVITIES   # (access reaches this module through its imports)

    level = "internal"
    if person_id is not None:
        held = conn.execute(select(persons.c.sensitivity).where(persons.c.id == person_id)).scalar()
        if held in SENSITIVITIES and SENSITIVITIES.index(held) > SENSITIVITIES.index(level):
            level = str(held)
    allowed = SENSITIVITIES[SENSITIVITIES.index(level):]
    found = conn.execute(select(sources.c.id).where(sources.c.url == ref, sources.c.deleted_at.is_(None),
                                                    sources.c.sensitivity.in_(allowed))
                         .order_by(sources.c.id)).scalar()
    if found is not None:
        return int(found)
    return audit.create_record(conn, sources, "source", {"url": ref, "title": "", "sensitivity": level},
                               actor=actor)


def custody_values(*, held_by: str, state: str, place: str = "", since: str = "", confirmed_on: str = "",
                   note: str = "") -> dict[str, Any]:
    """Checked column values of a custody record (without its sources)."""
    return {"held_by": check_party(held_by), "state": check_state(state), "place": place.strip(),
            "since": _date(since, N_("since")), "confirmed_on": _date(confirmed_on, N_("confirmed on")), "note": note.strip()}


def insert_custody(conn: Connection, *, person_id: int, values: dict[str, Any], actor: str, source: str = "",
                   confirmed_source: str = "", batch: str | None = None) -> int:
    row = dict(values, person_id=person_id, source_id=source_id(conn, source, actor, person_id=person_id),
               confirmed_source_id=source_id(conn, confirmed_source, actor, person_id=person_id))
    return audit.create_record(conn, custody, "custody", row, actor=actor, batch=batch)


def record_custody(engine: Engine, *, person: str | int, held_by: str, state: str, actor: str, place: str = "",
                   since: str = "", confirmed_on: str = "", source: str = "", confirmed_source: str = "",
                   note: str = "") -> int:
    """A new custody record (the history keeps the earlier ones); returns its id."""
    values = custody_values(held_by=held_by, state=state, place=place, since=since, confirmed_on=confirmed_on,
                            note=note)
    with engine.begin() as conn:
        pid = resolve_person_id(conn, person)
        return insert_custody(conn, person_id=pid, values=values, actor=actor, source=source,
                              confirmed_source=confirmed_source)


def set_category(engine: Engine, *, person: str | int, category: str, actor: str, definition_id: str = "",
                 source: str = "", note: str = "") -> int:
    value, definition = check_category(category, definition_id)
    with engine.begin() as conn:
        pid = resolve_person_id(conn, person)
        return audit.create_record(conn, person_categories, "person_category", {
            "person_id": pid, "category": value, "definition_id": definition,
            "source_id": source_id(conn, source, actor, person_id=pid), "note": note.strip()}, actor=actor)


def check_recognition_role(role: str) -> None:
    if role not in RECOGNITION_ROLES:
        raise Forbidden.of(N_("only a reviewer or an administrator records or imports recognitions and decisions "
                                "(your role: %(role)s)"), role=Message(role) if role else role)


def recognition_values(*, organisation: str, statement: str, stated_on: str, definition_id: str = "",
                       note: str = "") -> dict[str, Any]:
    if not organisation.strip():
        raise InvalidInput.of(N_("a recognition names the organisation that published it"))
    if not statement.strip():
        raise InvalidInput.of(N_("a recognition names its statement (a URL or a document)"))
    if not stated_on.strip():
        raise InvalidInput.of(N_("a recognition has the date of its statement"))
    if definition_id and definition_id not in definition_ids():
        raise InvalidInput.of(N_("unknown definition '%(definition)s' (known: %(known)s)"), definition=definition_id,
                              known=", ".join(definition_ids()))
    return {"organisation": organisation.strip()[:300], "statement": statement.strip(),
            "stated_on": _date(stated_on, N_("statement date")), "definition_id": definition_id, "note": note.strip()}


def add_recognition(engine: Engine, *, person: str | int, organisation: str, statement: str, stated_on: str,
                    actor: str, role: str, definition_id: str = "", note: str = "") -> int:
    """Record another organisation's published recognition of ``person`` (provenance, not a decision)."""
    check_recognition_role(role)
    values = recognition_values(organisation=organisation, statement=statement, stated_on=stated_on,
                                definition_id=definition_id, note=note)
    with engine.begin() as conn:
        pid = resolve_person_id(conn, person)
        return audit.create_record(conn, recognitions, "recognition", dict(values, person_id=pid), actor=actor)


# --- reading (bulk, for vetting and the person page) ----------------------------------------------

def _chunks(ids: Iterable[int] | None) -> list[list[int] | None]:
    if ids is None:
        return [None]
    ordered = sorted(set(ids))
    return [ordered[i:i + CHUNK] for i in range(0, len(ordered), CHUNK)]


def _urls(conn: Connection, ids: set[int]) -> dict[int, str]:
    ids.discard(0)
    if not ids:
        return {}
    return {r.id: r.url for r in conn.execute(select(sources.c.id, sources.c.url).where(sources.c.id.in_(ids)))}


def _custody_rows(conn: Connection, ids: Iterable[int] | None) -> list[Any]:
    """Custody records in the order of each person's history (undated first, then by since, then id)."""
    stmt = (select(custody).where(custody.c.deleted_at.is_(None))
            .order_by(custody.c.person_id, custody.c.since.is_(None).desc(), custody.c.since, custody.c.id))
    out: list[Any] = []
    for chunk in _chunks(ids):
        out.extend(conn.execute(stmt if chunk is None else stmt.where(custody.c.person_id.in_(chunk))))
    return out


def _custody_record(r: Any, urls: dict[int, str]) -> CustodyRecord:
    return CustodyRecord(r.id, r.held_by, r.state, r.place, r.since or "", r.confirmed_on or "",
                         urls.get(r.source_id or 0, ""), urls.get(r.confirmed_source_id or 0, ""), r.note,
                         r.updated_by)


def current_custody(conn: Connection, person_ids: Iterable[int] | None = None) -> dict[int, CustodyRecord]:
    """Each person's current custody record (``person_ids`` None: every person with one)."""
    rows = _custody_rows(conn, person_ids)
    latest: dict[int, Any] = {}
    for r in rows:
        latest[r.person_id] = r      # ordered by since, id: later rows win
    urls = _urls(conn, {x for r in latest.values() for x in (r.source_id or 0, r.confirmed_source_id or 0)})
    return {pid: _custody_record(r, urls) for pid, r in latest.items()}


def current_states(conn: Connection, *, person_ids: Iterable[int] | None = None, held_by: str | None = None,
                   states: Iterable[str] | None = None) -> dict[int, tuple[str, str]]:
    """``{person: (held_by, state)}`` of each live person's current custody, lean (no sources), for
    whole-registry questions: persons ever held by ``held_by``, or ever in one of ``states``."""
    stmt = (select(custody.c.person_id, custody.c.since, custody.c.id, custody.c.held_by, custody.c.state)
            .select_from(custody.join(persons, persons.c.id == custody.c.person_id))
            .where(custody.c.deleted_at.is_(None), persons.c.deleted_at.is_(None)))
    if held_by is not None:
        stmt = stmt.where(custody.c.person_id.in_(select(custody.c.person_id).where(
            custody.c.held_by == held_by, custody.c.deleted_at.is_(None))))
    if states is not None:
        stmt = stmt.where(custody.c.person_id.in_(select(custody.c.person_id).where(
            custody.c.state.in_(list(states)), custody.c.deleted_at.is_(None))))
    best: dict[int, tuple[tuple[bool, str, int], str, str]] = {}
    for chunk in _chunks(person_ids):
        query = stmt if chunk is None else stmt.where(custody.c.person_id.in_(chunk))
        for pid, since, rid, party, state in conn.execute(query):
            key = (since is not None, since or "", rid)        # the order of the history: latest wins
            if pid not in best or key > best[pid][0]:
                best[pid] = (key, party, state)
    return {pid: (party, state) for pid, (_k, party, state) in best.items()}


def in_custody_states() -> set[str]:
    return {s for s, v in load_custody_vocabulary().states.items() if v.in_custody}


def held_in_custody(conn: Connection, held_by: str) -> dict[int, tuple[str, str]]:
    """``{person: (party, state)}`` of live persons whose current custody is with ``held_by`` and who
    are still held."""
    held = in_custody_states()
    return {pid: (party, state) for pid, (party, state) in current_states(conn, held_by=held_by).items()
            if party == held_by and state in held}


def no_longer_held(conn: Connection) -> set[int]:
    """Persons whose current custody state says they are not held (released, exchanged, deceased ...)."""
    held = in_custody_states()
    gone = set(load_custody_vocabulary().states) - held
    return {pid for pid, (_p, state) in current_states(conn, states=gone).items() if state not in held}


def current_category_ids(conn: Connection, person_ids: Iterable[int]) -> dict[int, str]:
    """``{person: category}`` of the latest category record, lean."""
    stmt = (select(person_categories.c.person_id, person_categories.c.category)
            .where(person_categories.c.deleted_at.is_(None)).order_by(person_categories.c.id))
    out: dict[int, str] = {}
    for chunk in _chunks(person_ids):
        out.update({pid: cat for pid, cat in conn.execute(stmt.where(person_categories.c.person_id.in_(chunk or [])))})
    return out


def current_categories(conn: Connection, person_ids: Iterable[int]) -> dict[int, CategoryRecord]:
    stmt = (select(person_categories).where(person_categories.c.deleted_at.is_(None))
            .order_by(person_categories.c.person_id, person_categories.c.id))
    latest: dict[int, Any] = {}
    for chunk in _chunks(person_ids):
        for r in conn.execute(stmt.where(person_categories.c.person_id.in_(chunk or []))):
            latest[r.person_id] = r
    urls = _urls(conn, {r.source_id or 0 for r in latest.values()})
    return {pid: CategoryRecord(r.id, r.category, r.definition_id, urls.get(r.source_id or 0, ""), r.note,
                                r.updated_by) for pid, r in latest.items()}


def recognitions_of(conn: Connection, person_ids: Iterable[int]) -> dict[int, list[Recognition]]:
    stmt = (select(recognitions).where(recognitions.c.deleted_at.is_(None))
            .order_by(recognitions.c.person_id, recognitions.c.stated_on, recognitions.c.id))
    out: dict[int, list[Recognition]] = {}
    for chunk in _chunks(person_ids):
        for r in conn.execute(stmt.where(recognitions.c.person_id.in_(chunk or []))):
            out.setdefault(r.person_id, []).append(Recognition(r.id, r.organisation, r.definition_id, r.statement,
                                                               r.stated_on or "", r.created_by))
    return out


def person_custody(engine: Engine, *, person: str | int) -> PersonCustody:
    """Custody history (newest first), categories (newest first) and recognitions of one person."""
    with engine.connect() as conn:
        pid = resolve_person_id(conn, person)
        rows = _custody_rows(conn, [pid])
        urls = _urls(conn, {x for r in rows for x in (r.source_id or 0, r.confirmed_source_id or 0)})
        cats = list(conn.execute(select(person_categories).where(
            person_categories.c.person_id == pid, person_categories.c.deleted_at.is_(None))
            .order_by(person_categories.c.id.desc())))
        cat_urls = _urls(conn, {r.source_id or 0 for r in cats})
        return PersonCustody(
            [_custody_record(r, urls) for r in reversed(rows)],
            [CategoryRecord(r.id, r.category, r.definition_id, cat_urls.get(r.source_id or 0, ""), r.note,
                            r.updated_by) for r in cats],
            recognitions_of(conn, [pid]).get(pid, []))
