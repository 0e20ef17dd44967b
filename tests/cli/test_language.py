"""The CLI speaks the user's language: ``kartoteka --lang``, KARTOTEKA_LANG, else the terminal's locale."""

from __future__ import annotations

from pathlib import Path

import pytest

from kartoteka.cli.language import CHOSEN, cli_language
from tests.cli.runner import run_cli
from tests.conftest import Db

SHEET = ("ФИО;Дата рождения;Статья УК;Статус\n"
         "Белозерцева Анна Викторовна;12.03.1985;ч. 2 ст. 207.3 УК РФ;осуждена\n"
         "Курбанов Рустем Ильясович;1979;ст. 205.5 ч.2 УК РФ;в СИЗО\n")


def test_language_from_option_env_then_locale(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("KARTOTEKA_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    CHOSEN.set(None)                                       # as a run without --lang sets it
    assert cli_language() == "en"
    monkeypatch.setenv("LANG", "uk_UA.UTF-8")
    assert cli_language() == "uk"
    monkeypatch.setenv("LC_ALL", "ru_RU.UTF-8")            # LC_ALL wins over LANG, as in gettext
    assert cli_language() == "ru"
    monkeypatch.setenv("KARTOTEKA_LANG", "en")
    assert cli_language() == "en"
    monkeypatch.setenv("KARTOTEKA_LANG", "de")             # not offered: English, not a crash
    assert cli_language() == "en"


def test_import_report_and_errors_in_russian_and_ukrainian(db: Db, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    sheet = tmp_path / "реестр.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    ru = run_cli(db, "--lang", "ru", "import", "registry", str(sheet), "--dry-run")
    assert "Пробный запуск, ничего не записано" in ru and "новых: 2" in ru and "Dry run" not in ru
    en = run_cli(db, "import", "registry", str(sheet), "--dry-run")
    assert "Dry run, nothing written" in en and "2 new" in en
    monkeypatch.setenv("KARTOTEKA_LANG", "uk")
    missing = run_cli(db, "import", "registry", str(tmp_path / "нема.csv"), code=1)
    assert "Помилка:" in missing and "такого файлу немає" in missing and "no such file" not in missing
    bad = tmp_path / "bad.csv"
    bad.write_text(SHEET.replace("1979", "31.02.1979"), encoding="utf-8")
    rows = run_cli(db, "import", "registry", str(bad), code=1)
    assert "рядок 3" in rows and "row 3" not in rows        # the row error itself in Ukrainian


def test_vet_summary_and_report_follow_the_language(db: Db, tmp_path: Path) -> None:
    sheet = tmp_path / "r.csv"
    sheet.write_text(SHEET, encoding="utf-8")
    run_cli(db, "import", "registry", str(sheet))
    listing = tmp_path / "list.txt"
    listing.write_text("1. Курбанов Рустем Ильясович, 1979\n2. Петренко Василий Николаевич, 1968\n", encoding="utf-8")
    report = tmp_path / "out.html"
    out = run_cli(db, "--lang", "ru", "vet", str(listing), "-d", "pace-1900-2012", "-o", str(report))
    assert "совпадений: 1" in out and "не найдено: 1" in out and "терроризм" in out and "matched" not in out
    assert "Строки с отметками" in report.read_text(encoding="utf-8")     # the report took the CLI's language
