"""Python's cyclic garbage collector during bulk work, and in a long-lived server process.

A bulk job (an import, a full scan, a report) allocates millions of objects that live on, and the
collector's default thresholds (a collection every 700 allocations) then walk them again and again:
30 % of parsing and keying a persons file went to it. None of these jobs makes reference cycles as it
goes; refcounting frees their objects, and the collector still runs, just less often."""

from __future__ import annotations

import gc
import threading
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
# start. Each full collection walks all of them (0.2-0.35 s, measured), and while it runs every request the
# worker holds waits: 8 of them in 1,500 searches were a fifth of the searches' CPU and their slowest
# moments. Here what outlives a young collection leaves the generations at once (``gc.freeze``): the young
# collections stay, the full ones find nothing to walk. What ``gc.freeze`` keeps is still freed as soon as
# nothing refers to it (reference counting); only reference cycles among kept objects wait, for
# ``collect_all``, which the process runs every ``FULL_EVERY`` seconds.

FULL_EVERY = 600.0   # seconds between the full collections of a server process


def _freeze_survivors(phase: str, info: dict[str, int]) -> None:
    if phase == "stop" and info.get("generation", 0) >= 1:
        gc.freeze()


_full: threading.Event | None = None   # set to stop the thread of periodic full collections


def collect_all() -> int:
    """One full collection of everything, kept objects included (the cycles among them); what survives is
    kept again. The number of unreachable objects found."""
    gc.unfreeze()
    try:
        return gc.collect()
    finally:
        gc.freeze()


def serve_mode(full_every: float = FULL_EVERY) -> None:
    """Collect as a long-lived server process should (above), for the rest of this process: what was loaded
    so far is kept at once; a thread runs ``collect_all`` every ``full_every`` seconds. Idempotent."""
    global _full
    with _LOCK:
        if _full is not None:
            return
        _full = stop = threading.Event()
    gc.collect()
    gc.freeze()
    gc.callbacks.append(_freeze_survivors)

    def periodic() -> None:
        while not stop.wait(full_every):
            collect_all()

    threading.Thread(target=periodic, name="kartoteka-collector", daemon=True).start()


def leave_serve_mode() -> None:
    """Back to the default: the thread stops, nothing is kept any more (tests; a process that stops serving)."""
    global _full
    with _LOCK:
        if _full is None:
            return
        _full.set()
        _full = None
    if _freeze_survivors in gc.callbacks:
        gc.callbacks.remove(_freeze_survivors)
    gc.unfreeze()
