"""A web job in a child process, within a memory and a time limit.

A hostile upload (an XLSX shared-string bomb) can make a parser ask for gigabytes. The parsing runs in
a child process started by a fork server (never a fork of the threaded web server) whose address space
is capped with RLIMIT_AS: the child fails with MemoryError (or dies), the web worker keeps its memory
and keeps answering. Progress (done, total) and the result come back over a pipe; the result must be
picklable. Imports are one transaction, so a child stopped half-way commits nothing.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from kartoteka.errors import N_, InvalidInput, KartotekaError, Message

Progress = Callable[[int, int | None], None]   # done, total (None: not known yet)
ChildTask = Callable[..., Any]   # task(progress, *args) -> a picklable result
# Imported once by the fork server, so that a job starts in milliseconds. Python 3.11 runs the program's
# main module again in every child; what it imports is loaded here already (the `kartoteka` command's
# script imports kartoteka.cli.main; a main run with -m is added by name, see _context).
PRELOAD = ["kartoteka.web.job_warmup", "kartoteka.cli.main"]
SEND_EVERY = 0.2   # seconds between progress messages
MEMORY = N_("the file needs more memory than the server allows for one job (%(limit)d MB, "
            "KARTOTEKA_JOB_MEMORY_MB); nothing was changed")
TIMEOUT = N_("the job took longer than the server allows for one job (%(limit)d s, KARTOTEKA_JOB_SECONDS) "
             "and was stopped; nothing was changed")
MEMORY_EXIT = 86   # a child that could not even report running out of memory exits with this
CRASHED = N_("the job stopped unexpectedly (%(error)s); nothing was changed")
_lock = threading.Lock()
_OOM_WORDS = ("out of memory", "cannot allocate", "bad_alloc", "memoryerror")


@dataclass(frozen=True)
class JobLimits:
    memory_mb: int = 2048
    seconds: float = 7200


class JobMemoryError(InvalidInput):
    """The child needed more memory than the limit allows."""


def _context() -> Any:
    with _lock:
        ctx = multiprocessing.get_context("forkserver")
        main = getattr(getattr(sys.modules.get("__main__"), "__spec__", None), "name", None)
        ctx.set_forkserver_preload(PRELOAD + ([main] if main and not main.endswith("__main__") else []))
        return ctx


def _child(conn: Connection, env: dict[str, str], memory_bytes: int, task: ChildTask, args: tuple[Any, ...]) -> None:
    """In the child: the caller's KARTOTEKA_* settings, the memory cap, then the task."""
    for key in [k for k in os.environ if k.startswith("KARTOTEKA_")]:
        del os.environ[key]
    os.environ.update(env)
    from kartoteka.settings import get_settings
    get_settings.cache_clear()
    import numpy   # noqa: F401 - before the cap: OpenBLAS reserves its buffers when numpy is imported
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    last, latest = 0.0, (0, 0)

    def progress(done: int, total: int | None) -> None:
        nonlocal last, latest
        now, latest = time.monotonic(), (done, total or 0)
        if now - last >= SEND_EVERY or done == total:
            last = now
            conn.send(("progress", *latest))

    kind: str
    payload: Any = None
    try:
        kind, payload = "done", task(progress, *args)
    except MemoryError:
        kind = "memory"
    except KartotekaError as exc:
        if _caused_by_memory(exc):   # a reader that wrapped the MemoryError ("not a readable XLSX ...")
            kind = "memory"
        else:
            exc.__traceback__ = exc.__context__ = exc.__cause__ = None   # its frames may hold the memory
            kind, payload = "error", exc
    except Exception as exc:  # reported to the user, never a traceback with server paths
        kind, payload = ("memory", None) if _out_of_memory(exc, memory_bytes) else ("crash", type(exc).__name__)
    # Out of the handlers: the failed task's frames (and what they held) are released before sending.
    try:
        conn.send(("progress", *latest))   # the last count, even when it came sooner than SEND_EVERY
        try:
            conn.send((kind, payload))
        except MemoryError:
            raise
        except Exception:   # an unpicklable result or error: its first line, still translatable if it can be
            conn.send(("error", KartotekaError(payload.headline())) if kind == "error"
                      else ("crash", type(payload).__name__))
    except MemoryError:
        os._exit(MEMORY_EXIT)
    finally:
        conn.close()


def _caused_by_memory(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, MemoryError) or any(w in str(seen).lower() for w in _OOM_WORDS):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _out_of_memory(exc: Exception, memory_bytes: int) -> bool:
    """Whether the cap, not a bug, stopped the task: a library's own out-of-memory error (SQLite's
    "out of memory", C++'s bad_alloc), or any error once the address space came near the cap."""
    if _caused_by_memory(exc):
        return True
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            peak = next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmPeak:"))
    except (OSError, StopIteration, ValueError):
        return False
    return peak >= 0.9 * memory_bytes


@dataclass
class Outcome:
    result: Any = None
    error: KartotekaError | None = None


def run_child(task: ChildTask, args: tuple[Any, ...], *, limits: JobLimits, progress: Progress) -> Outcome:
    """Run ``task(progress, *args)`` in a memory-limited child; its result or a translatable error."""
    env = {k: v for k, v in os.environ.items() if k.startswith("KARTOTEKA_")}
    ctx = _context()
    mine, theirs = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(theirs, env, limits.memory_mb * 1024 * 1024, task, args), daemon=True)
    proc.start()
    theirs.close()
    deadline = time.monotonic() + limits.seconds
    outcome: Outcome | None = None
    try:
        while outcome is None:
            left = deadline - time.monotonic()
            if left <= 0:
                proc.kill()
                outcome = Outcome(error=InvalidInput.of(TIMEOUT, limit=int(limits.seconds)))
            elif mine.poll(min(left, 1.0)):
                try:
                    outcome = _read(mine.recv(), limits, progress)
                except (EOFError, OSError):   # the child died without a word: killed by a signal
                    outcome = _died(proc, limits)
    finally:
        mine.close()
        proc.join(5)
        if proc.is_alive():
            proc.kill()
            proc.join(5)
    return outcome


def _read(message: tuple[Any, ...], limits: JobLimits, progress: Progress) -> Outcome | None:
    kind = message[0]
    if kind == "progress":
        progress(message[1], message[2])
        return None
    if kind == "done":
        return Outcome(result=message[1])
    if kind == "error":
        return Outcome(error=message[1])
    if kind == "memory":
        return Outcome(error=JobMemoryError(Message(MEMORY, limit=limits.memory_mb)))
    return Outcome(error=KartotekaError(Message(CRASHED, error=str(message[1]))))


def _died(proc: Any, limits: JobLimits) -> Outcome:
    """A child that ended without a result: out of memory inside C code (abort, segfault) or killed."""
    proc.join(5)
    code = proc.exitcode
    if code is not None and code > 0 and code != MEMORY_EXIT:
        return Outcome(error=KartotekaError(Message(CRASHED, error=f"exit code {code}")))
    return Outcome(error=JobMemoryError(Message(MEMORY, limit=limits.memory_mb)))
