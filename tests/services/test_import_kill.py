"""An import killed with SIGKILL halfway through leaves the database exactly as it was."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from kartoteka.db.tables import audit_log, imports, person_names, persons
from kartoteka.services.imports import import_file
from kartoteka.synth.registry import PERSON_COLUMNS, iter_persons, write_rows
from tests.conftest import Db


def _counts(db: Db) -> tuple[int, ...]:
    with db.engine.connect() as conn:
        return tuple(int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                     for t in (persons, person_names, audit_log, imports))


def _import_is_writing(db: Db, wal: Path) -> bool:
    if db.backend == "sqlite":
        return wal.exists() and wal.stat().st_size > 8_000_000
    with db.engine.connect() as conn:
        # this database's import (other tests run on the same server): its bulk writes go by COPY, a few
        # audit entries by INSERT
        q = ("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
             "AND (query ILIKE 'INSERT INTO audit_log%' OR query ILIKE 'COPY %')")
        return int(conn.execute(text(q)).scalar_one()) > 0


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The file killed halfway, the same on both backends: written once (about 2 s of CPU)."""
    path = tmp_path_factory.mktemp("kill") / "big.csv"
    write_rows(path, PERSON_COLUMNS, iter_persons(100_000, seed=10))
    return path


def test_sigkill_halfway_changes_nothing(db: Db, tmp_path: Path, big: Path) -> None:
    small = tmp_path / "small.csv"
    write_rows(small, PERSON_COLUMNS, iter_persons(50, seed=9))
    import_file(db.engine, "persons", small, actor="before")
    before = _counts(db)
    env = {**os.environ, "KARTOTEKA_DB": db.url}
    proc = subprocess.Popen([sys.executable, "-m", "kartoteka", "import", "persons", str(big)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wal = Path(db.url.removeprefix("sqlite:///") + "-wal")
    deadline = time.monotonic() + 120
    while not _import_is_writing(db, wal):
        assert proc.poll() is None, f"import ended before it could be killed: {proc.stderr.read() if proc.stderr else ''}"
        assert time.monotonic() < deadline, "import never started writing"
        time.sleep(0.05)
    if db.backend == "postgresql":
        time.sleep(1.0)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    db.engine.dispose()
    assert _counts(db) == before
    if db.backend == "sqlite":
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
