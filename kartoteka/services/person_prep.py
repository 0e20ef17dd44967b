"""Person rows parsed and keyed apart from writing them: the pure half of a persons import.

Parsing a row (names, dates, the snapshot and its hash) and computing a new person's stored name keys
(services/name_index.py ``record_keys``) need no database, so a large import hands chunks of rows to a
pool of processes (services/prep_pool.py) while the importing process writes the chunks before them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, NamedTuple, cast

from kartoteka.errors import ErrorCollector, RowError
from kartoteka.matching.engine import PersonRecord, _birth, _split_if_needed
from kartoteka.matching.tokens import Token
from kartoteka.services import rows as rowparse
from kartoteka.services.prep_pool import Chunk, unsent
from kartoteka.tabular.slashed import SlashedOrder



PERSON_COLUMNS = ("ext_id", "gender", "birth_date", "birth_precision", "citizenship", "region", "sensitivity",
                  "row_hash")   # a parsed row's values (rows.parse_person's, then its hash), in this order
NAME_COLUMNS = ("kind", "full", "surname", "given_name", "patronymic", "script", "lang")   # rows._name_record's


class PersonRow(NamedTuple):
    """A validated person row: its PERSON_COLUMNS values, its names' NAME_COLUMNS values, and the JSON
    snapshot that is both the row's hash source and its audit entry. Tuples of values, not dicts: the pool
    sends 100,000s of them (a dict's keys are pickled and loaded again with every row), and the importing
    process writes them as they are (``values`` and ``names`` give the dicts where a row is updated)."""

    row: tuple[Any, ...]
    name_rows: tuple[tuple[str, ...], ...]
    snapshot: str

    @property
    def values(self) -> dict[str, Any]:
        return dict(zip(PERSON_COLUMNS, self.row))

    @property
    def names(self) -> list[dict[str, str]]:
        return [dict(zip(NAME_COLUMNS, n)) for n in self.name_rows]

    @property
    def gender(self) -> str | None:
        return cast(str | None, self.row[1])

    @property
    def ext_id(self) -> str:
        return cast(str, self.row[0])

    @property
    def birth_date(self) -> str | None:
        return cast(str | None, self.row[2])

    @property
    def row_hash(self) -> str:
        return cast(str, self.row[7])


@dataclass
class PreparedChunk:
    """A chunk's rows as (row number, id cell, parsed person or None), the stored keys of each parsed
    person whose row hash is not already in the registry (None otherwise), the surname variants of those
    persons together (less those of the surnames a pool process sent with an earlier chunk: prep_pool.unsent;
    the importing process writes every chunk's, whatever its rows turn out to be), and the chunk's row errors."""

    rows: list[tuple[int, str, PersonRow | None]]
    keys: list[tuple[int, ...] | None]   # tuples, not sets: cheaper to send back
    variants: set[tuple[str, str]] = field(default_factory=set)
    errors: list[RowError] = field(default_factory=list)


def person_record(person_id: int, person: PersonRow) -> PersonRecord:
    """The matcher's record of a person row as it is written (no read back)."""
    return PersonRecord(person_id, person.ext_id, person.gender, _birth(person.birth_date),
                        [_split_if_needed(full, surname, given, patronymic) + (kind,)
                         for kind, full, surname, given, patronymic, _, _ in person.name_rows])


def parse_person_chunk(chunk: Chunk, fields: dict[str, str], errors: ErrorCollector,
                       orders: dict[str, SlashedOrder] | None = None) -> list[tuple[int, str, PersonRow | None]]:
    """``orders``: the order each date column writes its slashed dates in, decided for the whole file before
    its chunks are parsed (tabular/slashed.py ``file_orders``)."""
    out: list[tuple[int, str, PersonRow | None]] = []
    for row_no, raw in chunk:
        parsed = rowparse.parse_person(rowparse.RowReader(fields, raw, row_no, errors, orders=orders))
        person = None
        if parsed is not None:
            values, names = parsed
            snapshot = json.dumps({**values, "names": names}, ensure_ascii=False)
            values["row_hash"] = hashlib.sha256(snapshot.encode()).hexdigest()
            person = PersonRow(tuple(map(values.__getitem__, PERSON_COLUMNS)),
                               tuple(tuple(map(n.__getitem__, NAME_COLUMNS)) for n in names), snapshot)
        out.append((row_no, raw.get(fields["id"], "").strip(), person))
    return out


def prepare_chunk(chunk: Chunk, known: frozenset[str], *, fields: dict[str, str], file: str,
                  orders: dict[str, SlashedOrder] | None = None) -> PreparedChunk:
    """Parse a chunk and key the persons it may create (rows whose hash is in ``known``, the registry's
    row hashes, are unchanged and need no keys). Run by services/prep_pool.py ``prepared``."""
    from kartoteka.matching.stored_keys import token_variants
    from kartoteka.services.name_index import record_blocks, storable

    errors = ErrorCollector(file)
    rows = parse_person_chunk(chunk, fields, errors, orders)
    keys: list[tuple[int, ...] | None] = []
    surnames: set[Token] = set()
    for _, _, person in rows:
        if person is None or person.row_hash in known:
            keys.append(None)
            continue
        mine, tokens = record_blocks(person_record(0, person))
        keys.append(tuple(mine))
        surnames.update(tokens)
    return PreparedChunk(rows, keys, storable(token_variants(unsent(surnames))), errors.errors)
