"""Web jobs in a memory-limited process (kartoteka/web/job_process.py): what a job costs to start, and what
an XLSX shared-string bomb does to the web worker with and without the cap.

    .venv/bin/python benchmarks/web_jobs.py [STRINGS]     # default 1,200,000 shared strings

Figures: the fork server's first start (catalogs loaded once), then the median time to run a trivial job
in a child against the same call in a thread (the baseline); the bomb's packed size, the peak memory of
a child that opens it with no cap (what the web worker itself used to take) and the time until a capped
child (start + 48 MB) fails, with this process's own peak memory before and after.
"""

from __future__ import annotations

import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kartoteka.web.job_process import JobLimits, Progress, run_child  # noqa: E402
from kartoteka.web.job_tasks import preview_upload  # noqa: E402


def report_vm(progress: Progress) -> tuple[int, int]:
    """A trivial job: this process's address space, in MB (Python 3.11 runs a script's top again in each
    job's process, so this script imports only what the fork server has loaded at its top)."""
    with open("/proc/self/status", encoding="ascii") as f:
        return 0, next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmSize:"))


def rss_mb() -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        return next(int(line.split()[1]) // 1024 for line in f if line.startswith("VmRSS:"))


def peak_mb(progress: object, path: Path) -> int:
    """Open the workbook (as the preview does) and report this process's peak resident memory."""
    try:
        preview_upload(lambda d, t: None, "persons", path, None, None)
    except Exception:   # noqa: BLE001 - a bomb is not a persons file; the memory is what counts
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main() -> None:
    from tests.web.test_imports_jobs import _shared_string_bomb

    strings = int(sys.argv[1]) if len(sys.argv) > 1 else 1_200_000
    t = time.perf_counter()
    start_vm = run_child(report_vm, (), limits=JobLimits(), progress=lambda d, t: None).result[1]
    print(f"fork server first start (catalogs loaded): {time.perf_counter() - t:.2f} s; a job's process starts "
          f"at {start_vm} MB of address space")
    child, thread = [], []
    for _ in range(20):
        t = time.perf_counter()
        run_child(report_vm, (), limits=JobLimits(), progress=lambda d, t: None)
        child.append(time.perf_counter() - t)
        t = time.perf_counter()
        worker = threading.Thread(target=report_vm, args=(lambda d, t: None,))
        worker.start()
        worker.join()
        thread.append(time.perf_counter() - t)
    print(f"trivial job, median of 20: child process {statistics.median(child) * 1000:.1f} ms; "
          f"baseline thread {statistics.median(thread) * 1000:.2f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bomb.xlsx"
        path.write_bytes(_shared_string_bomb(strings))
        print(f"bomb: {strings:,} shared strings, {path.stat().st_size / 2**20:.1f} MB packed")
        own_before = rss_mb()
        t = time.perf_counter()
        out = run_child(peak_mb, (path,), limits=JobLimits(memory_mb=16_384), progress=lambda d, t: None)
        print(f"baseline, no cap: the preview's process peaked at {out.result} MB RSS in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        out = run_child(preview_upload, ("persons", path, None, None), limits=JobLimits(memory_mb=start_vm + 48),
                        progress=lambda d, t: None)
        print(f"capped at {start_vm + 48} MB: failed after {time.perf_counter() - t:.1f} s with: {out.error}")
        print(f"this (web worker) process: {own_before} MB resident before both runs, {rss_mb()} MB after")


if __name__ == "__main__":
    main()
