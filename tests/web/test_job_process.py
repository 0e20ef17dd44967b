"""A job in a child process: its progress and result come back; more memory than the limit, a stopped
child or too long a run end the job with a message in the reader's language, and this process is unharmed."""

from __future__ import annotations

import os
import sys
import time

from kartoteka.errors import N_, InvalidInput
from kartoteka.web.i18n import translations
from kartoteka.web.job_process import JobLimits, JobMemoryError, Progress, run_child

MB = 1024 * 1024


def vm_mb() -> int:
    """This process's address space, in MB."""
    with open("/proc/self/status", encoding="ascii") as f:
        return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmSize:"))


def report_vm(progress: Progress) -> tuple[int, int, str]:
    progress(1, 2)
    progress(2, 2)
    return os.getpid(), vm_mb(), os.environ.get("KARTOTEKA_MAX_ROWS", "")


def allocate(progress: Progress, mb: int) -> int:
    progress(1, 2)
    block = bytearray(mb * MB)   # more than the limit: MemoryError in the child
    return len(block)


def refuse(progress: Progress) -> None:
    raise InvalidInput.of(N_("%(file)s: the file is empty"), file="list.csv")


def wrap_memory_error(progress: Progress) -> None:
    try:
        bytearray(4000 * MB)
    except Exception as exc:   # as the XLSX reader does: any error of openpyxl as "not a readable workbook"
        raise InvalidInput(f"list.xlsx: not a readable XLSX workbook ({exc.__class__.__name__}: {exc})") from None


def stop_dead(progress: Progress) -> None:
    os.kill(os.getpid(), 9)   # as the kernel's out-of-memory killer would


def sleep(progress: Progress, seconds: float) -> None:
    time.sleep(seconds)


def test_result_progress_and_settings_come_through_from_another_process(monkeypatch: object) -> None:
    os.environ["KARTOTEKA_MAX_ROWS"] = "1234"   # the caller's settings apply in the child
    try:
        seen: list[tuple[int, int | None]] = []
        out = run_child(report_vm, (), limits=JobLimits(memory_mb=2048, seconds=60),
                        progress=lambda d, t: seen.append((d, t)))
    finally:
        del os.environ["KARTOTEKA_MAX_ROWS"]
    pid, vm, rows = out.result
    assert out.error is None and pid != os.getpid() and rows == "1234"
    assert (2, 2) in seen and vm < 2048


def test_more_memory_than_the_limit_fails_the_job_with_a_translated_message() -> None:
    before = vm_mb()
    started = time.monotonic()
    out = run_child(allocate, (3000,), limits=JobLimits(memory_mb=600, seconds=60), progress=lambda d, t: None)
    assert isinstance(out.error, JobMemoryError) and out.result is None
    assert "(600 MB, KARTOTEKA_JOB_MEMORY_MB)" in str(out.error)
    uk = out.error.headline().translated(translations("uk").gettext)   # type: ignore[attr-defined]
    assert "600" in uk and uk != str(out.error)
    assert vm_mb() < before + 500 and time.monotonic() - started < 20   # this process never held the block


def test_an_error_keeps_its_message_and_a_killed_child_reads_as_out_of_memory() -> None:
    out = run_child(refuse, (), limits=JobLimits(), progress=lambda d, t: None)
    assert isinstance(out.error, InvalidInput)
    assert out.error.headline().translated(translations("ru").gettext) != "list.csv: the file is empty"  # type: ignore[attr-defined]
    out = run_child(wrap_memory_error, (), limits=JobLimits(memory_mb=700), progress=lambda d, t: None)
    assert isinstance(out.error, JobMemoryError) and "700 MB" in str(out.error)   # not "not a readable XLSX"
    out = run_child(stop_dead, (), limits=JobLimits(memory_mb=777), progress=lambda d, t: None)
    assert isinstance(out.error, JobMemoryError) and "777 MB" in str(out.error)


def test_a_job_past_its_time_is_stopped() -> None:
    started = time.monotonic()
    out = run_child(sleep, (30.0,), limits=JobLimits(seconds=1), progress=lambda d, t: None)
    assert out.error is not None and "KARTOTEKA_JOB_SECONDS" in str(out.error)
    assert time.monotonic() - started < 10


JOB_MODULES = ("openpyxl", "docx", "pypdf", "sqlalchemy.dialects.postgresql.psycopg", "sqlalchemy.dialects.sqlite",
               "kartoteka.matching.stored_list", "kartoteka.services.match_pool", "kartoteka.services.viewer_world")


def loaded(progress: Progress, names: tuple[str, ...]) -> list[str]:
    return [name for name in names if name in sys.modules]


def test_a_job_starts_with_the_readers_and_the_database_drivers_loaded() -> None:
    """The fork server loaded them (web/job_warmup.py): a job importing openpyxl, python-docx, pypdf or
    the PostgreSQL driver itself spent about 0.1 s on each. (This module imports none of them.) The fork server
    is started anew, as a web worker starts it: in this test process an import's pool may have started it
    before with its own modules (services/prep_pool.py), and a running fork server keeps what it loaded."""
    from multiprocessing import forkserver

    forkserver._forkserver._stop()  # type: ignore[attr-defined]
    out = run_child(loaded, (JOB_MODULES,), limits=JobLimits(), progress=lambda done, total: None)
    assert out.error is None and out.result == list(JOB_MODULES)
