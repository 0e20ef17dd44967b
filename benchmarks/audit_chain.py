"""The cost of the audit log's hash chain: appending N entries chained (db/chain.py, through
bulk_insert as imports do) against the same rows inserted unchained, and `audit verify` over them.

    .venv/bin/python benchmarks/audit_chain.py [N]      # default 200,000 entries, SQLite in a temp dir
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from kartoteka.db.audit import now, write_audit
from kartoteka.db.engine import make_engine
from kartoteka.db.schema import upgrade_schema
from kartoteka.db.tables import audit_log
from kartoteka.services.auditlog import verify_audit


def rows(n: int) -> list[dict[str, object]]:
    at = now()
    return [{"at": at, "actor": "bench", "entity_type": "person", "entity_id": i, "action": "update",
             "field": "region", "before": "Москва", "after": f"Тверь {i}", "batch": "b"} for i in range(n)]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
    with tempfile.TemporaryDirectory() as tmp:
        base = make_engine(f"sqlite:///{Path(tmp) / 'base.db'}")
        chained = make_engine(f"sqlite:///{Path(tmp) / 'chain.db'}")
        for e in (base, chained):
            upgrade_schema(e)
        data = rows(n)
        t = time.perf_counter()
        with base.begin() as conn:
            conn.execute(insert(audit_log), data)          # baseline: unchained, as before issue 10
        t_base = time.perf_counter() - t
        t = time.perf_counter()
        for start in range(0, n, 10_000):                   # imports write in batches
            with chained.begin() as conn:
                write_audit(conn, data[start:start + 10_000])
        t_chain = time.perf_counter() - t
        t = time.perf_counter()
        state = verify_audit(chained)
        t_verify = time.perf_counter() - t
        assert state.ok and state.entries == n, state
        print(f"{n:,} audit entries on SQLite")
        print(f"  baseline insert (unchained): {t_base:6.2f} s  {n / t_base:10,.0f} entries/s")
        print(f"  chained append:              {t_chain:6.2f} s  {n / t_chain:10,.0f} entries/s")
        print(f"  audit verify:                {t_verify:6.2f} s  {n / t_verify:10,.0f} entries/s")
        base.dispose()
        chained.dispose()


if __name__ == "__main__":
    main()
