"""Matching speed: a 10,000-row list against 100,000 and 1,000,000 registry persons.

    .venv/bin/python benchmarks/match_speed.py [--sizes 100000 1000000] [--rows 10000]

The registry comes from the synthetic generator (its generation time is printed but not counted);
the timed part is what `kartoteka match` does after reading the database: building the candidate
index (blocking keys for every name) and matching every list row. Peak memory is the process's
maximum resident size. Targets on the 2-core machine: 100k <= 10 s, 1M <= 60 s, peak <= 4 GB.
The last lines compare the time per row with nomenklatura's LogicV2 scoring the same candidates
(the scorer behind yente), on a subset.
"""

from __future__ import annotations

import argparse
import gc
import os
import resource
import time
from typing import Any

from kartoteka.domain.dates import parse_partial_date
from kartoteka.domain.person import Gender
from kartoteka.matching.engine import Matcher, NameQuery, PersonRecord
from kartoteka.names.parse import split_name
from kartoteka.synth.registry import iter_persons
from kartoteka.synth.variants import generate_list


def _record(i: int, p: dict[str, Any]) -> PersonRecord:
    names = [(" ".join(x for x in (p["surname"], p["given_name"], p["patronymic"]) if x),
              p["surname"], p["given_name"], p["patronymic"])]
    for alias in (a.strip() for a in p["aliases"].split(";")):
        if alias:
            parts = split_name(alias)
            names.append((alias, parts.surname, parts.given_name, parts.patronymic))
    birth = parse_partial_date(p["birth_date"]) if p["birth_date"] else None
    return PersonRecord(i, p["id"], p["gender"], birth, names)


def _queries(rows: list[dict[str, Any]]) -> list[NameQuery]:
    return [NameQuery(r["name"], parse_partial_date(r["birth_date"]) if r["birth_date"] else None,
                      Gender(r["gender"]) if r["gender"] else None, r["id"]) for r in rows]


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(size: int, n_rows: int, seed: int) -> tuple[Matcher, list[NameQuery]]:
    t0 = time.perf_counter()
    records = [_record(i, p) for i, p in enumerate(iter_persons(size, seed=seed), 1)]
    head = list(iter_persons(min(size, 20_000), seed=seed))
    rows = generate_list(head, n_rows, seed=seed + 1)
    queries = _queries(rows)
    del head
    gc.collect()
    t1, c1 = time.perf_counter(), time.process_time()
    matcher = Matcher(records)
    t2, c2 = time.perf_counter(), time.process_time()
    results = matcher.match_many(queries)
    t3, c3 = time.perf_counter(), time.process_time()
    del records
    blocks = sum(len(matcher.index.candidates(matcher.prepare(q).units)) for q in queries[:1000]) / 1000
    counts = {d: sum(1 for r in results if r.decision == d) for d in ("match", "review", "no_match")}
    total = t3 - t1
    print(f"{size:>9,} persons, {len(queries):,} rows: generate {t1 - t0:6.1f}s (not counted) | index build "
          f"{t2 - t1:5.1f}s + matching {t3 - t2:5.1f}s = {total:5.1f}s | {1e3 * (t3 - t2) / len(queries):.2f} ms/row,"
          f" {blocks:.1f} candidates/row, index {matcher.index.hashes.size:,} block entries | CPU time "
          f"{c2 - c1:.1f}s + {c3 - c2:.1f}s = {c3 - c1:.1f}s (load average {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores) | peak RSS so far "
          f"{_peak_mb():,.0f} MB | {counts}")
    return matcher, queries


def from_database(size: int, seed: int) -> None:
    """Time Matcher.from_engine: the registry read from a SQLite file (rows bulk-inserted here,
    without the import's validation and audit log, which `kartoteka import` would add)."""
    import tempfile

    from sqlalchemy import insert

    from kartoteka.db import audit
    from kartoteka.db.engine import make_engine
    from kartoteka.db.schema import upgrade_schema
    from kartoteka.db.tables import person_names, persons

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/speed.db")
        upgrade_schema(engine)
        at = audit.now()
        with engine.begin() as conn:
            batch_p: list[dict[str, Any]] = []
            batch_n: list[dict[str, Any]] = []
            for i, p in enumerate(iter_persons(size, seed=seed), 1):
                rec = _record(i, p)
                batch_p.append(audit.stamp_new({"id": i, "ext_id": rec.ext_id, "gender": rec.gender,
                                                "birth_date": rec.birth.iso() if rec.birth else None}, "bench", at))
                batch_n += [{"person_id": i, "kind": "primary" if k == 0 else "alias", "full": f, "surname": sn,
                             "given_name": g, "patronymic": pa} for k, (f, sn, g, pa) in enumerate(rec.names)]
                if len(batch_p) >= 20_000:
                    conn.execute(insert(persons), batch_p)
                    conn.execute(insert(person_names), batch_n)
                    batch_p, batch_n = [], []
            if batch_p:
                conn.execute(insert(persons), batch_p)
                conn.execute(insert(person_names), batch_n)
        t0 = time.perf_counter()
        matcher = Matcher.from_engine(engine)
        print(f"Matcher.from_engine on SQLite, {len(matcher.ids):,} persons: {time.perf_counter() - t0:.1f}s "
              f"(read + index build) | peak RSS so far {_peak_mb():,.0f} MB")
        engine.dispose()


def compare_logic_v2(matcher: Matcher, queries: list[NameQuery], n: int) -> None:
    try:
        from nomenklatura.matching.logic_v2.model import LogicV2
    except ImportError as exc:
        print(f"LogicV2 comparison skipped ({exc}); install the bench extra")
        return
    from match_quality import logic_v2_entity as entity

    config = LogicV2.default_config()
    sub = queries[:n]
    warm = entity("w", ["Warm Up"], None, None)
    LogicV2.compare(warm, warm, config)  # loads its name data once, not timed

    t0 = time.perf_counter()
    for q in sub:
        matcher.match(q)
    ours = time.perf_counter() - t0
    t1 = time.perf_counter()
    pairs = 0
    for q in sub:
        qe = entity(f"q{id(q)}-{q.row_id}", [q.name], q.birth_date, q.gender.value if q.gender else None)
        for row in matcher.index.candidates(matcher.prepare(q).units):
            c = matcher.candidates_[row]
            LogicV2.compare(qe, entity(f"r{row}", [x.full for x in c.names], c.birth, c.gender), config)
            pairs += 1
    theirs = time.perf_counter() - t1
    print(f"LogicV2 on the same candidates ({len(sub)} rows, {pairs} pairs): {1e3 * theirs / len(sub):.2f} ms/row "
          f"vs kartoteka-match {1e3 * ours / len(sub):.2f} ms/row (candidate generation included): "
          f"ratio {theirs / ours:.1f}x")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--rows", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--logic-v2-rows", type=int, default=300)
    ap.add_argument("--db-size", type=int, default=100_000,
                    help="also time loading this many persons from a SQLite database (0: skip)")
    args = ap.parse_args()
    first: tuple[Matcher, list[NameQuery]] | None = None
    for size in args.sizes:
        result = run(size, args.rows, args.seed)
        if first is None:
            first = result
            if args.logic_v2_rows:
                compare_logic_v2(first[0], first[1], args.logic_v2_rows)
            first = None
        del result
        gc.collect()
    if args.db_size:
        from_database(args.db_size, args.seed)


if __name__ == "__main__":
    main()
