"""Request work that is mostly Python computation (a search scores names) runs on a few threads per
worker process, not on as many as there are requests.

A synchronous route runs on the thread pool (40 threads). Under load, 25 searches at once in one worker
were 25 threads taking turns at the interpreter lock: each database call lets the lock go, and winning it
back waits on the other threads' turns, so every search took longer and the slowest much longer. Here at
most ``CPU_THREADS`` of them run at once (one computes while another waits on the database); the rest
wait their turn on the event loop, in order, which costs nothing. Other routes keep the thread pool.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Callable
from typing import TypeVar

from anyio import CapacityLimiter, to_thread

T = TypeVar("T")
CPU_THREADS = 2
_LIMITERS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, CapacityLimiter] = weakref.WeakKeyDictionary()


async def on_cpu_threads(work: Callable[[], T]) -> T:
    """``work()`` on one of this event loop's CPU_THREADS threads (waiting for one to be free)."""
    loop = asyncio.get_running_loop()
    limiter = _LIMITERS.get(loop)
    if limiter is None:
        limiter = _LIMITERS[loop] = CapacityLimiter(CPU_THREADS)
    return await to_thread.run_sync(work, limiter=limiter)
