"""How long an audited read of a confidential person waits while a large persons import runs on SQLite.

The import holds SQLite's one write lock for its whole file; every read of a confidential person writes
an audit entry. Before (readers' entries wait for the write lock, as every writer does: ``READ_WAIT`` = the
busy timeout) against after (an entry waits at most ``db/spool.WAIT`` and is spooled: db/spool.py), in
the same run, each on a fresh database with the same import.

    .venv/bin/python benchmarks/read_audit_wait.py [ROWS]     # default 20,000 persons
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select, update

import kartoteka.db.audit as audit
from kartoteka.db.engine import BUSY_TIMEOUT_MS, make_engine
from kartoteka.db.schema import upgrade_schema
from kartoteka.db.spool import WAIT
from kartoteka.db.tables import audit_log, persons
from kartoteka.errors import KartotekaError
from kartoteka.services.access import Principal, view_person
from kartoteka.services.auditlog import verify_audit
from kartoteka.services.imports import import_file
from kartoteka.synth.registry import write_registry

EDITOR = Principal("editor", "editor")
KARTOTEKA = str(Path(sys.executable).parent / "kartoteka")


def run(tmp: Path, files: dict[str, Path], seed_file: Path, wait: float) -> dict[str, float]:
    path = tmp / f"wait{wait}.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    import_file(engine, "persons", seed_file, actor="setup")
    with engine.begin() as conn:
        conn.execute(update(persons).where(persons.c.ext_id == "S0000001").values(sensitivity="confidential"))
    audit.READ_WAIT = wait
    waits: list[float] = []
    errors = [0]

    started = time.perf_counter()
    proc = subprocess.Popen([KARTOTEKA, "--db", str(path), "--actor", "importer", "import", "persons",
                             str(files["persons"])], stdout=subprocess.DEVNULL)   # another process, as the CLI
    time.sleep(1.0)   # the import has parsed its file and holds the write lock
    while proc.poll() is None:
        t = time.perf_counter()
        try:
            view_person(engine, EDITOR, "S0000001", via="benchmark")
        except KartotekaError:
            errors[0] += 1
        waits.append(time.perf_counter() - t)
        time.sleep(0.05)
    assert proc.returncode == 0, "the import failed"
    took = time.perf_counter() - started
    audit.drain_spool(engine)
    with engine.connect() as conn:
        logged = conn.execute(select(func.count()).select_from(audit_log).where(audit_log.c.action == "read")).scalar()
    state = verify_audit(engine)
    engine.dispose()
    waits.sort()
    return {"import_s": took, "reads": len(waits), "errors": errors[0], "logged": float(logged or 0),
            "max_s": waits[-1] if waits else 0.0, "p95_s": waits[int(len(waits) * 0.95)] if waits else 0.0,
            "chain_ok": float(state.ok)}


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        files = write_registry(tmp / "reg", n, seed=11)
        seed = write_registry(tmp / "seed", 5, seed=3)["persons"]
        seed.write_text(seed.read_text(encoding="utf-8").replace("P000", "S000"), encoding="utf-8")
        print(f"audited reads of a confidential person during a {n:,}-row persons import in another process (SQLite)")
        for label, wait in (("before: entries wait for the write lock", BUSY_TIMEOUT_MS / 1000),
                            ("after: entries spooled after", WAIT)):
            r = run(tmp, files, seed, wait)
            print(f"  {label} {wait:g} s: import {r['import_s']:.1f} s, {r['reads']:.0f} reads, "
                  f"longest wait {r['max_s']:.2f} s, p95 {r['p95_s']:.2f} s, errors {r['errors']:.0f}, "
                  f"read entries in the log {r['logged']:.0f}, chain {'intact' if r['chain_ok'] else 'BROKEN'}")


if __name__ == "__main__":
    main()
