"""Request work that is mostly Python computation (a search scores names) runs on a few threads per
worker process, not on as many as there are requests.

A synchronous route runs on the thread pool (40 threads). Under load, 25 searches at once in one worker
were 25 threads taking turns at the interpreter lock: each database call lets the lock go, and winning it
back waits on the other threads' turns, so every search took longer and the slowest much longer. Here at
most ``threads_for(engine)`` of them run at once; the rest wait their turn on the event loop, in order,
which costs nothing. Other routes keep the thread pool.

How many: on PostgreSQL two (one computes while the other waits on the server, which runs apart); on
SQLite one, as its reads run in this process and a second thread only takes turns at the lock. Measured
at 100k persons, one worker, 8 clients: SQLite 7.45 -> 6.2 ms of CPU a search and 147 -> 161 searches a
second with one thread instead of two; PostgreSQL 97-105 searches a second with one thread, 116-121 with
two.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import TypeVar

from anyio import CapacityLimiter, to_thread
from sqlalchemy import Engine

from kartoteka.collector import computing

T = TypeVar("T")
CPU_THREADS = {"sqlite": 1}   # by database; others: DEFAULT_THREADS
DEFAULT_THREADS = 2
_LIMITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, CapacityLimiter]] = \
    weakref.WeakKeyDictionary()


def threads_for(engine: Engine) -> int:
    """How many searches of one worker compute at once on ``engine``'s database."""
    return CPU_THREADS.get(engine.dialect.name, DEFAULT_THREADS)


async def on_cpu_threads(work: Callable[[], T], *, threads: int = DEFAULT_THREADS) -> T:
    """``work()`` on one of this event loop's ``threads`` threads (``threads_for`` the engine it reads;
    waiting for one to be free), as a ``computing`` block: a serving process does not keep its state
    (kartoteka/collector.py)."""
    loop = asyncio.get_running_loop()
    limiters = _LIMITERS.setdefault(loop, {})
    limiter = limiters.get(threads)
    if limiter is None:
        limiter = limiters[threads] = CapacityLimiter(threads)

    def computed() -> T:
        with computing():
            return work()

    return await to_thread.run_sync(computed, limiter=limiter)
