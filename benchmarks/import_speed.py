"""Import speed: N synthetic persons into a fresh SQLite file; prints rows/s and peak memory.

Usage: python benchmarks/import_speed.py [N]   (default 1,000,000; target <= 120 s and <= 2 GB)

Baseline, measured in the same run: a naive importer that inserts row by row with the same
validation (one INSERT per person and per name, no batching), on the first 20,000 rows,
extrapolated to N.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from kartoteka.db import audit
from kartoteka.db.engine import make_engine
from kartoteka.db.schema import upgrade_schema
from kartoteka.db.tables import person_names, persons
from kartoteka.errors import ErrorCollector
from kartoteka.services.imports import import_file
from kartoteka.services.rows import RowReader, parse_person
from kartoteka.synth.registry import PERSON_COLUMNS, iter_persons, write_rows
from kartoteka.tabular.columns import map_columns
from kartoteka.tabular.reader import open_table


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def naive_import(db_url: str, path: Path, limit: int) -> float:
    engine = make_engine(db_url)
    upgrade_schema(engine)
    table = open_table(path)
    fields = map_columns("persons", table.headers)
    errors = ErrorCollector(path.name)
    start = time.perf_counter()
    with engine.begin() as conn:
        for n, (row_no, raw) in enumerate(table.rows):
            if n >= limit:
                break
            parsed = parse_person(RowReader(fields, raw, row_no, errors))
            assert parsed is not None
            values, names = parsed
            pid = conn.execute(insert(persons).returning(persons.c.id), [audit.stamp_new(values, "naive")]).scalar_one()
            for name in names:
                conn.execute(insert(person_names).values(**name, person_id=pid))
    engine.dispose()
    return time.perf_counter() - start


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "persons.csv"
        t0 = time.perf_counter()
        write_rows(src, PERSON_COLUMNS, iter_persons(n, seed=42))
        print(f"generated {n:,} synthetic persons ({src.stat().st_size / 1e6:.0f} MB CSV) "
              f"in {time.perf_counter() - t0:.1f} s")
        url = f"sqlite:///{tmp}/bench.db"
        engine = make_engine(url)
        upgrade_schema(engine)
        t0 = time.perf_counter()
        report = import_file(engine, "persons", src, actor="bench")
        elapsed = time.perf_counter() - t0
        engine.dispose()
        assert report.created == n, report
        sample = min(20_000, n)
        naive = naive_import(f"sqlite:///{tmp}/naive.db", src, sample) * n / sample
        print(f"kartoteka import: {n:,} rows in {elapsed:.1f} s = {n / elapsed:,.0f} rows/s; "
              f"peak memory {peak_mb():,.0f} MB (targets: <= 120 s, <= 2048 MB)")
        print(f"baseline (row-by-row inserts, {sample:,} rows extrapolated): {naive:.1f} s = "
              f"{n / naive:,.0f} rows/s; kartoteka is {naive / elapsed:.1f}x faster")


def cases_main(n: int, db_url: str | None) -> None:
    """``import_speed.py cases N [--db URL]``: the cases (and charges) of N synthetic persons, imported in
    bulk; baseline in the same run: the row-by-row case writer (``_CaseWriter.bulk = False``) on the same
    file, into a second database."""
    from kartoteka.services import imports
    from kartoteka.synth.registry import CASE_COLUMNS, generate_registry

    with tempfile.TemporaryDirectory() as tmp:
        reg = generate_registry(n, seed=42)
        write_rows(Path(tmp) / "p.csv", PERSON_COLUMNS, reg.persons)
        write_rows(Path(tmp) / "c.csv", CASE_COLUMNS, reg.cases)
        # the re-import: every third case moved to another facility (an update, its audit entry, its charges)
        write_rows(Path(tmp) / "c2.csv", CASE_COLUMNS, [{**c, "facility": (c["facility"] or "") + " (moved)"}
                                                         if i % 3 == 0 else c for i, c in enumerate(reg.cases)])
        times: dict[bool, float] = {}
        again: dict[bool, float] = {}
        for bulk in (True, False):
            url = db_url or f"sqlite:///{tmp}/bench-{bulk}.db"
            engine = make_engine(url)
            if db_url:   # the same PostgreSQL database twice: start empty (a scratch database only!)
                from sqlalchemy import text
                with engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE"))
                    conn.execute(text("CREATE SCHEMA public"))
            upgrade_schema(engine)
            import_file(engine, "persons", Path(tmp) / "p.csv", actor="bench")
            imports._CaseWriter.bulk = bulk
            t0 = time.perf_counter()
            report = import_file(engine, "cases", Path(tmp) / "c.csv", actor="bench")
            times[bulk] = time.perf_counter() - t0
            t0 = time.perf_counter()
            changed = import_file(engine, "cases", Path(tmp) / "c2.csv", actor="bench")
            again[bulk] = time.perf_counter() - t0
            imports._CaseWriter.bulk = True
            engine.dispose()
            assert report.created == len(reg.cases), report
        m = len(reg.cases)
        print(f"{engine.dialect.name}: {m:,} cases with charges in {times[True]:.2f} s = {m / times[True]:,.0f} "
              f"rows/s (bulk); baseline row by row {times[False]:.2f} s = {m / times[False]:,.0f} rows/s; "
              f"{times[False] / times[True]:.1f}x; target 1.1M cases <= 150 s, i.e. >= 7,333 rows/s")
        print(f"re-import changing {changed.updated:,} of them: {again[True]:.2f} s (bulk); baseline row by row "
              f"{again[False]:.2f} s; {again[False] / again[True]:.1f}x")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "cases":
        cases_main(int(sys.argv[2]) if len(sys.argv) > 2 else 20_000,
                   sys.argv[sys.argv.index("--db") + 1] if "--db" in sys.argv else None)
    else:
        main()
