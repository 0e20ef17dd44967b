"""The dashboard's figures: the same whatever plan the database takes, and on SQLite read by plain scans; after a
change, the last figures (saying when) while the current ones are computed in the background, for the reader's
own visibility; a large registry's first figures computed in the background."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from sqlalchemy import event, insert, select

from kartoteka.db.tables import match_decisions, persons
from kartoteka.services import background, dashboard as board
from kartoteka.services.access import Principal
from kartoteka.services.dashboard import _compute, dashboard
from kartoteka.services.person_create import NewPerson, create_person
from tests.conftest import Db
from tests.web.conftest import write_registry

VIEWER, EDITOR = Principal("v", "viewer"), Principal("e", "editor")


def _held(monkeypatch: pytest.MonkeyPatch) -> tuple[threading.Event, list[str]]:
    """_compute made to wait for the returned event before it computes (the background build held), each
    computation noted by the reader's role."""
    go, calls = threading.Event(), []
    compute = board._compute

    def held(engine: object, principal: Principal) -> board.Dashboard:
        calls.append(principal.role)
        assert go.wait(30)
        return compute(engine, principal)  # type: ignore[arg-type]

    monkeypatch.setattr(board, "_compute", held)
    return go, calls


def test_after_a_change_the_last_figures_show_while_the_new_ones_are_computed(
        db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_registry(db, tmp_path)
    first_v, first_e = dashboard(db.engine, VIEWER), dashboard(db.engine, EDITOR)
    assert first_v.current and first_e.current and (first_v.total, first_e.total) == (3, 4)
    assert abs(dt.datetime.fromisoformat(first_v.as_of.replace("Z", "+00:00")).timestamp()
               - dt.datetime.now(dt.timezone.utc).timestamp()) < 60
    go, calls = _held(monkeypatch)
    create_person(db.engine, EDITOR, NewPerson("Ахтемов Ремзі Ескендерович", sensitivity="public"),
                  media_dir=tmp_path / "media")
    stale_v, stale_e = dashboard(db.engine, VIEWER), dashboard(db.engine, EDITOR)
    assert not stale_v.current and not stale_e.current
    assert (stale_v.total, stale_e.total) == (3, 4)   # each reader's own last figures, never another's
    assert stale_v.as_of == first_v.as_of
    assert dashboard(db.engine, VIEWER).total == 3     # asked again meanwhile: the same computation runs
    go.set()
    assert background.wait_idle(30)
    assert sorted(calls) == ["editor", "viewer"]
    now_v, now_e = dashboard(db.engine, VIEWER), dashboard(db.engine, EDITOR)
    assert now_v.current and now_e.current and (now_v.total, now_e.total) == (4, 5)
    assert sorted(calls) == ["editor", "viewer"]        # (and kept: not computed again)


def test_a_reviewers_judgement_leaves_the_figures_current(db: Db, tmp_path: Path) -> None:
    """The figures count persons, cases and charges: a match decision (which moves the registry's generation for
    the caches of matches) does not make them stale."""
    write_registry(db, tmp_path)
    before = dashboard(db.engine, EDITOR)
    with db.engine.begin() as conn:
        pid = conn.execute(select(persons.c.id).limit(1)).scalar_one()
        conn.execute(insert(match_decisions).values(
            query_key="x|", person_id=pid, judgement="same", actor="e", at=dt.datetime.now(dt.timezone.utc),
            algorithm="test", algorithm_version="1"))
    after = dashboard(db.engine, EDITOR)
    assert after.current and after.as_of == before.as_of


def test_a_large_registrys_first_figures_are_computed_in_the_background(
        db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_registry(db, tmp_path)
    monkeypatch.setattr(board, "NOW_MAX", 0)
    go, _calls = _held(monkeypatch)
    first = dashboard(db.engine, VIEWER)
    assert first.computing and not first.current and first.total == 0 and not first.by_status
    go.set()
    assert background.wait_idle(30)
    later = dashboard(db.engine, VIEWER)
    assert later.current and not later.computing and later.total == 3


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
