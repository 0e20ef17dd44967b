"""One-sheet registry import speed: a sheet of N rows (person and case per row, no ids) into a registry
of M synthetic persons, where half the rows are persons already there (matched by name and birth
date) and half are new. Baseline in the same run: the same persons imported with their ids
(`import persons`, no matching). Then a re-sorted re-import as a dry run: it should change nothing; the
rows it still asks about are sheet rows the synthetic data holds twice under compatible birth dates
(both became persons: the registry now holds two records the matcher cannot tell apart).

Usage: python benchmarks/registry_import_speed.py [M] [N]   (default 20,000 and 2,000)
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from pathlib import Path

from kartoteka.db.engine import make_engine
from kartoteka.db.schema import upgrade_schema
from kartoteka.services.imports import import_file
from kartoteka.services.registry_import import SheetOptions
from kartoteka.synth.registry import generate_registry

HEAD = ["№", "Фамилия", "Имя", "Отчество", "Дата рождения", "Статья УК", "Дата задержания", "Статус"]


def _sheet(path: Path, persons: list[dict[str, str]], cases: dict[str, dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEAD)
        for i, p in enumerate(persons, 1):
            c = cases.get(p["id"], {})
            w.writerow([i, p["surname"], p["given_name"], p["patronymic"], p["birth_date"], c.get("articles", ""),
                        c.get("detained_on", ""), c.get("status", "")])


def main(m: int = 20_000, n: int = 2_000) -> None:
    reg = generate_registry(m + n // 2, seed=14)
    existing, fresh = reg.persons[:m], reg.persons[m:m + n // 2]
    cases = {c["person_id"]: c for c in reg.cases}
    rng = random.Random(14)
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        engine = make_engine(f"sqlite:///{d / 'k.db'}")
        upgrade_schema(engine)
        with (d / "base.csv").open("w", encoding="utf-8", newline="") as fh:
            cols = [k for k in existing[0] if not k.startswith("_")]
            w = csv.DictWriter(fh, cols, extrasaction="ignore")
            w.writeheader()
            w.writerows(existing)
        t = time.perf_counter()
        import_file(engine, "persons", d / "base.csv", actor="bench")
        base_s = time.perf_counter() - t
        sheet = rng.sample(existing, n - len(fresh)) + fresh
        rng.shuffle(sheet)
        _sheet(d / "sheet.csv", sheet, cases)
        t = time.perf_counter()
        dry = import_file(engine, "registry", d / "sheet.csv", actor="bench", dry_run=True)
        dry_s = time.perf_counter() - t
        # a reviewer settles every open row with the matcher's first candidate (remembered as judgements)
        decide = SheetOptions(decisions={rv.row: rv.candidates[0][0] for rv in dry.reviews})
        t = time.perf_counter()
        r = import_file(engine, "registry", d / "sheet.csv", actor="bench", options=decide)
        sheet_s = time.perf_counter() - t
        rng.shuffle(sheet)
        _sheet(d / "again.csv", sheet, cases)
        t = time.perf_counter()
        again = import_file(engine, "registry", d / "again.csv", actor="bench", dry_run=True)
        again_s = time.perf_counter() - t
    print(f"baseline: {m:,} persons with ids (no matching) in {base_s:.1f} s ({m / base_s:,.0f} rows/s)")
    print(f"registry sheet, dry run: {n:,} rows without ids against {m:,} persons in {dry_s:.1f} s: "
          f"{len(dry.reviews)} rows to decide")
    print(f"registry sheet: {n:,} rows in {sheet_s:.1f} s ({n / sheet_s:,.0f} rows/s): "
          f"{r.created} new, {r.updated} updated, {r.unchanged} unchanged; cases {r.cases_created} new")
    print(f"re-sorted re-import (dry run): {again_s:.1f} s: {again.created} new, {again.updated} updated, "
          f"{again.unchanged} unchanged, cases {again.cases_created} new, {again.cases_updated} updated, "
          f"{len(again.reviews)} to decide")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
