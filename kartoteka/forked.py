"""Work on data already in memory, shared out between forked copies of this process.

A long list matched against the registry loaded into memory, or a full duplicates scan, spends seconds
building the in-memory matcher and then scores row after row on one core. Forked copies of the process
share the built matcher (copy-on-write: nothing is loaded or built twice), so the rows can be scored by
every core at once. ``fork_map`` hands out chunks of the items one at a time (a worker that finishes
early takes the next), each forked worker sends back its chunks' results, and the caller gets them in
the items' order: exactly what one process computes, in less wall time.

It runs inline (no fork) for a short piece of work, where fork does not exist, in a daemon process (a web
job, which has a memory cap of its own), off the main thread or under a running event loop (a web
worker), and when ``KARTOTEKA_FORK_WORKERS=1``. The workers end when the work ends, or when this process
does (kartoteka.services.parent_watch), however it ends.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import struct
import sys
import threading
import traceback
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection, wait
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")
Progress = Callable[[int, int], None]

MIN_ITEMS = 1000     # less work than this is done inline (a fork and its results cost ~0.05-0.1 s)
MAX_WORKERS = 4
PIPE_BYTES = 1 << 20  # a worker's result pipe (see _widen); Linux lets any process ask for up to 1 MB
_TICKET = struct.Struct("<I")
_MAX_CHUNKS = 60_000 // _TICKET.size   # the tickets fit in one pipe's buffer (64 KB on Linux)


def fork_workers(items: int, *, minimum: int = MIN_ITEMS) -> int:
    """How many processes (this one included) should share ``items`` items of in-memory work (fewer than
    ``minimum`` are not worth a fork): ``KARTOTEKA_FORK_WORKERS`` if set, else one per core (at most 4);
    1 when forking is not wise here."""
    env = os.environ.get("KARTOTEKA_FORK_WORKERS", "").strip()
    workers = int(env) if env.isdigit() else min(MAX_WORKERS, os.cpu_count() or 1)
    if workers <= 1 or items < minimum or not hasattr(os, "fork") or multiprocessing.current_process().daemon \
            or threading.current_thread() is not threading.main_thread() or _loop_running():
        return 1
    return workers


def _loop_running() -> bool:
    asyncio = sys.modules.get("asyncio")   # not imported: no loop runs (and it is not loaded for nothing)
    if asyncio is None:
        return False
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def fork_map(work: Callable[[Sequence[T]], list[R]], items: Sequence[T], *, processes: int,
             progress: Progress | None = None, chunk: int = 100, first: Callable[[], None] | None = None
             ) -> list[R]:
    """``work`` applied to consecutive chunks of ``items``, concatenated in order (``work`` returns one
    result per item, or any list per chunk): inline when ``processes`` <= 1, else by this process and
    ``processes - 1`` forked copies of it. ``progress(done, total)`` is called in this thread as items are
    done. An exception in a worker is raised here (as RuntimeError with the worker's traceback).

    ``first()`` is run by this process before it takes any chunk, while the forked copies (made before
    it runs, so they do not see what it does) already work through the chunks: something only this
    process needs, done meanwhile."""
    n = len(items)
    chunk = max(chunk, -(-n // _MAX_CHUNKS))
    bounds = chunks(n, chunk, processes)
    if processes <= 1 or len(bounds) < 2:
        if first:
            first()
        out: list[R] = []
        for lo, hi in bounds:
            out += work(items[lo:hi])
            if progress:
                progress(hi, n)
        return out
    tickets_r, tickets_w = os.pipe()
    os.write(tickets_w, b"".join(_TICKET.pack(i) for i in range(len(bounds))))
    os.close(tickets_w)
    children: dict[int, Connection] = {}
    try:
        for _ in range(min(processes, len(bounds)) - 1):
            reader, writer = multiprocessing.Pipe(duplex=False)
            _widen(writer)
            pid = os.fork()
            if pid == 0:   # the worker: never returns
                reader.close()
                _worker(work, items, bounds, tickets_r, writer)
            writer.close()
            children[pid] = reader
        return _collect(work, items, bounds, tickets_r, children, progress, first)
    finally:
        os.close(tickets_r)
        _stop(children)
        for pid, conn in children.items():
            conn.close()
            os.waitpid(pid, 0)


def chunks(n: int, chunk: int, processes: int) -> list[tuple[int, int]]:
    """The bounds of the chunks of ``n`` items: ``chunk`` items each, then, for the last ``processes`` chunks'
    worth, smaller ones (down to a quarter of ``chunk``), so that the processes end together. With chunks of
    one size, the last one, taken by one process while the others had nothing left, kept a core idle for half a
    chunk's time on average (500 rows of a list at a million persons: about a second)."""
    if processes <= 1:
        return [(i, min(i + chunk, n)) for i in range(0, n, chunk)]
    out: list[tuple[int, int]] = []
    tail, least, i = processes * chunk, max(1, chunk // 4), 0
    while i < n:
        left = n - i
        size = chunk if left > tail else max(least, -(-left // (2 * processes)))
        out.append((i, min(i + size, n)))
        i += size
    return out if len(out) <= _MAX_CHUNKS else chunks(n, chunk, 1)


def _widen(pipe: Connection) -> None:
    """A result pipe that holds several chunks' results (Linux: 1 MB instead of 64 KB), so that a worker
    does not wait for this process's receiving thread, which waits for the interpreter lock while this
    process works (the pipe is as it was where that cannot be set)."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_BYTES)
    except (ImportError, OSError):
        pass


def _stop(children: dict[int, Connection]) -> None:
    for pid in children:
        try:
            os.kill(pid, signal.SIGKILL)   # a worker that has ended is a zombie until it is reaped: no-op
        except ProcessLookupError:
            pass


def in_order(order: Sequence[int], results: Sequence[R]) -> list[R]:
    """``results`` (of the items taken in ``order``: item ``order[k]`` gave ``results[k]``) put back in the
    items' own order."""
    out = list(results)   # (its length; every item is put in its place below)
    for i, result in zip(order, results, strict=True):
        out[i] = result
    return out


def _next(tickets: int) -> int | None:
    data = os.read(tickets, _TICKET.size)   # a pipe read of 4 bytes is whole: the tickets were written at once
    return _TICKET.unpack(data)[0] if data else None


def _worker(work: Callable[[Sequence[T]], list[R]], items: Sequence[T], bounds: list[tuple[int, int]],
            tickets: int, out: Connection) -> None:
    status = 0
    try:
        from kartoteka.services.parent_watch import exit_with

        signal.signal(signal.SIGINT, signal.SIG_DFL)   # Ctrl-C: the parent stops the work and reaps us
        exit_with(os.getppid())
        gc.freeze()   # the parent's objects stay out of this copy's collections (and their pages unshared)
        while (c := _next(tickets)) is not None:
            lo, hi = bounds[c]
            out.send((c, work(items[lo:hi])))
    except BaseException:   # noqa: BLE001 - everything goes back to the parent, which raises it
        status = 1
        try:
            out.send((-1, traceback.format_exc()))
        except BaseException:   # noqa: BLE001 - the parent is gone
            pass
    finally:
        try:
            out.close()
        finally:
            os._exit(status)   # no atexit handlers, finalizers or buffers of the parent's run twice


def _collect(work: Callable[[Sequence[T]], list[R]], items: Sequence[T], bounds: list[tuple[int, int]],
             tickets: int, children: dict[int, Connection], progress: Progress | None,
             first: Callable[[], None] | None) -> list[R]:
    results: dict[int, list[R]] = {}
    failures: list[str] = []
    lock = threading.Lock()
    n = len(items)

    def receive() -> None:   # drains the workers' pipes meanwhile, so that no worker waits on a full pipe
        open_: list[Connection] = list(children.values())
        while open_:
            for ready in wait(open_):
                conn = next(c for c in open_ if c is ready)
                try:
                    c, value = conn.recv()
                except EOFError:
                    open_.remove(conn)
                    continue
                with lock:
                    if c < 0:
                        failures.append(value)
                    else:
                        results[c] = value

    def report() -> None:
        if progress:
            with lock:
                done = sum(bounds[c][1] - bounds[c][0] for c in results)
            progress(done, n)

    receiver = threading.Thread(target=receive, name="kartoteka-fork-results", daemon=True)
    receiver.start()
    try:
        if first:
            first()
        while (c := _next(tickets)) is not None:
            lo, hi = bounds[c]
            value = work(items[lo:hi])
            with lock:
                results[c] = value
            report()
        while True:   # the last report comes after the receiver's last result (it may end before we look)
            receiver.join(0.2)
            report()
            if not receiver.is_alive():
                break
    finally:   # on an error here (or Ctrl-C) the workers stop at once, and the receiver with their pipes
        if receiver.is_alive():
            _stop(children)
            receiver.join()
    if failures:
        raise RuntimeError("a worker process failed:\n" + failures[0])
    missing = [c for c in range(len(bounds)) if c not in results]
    if missing:
        raise RuntimeError(f"a worker process ended without its results ({len(missing)} chunks of {len(bounds)})")
    out: list[R] = []
    for c in range(len(bounds)):
        out += results[c]
    return out

