"""Chunks of an import prepared by a pool of processes while the importing process writes.

The pure half of an import (parsing rows, hashing them, computing a new person's stored name keys,
parsing charge texts) needs no database. On a large file ``prepared`` hands chunks to a pool of
processes, a few ahead of the importing process, which writes each chunk in order when it is ready; the
writing stays one transaction. The pool runs the same function the importing process would run inline,
so a pooled import writes the same rows and reports the same errors as an inline one.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from kartoteka.collector import relax
from kartoteka.services.parent_watch import exit_with

Chunk = list[tuple[int, dict[str, str]]]
R = TypeVar("R")
POOL_ROWS = 20_000    # a file with fewer rows is prepared inline (starting a pool costs about a second)
_SHARED: Any = None   # in a pool process: the data every chunk needs (the registry's row hashes, ids ...)
_SENT: set[Any] | None = None   # in a pool process: what it has already sent back (``unsent``)


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


def _init(parent: int, shared: Any) -> None:
    global _SHARED, _SENT
    exit_with(parent)
    relax()   # the process only parses and keys rows: the collector's default pace cost 30 % of that
    _SHARED = shared
    _SENT = set()


def unsent(items: set[R]) -> set[R]:
    """``items`` less those this pool process has sent back with an earlier chunk of the same import
    (each import has processes of its own); all of them where no pool runs (inline: nothing is left out).
    For values the importing process keeps for the whole transaction once received, such as the surnames
    whose variants were sent: ``prepared`` hands the chunks over in order, so an earlier chunk of a process is received
    first, and if its process died before, the chunk is prepared again inline, whole."""
    if _SENT is None:
        return items
    fresh = items - _SENT
    _SENT.update(fresh)
    return fresh


def _pooled(work: Callable[[Chunk, Any], R], chunk: Chunk) -> R:
    return work(chunk, _SHARED)


def prepared(chunks: Iterator[Chunk], work: Callable[[Chunk, Any], R], shared: Any, *,
             processes: int) -> Iterator[tuple[Chunk, R]]:
    """Each chunk with ``work(chunk, shared)``, in order: inline, or by ``processes`` processes that work
    up to two chunks each ahead of the caller (the rest of the file is not read ahead). ``work`` must be
    a module-level function (or a partial of one) and ``shared`` picklable; ``shared`` is sent once. The
    pool's processes end when this process ends, however it ends (kartoteka.services.parent_watch)."""
    if processes <= 0:
        for chunk in chunks:
            yield chunk, work(chunk, shared)
        return
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["kartoteka.services.person_prep", "kartoteka.services.case_prep"])
    broken = False
    with ProcessPoolExecutor(processes, mp_context=ctx, initializer=_init, initargs=(os.getpid(), shared)) as pool:
        ahead: deque[tuple[Chunk, Future[R] | None]] = deque()

        def result(chunk: Chunk, future: Future[R] | None) -> R:
            nonlocal broken
            if future is not None and not broken:
                try:
                    return future.result()
                except BrokenProcessPool:   # a process died (killed, out of memory): the rest inline
                    broken = True
            return work(chunk, shared)

        def submit(chunk: Chunk) -> Future[R] | None:
            nonlocal broken
            if not broken:
                try:
                    return pool.submit(_pooled, work, chunk)
                except BrokenProcessPool:
                    broken = True
            return None

        for chunk in chunks:
            ahead.append((chunk, submit(chunk)))
            if len(ahead) > 2 * processes:
                yield ahead[0][0], result(*ahead.popleft())
        while ahead:
            yield ahead[0][0], result(*ahead.popleft())
