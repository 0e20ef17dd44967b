"""Long tasks (vetting a list) run in a background thread; the page polls their progress."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from kartoteka.errors import KartotekaError, NotFound
from kartoteka.web.uploads import scrub_paths

KEEP_SECONDS = 3600
Task = Callable[[Callable[[int, int], None]], Any]


@dataclass
class Job:
    id: str
    owner: str
    done: int = 0
    total: int = 0
    result: Any = None
    error: str | None = None
    finished: bool = False
    started: float = field(default_factory=time.monotonic)

    def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for the task to finish; whether it has."""
        deadline = time.monotonic() + seconds
        while not self.finished and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.finished

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def seconds_left(self) -> int | None:
        """Estimated seconds until the task is done, from the pace so far; None before anything is done."""
        if not self.total or self.done <= 0 or self.finished:
            return None
        elapsed = time.monotonic() - self.started
        return max(0, round(elapsed * (self.total - self.done) / self.done))

    @property
    def minutes_left(self) -> int | None:
        """The estimate in whole minutes, rounded up (0: less than a minute)."""
        left = self.seconds_left
        return None if left is None else (left + 59) // 60 if left >= 60 else 0


class Jobs:
    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, owner: str, task: Task) -> Job:
        job = Job(secrets.token_hex(12), owner)

        def progress(done: int, total: int) -> None:
            job.done, job.total = done, total

        def run() -> None:
            try:
                job.result = task(progress)
            except KartotekaError as exc:
                job.error = scrub_paths(str(exc).split("\n")[0])   # no server folder in the message
            except Exception as exc:  # shown to the user; the thread must not die silently
                job.error = f"unexpected error: {exc.__class__.__name__}"
                raise
            finally:
                job.finished = True

        with self._lock:
            now = time.monotonic()
            self._jobs = {k: j for k, j in self._jobs.items() if now - j.started < KEEP_SECONDS}
            self._jobs[job.id] = job
        threading.Thread(target=run, name=f"job-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str, owner: str) -> Job:
        job = self._jobs.get(job_id)
        if job is None or job.owner != owner:
            raise NotFound("no such task (it may have expired)")
        return job


def jobs(request: Request) -> Jobs:
    """The application's background tasks."""
    if not hasattr(request.app.state, "jobs"):
        request.app.state.jobs = Jobs()
    found: Jobs = request.app.state.jobs
    return found
