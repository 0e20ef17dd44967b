"""Sensitivity: viewers never see confidential records; other roles' reads of them are audited."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from kartoteka.db.tables import audit_log
from kartoteka.errors import Forbidden, NotFound
from kartoteka.services import access
from kartoteka.services.access import Principal
from kartoteka.services.dashboard import dashboard
from tests.conftest import Db
from tests.web.conftest import write_registry

VIEWER, EDITOR = Principal("v", "viewer"), Principal("e", "editor")


def test_roles_and_permissions() -> None:
    assert access.visible_sensitivities(VIEWER) == ("public", "internal")
    assert "confidential" in access.visible_sensitivities(EDITOR)
    access.require(EDITOR, "edit")
    with pytest.raises(Forbidden):
        access.require(VIEWER, "edit")
    with pytest.raises(ValueError):
        Principal("x", "root")


def test_confidential_person_hidden_from_viewer_and_reads_audited(db: Db, tmp_path: Path) -> None:
    write_registry(db, tmp_path)
    with pytest.raises(NotFound):
        access.view_person(db.engine, VIEWER, "P3", via="test")
    detail = access.view_person(db.engine, EDITOR, "P3", via="test")
    assert detail.person["ext_id"] == "P3" and len(detail.cases) == 1
    with db.engine.connect() as conn:
        reads = conn.execute(select(audit_log.c.entity_type, audit_log.c.actor)
                             .where(audit_log.c.action == "read")).all()
    assert ("person", "e") in reads and ("case", "e") in reads


def test_confidential_case_of_a_visible_person_is_hidden(db: Db, tmp_path: Path) -> None:
    write_registry(db, tmp_path)
    assert access.view_person(db.engine, VIEWER, "P2", via="test").cases == []
    assert len(access.view_person(db.engine, EDITOR, "P2", via="test").cases) == 1
    history = access.view_history(db.engine, VIEWER, "P2")
    assert history and all(h["entity_type"] != "case" for h in history)


def test_dashboard_counts_only_visible(db: Db, tmp_path: Path) -> None:
    write_registry(db, tmp_path)
    assert dashboard(db.engine, VIEWER).total == 3 and dashboard(db.engine, EDITOR).total == 4
    assert sum(n for _, n in dashboard(db.engine, VIEWER).by_status) == 1


def test_read_events_appear_in_history_for_administrators_only(db: Db, tmp_path: Path) -> None:
    write_registry(db, tmp_path)
    access.view_person(db.engine, EDITOR, "P3", via="test")
    assert not any(h["action"] == "read" for h in access.view_history(db.engine, EDITOR, "P3"))
    assert any(h["action"] == "read" for h in access.view_history(db.engine, Principal("a", "admin"), "P3"))
