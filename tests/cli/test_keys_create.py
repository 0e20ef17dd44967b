"""``keys create`` keeps a public key that is already there (others may check signatures with it) when the
private key beside it is missing, with a message naming the file in en/uk/ru; --force replaces it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.runner import run_cli
from tests.conftest import Db

SAID = {"en": "exists; refusing to replace a public key others may check signatures with (use --force)",
        "uk": "уже існує; відкритий ключ, яким інші можуть перевіряти підписи, не буде замінено",
        "ru": "уже существует; открытый ключ, которым другие могут проверять подписи, не будет заменён"}


@pytest.mark.parametrize("lang", sorted(SAID))
def test_existing_public_key_is_not_replaced(db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                             lang: str) -> None:
    monkeypatch.setenv("KARTOTEKA_LANG", lang)
    key = tmp_path / "org.key"
    run_cli(db, "keys", "create", "--key", str(key), "--signer", "Synthetic Org")
    pub = key.with_name(key.name + ".pub")
    before = pub.read_bytes()
    key.unlink()
    out = " ".join(run_cli(db, "keys", "create", "--key", str(key), "--signer", "Synthetic Org", code=1).split())
    assert f"{pub} {SAID[lang]}" in out, out
    assert pub.read_bytes() == before and not key.exists()
    run_cli(db, "keys", "create", "--key", str(key), "--signer", "Synthetic Org", "--force")
    assert pub.read_bytes() != before and key.exists()
