import pytest
from sqlalchemy import select

from kartoteka.db import audit
from kartoteka.db.tables import audit_log, persons
from kartoteka.errors import Conflict
from tests.conftest import Db


def test_optimistic_locking_and_field_history(db: Db) -> None:
    with db.engine.begin() as conn:
        pid = audit.create_record(conn, persons, "person", {"ext_id": "X1", "region": "A"}, actor="alice")
    with db.engine.begin() as conn:
        assert audit.update_record(conn, persons, "person", pid, {"region": "B"}, actor="bob", expected_version=1) == 2
    with pytest.raises(Conflict, match="changed by bob"):
        with db.engine.begin() as conn:
            audit.update_record(conn, persons, "person", pid, {"region": "C"}, actor="carol", expected_version=1)
    with db.engine.begin() as conn:
        audit.soft_delete(conn, persons, "person", pid, actor="dave")
    with db.engine.connect() as conn:
        row = conn.execute(select(persons).where(persons.c.id == pid)).one()
        log = conn.execute(select(audit_log.c.actor, audit_log.c.action, audit_log.c.field,
                                  audit_log.c.before, audit_log.c.after).order_by(audit_log.c.id)).all()
    assert row.region == "B" and row.deleted_at is not None and row.version == 3
    assert [tuple(x)[:3] for x in log] == [("alice", "create", None), ("bob", "update", "region"),
                                           ("dave", "delete", None)]
    assert tuple(log[1])[3:] == ("A", "B")
