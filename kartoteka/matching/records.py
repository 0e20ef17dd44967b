"""Persons read from the database as the matcher sees them (all, or a set of ids, in chunks)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator

from sqlalchemy import Connection, select

from kartoteka.db.bulk import driver_rows, in_values, mark
from kartoteka.db.tables import person_names, persons
from kartoteka.matching.engine import PersonRecord, _birth, _split_if_needed

CHUNK = 500


def load_records(conn: Connection, ids: Iterable[int] | None, *,
                 sensitivities: Collection[str] | None = None) -> dict[int, PersonRecord]:
    """Non-deleted persons (all, or those in ``ids``; only those of these ``sensitivities`` when given)
    with their names in the order Matcher.from_engine reads them."""
    recs: dict[int, PersonRecord] = {}
    for chunk in chunks(ids):
        if chunk is not None:   # a few persons (a search's candidates): plain driver SQL, cheaper to send
            _load_chunk(conn, chunk, sensitivities, recs)
            continue
        stmt = select(persons.c.id, persons.c.ext_id, persons.c.gender, persons.c.birth_date).where(
            persons.c.deleted_at.is_(None))
        if sensitivities is not None:
            stmt = stmt.where(persons.c.sensitivity.in_(sorted(sensitivities)))
        nstmt = select(person_names.c.person_id, person_names.c.full, person_names.c.surname,
                       person_names.c.given_name, person_names.c.patronymic, person_names.c.kind)
        for pid, ext, gender, birth in conn.execute(stmt.order_by(persons.c.id)):
            recs[pid] = PersonRecord(pid, ext, gender, _birth(birth), [])
        for pid, full, s, g, p, kind in conn.execute(nstmt.order_by(person_names.c.id)):
            if pid in recs:
                recs[pid].names.append(_split_if_needed(full, s, g, p) + (kind or "",))
    return recs


def _load_chunk(conn: Connection, chunk: list[int], sensitivities: Collection[str] | None,
                recs: dict[int, PersonRecord]) -> None:
    clause, params = in_values(conn, chunk)
    shown = sorted(sensitivities) if sensitivities is not None else []
    where = f" AND sensitivity IN ({', '.join([mark(conn)] * len(shown))})" if sensitivities is not None else ""
    for pid, ext, gender, birth in driver_rows(
            conn, f"SELECT id, ext_id, gender, birth_date FROM persons WHERE deleted_at IS NULL AND id{clause}"
            f"{where} ORDER BY id", (*params, *shown)):
        recs[pid] = PersonRecord(pid, ext, gender, _birth(birth), [])
    for pid, name in name_rows(conn, chunk):
        if pid in recs:
            recs[pid].names.append(name)


def name_rows(conn: Connection, chunk: list[int]) -> list[tuple[int, tuple[str, str, str, str, str]]]:
    """The names of these persons (a chunk of ids) in the order Matcher.from_engine reads them: (person id,
    (full, surname, given name, patronymic, kind)), split where the parts were not stored."""
    clause, params = in_values(conn, chunk)
    return [(pid, _split_if_needed(full, s, g, p) + (kind or "",)) for pid, full, s, g, p, kind in driver_rows(
        conn, f'SELECT person_id, "full", surname, given_name, patronymic, kind FROM person_names '
        f"WHERE person_id{clause} ORDER BY id", params)]


def chunks(ids: Iterable[int] | None) -> Iterator[list[int] | None]:
    if ids is None:
        yield None
        return
    items = sorted(set(ids))
    for i in range(0, len(items), CHUNK):
        yield items[i:i + CHUNK]
