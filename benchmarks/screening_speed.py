"""Screening and status lookups for vetting: N synthetic persons in a fresh SQLite file.

Usage: python benchmarks/screening_speed.py [N]   (default 10,000; target: flags_for_persons and
statuses_under for all N in well under a second each)

Baseline, measured in the same run: the naive way, one flags_for_persons call per person (a query
per person), on the first 500 persons, extrapolated to N. Also reported: the charge parser's rate
and the time to store the parsed charges during the case import.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from kartoteka.catalogs import article_index, load_screening_rules
from kartoteka.charges import parse_charges
from kartoteka.db.engine import make_engine
from kartoteka.db.schema import upgrade_schema
from kartoteka.db.tables import cases, persons
from kartoteka.services.assessments import recognised_person_ids, statuses_under
from kartoteka.services.imports import import_file
from kartoteka.services.screening import flags_for_persons
from kartoteka.synth.registry import write_registry


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        files = write_registry(Path(tmp), n, seed=7)
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        upgrade_schema(engine)
        import_file(engine, "persons", files["persons"], actor="bench")
        t0 = time.perf_counter()
        import_file(engine, "cases", files["cases"], actor="bench")
        t_cases = time.perf_counter() - t0
        import_file(engine, "assessments", files["assessments"], actor="bench")
        article_index(), load_screening_rules()       # catalogs load once, before timing
        with engine.connect() as conn:
            ids = [r[0] for r in conn.execute(select(persons.c.id))]
            texts = [r[0] for r in conn.execute(select(cases.c.articles_text, cases.c.jurisdiction))]
            t0 = time.perf_counter()
            flags = flags_for_persons(conn, ids)
            t_flags = time.perf_counter() - t0
            t0 = time.perf_counter()
            statuses = statuses_under(conn, ids, "guidelines-2013")
            t_status = time.perf_counter() - t0
            t0 = time.perf_counter()
            recognised = recognised_person_ids(conn, "guidelines-2013")
            t_recog = time.perf_counter() - t0
            sample = ids[:500]
            t0 = time.perf_counter()
            for pid in sample:
                flags_for_persons(conn, [pid])
            t_naive = (time.perf_counter() - t0) / len(sample) * len(ids)
        t0 = time.perf_counter()
        parsed = sum(len(parse_charges(t)) for t in texts)
        t_parse = time.perf_counter() - t0
    flagged = sum(1 for f in flags.values() if f)
    print(f"persons: {len(ids)}, cases: {len(texts)}, parsed charges: {parsed}, persons flagged: {flagged}")
    print(f"case import incl. parsing and storing charges: {t_cases:.2f} s")
    print(f"parser: {len(texts) / t_parse:,.0f} charge texts/s")
    print(f"flags_for_persons (bulk, {len(ids)}): {t_flags * 1000:.0f} ms   "
          f"baseline one call per person (extrapolated): {t_naive * 1000:.0f} ms")
    print(f"statuses_under ({len(statuses)}): {t_status * 1000:.0f} ms; "
          f"recognised_person_ids ({len(recognised)}): {t_recog * 1000:.0f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
