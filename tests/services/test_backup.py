import gzip
import json
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kartoteka.db.engine import make_engine
from kartoteka.db.schema import head_revision, upgrade_schema
from kartoteka.db.tables import metadata, persons
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
    more = write_registry(tmp_path / "b", 900, seed=2)["persons"]   # the first 300 are the same
    writer = threading.Thread(target=lambda: import_file(db.engine, "persons", more, actor="w"))
    writer.start()
    kind = backup(db.engine, tmp_path / "snap.bak", logical=logical or db.backend == "postgresql")
    writer.join()
    assert kind == ("logical" if logical or db.backend == "postgresql" else "sqlite")
    after_writer = _persons(db)
    assert after_writer == 900  # ids P0000001.. overlap: 300 unchanged, 600 new
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


# -- restore refuses what is not a complete backup of this schema, leaving the database unchanged ------

def _fingerprint(db: Db) -> tuple[int, ...]:
    with db.engine.connect() as conn:
        return tuple(int(conn.execute(select(func.count()).select_from(t)).scalar_one())
                     for t in metadata.sorted_tables)


def _gz(lines: list[bytes]) -> bytes:
    return gzip.compress(b"".join(lines))


def _dump_lines(path: Path) -> list[bytes]:
    return gzip.decompress(path.read_bytes()).splitlines(keepends=True)


def _bad_inputs(good_sqlite: Path, good_dump: Path) -> dict[str, bytes]:
    """25+ truncated, foreign and malformed backups, made from two good ones."""
    db_bytes, lines = good_sqlite.read_bytes(), _dump_lines(good_dump)
    head = json.loads(lines[0])
    body, manifest = lines[1:-1], lines[-1]

    def with_head(**change: object) -> bytes:
        return _gz([json.dumps({**head, **change}).encode() + b"\n", *body, manifest])

    foreign = sqlite3.connect(":memory:")
    foreign.executescript("CREATE TABLE alembic_version (version_num TEXT); "
                          f"INSERT INTO alembic_version VALUES ('{head_revision()}'); CREATE TABLE persons (id INT);")
    foreign_bytes = foreign.serialize()
    def changed(sql: str) -> bytes:
        copy = good_sqlite.with_name(f"changed-{abs(hash(sql))}.db")
        copy.write_bytes(db_bytes)
        conn = sqlite3.connect(copy)
        conn.execute(sql)
        conn.commit()
        conn.close()
        return copy.read_bytes()

    row = json.loads(body[0])
    tampered = json.dumps({**row, "r": {**row["r"], "ext_id": "TAMPERED"}}).encode() + b"\n"
    damaged_page = bytearray(db_bytes)
    damaged_page[len(db_bytes) // 2:len(db_bytes) // 2 + 4096] = b"\xff" * 4096
    return {
        "empty": b"",
        "text": b"hello, I am not a backup",
        "sqlite-header-only": db_bytes[:100],
        "sqlite-half": db_bytes[:len(db_bytes) // 2],
        "sqlite-damaged-page": bytes(damaged_page),
        "sqlite-foreign-same-revision": foreign_bytes,
        "sqlite-old-revision": changed("UPDATE alembic_version SET version_num = version_num || 'x'"),
        "sqlite-extra-column": changed("ALTER TABLE persons ADD COLUMN secret TEXT"),
        "sqlite-no-users-table": changed("DROP TABLE api_tokens"),
        "gzip-empty": gzip.compress(b""),
        "gzip-garbage": gzip.compress(b"\x00\x01binary"),
        "gzip-cut-bytes": gzip.compress(b"".join(lines))[: len(gzip.compress(b"".join(lines))) // 2],
        "dump-header-only": _gz([lines[0]]),
        "dump-half": _gz(lines[: len(lines) // 2]),
        "dump-no-manifest": _gz(lines[:-1]),
        "dump-last-row-missing": _gz([*lines[:-2], manifest]),
        "dump-row-duplicated": _gz([*lines[:-1], lines[-2], manifest]),
        "dump-tampered-row": _gz([lines[0], tampered, *body[1:], manifest]),
        "dump-wrong-revision": with_head(revision="0005"),
        "dump-no-revision": with_head(revision=None),
        "dump-format-1": with_head(kartoteka_backup=1),
        "dump-foreign-tables": with_head(tables=["persons"]),
        "dump-not-json": _gz([lines[0], b"{not json\n", manifest]),
        "dump-unknown-table": _gz([lines[0], b'{"t": "evil", "r": {}}\n', manifest]),
        "dump-unknown-column": _gz([lines[0], json.dumps({**row, "r": {**row["r"], "evil": 1}}).encode() + b"\n",
                                    manifest]),
        "dump-bad-datetime": _gz([lines[0], json.dumps({**row, "r": {**row["r"], "created_at": "yesterday"}}).encode()
                                  + b"\n", *body[1:], manifest]),
        "dump-deep-json": _gz([lines[0], b"[" * 100_000 + b"\n", manifest]),
        "dump-data-after-manifest": _gz([*lines, body[0]]),
        "dump-manifest-lies": _gz([*lines[:-1], json.dumps({"manifest": {"rows": {}, "sha256": ""}}).encode() + b"\n"]),
        "dump-row-not-object": _gz([lines[0], b"[1, 2, 3]\n", manifest]),
    }


def test_restore_refuses_every_bad_input_and_changes_nothing(db: Db, tmp_path: Path) -> None:
    paths = write_registry(tmp_path / "a", 30, seed=4)
    import_file(db.engine, "persons", paths["persons"], actor="a")
    good_dump = tmp_path / "good.jsonl.gz"
    backup(db.engine, good_dump, logical=True)
    good_sqlite = tmp_path / "good.db"
    if db.backend == "sqlite":
        backup(db.engine, good_sqlite)
    else:   # a SQLite backup of the same schema, made from a SQLite copy of the dump
        sq = make_engine(f"sqlite:///{tmp_path / 'copy.db'}")
        upgrade_schema(sq)
        restore(sq, good_dump)
        backup(sq, good_sqlite)
        sq.dispose()
    import_file(db.engine, "persons", write_registry(tmp_path / "b", 40, seed=4)["persons"], actor="b")
    before = _fingerprint(db)
    bad = _bad_inputs(good_sqlite, good_dump)
    assert len(bad) >= 25
    accepted = []
    for name, data in bad.items():
        path = tmp_path / f"{name}.bak"
        path.write_bytes(data)
        try:
            restore(db.engine, path)
            accepted.append(name)
        except InvalidInput:
            pass
        assert _fingerprint(db) == before, name
    assert accepted == []
    assert not list(tmp_path.glob("*.before-restore"))
    assert restore(db.engine, good_dump)["persons"] == 30      # the good ones still restore
    assert restore(db.engine, good_sqlite)["persons"] == 30


def test_a_killed_backup_leaves_nothing(tmp_path: Path) -> None:
    script = (f"import sys; sys.path.insert(0, {str(Path(__file__).parents[2])!r})\n"
              "from pathlib import Path\n"
              "from kartoteka.services import backup as b\n"
              "with b._output(Path(sys.argv[1])) as fh:\n"
              "    fh.write(b'x' * 1000); fh.flush()\n"
              "    print('writing', flush=True); import time; time.sleep(60)\n")
    target = tmp_path / "snap.bak"
    proc = subprocess.Popen([sys.executable, "-c", script, str(target)], stdout=subprocess.PIPE)
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert sorted(p.name for p in tmp_path.iterdir()) == []
