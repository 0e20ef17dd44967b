"""How long `kartoteka --help` takes, beside the floor of the same run (an interpreter that imports
only Typer and its rich help renderer, which every `--help` needs) and the figure before issue 17 (1.05 s: every command module,
SQLAlchemy, the services and the matcher were imported to print the help).

    .venv/bin/python benchmarks/cli_start.py [RUNS]     # default 15 runs each; medians of wall and CPU time
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time

BEFORE = 1.05   # s, measured for issue 17 on this machine before the lazy imports
TARGET = 0.3    # s


def timed(argv: list[str], runs: int) -> tuple[float, float]:
    """Median wall and CPU (user + system of the child) seconds of ``runs`` runs of ``argv``."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "120"})
        walls.append(time.perf_counter() - t)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    help_wall, help_cpu = timed([sys.executable, "-m", "kartoteka", "--help"], runs)
    floor_wall, floor_cpu = timed([sys.executable, "-c", "import typer.main, typer.rich_utils"], runs)
    print(f"kartoteka --help      wall {help_wall:.3f} s   cpu {help_cpu:.3f} s   (median of {runs})")
    print(f"baseline: python + typer + its rich help renderer, same run   wall {floor_wall:.3f} s   cpu {floor_cpu:.3f} s")
    print(f"before issue 17: {BEFORE:.2f} s; target: <= {TARGET:.1f} s "
          f"({'met' if help_cpu <= TARGET else 'NOT met'} on CPU time; wall time depends on the shared machine's load)")


if __name__ == "__main__":
    main()
