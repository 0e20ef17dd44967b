"""Everything Kartoteka writes is for its owner only: files 0600, folders 0700, whatever the umask;
source addresses are http(s); the secret key is random, private and never a known string."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from kartoteka.errors import InvalidInput, KartotekaError
from kartoteka.services import evidence
from kartoteka.services.backup import backup
from kartoteka.services.exports import export_records
from kartoteka.services.publish import publish
from kartoteka.services.secret_key import create_secret, load_secret, require_secret
from kartoteka.settings import DEFAULT_SECRET, Settings
from tests.conftest import Db
from tests.web.conftest import write_registry


@pytest.fixture
def open_umask() -> Iterator[None]:
    old = os.umask(0o022)   # a careless default: files would be world-readable without explicit modes
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_exports_backups_and_published_files_are_private(db: Db, tmp_path: Path, open_umask: None) -> None:
    write_registry(db, tmp_path)
    for fmt in ("csv", "xlsx", "jsonl"):
        export_records(db.engine, kind="persons", path=tmp_path / f"p.{fmt}", fmt=fmt)
        assert _mode(tmp_path / f"p.{fmt}") == 0o600, fmt
    backup(db.engine, tmp_path / "bk" / "snap.db", logical=db.backend != "sqlite")
    assert _mode(tmp_path / "bk" / "snap.db") == 0o600 and _mode(tmp_path / "bk") == 0o700
    publish(db.engine, out=tmp_path / "site")
    assert _mode(tmp_path / "site") == 0o700
    assert {_mode(p) for p in (tmp_path / "site").iterdir()} == {0o600}


def test_stored_source_files_are_private(db: Db, tmp_path: Path, open_umask: None) -> None:
    doc = tmp_path / "verdict.pdf"
    doc.write_bytes(b"%PDF-1.4 synthetic")
    evidence.add_source(db.engine, actor="t", media_dir=tmp_path / "media", file=doc, title="verdict")
    stored = [p for p in (tmp_path / "media").rglob("*") if p.is_file()]
    assert stored and all(_mode(p) == 0o600 for p in stored)


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd",
                                 "JaVaScRiPt:alert(1)", "http://", "https://ex ample.org"])
def test_source_urls_must_be_http(db: Db, tmp_path: Path, url: str) -> None:
    with pytest.raises(InvalidInput):
        evidence.add_source(db.engine, actor="t", media_dir=tmp_path, url=url)
    assert evidence.add_source(db.engine, actor="t", media_dir=tmp_path, url="https://example.org/a") > 0


def test_init_writes_a_private_random_key_beside_the_database(tmp_path: Path, open_umask: None) -> None:
    settings = Settings(db=str(tmp_path / "k.db"))
    assert load_secret(settings) is None
    with pytest.raises(KartotekaError):
        require_secret(settings)              # serve refuses to start without a key
    path = create_secret(settings)
    assert path == tmp_path / "k.db.key" and _mode(path) == 0o600
    key = require_secret(settings)
    assert len(key) >= 32 and key != DEFAULT_SECRET
    assert create_secret(settings) == path and require_secret(settings) == key   # kept, not replaced
    path.chmod(0o644)
    with pytest.raises(KartotekaError):
        load_secret(settings)                 # a key others may read is refused


def test_a_database_server_keeps_its_key_in_the_data_directory(tmp_path: Path) -> None:
    settings = Settings(db="postgresql+psycopg://u@h/k", media_dir=tmp_path / "data")
    assert create_secret(settings) == tmp_path / "data" / "secret.key"


def test_the_old_default_secret_is_refused_everywhere() -> None:
    for env in ("development", "test", "production"):
        with pytest.raises(ValueError):
            Settings(secret_key=DEFAULT_SECRET, environment=env)
    with pytest.raises(ValueError):
        Settings(secret_key="short")
    assert Settings(secret_key="k" * 40).secret_key == "k" * 40
