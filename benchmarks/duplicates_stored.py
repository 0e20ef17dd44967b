"""Likely duplicates stored in the database: what a process, a request and an edit cost now.

    nice .venv/bin/python benchmarks/duplicates_stored.py --db sqlite:////tmp/copy.db    # edits the database: a copy

Prints, each beside its baseline measured in the same run (CPU time of this process; PostgreSQL's
server time is not counted):
* the full scan (every person scored once, the pairs stored) -- the figure a process or web worker paid
  on its first call before the pairs were stored;
* a new process reading the stored pairs (`find_duplicates`, path "cached") -- baseline: that full scan;
* a web request while no pairs are stored (`duplicate_status`: it reads the state and starts a job) --
  baseline: the full scan it ran inside the request before;
* the update after one edit (path "incremental") -- target <= 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any

CHILD = """
import json, sys, time
from kartoteka.db.engine import make_engine
from kartoteka.services.matching import find_duplicates
engine = make_engine(sys.argv[1])
c = time.process_time()
paths = []
pairs = find_duplicates(engine, on_path=paths.append)
print(json.dumps({"cpu": time.process_time() - c, "paths": paths, "pairs": len(pairs)}))
"""


def _cpu(fn: Any) -> tuple[float, Any]:
    c = time.process_time()
    out = fn()
    return time.process_time() - c, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True, help="database URL (a copy: one person is renamed)")
    args = ap.parse_args()
    from sqlalchemy import update

    from kartoteka.db.engine import make_engine
    from kartoteka.db.tables import duplicate_state
    from kartoteka.services.access import system_principal
    from kartoteka.services.matching import duplicate_status, find_duplicates
    from kartoteka.services.persons import get_person
    from kartoteka.services.persons_edit import PersonEdit, edit_person

    engine = make_engine(args.db)
    print(f"load {os.getloadavg()[0]:.1f}")
    paths: list[str] = []
    full, pairs = _cpu(lambda: find_duplicates(engine, on_path=paths.append, full=True))
    print(f"full scan: {full:.1f} s CPU, {len(pairs):,} pairs stored ({paths[-1]})")
    child = subprocess.run([sys.executable, "-c", CHILD, args.db], capture_output=True, text=True, check=True)
    got = json.loads(child.stdout)
    print(f"a new process reads the stored pairs: {got['cpu']:.3f} s CPU ({got['paths'][-1]}, {got['pairs']:,} pairs) | "
          f"baseline (its first call before): the full scan {full:.1f} s CPU")
    with engine.begin() as conn:   # as a registry never scored
        conn.execute(update(duplicate_state).values(seq=-1, beat=None))
    status_cpu, status = _cpu(lambda: duplicate_status(engine))
    print(f"a web request while no pairs are stored: {status_cpu * 1000:.1f} ms CPU (status {status.state}; the scan "
          f"runs as a job) | baseline (before: the scan inside the request) {full:.1f} s CPU")
    find_duplicates(engine)   # stored again
    ext = get_person(engine, pairs[0].ext_id).person
    edit_person(engine, system_principal("bench"), str(ext["ext_id"]),
                PersonEdit(version=int(ext["version"]), primary_name=f"Зайцев Игорь Петрович {int(time.time()) % 1000}"))
    paths.clear()
    t = time.perf_counter()
    after, _ = _cpu(lambda: find_duplicates(engine, on_path=paths.append))
    print(f"after one edit: {after:.2f} s CPU, {time.perf_counter() - t:.2f} s wall ({paths[-1]}) | "
          f"baseline: the full scan {full:.1f} s CPU | target <= 1 s")
    print(f"load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
