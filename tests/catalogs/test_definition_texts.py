"""Every text of the definitions a reader sees (criterion, condition and exclusion summaries, exceptions, status
labels, the issuer) is given in Ukrainian and Russian, and falls back to English where a translation is absent."""

from __future__ import annotations

import re

import pytest

from kartoteka.catalogs import Definition, load_definitions
from kartoteka.catalogs.models import Certainty, Criterion, Exclusion, StatusValue

DEFINITIONS = sorted(load_definitions())
ONLY_UK = re.compile("[іїєґІЇЄҐ]")   # letters Russian never has
ONLY_RU = re.compile("[ыэъёЫЭЪЁ]")   # letters Ukrainian never has


def _items(d: Definition) -> list[Criterion | Exclusion]:
    return [*d.criteria, *d.conditions, *d.exclusions]


def _check(en: str, uk: str, ru: str, where: str) -> None:
    assert uk and ru, f"{where}: needs uk and ru texts"
    assert uk != en and ru != en and uk != ru, f"{where}: the uk and ru texts must be translations"
    assert not ONLY_RU.search(uk), f"{where}: the uk text has Russian letters: {uk}"
    assert not ONLY_UK.search(ru), f"{where}: the ru text has Ukrainian letters: {ru}"


@pytest.mark.parametrize("definition_id", DEFINITIONS)
def test_every_criterion_condition_and_exclusion_has_uk_and_ru_texts(definition_id: str) -> None:
    d = load_definitions()[definition_id]
    assert _items(d)
    for item in _items(d):
        _check(item.summary, item.summary_uk, item.summary_ru, f"{d.id} {item.id}")
        assert item.summary_in("uk") == item.summary_uk and item.summary_in("ru") == item.summary_ru
        assert item.summary_in("en") == item.summary_in("xx") == item.summary
    for e in d.exclusions:
        assert len(e.exceptions_uk) == len(e.exceptions_ru) == len(e.exceptions), f"{d.id} {e.id}"
        for en, uk, ru in zip(e.exceptions, e.exceptions_uk, e.exceptions_ru):
            _check(en, uk, ru, f"{d.id} {e.id} exception")
        assert e.exceptions_in("en") == e.exceptions_in("xx") == e.exceptions
        assert e.exceptions_in("ru") == e.exceptions_ru


@pytest.mark.parametrize("definition_id", DEFINITIONS)
def test_every_status_label_and_the_issuer_in_uk_and_ru(definition_id: str) -> None:
    d = load_definitions()[definition_id]
    for s in d.statuses:
        _check(s.label, s.label_uk, s.label_ru, f"{d.id} status {s.id}")
        assert s.label_in("uk") == s.label_uk and s.label_in("xx") == s.label_in("en") == s.label
    assert d.issuer_uk and d.issuer_ru, d.id
    assert d.issuer_in("xx") == d.issuer_in("en") == d.issuer


def test_the_established_terms() -> None:
    defs = load_definitions()
    pace, guidelines, amnesty = defs["pace-1900-2012"], defs["guidelines-2013"], defs["amnesty-poc"]
    assert "ЕКПЧ" in pace.criteria[0].summary_ru and "ЄКПЛ" in pace.criteria[0].summary_uk
    assert "политическими заключёнными" in pace.exclusions[0].summary_ru
    assert "політичними в'язнями" in pace.exclusions[0].summary_uk
    assert "ПАСЕ" in pace.status("recognised").label_ru and "ПАРЄ" in pace.status("recognised").label_uk
    fair_trial = next(c for c in guidelines.criteria if c.id == "1d")
    assert "справедливое судебное разбирательство" in fair_trial.summary_ru and "МПГПП/ЕКПЧ" in fair_trial.summary_ru
    assert "справедливий суд" in fair_trial.summary_uk and "МПГПП/ЄКПЛ" in fair_trial.summary_uk
    assert amnesty.status("recognised").label_ru == "узник совести"
    assert amnesty.status("recognised").label_uk == "в'язень сумління"


def test_a_missing_translation_reads_as_english() -> None:
    c = Criterion(id="x", key="x", summary="English only", political_motive_required=False, certainty=Certainty.memory)
    assert c.summary_in("uk") == c.summary_in("ru") == c.summary_in("xx") == "English only"
    e = Exclusion(id="e", key="e", summary="S", summary_ru="С", exceptions=["one"], certainty=Certainty.memory)
    assert e.summary_in("uk") == "S" and e.summary_in("ru") == "С" and e.exceptions_in("uk") == ["one"]
    s = StatusValue(id="recognised", counts_as="recognised", label="L", label_uk="Л")
    assert s.label_in("uk") == "Л" and s.label_in("ru") == "L"


def test_translated_exceptions_must_match_the_english_ones() -> None:
    with pytest.raises(ValueError, match="exceptions_uk"):
        Exclusion(id="e", key="e", summary="S", exceptions=["one", "two"], exceptions_uk=["один"], certainty=Certainty.memory)
