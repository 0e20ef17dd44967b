"""A long list matched by several processes at once, each through the stored index.

Every list row is matched on its own (the matcher's caches only save work), so chunks of rows can go
to several processes, each with its own read connection and ListMatcher (matching/stored_list.py),
and the results come back in row order: the same results as one process gives, in less wall time when
other cores are free, for more CPU time in all (each process loads the persons its rows find). By
default a list of 2,000 rows or more is shared with forked copies of this process (kartoteka/forked.py:
one per core, ``KARTOTEKA_FORK_WORKERS``; never in a web job, a web worker or a thread);
``KARTOTEKA_MATCH_WORKERS`` (2 or more) asks for a pool of spawned processes instead. Neither for a
short list or an in-memory database.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine

from kartoteka.forked import fork_map, fork_workers, in_order
from kartoteka.matching.config import DEFAULT, MatchSettings
from kartoteka.matching.engine import MatchResult, NameQuery
from kartoteka.matching.stored_list import ListIndex, ListMatcher
from kartoteka.names.keys import token_keys, tokens

if TYPE_CHECKING:
    from concurrent.futures import Future

POOL_ROWS = 2000   # a shorter list is matched inline (starting the pool costs about a second of CPU)
CHUNK = 500        # rows per task of a spawned pool
FORK_CHUNK = 2000  # rows per chunk of the forked copies, the last ones smaller (forked.chunks). Fewer, longer
                   # chunks split fewer surnames between the processes, which then both load their persons: at
                   # 1M, 10,000 rows took 36.3-38.0 s of CPU and 19.2-20.0 s with 2,000 against 37.1-39.8 s and
                   # 19.6-21.0 s with 500 (and 250: 39-42 s of CPU)
Progress = Callable[[int, int], None]


def pool_size(engine: Engine, rows: int) -> int:
    """Processes to match ``rows`` rows with (0: inline): ``KARTOTEKA_MATCH_WORKERS`` (default 1: none; on
    the shared 2-core machine two processes took 1.4x the CPU time of one, each loading the persons its rows
    find and keeping its own caches); none for a short list, an in-memory database, or a daemon process."""
    env = os.environ.get("KARTOTEKA_MATCH_WORKERS", "").strip()
    workers = min(int(env), os.cpu_count() or 1) if env.isdigit() else 1
    if workers <= 1 or rows < POOL_ROWS or multiprocessing.current_process().daemon or _in_memory(engine):
        return 0
    return workers


def forks_for(engine: Engine, rows: int) -> int:
    """Processes (this one included: 1 for none) that share ``rows`` rows through the stored index when no
    spawned pool does (``pool_size``): forked copies of this one (kartoteka/forked.py), each reading through
    a connection of its own, so not for an in-memory database or a short list."""
    return 1 if _in_memory(engine) else fork_workers(rows, minimum=POOL_ROWS)


def _in_memory(engine: Engine) -> bool:
    """An in-memory SQLite database: another process cannot open it."""
    db = engine.url.database or ""
    return engine.url.get_backend_name() == "sqlite" and (not db or db == ":memory:" or db.startswith("file:"))


_STATE: dict[str, Any] = {}


def _match_chunk(url: str, settings: MatchSettings, sensitivities: list[str] | None,
                 queries: list[NameQuery]) -> list[MatchResult]:
    """In a pool process: the chunk's results through this process's ListMatcher (kept for its next
    chunks: the persons it loaded are shared by them)."""
    from multiprocessing.util import Finalize

    from kartoteka.db.engine import make_engine

    key = repr((url, settings, sensitivities))
    if _STATE.get("key") != key:
        engine = make_engine(url)
        conn = engine.connect()
        Finalize(conn, conn.close, exitpriority=10)
        _STATE.update(key=key, matcher=ListMatcher(conn, settings=settings, sensitivities=sensitivities))
    matcher: ListMatcher = _STATE["matcher"]
    return matcher.match_many(queries)


def match_pooled(engine: Engine, queries: Sequence[NameQuery], *, settings: MatchSettings, processes: int,
                 sensitivities: list[str] | None = None, progress: Progress | None = None) -> list[MatchResult]:
    """The results of ``queries`` (in order), matched by ``processes`` processes in chunks of rows."""
    from concurrent.futures import ProcessPoolExecutor

    from kartoteka.services.parent_watch import exit_with

    url = engine.url.render_as_string(hide_password=False)
    # spawned, not forked: the caller may run threads (a progress bar, a web server), and spawned workers
    # are this process's own children, so their CPU time is counted as its own (a fork server's are not)
    ctx = multiprocessing.get_context("spawn")
    out: list[MatchResult] = []
    with ProcessPoolExecutor(processes, mp_context=ctx, initializer=exit_with, initargs=(os.getpid(),)) as pool:
        futures: list[Future[list[MatchResult]]] = [
            pool.submit(_match_chunk, url, settings, sensitivities, list(queries[i:i + CHUNK]))
            for i in range(0, len(queries), CHUNK)]
        for future in futures:
            out += future.result()
            if progress:
                progress(len(out), len(queries))
    return out


class PooledMatcher(ListMatcher):
    """A ListMatcher on ``conn`` whose ``match_many`` hands the rows to ``processes`` processes (none: it
    matches them itself); one row at a time (``match``) it answers itself."""

    def __init__(self, conn: Connection, engine: Engine, *, processes: int, settings: MatchSettings = DEFAULT,
                 sensitivities: list[str] | None = None) -> None:
        super().__init__(conn, settings=settings, sensitivities=sensitivities)
        self.engine, self.processes = engine, processes

    def match_many(self, qs: Sequence[NameQuery], progress: Progress | None = None) -> list[MatchResult]:
        forks = 1 if self.processes else forks_for(self.engine, len(qs))
        if not self.processes and forks <= 1:
            return super().match_many(qs, progress)
        order = self.by_surname(qs)
        rows = [qs[i] for i in order]
        if self.processes:
            results = match_pooled(self.engine, rows, settings=self.settings, processes=self.processes,
                                   sensitivities=self.sensitivities, progress=progress)
        else:
            results = fork_map(self._forked(), rows, processes=forks, progress=progress, chunk=FORK_CHUNK)
        return in_order(order, results)

    def _forked(self) -> Callable[[Sequence[NameQuery]], list[MatchResult]]:
        """The work of kartoteka/forked.py's processes: here, this matcher's rows; in a forked copy, those
        of a ListMatcher of its own on a connection of its own (the one inherited belongs to this process)."""
        me, url = os.getpid(), self.engine.url.render_as_string(hide_password=False)
        own: list[ListMatcher] = []

        def work(chunk: Sequence[NameQuery]) -> list[MatchResult]:
            if os.getpid() == me:
                return ListMatcher.match_many(self, chunk)
            if not own:
                from kartoteka.db.engine import make_engine

                own.append(ListMatcher(make_engine(url).connect(), settings=self.settings,
                                       sensitivities=self.sensitivities))
            return own[0].match_many(chunk)
        return work

    def by_surname(self, qs: Sequence[NameQuery]) -> list[int]:
        """Row numbers ordered by the first registry surname of each row's words: rows of one surname find
        the same persons, so a process that gets them together loads those persons once."""
        # the keys of each word (as query_units' one-word units have them; not its joined neighbours, whose
        # keys cost as much to compute and are not needed to order the rows)
        words = [[k for w in tokens(q.name) if w for k in sorted(token_keys(w))] for q in qs]
        index = self.index
        assert isinstance(index, ListIndex)
        surnames = index.existing({k for w in words for k in w})
        first = [min((k for k in w if k in surnames), default="") for w in words]
        return sorted(range(len(qs)), key=lambda i: first[i])
