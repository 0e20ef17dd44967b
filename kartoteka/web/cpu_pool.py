"""CPU-bound request work (searches) run a few at a time, first come first served.

A synchronous route runs in the server's thread pool (40 threads), and fifty clients' searches then run
at once in one process, taking turns on the interpreter's lock every few milliseconds: each search waits
for all the others, so a slow search (a common surname, thousands of namesakes) takes fifty times its own
time and every search pays for the switching. Through ``run_cpu`` at most ``CPU_THREADS`` run at a time
per worker process (two: one can compute while the other waits for the database) and the others wait
their turn in arrival order, without holding a thread. The event loop stays free for every other request.
"""

from __future__ import annotations

import asyncio
import functools
import weakref
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from anyio import CapacityLimiter, to_thread

CPU_THREADS = 2

P = ParamSpec("P")
T = TypeVar("T")
_LIMITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = weakref.WeakKeyDictionary()


def _limiter() -> CapacityLimiter:
    loop = asyncio.get_running_loop()   # a limiter belongs to one event loop (tests start several)
    limiter = _LIMITERS.get(loop)
    if limiter is None:
        limiter = _LIMITERS[loop] = CapacityLimiter(CPU_THREADS)
    return limiter


async def run_cpu(func: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """``func(*args, **kwargs)`` in a worker thread, at most CPU_THREADS at a time, in arrival order."""
    return await to_thread.run_sync(functools.partial(func, *args, **kwargs), limiter=_limiter())
