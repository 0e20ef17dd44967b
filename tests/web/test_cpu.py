"""kartoteka/web/cpu.py: CPU-heavy request work runs off the event loop, on at most as many threads at once
per loop as asked (one on SQLite, two on PostgreSQL); the others wait their turn; the work's answer and its
exception reach the caller."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from kartoteka.web import cpu


def _run(coro: Any) -> Any:
    """asyncio.run in a thread of its own: Playwright's sync API (a browser test earlier in this process)
    may hold this thread's event loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.mark.parametrize("limit", [1, 2])
def test_at_most_cpu_threads_run_at_once_off_the_loop(limit: int) -> None:
    running, peak, threads = [0], [0], set()
    lock = threading.Lock()

    def work(i: int) -> int:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
            threads.add(threading.get_ident())
        time.sleep(0.05)
        with lock:
            running[0] -= 1
        return i * i

    async def main() -> list[int]:
        loop_thread = threading.get_ident()
        out = await asyncio.gather(*(cpu.on_cpu_threads(lambda i=i: work(i), threads=limit) for i in range(8)))
        assert loop_thread not in threads
        return list(out)

    assert _run(main()) == [i * i for i in range(8)]
    assert peak[0] == limit


def test_sqlite_searches_compute_one_at_a_time_and_postgresql_two() -> None:
    from sqlalchemy import create_engine

    assert cpu.threads_for(create_engine("sqlite://")) == 1
    assert cpu.threads_for(create_engine("postgresql+psycopg://u@127.0.0.1:1/x")) == 2   # (never connects)


def test_the_work_s_exception_reaches_the_caller() -> None:
    def fail() -> None:
        raise LookupError("no such person")

    with pytest.raises(LookupError, match="no such person"):
        _run(cpu.on_cpu_threads(fail))
