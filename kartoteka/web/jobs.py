"""Long tasks: the pages show their progress (done of total, time left) and refresh themselves.

Tasks that parse a user's file (imports, vetting a list) run in a memory-limited child process
(web/job_process.py) watched by a thread here; the duplicates scan, which reads only the database, runs
in a thread. Each job belongs to one user: another user's job id answers 404, like an unknown one.
"""

from __future__ import annotations

import logging
import pickle
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request

from kartoteka.errors import N_, KartotekaError, Message, NotFound
from kartoteka.settings import Settings
from kartoteka.web.job_process import ChildTask, JobLimits, run_child
from kartoteka.web.job_store import KEEP_SECONDS, job_dir, load_state, save_state, sweep_states
from kartoteka.web.uploads import scrub_paths

Task = Callable[[Callable[[int, int], None]], Any]
UNEXPECTED = N_("unexpected error: %(error)s")
_CREATING = threading.Lock()
log = logging.getLogger(__name__)
SHARE_EVERY = 0.5   # seconds between writes of a running job's counts for the other workers


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
    remote: bool = False   # a snapshot of another worker's job: nothing here to wait for
    _ended: threading.Event = field(default_factory=threading.Event, repr=False)

    @property
    def finished(self) -> bool:
        return self._ended.is_set()

    @finished.setter
    def finished(self, value: bool) -> None:
        if value:
            self._ended.set()
        else:
            self._ended.clear()

    def finish(self, *, result: Any = None, exception: KartotekaError | None = None) -> None:
        self.result, self.exception = result, exception
        if exception is not None:
            self.error = scrub_paths(exception.headline())   # no server folder in the message
        self._ended.set()

    def wait(self, seconds: float) -> bool:
        """Wait up to ``seconds`` for the task to finish; whether it has."""
        return self.finished if self.remote else self._ended.wait(seconds)

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
    def __init__(self, store: Path | None = None) -> None:
        """``store``: the folder that shares child jobs' state with the server's other workers."""
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()
        self._store = store

    def _new(self, owner: str, context: dict[str, Any] | None) -> Job:
        job = Job(secrets.token_hex(12), owner, context=dict(context or {}))
        with self._lock:
            now = time.monotonic()
            self._jobs = {k: j for k, j in self._jobs.items() if now - j.started < KEEP_SECONDS}
            self._jobs[job.id] = job
        if self._store is not None:
            sweep_states(self._store, KEEP_SECONDS)
        return job

    def _share(self, job: Job, *, end: tuple[Any, KartotekaError | None] | None = None) -> None:
        """Write the job's state for the other workers (a child job's result and context are picklable);
        ``end``: its result and error, written before the job here is marked finished."""
        if self._store is None:
            return
        result, exception = end if end is not None else (job.result, job.exception)
        try:
            save_state(self._store, job.id, {
                "owner": job.owner, "done": job.done, "total": job.total, "started": job.started,
                "finished": end is not None or job.finished, "result": result, "exception": exception,
                "context": job.context})
        except (OSError, pickle.PicklingError, TypeError, AttributeError):   # then only this worker answers it
            log.warning("job %s: its state could not be shared with the other workers", job.id, exc_info=True)

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
                    context: dict[str, Any] | None = None, on_end: Callable[[], None] | None = None) -> Job:
        """Run ``task(progress, *args)`` in a child process within ``limits``; a thread here waits for it.
        ``on_end`` runs here when it ends, however it ends (removing an upload a killed child left behind)."""
        job = self._new(owner, context)
        self._share(job)
        shared = time.monotonic()

        def progress(done: int, total: int | None) -> None:
            nonlocal shared
            job.progress(done, total)
            if time.monotonic() - shared >= SHARE_EVERY:
                shared = time.monotonic()
                self._share(job)

        def watch() -> None:
            try:
                outcome = run_child(task, args, limits=limits, progress=progress)
            except Exception as exc:  # the child could not be started (no processes left, ...)
                error = KartotekaError(Message(UNEXPECTED, error=exc.__class__.__name__))
                self._share(job, end=(None, error))
                job.finish(exception=error)
                raise
            if on_end is not None:
                on_end()
            self._share(job, end=(outcome.result, outcome.error))
            job.finish(result=outcome.result, exception=outcome.error)

        threading.Thread(target=watch, name=f"job-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str, owner: str) -> Job:
        """The job, here or (as a snapshot) from the worker that runs it; NotFound for anyone else's."""
        job = self._jobs.get(job_id)
        if job is None and self._store is not None:
            job = _snapshot(job_id, load_state(self._store, job_id))
        if job is None or job.owner != owner:
            raise NotFound.of(N_("no such task (it may have expired)"))
        return job


def _snapshot(job_id: str, state: dict[str, Any] | None) -> Job | None:
    """Another worker's job as it last saved it (its wait() does not wait: the page refreshes instead)."""
    if state is None:
        return None
    job = Job(job_id, state["owner"], done=state["done"], total=state["total"], context=state["context"],
              started=state["started"])
    if state["finished"]:
        job.finish(result=state["result"], exception=state["exception"])
    job.remote = True
    return job


def jobs(request: Request) -> Jobs:
    """The application's background tasks."""
    with _CREATING:   # two first requests at once must not make two registries
        if not hasattr(request.app.state, "jobs"):
            request.app.state.jobs = Jobs(job_dir(request.app.state.settings.media_dir))
    found: Jobs = request.app.state.jobs
    return found
