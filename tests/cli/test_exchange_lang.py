"""KARTOTEKA_LANG: verify, signing and FollowTheMoney messages in Ukrainian or Russian."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.runner import run_cli
from tests.conftest import Db
from tests.services.test_ftm import _registry


def test_verify_and_ftm_messages_follow_kartoteka_lang(db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    key = tmp_path / "org.key"
    monkeypatch.setenv("KARTOTEKA_LANG", "uk")
    assert "Публічний ключ" in run_cli(db, "keys", "create", "--key", str(key), "--signer", "Org A")
    _registry(db, tmp_path)
    export = tmp_path / "list.ftm.json"
    out = run_cli(db, "export", "ftm", "--out", str(export), "--sign", str(key))
    assert "сутностей FollowTheMoney" in out and "Підписано" in out
    ok = run_cli(db, "verify", str(export), "--public-key", str(tmp_path / "org.key.pub"))
    assert "підписав(-ла) Org A" in ok
    data = bytearray(export.read_bytes())
    data[10] ^= 1
    export.write_bytes(bytes(data))
    bad = run_cli(db, "verify", str(export), code=2)
    assert "НЕ ПІДТВЕРДЖЕНО" in bad and "list.ftm.json змінено після підписання." in bad
    monkeypatch.setenv("KARTOTEKA_LANG", "ru")
    assert "list.ftm.json изменён после подписания." in run_cli(db, "verify", str(export), code=2)
    data[10] ^= 1
    export.write_bytes(bytes(data))
    dry = run_cli(db, "import", "ftm", str(export), "--source", "Org B", "--dry-run")
    assert "Пробный запуск, ничего не записано" in dry and "от Org B" in dry
    data[10] ^= 1
    export.write_bytes(bytes(data))
    monkeypatch.setenv("KARTOTEKA_LANG", "xx")   # unknown: English, with the detailed reason
    assert "list.ftm.json has been changed since it was signed" in run_cli(db, "verify", str(export), code=2)


def test_import_ftm_says_what_it_left_out_and_why_a_person_is_held_in_the_language(
        db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The review table's 'why' was the matcher's English text in a Ukrainian CLI, with the reason a match was
    held ('the names match but the birth dates differ') in English too."""
    import json

    _registry(db, tmp_path)                                  # P2 Примеров Пётр Сергеевич, born 1975
    path = tmp_path / "b.ftm.json"
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in [
        {"id": "b-person-8", "schema": "Person", "properties": {"name": ["Примеров Пётр Сергеевич"],
                                                                "birthDate": ["1976-03-03"]}},
        {"id": "b-person-9", "schema": "Person", "properties": {"birthDate": ["1976"]}},
    ]) + "\n", "utf-8")
    monkeypatch.setenv("KARTOTEKA_LANG", "uk")
    out = "".join(run_cli(db, "import", "ftm", str(path), "--source", "Org B", "--dry-run").replace("│", "").split())
    assert "іменазбігаються,аледатинародженнярізні" in out and "birthdatesdiffer" not in out   # a table's cells wrap
    assert "рядок2:Personb-person-9пропущено:уньогонемаєімені" in out
