"""The dashboard's figures: the same whatever plan the database takes, and on SQLite read by plain scans."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import event

from kartoteka.services.access import Principal
from kartoteka.services.dashboard import _compute
from tests.conftest import Db
from tests.web.conftest import write_registry


def test_the_dashboard_groups_cases_and_charges_by_plain_scans_on_sqlite(db: Db, tmp_path: Path) -> None:
    """SQLite took ix_charges_code_article (and ix_cases_status, 0035) for the order to group in and looked up a
    case and a person for every charge in that order: 6.8 s at a million persons against 2.7 s by a plain scan.
    No statement of the dashboard reads cases or charges through those indexes; the figures are those of the
    registry (db/unindexed.py renders the column plainly elsewhere)."""
    if db.backend != "sqlite":
        pytest.skip("SQLite's query plans (PostgreSQL's planner chooses by its statistics)")
    write_registry(db, tmp_path)
    seen: list[tuple[str, object]] = []

    def keep(_conn: object, _cursor: object, statement: str, parameters: object, *_: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        figures = _compute(db.engine, Principal("a", "admin"))
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert dict(figures.by_status) == {"convicted": 1, "detained": 2}
    assert ("RU 280.3", 1) in figures.by_article
    grouped = [s for s, _ in seen if "GROUP BY" in s.upper() and ("cases" in s or "charges" in s)]
    assert len(grouped) == 3, grouped
    with db.engine.connect() as conn:
        for statement, parameters in seen:
            plan = " | ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters))
            assert "ix_charges_code_article" not in plan and "ix_cases_status" not in plan, (statement, plan)
