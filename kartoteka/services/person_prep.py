"""Person rows parsed and keyed apart from writing them: the pure half of a persons import.

Parsing a row (names, dates, the snapshot and its hash) and computing a new person's stored name keys
(services/name_index.py ``record_keys``) need no database, so a large import hands chunks of rows to a
pool of processes (services/prep_pool.py) while the importing process writes the chunks before them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from kartoteka.errors import ErrorCollector, RowError
from kartoteka.matching.engine import PersonRecord, _birth, _split_if_needed
from kartoteka.services import rows as rowparse
from kartoteka.services.prep_pool import Chunk



class PersonRow(NamedTuple):
    """A validated person row: table values, names, and the JSON snapshot that is both the row's
    hash source and its audit entry. (A tuple: the pool sends 100,000s of them, and a dataclass instance
    took a third longer to pickle and to load.)"""

    values: dict[str, Any]
    names: list[dict[str, str]]
    snapshot: str


@dataclass
class PreparedChunk:
    """A chunk's rows as (row number, id cell, parsed person or None), the stored keys of each parsed
    person whose row hash is not already in the registry (None otherwise), the surname variants of those
    persons together, and the chunk's row errors."""

    rows: list[tuple[int, str, PersonRow | None]]
    keys: list[tuple[int, ...] | None]   # tuples, not sets: cheaper to send back
    variants: set[tuple[str, str]] = field(default_factory=set)
    errors: list[RowError] = field(default_factory=list)


def person_record(person_id: int, person: PersonRow) -> PersonRecord:
    """The matcher's record of a person row as it is written (no read back)."""
    return PersonRecord(person_id, person.values["ext_id"], person.values.get("gender"),
                        _birth(person.values.get("birth_date")),
                        [_split_if_needed(n["full"], n.get("surname") or "", n.get("given_name") or "",
                                          n.get("patronymic") or "") + (n.get("kind") or "",) for n in person.names])


def parse_person_chunk(chunk: Chunk, fields: dict[str, str],
                       errors: ErrorCollector) -> list[tuple[int, str, PersonRow | None]]:
    out: list[tuple[int, str, PersonRow | None]] = []
    for row_no, raw in chunk:
        parsed = rowparse.parse_person(rowparse.RowReader(fields, raw, row_no, errors))
        person = None
        if parsed is not None:
            values, names = parsed
            snapshot = json.dumps({**values, "names": names}, ensure_ascii=False)
            values["row_hash"] = hashlib.sha256(snapshot.encode()).hexdigest()
            person = PersonRow(values, names, snapshot)
        out.append((row_no, raw.get(fields["id"], "").strip(), person))
    return out


def prepare_chunk(chunk: Chunk, known: frozenset[str], *, fields: dict[str, str], file: str) -> PreparedChunk:
    """Parse a chunk and key the persons it may create (rows whose hash is in ``known``, the registry's
    row hashes, are unchanged and need no keys). Run by services/prep_pool.py ``prepared``."""
    from kartoteka.services.name_index import record_keys, storable

    errors = ErrorCollector(file)
    rows = parse_person_chunk(chunk, fields, errors)
    keys: list[tuple[int, ...] | None] = []
    variants: set[tuple[str, str]] = set()
    for _, _, person in rows:
        if person is None or person.values["row_hash"] in known:
            keys.append(None)
            continue
        mine, vs = record_keys(person_record(0, person))
        keys.append(tuple(mine))
        variants |= vs
    return PreparedChunk(rows, keys, storable(variants), errors.errors)
