"""Where a cold `kartoteka search` spends its CPU time, phase by phase (issue 17: the CLI starts fast).

Each run is a new interpreter that goes through the steps `kartoteka --db DB search TEXT` takes, in
the same order, and times each with the process's CPU clock; the figures are medians over the runs.
The baseline of the same run is `python -c pass`, and beside it the whole command in a new process.
Run it with `nice`; the machine is shared, so compare phases within one run, not across runs.

    nice .venv/bin/python benchmarks/startup_phases.py DB [TEXT] [--runs 7]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys

# the child: each phase is the CPU time since the previous mark
_CHILD = r'''
import io, json, sys, time
marks = [("start", time.process_time())]
def mark(name): marks.append((name, time.process_time()))
db, text = sys.argv[1], sys.argv[2]
import typer.main; mark("typer")
import kartoteka.cli.main; mark("kartoteka.cli.main (rich, the command table)")
import typer._adapters; mark("typer's option coercion (pydantic)")
from kartoteka.settings import Settings; settings = Settings(db=db); mark("settings")
import kartoteka.tabular.encoding; mark("the callback's imports")
import sqlalchemy; mark("sqlalchemy")
import sqlalchemy.dialects.sqlite, sqlalchemy.dialects.postgresql; mark("both dialects (tables.py's partial index)")
import kartoteka.db.engine, kartoteka.db.schema; mark("kartoteka.db")
import kartoteka.cli.matching; mark("kartoteka.cli.matching")
import kartoteka.matching.engine; mark("kartoteka.matching (rapidfuzz)")
import kartoteka.services.matching as svc; mark("kartoteka.services.matching (the rest)")
from kartoteka.db.engine import get_engine
from kartoteka.db.schema import require_current
engine = get_engine(settings.db_url); require_current(engine); mark("engine and schema check")
from kartoteka.names.given import given_names
given_names(); mark("given-name table (catalog + keys)")
hits = svc.search_persons(engine, text=text, limit=20, transliterate=True); mark("the search")
import rich.console, rich.table
console = rich.console.Console(file=io.StringIO(), width=80)
table = rich.table.Table("id", "name", "score", "explanation")
for h in hits:
    table.add_row(h.ext_id, h.name, f"{h.score:.2f}", h.explanation)
console.print(table); mark("the table printed")
print(json.dumps([(b, y - x) for (a, x), (b, y) in zip(marks, marks[1:])]))
'''


def _cpu(argv: list[str]) -> tuple[float, str]:
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, _, usage = os.wait4(proc.pid, 0)
    return usage.ru_utime + usage.ru_stime, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("db")
    ap.add_argument("text", nargs="?", default="Ivanov Sergei")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    phases: dict[str, list[float]] = {}
    totals: dict[str, list[float]] = {"python -c pass": [], "kartoteka search (new process)": [],
                                      "phases (new process)": []}
    for _ in range(args.runs):
        cpu, out = _cpu([sys.executable, "-c", _CHILD, args.db, args.text])
        totals["phases (new process)"].append(cpu)
        for name, seconds in json.loads(out.splitlines()[-1]):
            phases.setdefault(name, []).append(seconds)
        totals["python -c pass"].append(_cpu([sys.executable, "-c", "pass"])[0])
        totals["kartoteka search (new process)"].append(
            _cpu([sys.executable, "-m", "kartoteka", "--db", args.db, "search", args.text])[0])
    print(f"CPU time, median of {args.runs} runs; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for name, values in phases.items():
        print(f"  {name:48s} {statistics.median(values) * 1000:7.1f} ms")
    for name, values in totals.items():
        print(f"{name:50s} {statistics.median(values) * 1000:7.1f} ms")


if __name__ == "__main__":
    main()
