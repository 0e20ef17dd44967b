"""FollowTheMoney exchange speed: export N synthetic persons, import them into an empty registry as
another organisation, and import them again into the source registry (every person matched and merged).

Usage: python benchmarks/ftm_exchange.py [N]   (default 2,000)

Baseline, measured in the same run: the registry's own CSV import of the same persons and cases
(kartoteka import persons/cases), which neither matches nor keeps statements.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from kartoteka.db.engine import make_engine
from kartoteka.db.schema import upgrade_schema
from kartoteka.services.ftm_export import export_ftm
from kartoteka.services.ftm_import import import_ftm
from kartoteka.services.imports import import_file
from kartoteka.synth.registry import write_registry


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        files = write_registry(d / "synth", n, seed=3)
        source = make_engine(f"sqlite:///{d / 'a.db'}")
        upgrade_schema(source)
        t = time.perf_counter()
        import_file(source, "persons", files["persons"], actor="bench")
        import_file(source, "cases", files["cases"], actor="bench")
        baseline = time.perf_counter() - t
        t = time.perf_counter()
        report = export_ftm(source, out=d / "a.ftm.json", audience="internal")
        t_export = time.perf_counter() - t
        empty = make_engine(f"sqlite:///{d / 'b.db'}")
        upgrade_schema(empty)
        t = time.perf_counter()
        into_empty = import_ftm(empty, path=d / "a.ftm.json", organisation="Org B", actor="bench")
        t_empty = time.perf_counter() - t
        t = time.perf_counter()
        into_same = import_ftm(source, path=d / "a.ftm.json", organisation="Org C", actor="bench")
        t_same = time.perf_counter() - t
        print(f"persons {n}: exported {report.persons} persons, {report.cases} cases, {report.entities} entities "
              f"in {t_export:.2f} s ({report.entities / t_export:,.0f} entities/s)")
        print(f"import into an empty registry: {into_empty.created} new, {t_empty:.2f} s "
              f"({report.persons / t_empty:,.0f} persons/s)")
        print(f"import into the source registry: {into_same.merged} merged, {into_same.created} new, "
              f"{len(into_same.review)} to review, {t_same:.2f} s ({report.persons / t_same:,.0f} persons/s)")
        print(f"baseline: CSV import of the same persons and cases {baseline:.2f} s "
              f"({n / baseline:,.0f} persons/s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
