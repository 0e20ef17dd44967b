"""Issue 16 through real HTTP, on SQLite and PostgreSQL: `kartoteka serve` in its own process, 20 API
clients (keep-alive) reading persons (confidential ones too: audited reads), searching and editing with
versions, 100 conflicting edit pairs, an import and a vet through the API, all at once: no 5xx, no
connection failure, no 'database is locked', no lost update, and every confidential read audited once
(benchmarks/concurrency_load.py: the same load for 60 s, with figures)."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType

from sqlalchemy import select

from kartoteka.db.audit import drain_spool
from kartoteka.db.tables import audit_log
from kartoteka.services.auditlog import verify_audit
from tests.conftest import Db

SECONDS = 6.0          # per backend; the benchmark runs 60
IMPORT_ROWS = 200


def load_module() -> ModuleType:
    path = Path(__file__).resolve().parents[2] / "benchmarks" / "concurrency_load.py"
    spec = importlib.util.spec_from_file_location("concurrency_load", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module   # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_mixed_http_load_has_no_errors_and_loses_no_update(db: Db, tmp_path: Path) -> None:
    load = load_module()
    setup = load.prepare(db.engine, tmp_path, import_rows=IMPORT_ROWS, vet_rows=30)
    with load.serving(db.url, tmp_path) as base:
        result = load.run_load(base, setup, seconds=SECONDS, think=0.5)
        load.final_check(base, setup, result)
    assert result.errors == []
    assert result.lost_updates == []
    assert (result.pair_wins, result.pair_conflicts) == (100, 100)
    assert result.imported == IMPORT_ROWS and result.vetted == setup.vet_rows
    assert result.requests > 300 and result.confidential_reads > 20 and result.by_status.get(200, 0) > 300
    drain_spool(db.engine, wait=30.0)
    with db.engine.connect() as conn:   # every confidential person shown left exactly one audit entry
        reads = conn.execute(select(audit_log.c.entity_id).where(
            audit_log.c.action == "read", audit_log.c.entity_type == "person", audit_log.c.actor == "editor",
            audit_log.c.after == json.dumps({"via": "api"}))).all()
    assert len(reads) == result.confidential_reads
    assert verify_audit(db.engine).ok
