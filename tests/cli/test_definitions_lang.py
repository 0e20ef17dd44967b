"""`kartoteka definitions` in Russian and Ukrainian (KARTOTEKA_LANG): the criteria, conditions and exclusions
with their summaries, the exceptions and the issuer in the catalog's own texts of that language."""

from __future__ import annotations

import pytest

from kartoteka.catalogs import load_definitions
from tests.cli.runner import run_cli
from tests.conftest import Db


def _flat(text: str) -> str:
    """The output with the console's line wrapping undone."""
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["ru", "uk"])
def test_definitions_in_the_cli_language(db: Db, monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    monkeypatch.setenv("KARTOTEKA_LANG", lang)
    out = _flat(run_cli(db, "definitions"))
    for d in load_definitions().values():
        assert _flat(d.issuer_in(lang)) in out, d.id
        for item in [*d.criteria, *d.conditions, *d.exclusions]:
            assert _flat(item.summary_in(lang)) in out, (d.id, item.id)
            assert _flat(item.summary) not in out, (d.id, item.id)
        for e in d.exclusions:
            for x in e.exceptions_in(lang):
                assert _flat(x) in out
    assert "Parliamentary Assembly" not in out and "necessary defence" not in out


def test_definitions_in_russian_name_the_established_terms(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KARTOTEKA_LANG", "ru")
    out = _flat(run_cli(db, "definitions"))
    assert ("критерий 3a (verified): Лишение свободы нарушает одну из основополагающих гарантий ЕКПЧ" in out)
    assert ("критерий 1d (memory; нужно условие 2-motive): Лицо лишено свободы по политическим мотивам с нарушением "
            "права на справедливое судебное разбирательство") in out
    assert "исключение excl-violence (verified): Лица, применившие насилие к человеку, не признаются" in out
    assert "оговорка (вывод 'excepted'): необходимая оборона или крайняя необходимость [по памяти]" in out
    assert "автор: Парламентская ассамблея Совета Европы" in out
    assert "Held solely" not in out and "Detention breaches" not in out


def test_definitions_in_english_are_unchanged(db: Db, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KARTOTEKA_LANG", "en")
    out = _flat(run_cli(db, "definitions"))
    assert "issuer: Parliamentary Assembly of the Council of Europe; adopted 2012-10-03" in out
    assert "criterion 1a (memory): Held solely for political, religious or other beliefs" in out
    assert "exception (finding 'excepted'): necessary defence or extreme necessity [memory]" in out
