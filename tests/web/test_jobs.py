"""Jobs: each is its owner's only; wait() returns when the job ends (an event, not a poll); a thread task
and a child-process task both report progress, result and errors."""

from __future__ import annotations

import threading
import time

import pytest

from kartoteka.errors import InvalidInput, NotFound
from kartoteka.web.job_process import JobLimits
from kartoteka.web.jobs import Jobs
from tests.web.test_job_process import allocate, report_vm, stop_dead


def test_a_job_is_its_owners_only_and_wait_returns_as_soon_as_it_ends() -> None:
    jobs = Jobs()
    release = threading.Event()

    def task(progress):  # type: ignore[no-untyped-def]
        progress(3, 10)
        release.wait(30)
        return "done"

    job = jobs.start("alice", task)
    assert jobs.get(job.id, "alice") is job
    with pytest.raises(NotFound):
        jobs.get(job.id, "bob")
    with pytest.raises(NotFound):
        jobs.get("nope", "alice")
    assert not job.wait(0.2) and not job.finished and (job.done, job.total) == (3, 10)
    threading.Timer(0.1, release.set).start()
    started = time.monotonic()
    assert job.wait(10) and time.monotonic() - started < 2 and job.result == "done" and job.error is None


def test_child_jobs_report_progress_and_results_and_fail_alone() -> None:
    jobs = Jobs()
    ok = jobs.start_child("alice", report_vm, (), limits=JobLimits())
    big = jobs.start_child("alice", allocate, (4000,), limits=JobLimits(memory_mb=500))
    assert ok.wait(60) and big.wait(60)
    assert ok.exception is None and (ok.done, ok.total) == (2, 2) and ok.seconds_left is None
    assert isinstance(big.exception, InvalidInput) and big.error is not None and "500 MB" in big.error


def test_on_end_runs_even_when_the_child_is_killed() -> None:
    ended: list[str] = []
    job = Jobs().start_child("alice", stop_dead, (), limits=JobLimits(), on_end=lambda: ended.append("cleaned"))
    assert job.wait(60) and ended == ["cleaned"] and job.exception is not None


def test_the_progress_reads_the_time_left_once() -> None:
    """A job that finishes while its page is made (its estimate becomes None between two reads) still gets
    a page: the macro reads the estimate once (a CI run failed on ngettext(None) here)."""
    import gettext

    from kartoteka.web.render import make_environment

    class Finishing:
        done, total, percent = 9, 10, 90
        reads = 0

        @property
        def minutes_left(self) -> int | None:
            self.reads += 1
            return 3 if self.reads == 1 else None

    tr = gettext.NullTranslations()
    macro = make_environment().from_string('{% from "_job.html" import job_progress with context %}'
                                           '{{ job_progress(job, "Rows:", "help") }}')
    job = Finishing()
    page = macro.render(job=job, _=tr.gettext, ngettext=tr.ngettext)
    assert "about 3 minutes left" in page and job.reads == 1
