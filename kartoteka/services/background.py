"""Work a page starts and does not wait for: the audit chain's whole walk, the dashboard's figures after a
change. One job at a time per key (fifty page loads start one walk); a job that fails is logged and the
next page starts it again; ``wait_idle`` lets a database be closed (or a test's dropped) once none runs."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable

_log = logging.getLogger(__name__)
_LOCK = threading.Lock()
_DONE = threading.Condition(_LOCK)   # notified when a job ends
_RUNNING: set[Hashable] = set()


def start_once(key: Hashable, job: Callable[[], object], *, what: str) -> bool:
    """``job`` in a daemon thread unless one with this key runs already (False then). ``what`` names it in the
    log when it fails (the database went away: a restart, a dropped connection)."""
    with _LOCK:
        if key in _RUNNING:
            return False
        _RUNNING.add(key)

    def run() -> None:
        try:
            job()
        except Exception:   # noqa: BLE001 - logged; the next page that needs it starts it again
            _log.warning("%s failed in the background; the next page tries again", what, exc_info=True)
        finally:
            with _LOCK:
                _RUNNING.discard(key)
                _DONE.notify_all()

    threading.Thread(target=run, name="kartoteka-background", daemon=True).start()
    return True


def running(key: Hashable) -> bool:
    with _LOCK:
        return key in _RUNNING


def wait_idle(timeout: float = 60.0) -> bool:
    """Wait until no job runs; False on time-out."""
    with _LOCK:
        return _DONE.wait_for(lambda: not _RUNNING, timeout)
