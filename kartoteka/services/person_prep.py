"""Person rows parsed and keyed apart from writing them: the pure half of a persons import.

Parsing a row (names, dates, the snapshot and its hash) and computing a new person's stored name keys
(services/name_index.py ``record_keys``) need no database, so a large import hands chunks of rows to a
pool of processes (``prepared``) while the importing process writes the chunks before them. The pool
returns exactly what the same functions return in the importing process, in the same order, so a pooled
import writes the same rows, keys and errors as an inline one; the writing stays one transaction.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from kartoteka.errors import ErrorCollector, RowError
from kartoteka.matching.engine import PersonRecord, _birth, _split_if_needed
from kartoteka.services import rows as rowparse

Chunk = list[tuple[int, dict[str, str]]]
Keys = tuple[set[int], set[tuple[str, str]]]   # record_keys: a person's stored keys, its surname variants
POOL_ROWS = 20_000    # a file with fewer rows is prepared inline (starting a pool costs about a second)


@dataclass
class PersonRow:
    """A validated person row: table values, names, and the JSON snapshot that is both the row's
    hash source and its audit entry."""

    values: dict[str, Any]
    names: list[dict[str, str]]
    snapshot: str


@dataclass
class PreparedChunk:
    """A chunk's rows as (row number, id cell, parsed person or None), the stored keys of each parsed
    person whose row hash is not already in the registry (None otherwise), and the chunk's row errors."""

    rows: list[tuple[int, str, PersonRow | None]]
    keys: list[Keys | None]
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


def prepare_chunk(chunk: Chunk, fields: dict[str, str], file: str, known: frozenset[str]) -> PreparedChunk:
    """Parse a chunk and key the persons it may create (rows whose hash is in ``known``, the registry's
    row hashes, are unchanged and need no keys)."""
    from kartoteka.services.name_index import record_keys

    errors = ErrorCollector(file)
    rows = parse_person_chunk(chunk, fields, errors)
    keys: list[Keys | None] = [
        None if p is None or p.values["row_hash"] in known else record_keys(person_record(0, p))
        for _, _, p in rows]
    return PreparedChunk(rows, keys, errors.errors)


_KNOWN: frozenset[str] = frozenset()


def _init(known: frozenset[str]) -> None:
    global _KNOWN
    _KNOWN = known


def _pooled(chunk: Chunk, fields: dict[str, str], file: str) -> PreparedChunk:
    return prepare_chunk(chunk, fields, file, _KNOWN)


def pool_size(rows: int | None, workers: int) -> int:
    """Processes to prepare ``rows`` rows with: ``workers`` (0: one per core, at most 4), none for a small
    file or when this process may not start any (KARTOTEKA_IMPORT_WORKERS=1 turns the pool off)."""
    env = os.environ.get("KARTOTEKA_IMPORT_WORKERS", "").strip()
    if env.isdigit():
        workers = int(env)
    if workers == 0:
        workers = min(4, os.cpu_count() or 1)
    if workers <= 1 or rows is None or rows < POOL_ROWS or multiprocessing.current_process().daemon:
        return 0
    return workers


def prepared(chunks: Iterator[Chunk], fields: dict[str, str], file: str, known: frozenset[str], *,
             processes: int) -> Iterator[tuple[Chunk, PreparedChunk]]:
    """Each chunk with its PreparedChunk, in order: inline, or by ``processes`` processes that work up to
    two chunks each ahead of the caller (the rest of the file is not read ahead)."""
    if processes <= 0:
        for chunk in chunks:
            yield chunk, prepare_chunk(chunk, fields, file, known)
        return
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["kartoteka.services.person_prep", "kartoteka.services.name_index"])
    with ProcessPoolExecutor(processes, mp_context=ctx, initializer=_init, initargs=(known,)) as pool:
        ahead: deque[tuple[Chunk, Future[PreparedChunk]]] = deque()
        submit: Callable[[Chunk], Future[PreparedChunk]] = lambda c: pool.submit(_pooled, c, fields, file)
        for chunk in chunks:
            ahead.append((chunk, submit(chunk)))
            if len(ahead) > 2 * processes:
                done, future = ahead.popleft()
                yield done, future.result()
        while ahead:
            done, future = ahead.popleft()
            yield done, future.result()
