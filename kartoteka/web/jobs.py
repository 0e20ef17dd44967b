"""Long tasks: the pages show their progress (done of total, time left) and refresh themselves.

Tasks that parse a user's file (imports, vetting a list) run in a memory-limited child process
(web/job_process.py) watched by a thread here; the duplicates scan, which reads only the database, runs
in a thread. Each job belongs to one user: another user's job id answers 404, like an unknown one.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from kartoteka.errors import N_, KartotekaError, Message, NotFound
from kartoteka.settings import Settings
from kartoteka.web.job_process import ChildTask, JobLimits, run_child
from kartoteka.web.uploads import scrub_paths

KEEP_SECONDS = 3600
Task = Callable[[Callable[[int, int], None]], Any]
UNEXPECTED = N_("unexpected error: %(error)s")
_CREATING = threading.Lock()


@dataclass
class Job:
    id: str
    owner: str
    done: int = 0
    total: int = 0
    result: Any = None
    error: str | None = None   # the error's first line in English (logs, tests); `exception` for the reader
    exception: KartotekaError | None = None
    context: dict[str, Any] = field(default_factory=dict)   # what the page that started it needs to show it
    started: float = field(default_factory=time.monotonic)
    _ended: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def finished(self) -> bool:
        return self._ended.is_set()

    def finish(self, *, result: Any = None, exception: KartotekaError | None = None) -> None:
        self.result, self.exception = result, exception
        if exception is not None:
            self.error = scrub_paths(exception.headline())   # no server folder in the message
        self._ended.set()

    def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for the task to finish; whether it has."""
        return self._ended.wait(seconds)

    @property
    def age(self) -> float:
        """Seconds since the job started."""
        return time.monotonic() - self.started

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

    def progress(self, done: int, total: int | None) -> None:
        self.done, self.total = done, total or 0


def limits_of(settings: Settings) -> JobLimits:
    return JobLimits(memory_mb=settings.job_memory_mb, seconds=settings.job_seconds)


class Jobs:
    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def _new(self, owner: str, context: dict[str, Any] | None) -> Job:
        job = Job(secrets.token_hex(12), owner, context=dict(context or {}))
        with self._lock:
            now = time.monotonic()
            self._jobs = {k: j for k, j in self._jobs.items() if now - j.started < KEEP_SECONDS}
            self._jobs[job.id] = job
        return job

    def start(self, owner: str, task: Task, *, context: dict[str, Any] | None = None) -> Job:
        """Run ``task(progress)`` in a thread of this process (a task that parses no user file)."""
        job = self._new(owner, context)

        def run() -> None:
            try:
                job.finish(result=task(job.progress))
            except KartotekaError as exc:
                job.finish(exception=exc)
            except Exception as exc:  # shown to the user; the thread must not die silently
                job.finish(exception=KartotekaError(Message(UNEXPECTED, error=exc.__class__.__name__)))
                raise

        threading.Thread(target=run, name=f"job-{job.id}", daemon=True).start()
        return job

    def start_child(self, owner: str, task: ChildTask, args: tuple[Any, ...], *, limits: JobLimits,
                    context: dict[str, Any] | None = None) -> Job:
        """Run ``task(progress, *args)`` in a child process within ``limits``; a thread here waits for it."""
        job = self._new(owner, context)

        def watch() -> None:
            try:
                outcome = run_child(task, args, limits=limits, progress=job.progress)
            except Exception as exc:  # the child could not be started (no processes left, ...)
                job.finish(exception=KartotekaError(Message(UNEXPECTED, error=exc.__class__.__name__)))
                raise
            job.finish(result=outcome.result, exception=outcome.error)

        threading.Thread(target=watch, name=f"job-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str, owner: str) -> Job:
        job = self._jobs.get(job_id)
        if job is None or job.owner != owner:
            raise NotFound.of(N_("no such task (it may have expired)"))
        return job


def jobs(request: Request) -> Jobs:
    """The application's background tasks."""
    with _CREATING:   # two first requests at once must not make two registries
        if not hasattr(request.app.state, "jobs"):
            request.app.state.jobs = Jobs()
    found: Jobs = request.app.state.jobs
    return found
