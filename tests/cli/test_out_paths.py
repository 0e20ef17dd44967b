"""A file named with --out in a folder that does not exist (or a folder in the file's place) is a clear
message naming the path in en/uk/ru, not a traceback: export persons/cases/ftm, duplicates and match share
services/files.output_file."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.runner import run_cli
from tests.conftest import Db

SAID = {"en": "cannot write {path}: give a file in a folder that exists",
        "uk": "неможливо записати {path}: вкажіть файл у теці, що існує",
        "ru": "невозможно записать {path}: укажите файл в существующей папке"}
COMMANDS = (("export", "persons"), ("export", "cases"), ("export", "ftm"), ("duplicates",), ("match", "LIST"))


@pytest.mark.parametrize("lang", sorted(SAID))
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_out_in_a_missing_folder_is_a_message(db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                              lang: str, command: tuple[str, ...]) -> None:
    monkeypatch.setenv("KARTOTEKA_LANG", lang)
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "list.csv").write_text("id,name\n1,Synthetic Person\n", "utf-8")
    command = tuple(str(tmp_path / "list.csv") if c == "LIST" else c for c in command)
    for target in (tmp_path / "missing" / "x.csv", tmp_path / "folder.csv"):
        out = run_cli(db, *command, "--out", str(target), code=1)
        assert SAID[lang].format(path=target) in " ".join(out.split()), out
        assert "Traceback" not in out
    assert not (tmp_path / "missing").exists()
