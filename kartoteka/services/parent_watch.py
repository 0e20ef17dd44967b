"""A pool process ends when the process that started the pool is gone.

A ProcessPoolExecutor's worker does not notice its parent's death: it holds both ends of its own queues,
so it waits for work, or blocks writing a result, for ever. An import killed halfway (SIGKILL, the
out-of-memory killer, a closed terminal) left its pool processes behind, each holding the registry's row
hashes (~250 MB at 100,000 persons), and a fork server waiting for them. ``exit_with`` is every pool's
initializer argument: a thread of the worker waits on the parent and ends the worker when it ends.
"""

from __future__ import annotations

import os
import select
import threading
import time


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:   # a process of another user took the number
        return True
    return False


def _wait(pid: int, fd: int | None) -> None:
    if fd is not None:
        select.select([fd], [], [])   # a process's pidfd becomes readable when the process ends
    else:
        while not _gone(pid):
            time.sleep(1.0)
    os._exit(1)


def exit_with(pid: int) -> None:
    """End this process (at once, without cleanup: its parent, which would use the results, is gone) when
    process ``pid`` ends. Linux's pidfd is watched without polling; elsewhere the process is polled each
    second."""
    fd: int | None = None
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        os._exit(1)
    except (AttributeError, OSError):   # no pidfd (not Linux, or a kernel before 5.3)
        fd = None
    threading.Thread(target=_wait, args=(pid, fd), name="kartoteka-parent-watch", daemon=True).start()
