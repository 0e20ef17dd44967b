"""KARTOTEKA_LANG=uk|ru: what the criteria, assess, custody, rounds, vetting, mappings and claims commands print
is in the user's language (cli_commands.po), with no English word of the same message left."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.runner import run_cli
from tests.cli.test_criteria_cli import _registry
from tests.conftest import Db
from tests.services.test_custody_scenario import CASES, CUSTODY, PERSONS, UA_LIST
from tests.services.test_vetting import LIST, make_registry, write_list


def _flat(text: str) -> str:
    """The output with the console's line wrapping undone."""
    return " ".join(text.split())


def _has(out: str, *words: str) -> None:
    flat = _flat(out)
    missing = [w for w in words if w not in flat]
    assert not missing, f"{missing} not in:\n{out}"


def _lacks(out: str, *words: str) -> None:
    flat = _flat(out)
    found = [w for w in words if w in flat]
    assert not found, f"{found} in:\n{out}"


def test_criteria_and_assessments_in_ukrainian_and_russian(db: Db, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KARTOTEKA_LANG", "uk")
    out = run_cli(db, "definitions")
    _has(out, "критерій 1a (memory)", "критерій 1g (memory; потрібна умова 2-motive)",
         "умова 2-motive (memory, не є самостійною підставою)", "передумова: позбавлення волі",
         "виняток (висновок 'excepted')", "статуси: recognised", "excluded_violence (= not_recognised)")
    _lacks(out, "criterion 1a", "precondition:", "not a ground", "issuer:", "statuses:", "exception (finding")
    _registry(db, tmp_path)
    out = run_cli(db, "screen", "U1")
    _has(out, "воєнний злочин", "RU 356(1)", "Переглянуто обвинувачення осіб: 1, з позначками: 1.")
    _lacks(out, "screened", "with flags")
    out = run_cli(db, "reparse-charges")
    _has(out, "Справ: 2, обвинувачень: 3", "Немає в каталозі: RU 999")
    _lacks(out, "case(s)", "Not in the catalog")

    assert "Оцінку №1 створено (чернетка)." in run_cli(db, "assess", "create", "R1", "-d", "guidelines-2013",
                                                       actor="alice")
    out = run_cli(db, "assess", "finding", "1", "1a", "met", "--source", "https://example.org/s1", actor="alice")
    assert "Оцінка №1: 1a = виконано." in out
    out = run_cli(db, "assess", "submit", "1", "--decision", "recognised", actor="alice")
    _has(out, "Оцінку №1 подано (визнаний); її має затвердити інша особа.")
    assert "Оцінку №1 затверджено" in run_cli(db, "assess", "approve", "1", actor="bob")
    out = run_cli(db, "assess", "show", "1")
    _has(out, "особа R1 за визначенням guidelines-2013 v2: вирішено, рішення: визнаний; автор alice, рецензент bob",
         "1a: виконано (https://example.org/s1)", "alice висновок 1a", "bob затвердження")
    _lacks(out, "person R1", "under guidelines", "alice finding", "approve")
    _lacks(out.split("1a:")[0], "decision", "reviewer", "author")   # the history below shows stored field names
    out = run_cli(db, "assess", "list")
    _has(out, "особа", "стан", "вирішено", "визнаний", "bob")
    _lacks(out, "person", "state", "decided", "recognised")

    monkeypatch.setenv("KARTOTEKA_LANG", "ru")
    out = run_cli(db, "definitions")
    _has(out, "критерий 1a (memory)", "предварительное условие: лишение свободы", "исключение excl-violence",
         "оговорка (вывод 'excepted')", "статусы:")
    _lacks(out, "criterion 1a", "precondition:", "exclusion excl-", "exception (finding")   # the summaries are English data
    out = run_cli(db, "assess", "show", "1")
    _has(out, "лицо R1 по определению guidelines-2013 v2: решено, решение: признан; автор alice, рецензент bob",
         "alice вывод 1a")
    _lacks(out, "person R1", "alice finding")
    _lacks(out.split("1a:")[0], "decision", "reviewer", "author")
    assert "Оценка №2 создана (черновик)." in run_cli(db, "assess", "create", "U1", "-d", "guidelines-2013",
                                                      actor="alice")
    out = run_cli(db, "assess", "return", "1", "--note", "x", actor="bob", code=1)   # decided: not returned
    assert "Ошибка" in out


def test_custody_rounds_and_vetting_in_ukrainian_and_russian(db: Db, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    for kind, text in (("persons", PERSONS), ("cases", CASES), ("custody", CUSTODY)):
        (tmp_path / f"{kind}.csv").write_text(text, "utf-8")
        run_cli(db, "import", kind, str(tmp_path / f"{kind}.csv"), actor="setup")
    monkeypatch.setenv("KARTOTEKA_LANG", "uk")
    out = run_cli(db, "custody", "show", "S01")
    _has(out, "підтверджено 2024-06-01", "категорія:", "[https://example.org/s01]")
    _lacks(out, "confirmed", "category:")
    out = run_cli(db, "custody", "set", "S02", "--held-by", "RU", "--state", "pretrial", actor="ed")
    _has(out, "Запис про утримання №", "для S02 збережено.")
    out = run_cli(db, "custody", "recognise", "S01", "--organisation", "Memorial", "--statement",
                  "https://example.org/m", "--date", "2024-03-01", actor="rev")
    _has(out, "S01: визнання від Memorial (2024-03-01) записано.")
    _has(run_cli(db, "custody", "show", "S01"), "визнання від Memorial (2024-03-01): https://example.org/m")
    (tmp_path / "more.csv").write_text("person_id,held_by,custody\nS02,RU,pretrial\n", "utf-8")
    out = run_cli(db, "import", "custody", str(tmp_path / "more.csv"), "--dry-run", actor="setup")
    _has(out, "Рядків: 1; записів про утримання:", "(пробний запуск: нічого не записано).")
    _lacks(out, "rows", "custody records", "dry run")

    (tmp_path / "ua.csv").write_text(UA_LIST, "utf-8")
    run_cli(db, "vet", str(tmp_path / "ua.csv"), "-d", "guidelines-2013", "--held-by", "RU", "--round", "R1",
            "--side", "UA", actor="v")
    out = run_cli(db, "outcome", "S08", "exchanged", "--date", "2025-05-23", "--run", "latest", actor="v")
    _has(out, "Записано: S08 — обміняний, 2025-05-23 (подія №")
    _lacks(out, "Recorded", "event")
    out = run_cli(db, "rounds", "summary", "R1")
    _has(out, "Раунд R1 (перевірок: 1)", "Сторона UA: запитані:", "обміняні (1): за категорією",
         "за статусом", "ще не повернуті (")
    _lacks(out, "Round", "Side", "by category", "by status", "asked", "outstanding")
    out = run_cli(db, "runs")
    _has(out, "Раунд R1, сторона UA", "визнаних:", "немає в реєстрі:", "Перевірок: 1.")
    _lacks(out, "Round", "side", "rows:", "recognised", "run(s)")

    monkeypatch.setenv("KARTOTEKA_LANG", "ru")
    out = run_cli(db, "rounds", "summary", "R1")
    _has(out, "Раунд R1 (проверок: 1)", "Сторона UA: запрошены:", "обменяны (1): по категории", "по статусу")
    _lacks(out, "Round", "Side", "by category", "by status", "asked", "outstanding")
    out = run_cli(db, "custody", "show", "S01")
    _has(out, "категория:", "признание от Memorial (2024-03-01): https://example.org/m")
    _lacks(out, "category:", "recognised by")


def test_vetting_runs_and_diff_in_ukrainian_and_russian(db: Db, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    make_registry(db.engine, tmp_path)
    later = tmp_path / "later.txt"     # the same names, one per line, without KOVALENKO
    later.write_text("\n".join(line.split(",", 1)[1] for line in LIST.splitlines()[1:] if "KOVALENKO" not in line),
                     "utf-8")
    monkeypatch.setenv("KARTOTEKA_LANG", "uk")
    html = tmp_path / "report.html"
    out = run_cli(db, "vet", str(write_list(tmp_path)), "-d", "guidelines-2013", "--round", "R1", "--side", "RU",
                  "--out", str(html), actor="v")
    _has(out, "Перевірка №1", "Звіт:", "report.html")
    _lacks(out, "Report:")
    run_cli(db, "vet", str(later), "-d", "guidelines-2013", "--round", "R2", "--side", "RU", actor="v")
    out = run_cli(db, "diff", "1", "2")
    _has(out, "Перевірка №1 -> перевірка №2: додано: 0, вилучено: 1, змінено:", "без змін:")
    _lacks(out, "Run #", "added", "removed", "unchanged")
    out = run_cli(db, "review", "1", "7", "same", "--person", "P5", actor="v")
    _has(out, "Рядок 7 (", "збіг, P5, визнаний")
    _lacks(out, "Row", "match", "recognised")
    out = run_cli(db, "runs", "show", "1")
    _has(out, "№", "ім'я", "особа", "статус", "позначки", "дубль", "визнаний", "воєнний злочин")
    _lacks(out, "person", "flags", "dup. of", "recognised", "war_crime")
    out = run_cli(db, "demo-list", "--out", str(tmp_path / "demo.csv"), "--size", "8", actor="v")
    _has(out, "Записано рядків:")
    _lacks(out, "Wrote", "rows")

    monkeypatch.setenv("KARTOTEKA_LANG", "ru")
    out = run_cli(db, "diff", "1", "latest")
    _has(out, "Проверка №1 -> проверка №2: добавлено:", "убрано:", "изменено:", "без изменений:")
    _lacks(out, "Run #", "added", "removed", "unchanged")
    out = run_cli(db, "runs", "--round", "R2")
    _has(out, "Раунд R2, сторона RU", "строк: 6", "признанных:", "Проверок: 1.")
    _lacks(out, "Round", "rows:", "run(s)")


def test_mappings_and_claims_in_ukrainian_and_russian(db: Db, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("ФИО,Дата рождения,Статус\nКораблёв Степан Ильич,1985,этапирован в колонию\n", "utf-8")
    run_cli(db, "import", "registry", str(sheet), "--source", "Мемориал", "--status-map",
            "этапирован в колонию=transferred", actor="setup")
    monkeypatch.setenv("KARTOTEKA_LANG", "uk")
    out = run_cli(db, "mappings", "list")
    _has(out, "Мемориал case_status 'этапирован в колонию' = transferred (переведений)")
    out = run_cli(db, "mappings", "remove", "Мемориал", "нема такого", code=1)
    _has(out, "Для Мемориал немає запам'ятованого написання 'нема такого' (case_status).")
    _lacks(out, "No remembered")
    out = run_cli(db, "mappings", "remove", "Мемориал", "этапирован в колонию")
    _has(out, "Забуто 'этапирован в колонию' для Мемориал (case_status).")
    _lacks(out, "Forgot")
    assert "Немає запам'ятованих відповідностей." in run_cli(db, "mappings", "list")
    monkeypatch.setenv("KARTOTEKA_LANG", "ru")
    assert "Нет запомненных соответствий." in run_cli(db, "mappings", "list")
