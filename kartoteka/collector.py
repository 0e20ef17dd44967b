"""Python's cyclic garbage collector during bulk work, and in a long-lived server process.

A bulk job (an import, a full scan, a report) allocates millions of objects that live on, and the
collector's default thresholds (a collection every 700 allocations) then walk them again and again:
30 % of parsing and keying a persons file went to it. None of these jobs makes reference cycles as it
goes; refcounting frees their objects, and the collector still runs, just less often."""

from __future__ import annotations

import gc
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

BULK_THRESHOLD = (50_000, 20, 100)   # measured on a 100k persons file: parse 5.6 -> 4.1 s, keys 8.4 -> 5.9 s


def relax() -> None:
    """Collect less often for the rest of this process (a pool process that only does bulk work)."""
    gc.set_threshold(*BULK_THRESHOLD)


_LOCK = threading.Lock()
_relaxed = 0                                   # blocks inside ``relaxed`` now, in every thread
_before: tuple[int, int, int] | None = None     # the thresholds the first of them found


@contextmanager
def relaxed() -> Iterator[None]:
    """Collect less often while the block runs (cycles made meanwhile are still found, later). The
    thresholds are the process's: blocks in several threads (imports in a web worker) are counted, and
    the last one out puts back what the first one found, however they overlap."""
    global _relaxed, _before
    with _LOCK:
        if _relaxed == 0:
            _before = gc.get_threshold()
            gc.set_threshold(*BULK_THRESHOLD)
        _relaxed += 1
    try:
        yield
    finally:
        with _LOCK:
            _relaxed -= 1
            if _relaxed == 0 and _before is not None:
                gc.set_threshold(*_before)
                _before = None


@contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection while the block runs: for work whose objects hold no cycles at all."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


# -- a long-lived server process (a web worker) ----------------------------------------------------------
#
# A web worker keeps what its searches read (matching/stored_cache.py, services/search_results.py): after
# 1,000 searches of the synthetic 100k registry, 330,000 objects the collector tracks, against 90,000 at
# start. Each full collection walked all of them (0.2-0.35 s, measured), and while it ran every request the
# worker held waited: 8 of them in 1,500 searches were a fifth of the searches' CPU and their slowest
# moments. So a serving process keeps what it has held for a while out of the generations (``gc.freeze``):
# every ``FREEZE_EVERY`` seconds a thread collects what is not kept yet (a full collection that walks only
# that) and keeps what survives. Kept objects are still freed as soon as nothing refers to them (reference
# counting); reference cycles among them wait for ``collect_all``, every ``FULL_EVERY`` seconds. A search
# leaves its state in cycles (its matcher, its scores, SQLAlchemy's connection events: about 270 objects),
# and a state kept while its search ran would wait for ``collect_all`` (freezing after every young
# collection did that: +90 MB in 6,600 searches, measured). So searches run inside ``computing`` and
# ``settle`` waits for a moment when none runs (at most ``QUIET_WAIT`` seconds: then it settles anyway).

FREEZE_EVERY = 0.5    # seconds between the collections that keep what survives them
FULL_EVERY = 600.0    # seconds between the full collections of everything, kept objects included
QUIET_WAIT = 1.0      # seconds a periodic settle waits for no computation to run

_quiet = threading.Condition()   # (an RLock: a finaliser run by the collection may enter ``computing``)
_computing = 0                   # computations running now, in every thread


@contextmanager
def computing() -> Iterator[None]:
    """Work whose objects die together when it ends (a web search, web/cpu.py): a periodic ``settle`` waits
    until none runs, so that their state is collected, not kept."""
    global _computing
    with _quiet:
        _computing += 1
    try:
        yield
    finally:
        with _quiet:
            _computing -= 1
            if _computing == 0:
                _quiet.notify_all()


_full: threading.Event | None = None   # set to stop the thread of periodic collections
_thread: threading.Thread | None = None


def settle(wait: float = 0.0) -> int:
    """Collect what is not kept yet (the cycles made since the last time go), then keep all that survives;
    first wait up to ``wait`` seconds for no ``computing`` block to run. The number of unreachable objects
    found."""
    with _quiet:
        _quiet.wait_for(lambda: _computing == 0, timeout=wait)
        found = gc.collect()
        gc.freeze()
    return found


def collect_all(wait: float = 0.0) -> int:
    """One full collection of everything, kept objects included (the cycles among them), after waiting up to
    ``wait`` seconds for no ``computing`` block to run; what survives is kept again. The number of
    unreachable objects found."""
    with _quiet:
        _quiet.wait_for(lambda: _computing == 0, timeout=wait)
        gc.unfreeze()
        return settle()


def serve_mode(freeze_every: float = FREEZE_EVERY, full_every: float = FULL_EVERY) -> None:
    """Collect as a long-lived server process should (above), for the rest of this process: what was loaded
    so far is kept at once; a thread runs ``settle`` every ``freeze_every`` seconds and ``collect_all``
    every ``full_every`` (each waiting up to ``QUIET_WAIT`` s for no ``computing`` block). Idempotent."""
    global _full, _thread
    with _LOCK:
        if _full is not None:
            return
        _full = stop = threading.Event()
    settle()

    def periodic() -> None:
        last_full = time.monotonic()
        while not stop.wait(freeze_every):
            if time.monotonic() - last_full >= full_every:
                collect_all(QUIET_WAIT)
                last_full = time.monotonic()
            else:
                settle(QUIET_WAIT)

    _thread = threading.Thread(target=periodic, name="kartoteka-collector", daemon=True)
    _thread.start()


def leave_serve_mode() -> None:
    """Back to the default: the thread stops, nothing is kept any more (tests; a process that stops serving)."""
    global _full, _thread
    with _LOCK:
        if _full is None:
            return
        _full.set()
        _full = None
    if _thread is not None:
        _thread.join()
        _thread = None
    gc.unfreeze()
