import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kartoteka.db.tables import persons
from kartoteka.errors import InvalidInput
from kartoteka.services.backup import backup, restore
from kartoteka.services.imports import import_file
from kartoteka.synth.registry import write_registry
from tests.conftest import Db


def _persons(db: Db) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(persons)).scalar_one())


@pytest.mark.parametrize("logical", [False, True])
def test_backup_while_writing_then_restore(db: Db, tmp_path: Path, logical: bool) -> None:
    paths = write_registry(tmp_path / "a", 300, seed=2)
    import_file(db.engine, "persons", paths["persons"], actor="a")
    more = write_registry(tmp_path / "b", 900, seed=3)["persons"]
    writer = threading.Thread(target=lambda: import_file(db.engine, "persons", more, actor="w"))
    writer.start()
    kind = backup(db.engine, tmp_path / "snap.bak", logical=logical or db.backend == "postgresql")
    writer.join()
    assert kind == ("logical" if logical or db.backend == "postgresql" else "sqlite")
    after_writer = _persons(db)
    assert after_writer == 900  # ids P0000001.. overlap: 300 updated/unchanged, 600 new
    counts = restore(db.engine, tmp_path / "snap.bak")
    # The snapshot is either before or after the concurrent import, never half of it.
    assert counts["persons"] in (300, 900)
    assert _persons(db) == counts["persons"]
    import_file(db.engine, "persons", more, actor="again")  # ids keep working after a restore
    assert _persons(db) == 900


def test_restore_refuses_garbage(db: Db, tmp_path: Path) -> None:
    junk = tmp_path / "junk.bak"
    junk.write_bytes(b"hello")
    with pytest.raises(InvalidInput, match="not a Kartoteka backup"):
        restore(db.engine, junk)
