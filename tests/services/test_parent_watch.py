"""Pool processes end with the process that started them (an import killed halfway left its pool behind,
each process blocked for ever and holding the registry's row hashes)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

# the process that starts the pool: two chunks whose work never ends (operator.call(time.sleep, 3600))
_IMPORTER = """
import operator, sys, time
from kartoteka.services.prep_pool import prepared
print("started", flush=True)
for _ in prepared(iter([time.sleep, time.sleep]), operator.call, 3600, processes=2):
    pass
"""

_CHILD = """
import sys, time
from kartoteka.services.parent_watch import exit_with
exit_with(int(sys.argv[1]))
print("watching", flush=True)
time.sleep(3600)
"""


def _marked(mark: str) -> list[int]:
    """Processes whose environment carries ``mark`` (the test's importer and all it started)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if mark.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _wait_gone(pids: list[int], seconds: float) -> list[int]:
    end = time.monotonic() + seconds
    alive = pids
    while alive and time.monotonic() < end:
        time.sleep(0.1)
        alive = [p for p in alive if Path(f"/proc/{p}").exists() and
                 not (Path(f"/proc/{p}/stat").read_text().split()[2] == "Z")]
    return alive


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="finds the pool's processes through /proc")
def test_a_killed_importers_pool_processes_end() -> None:
    mark = f"KARTOTEKA_TEST_MARK={uuid.uuid4().hex}"
    env = {**os.environ, mark.split("=")[0]: mark.split("=")[1]}
    importer = subprocess.Popen([sys.executable, "-c", _IMPORTER], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert importer.stdout is not None and importer.stdout.readline().strip() == "started"
        end = time.monotonic() + 60
        while len(_marked(mark)) < 4 and time.monotonic() < end:   # the importer, a fork server, 2 workers
            time.sleep(0.1)
        pool = [p for p in _marked(mark) if p != importer.pid]
        assert len(pool) >= 3, pool
        time.sleep(0.5)   # the workers are in their never-ending work
        importer.send_signal(signal.SIGKILL)
        importer.wait(10)
        assert _wait_gone(pool, 20) == []
    finally:
        for pid in _marked(mark):
            os.kill(pid, signal.SIGKILL)


def test_a_watching_process_ends_with_the_one_it_watches() -> None:
    parent = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"])
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(parent.pid)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "watching"
        time.sleep(0.3)
        assert child.poll() is None               # it lives while the watched process does
        parent.kill()
        parent.wait(10)
        assert child.wait(10) == 1
    finally:
        for p in (parent, child):
            if p.poll() is None:
                p.kill()
