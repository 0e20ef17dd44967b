"""The stored name index (issue 17) against the in-memory index it replaces for searches, in one run.

    .venv/bin/python benchmarks/name_index.py [--persons 100000] [--db URL]

A synthetic registry is imported the normal way (import persons, bulk path) into a temporary SQLite file
(or --db, e.g. a PostgreSQL test database), then:
* keys: the first sync computes every person's stored keys (what the migration's first search or
  `kartoteka index rebuild` costs), and `index check`;
* cold search: a new process's first `search` -- baseline: Matcher.from_engine + search (before issue 17);
  figure: sync (nothing to do) + StoredMatcher search;
* next search after an edit: an edit of one person's name, then a search -- baseline: load_matcher
  rebuilds the whole index (what every web worker did); figure: sync re-keys that person + stored search.
* with --duplicates: `duplicates` after one edit -- baseline: the full scan (what every change cost
  before); figure: the incremental update (services/duplicate_pairs.py).
Targets (issue 17): search <= 0.5 s at 1M, next search after an edit <= 50 ms, duplicates after an edit <= 1 s.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from kartoteka.db.engine import make_engine
from kartoteka.db.schema import upgrade_schema
from kartoteka.matching.engine import Matcher
from kartoteka.services.access import system_principal
from kartoteka.services.imports import import_file
from kartoteka.services.matching import find_duplicates, load_matcher, search_persons
from kartoteka.services.name_index import check_name_index, sync_name_index
from kartoteka.services.persons import get_person
from kartoteka.services.persons_edit import PersonEdit, edit_person
from kartoteka.synth.registry import PERSON_COLUMNS, iter_persons, write_rows

QUERIES = ["Ivanov Sergei", "Navalny Alexei", "Petrova Olga Ivanovna", "Kovalenko", "Смирнов Андрей Петрович",
           "Shevchenko Taras", "Kuznetsova Maria", "Sidorov I. P.", "Bondarenko Oleksandr", "Jaszin Ilja"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--persons", type=int, default=100_000)
    ap.add_argument("--db", default="")
    ap.add_argument("--duplicates", action="store_true", help="also time likely duplicates: full scan, then one edit")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{Path(tmp) / 'k.db'}"
        engine = make_engine(url)
        upgrade_schema(engine)
        src = Path(tmp) / "persons.csv"
        write_rows(src, PERSON_COLUMNS, iter_persons(args.persons, seed=11))
        t = time.perf_counter()
        import_file(engine, "persons", src, actor="bench")
        print(f"{args.persons:,} persons imported in {time.perf_counter() - t:.1f} s ({engine.dialect.name})")

        t = time.perf_counter()
        n = sync_name_index(engine)
        print(f"stored keys computed for {n:,} persons: {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        ok = check_name_index(engine).ok
        print(f"index check: {'consistent' if ok else 'DIFFERS'} in {time.perf_counter() - t:.1f} s")

        stored = []
        for q in QUERIES:
            t = time.perf_counter()
            search_persons(engine, text=q, limit=20, explain=False)
            stored.append(time.perf_counter() - t)
        t = time.perf_counter()
        matcher = Matcher.from_engine(engine)
        build = time.perf_counter() - t
        mem = []
        for q in QUERIES:
            t = time.perf_counter()
            matcher.search(q, limit=20, explain=False)
            mem.append(time.perf_counter() - t)
        del matcher
        print(f"cold search: stored index {stored[0] * 1000:.0f} ms (first), median {statistics.median(stored) * 1000:.1f} ms "
              f"| baseline Matcher.from_engine {build:.2f} s + "
              f"{statistics.median(mem) * 1000:.1f} ms per search | target <= 0.5 s")

        admin = system_principal("bench")
        with engine.connect() as conn:
            ext = conn.exec_driver_sql("SELECT ext_id FROM persons ORDER BY id LIMIT 1 OFFSET 99").scalar_one()
        after, rebuild = [], []
        for i in range(5):
            version = int(get_person(engine, ext).person["version"])
            edit_person(engine, admin, ext, PersonEdit(version=version, primary_name=f"Зайцев Игорь {i}вич"))
            t = time.perf_counter()
            hits = search_persons(engine, text="Zaitsev Igor", limit=20, explain=False)
            after.append(time.perf_counter() - t)
            assert any(h.ext_id == ext for h in hits), "the edit is not visible"
            edit_person(engine, admin, ext, PersonEdit(version=version + 1, primary_name=f"Зайцева Инна {i}"))
            t = time.perf_counter()
            load_matcher(engine).search("Zaitseva Inna", limit=20, explain=False)
            rebuild.append(time.perf_counter() - t)
        print(f"next search after an edit: stored index median {statistics.median(after) * 1000:.1f} ms | "
              f"baseline (load_matcher rebuild) median {statistics.median(rebuild):.2f} s | target <= 50 ms")
        if args.duplicates:
            paths: list[str] = []
            t = time.perf_counter()
            find_duplicates(engine, on_path=paths.append, full=True)   # not the pairs stored by an earlier run
            full = time.perf_counter() - t
            version = int(get_person(engine, ext).person["version"])
            edit_person(engine, admin, ext, PersonEdit(version=version, primary_name="Зайцев Игорь Петрович"))
            t = time.perf_counter()
            find_duplicates(engine, on_path=paths.append)
            print(f"duplicates after one edit: {paths[1]} {time.perf_counter() - t:.2f} s | baseline full scan "
                  f"{full:.1f} s | target <= 1 s")


if __name__ == "__main__":
    main()
