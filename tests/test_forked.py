"""kartoteka/forked.py: work shared out between forked copies of this process gives exactly what one
process gives, in order, with its progress; a failing or vanished worker is an error, never a silent gap;
no worker outlives the call; it stays inline wherever forking is not wise."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from kartoteka import forked
from kartoteka.forked import fork_map, fork_workers


def _children() -> list[int]:
    """This process's child processes, from every thread's list (a thread that ends meanwhile has none)."""
    me = os.getpid()
    found = []
    for t in Path(f"/proc/{me}/task").iterdir():
        try:
            found += [int(c) for c in (t / "children").read_text().split()]
        except FileNotFoundError:   # the thread ended between the listing and the read
            continue
    return found


def _square_with_pid(chunk: Sequence[int]) -> list[tuple[int, int]]:
    time.sleep(0.002)   # long enough that every worker gets some chunks
    return [(x * x, os.getpid()) for x in chunk]


def test_forked_results_equal_inline_in_order_with_progress() -> None:
    items = list(range(2_345))
    seen: list[tuple[int, int]] = []
    before = set(_children())
    out = fork_map(_square_with_pid, items, processes=3, progress=lambda d, n: seen.append((d, n)), chunk=7)
    assert [sq for sq, _pid in out] == [x * x for x in items]
    pids = {pid for _sq, pid in out}
    assert os.getpid() in pids and len(pids) >= 2, pids   # the work was shared
    assert seen[-1] == (len(items), len(items)) and all(n == len(items) for _d, n in seen)
    assert [d for d, _n in seen] == sorted(d for d, _n in seen)
    assert set(_children()) <= before   # every worker was reaped
    inline = fork_map(_square_with_pid, items, processes=1, chunk=7)
    assert [sq for sq, _ in inline] == [sq for sq, _ in out] and {pid for _, pid in inline} == {os.getpid()}


def test_a_worker_that_raises_is_an_error_here() -> None:
    parent = os.getpid()

    def work(chunk: Sequence[int]) -> list[int]:
        time.sleep(0.002)
        if os.getpid() != parent:
            raise ValueError("bad row in a worker")
        return list(chunk)

    with pytest.raises(RuntimeError, match="ValueError: bad row in a worker"):
        fork_map(work, list(range(500)), processes=2, chunk=5)


def test_a_worker_that_vanishes_is_an_error_here() -> None:
    parent = os.getpid()

    def work(chunk: Sequence[int]) -> list[int]:
        time.sleep(0.002)
        if os.getpid() != parent:
            os._exit(3)   # as the out-of-memory killer would end it: no message
        return list(chunk)

    with pytest.raises(RuntimeError, match="ended without its results"):
        fork_map(work, list(range(500)), processes=2, chunk=5)


def test_an_error_in_this_process_stops_the_workers() -> None:
    parent = os.getpid()
    before = set(_children())

    def work(chunk: Sequence[int]) -> list[int]:
        if os.getpid() == parent:
            raise KeyError("here")
        time.sleep(0.5)
        return list(chunk)

    with pytest.raises(KeyError):
        fork_map(work, list(range(500)), processes=2, chunk=5)
    assert set(_children()) <= before


def test_fork_workers_stays_inline_where_forking_is_not_wise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KARTOTEKA_FORK_WORKERS", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 8)
    # (a browser test earlier in this process may have left Playwright's loop running in this thread)
    loop_here = forked._loop_running()
    monkeypatch.setattr(forked, "_loop_running", lambda: False)
    assert fork_workers(10_000) == forked.MAX_WORKERS
    assert fork_workers(forked.MIN_ITEMS - 1) == 1   # too little work
    monkeypatch.setenv("KARTOTEKA_FORK_WORKERS", "1")
    assert fork_workers(10_000) == 1
    monkeypatch.setenv("KARTOTEKA_FORK_WORKERS", "2")
    assert fork_workers(10_000) == 2
    in_thread: list[int] = []
    t = threading.Thread(target=lambda: in_thread.append(fork_workers(10_000)))
    t.start()
    t.join()
    assert in_thread == [1]   # off the main thread (a web worker's thread pool)

    monkeypatch.setattr(forked, "_loop_running", lambda: True)
    assert fork_workers(10_000) == 1   # under a running event loop (a web worker)
    monkeypatch.undo()

    async def on_loop() -> bool:
        return forked._loop_running()

    seen: list[bool] = []
    t = threading.Thread(target=lambda: seen.extend([forked._loop_running(), asyncio.run(on_loop())]))
    t.start()
    t.join()
    assert seen == [False, True]
    assert loop_here == forked._loop_running()


def test_first_runs_here_while_the_workers_already_take_chunks() -> None:
    parent = os.getpid()
    done: list[int] = []

    def work(chunk: Sequence[int]) -> list[tuple[int, int, int]]:
        time.sleep(0.002)
        return [(x, os.getpid(), len(done)) for x in chunk]

    def first() -> None:
        time.sleep(0.05)
        done.append(1)

    out = fork_map(work, list(range(600)), processes=2, chunk=10, first=first)
    assert [x for x, _pid, _n in out] == list(range(600))
    mine = [n for _x, pid, n in out if pid == parent]
    theirs = [n for _x, pid, n in out if pid != parent]
    assert theirs and set(theirs) == {0}   # forked before first() ran: the workers do not see what it did
    assert set(mine) <= {1}                # this process took its chunks only after first()
    order: list[str] = []
    inline = fork_map(lambda c: order.append("work") or list(c), [1, 2], processes=1, chunk=1,
                      first=lambda: order.append("first"))
    assert inline == [1, 2] and order == ["first", "work", "work"]


@pytest.mark.parametrize(("n", "chunk", "processes"), [(10_000, 500, 2), (2_345, 7, 3), (999, 1000, 2), (1, 5, 4),
                                                       (100_000, 250, 4), (0, 10, 2)])
def test_chunks_cover_the_items_and_shrink_at_the_end(n: int, chunk: int, processes: int) -> None:
    """Consecutive chunks from 0 to n; full-sized ones first, the last ``processes`` chunks' worth smaller (a quarter
    of ``chunk`` at least, but for the very last), so that no process ends a full chunk alone."""
    bounds = forked.chunks(n, chunk, processes)
    assert [lo for lo, _ in bounds] == [0, *[hi for _, hi in bounds[:-1]]][:len(bounds)]
    assert (bounds[-1][1] if bounds else 0) == n
    sizes = [hi - lo for lo, hi in bounds]
    assert sizes[:-1] == sorted(sizes[:-1], reverse=True)
    assert all(s <= chunk for s in sizes) and all(s >= chunk // 4 for s in sizes[:-1])
    if n >= 4 * processes * chunk:
        assert sizes[0] == chunk and max(sizes[-processes:]) <= chunk // 2
    assert forked.chunks(n, chunk, 1) == [(i, min(i + chunk, n)) for i in range(0, n, chunk)]


def test_progress_ends_at_the_total_when_the_workers_did_every_chunk() -> None:
    """The receiving thread may take the last result and end before this process looks again (here: while
    ``first()`` runs, the forked copy does every chunk): the last report still says that all items are done."""
    seen: list[tuple[int, int]] = []
    out = fork_map(lambda c: list(c), list(range(50)), processes=2, chunk=10,
                   progress=lambda d, n: seen.append((d, n)), first=lambda: time.sleep(0.5))
    assert out == list(range(50))
    assert seen and seen[-1] == (50, 50)


@pytest.mark.skipif(not hasattr(__import__("fcntl"), "F_GETPIPE_SZ"), reason="pipe sizes are Linux's")
def test_a_workers_result_pipe_holds_several_chunks() -> None:
    import fcntl
    import multiprocessing

    reader, writer = multiprocessing.Pipe(duplex=False)
    try:
        assert fcntl.fcntl(writer.fileno(), fcntl.F_GETPIPE_SZ) < forked.PIPE_BYTES   # (the default: 64 KB)
        forked._widen(writer)
        assert fcntl.fcntl(writer.fileno(), fcntl.F_GETPIPE_SZ) >= forked.PIPE_BYTES
    finally:
        reader.close()
        writer.close()
