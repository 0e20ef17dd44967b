"""Job state on disk, so that every worker process of the web server (`serve --workers N`) can answer a
job's page: the worker that runs the job writes its progress and, at the end, its result; another worker
that is asked for the job reads it. Files are 0600 in a 0700 folder of the media directory, written
whole (rename), read only by this server, and removed an hour after the job started.
"""

from __future__ import annotations

import os
import pickle
import re
import threading
import time
from pathlib import Path
from typing import Any

from kartoteka.services.files import private_dir, private_file

_ID = re.compile(r"^[0-9a-f]{24}$")
KEEP_SECONDS = 3600


def job_dir(media_dir: Path) -> Path:
    return private_dir(media_dir / "jobs")


def save_state(folder: Path, job_id: str, state: dict[str, Any]) -> None:
    """Write the job's state (owner, counts, result ...) whole: a reader sees the old or the new one."""
    tmp = private_file(folder / f".{job_id}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        with open(tmp, "wb") as f:
            pickle.dump(state, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, folder / f"{job_id}.pickle")
    finally:
        tmp.unlink(missing_ok=True)


def load_state(folder: Path, job_id: str) -> dict[str, Any] | None:
    """The state another worker saved, or None (no such job, or not a job id)."""
    if not _ID.match(job_id):
        return None
    try:
        with open(folder / f"{job_id}.pickle", "rb") as f:
            found: dict[str, Any] = pickle.load(f)   # written by this server only, in its 0700 folder
    except (OSError, EOFError, pickle.UnpicklingError):
        return None
    return found


def sweep_states(folder: Path, max_age: float = KEEP_SECONDS) -> None:
    cutoff = time.time() - max_age
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass
