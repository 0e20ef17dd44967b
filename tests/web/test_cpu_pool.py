"""web/cpu_pool.py: CPU-bound request work runs at most CPU_THREADS at a time per event loop, starts in
arrival order, and never on the event loop's own thread."""

from __future__ import annotations

import asyncio
import threading
import time

from kartoteka.web import cpu_pool


def test_at_most_cpu_threads_at_once_in_arrival_order() -> None:
    lock = threading.Lock()
    running, most, started, threads = 0, 0, [], set()

    def work(i: int) -> int:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
            started.append(i)
            threads.add(threading.get_ident())
        time.sleep(0.03)
        with lock:
            running -= 1
        return i * i

    async def main() -> list[int]:
        tasks = []
        for i in range(8):
            tasks.append(asyncio.create_task(cpu_pool.run_cpu(work, i)))
            await asyncio.sleep(0.001)   # arrivals one after another
        return list(await asyncio.gather(*tasks))

    loop_thread = threading.get_ident()
    assert asyncio.run(main()) == [i * i for i in range(8)]
    assert most == cpu_pool.CPU_THREADS
    assert started == list(range(8))
    assert loop_thread not in threads
    assert asyncio.run(main()) == [i * i for i in range(8)]   # a second event loop gets a limiter of its own
