"""Designated organisations named in charge texts and case columns; the literal prefilter never hides one."""

import pytest

import kartoteka.charges.organisations as orgs
from kartoteka.catalogs import load_organisations

SAMPLES = {
    "hizb-ut-tahrir": ["участие в «Хизб ут-Тахрир аль-Ислами»", "Hizb ut-Tahrir cell", "членство в Хизбут-Тахрир"],
    "jehovahs-witnesses": ["собрания Свидетелей Иеговы", "Jehovah's Witnesses", "свідки Єгови"],
    "tablighi-jamaat": ["движение «Таблиги Джамаат»", "Tablighi Jamaat", "Джамаат Таблиг"],
    "nurcular": ["организация «Нурджулар»", "чтение книг Саида Нурси", "Nurcular"],
    "azov": ["служба в полку «Азов»", "Azov regiment"],
    "aidar": ["батальон «Айдар»", "Aidar battalion"],
    "legion-freedom-of-russia": ["Легион «Свобода России»", "Freedom of Russia Legion", "ЛСР"],
    "rdk": ["Русский добровольческий корпус", "РДК", "Russian Volunteer Corps"],
    "fbk": ["Фонд борьбы с коррупцией", "донаты ФБК", "Anti-Corruption Foundation", "Anticorruption Foundation"],
    "navalny-hq": ["Штабы Навального", "штаб Алексея Навального", "Navalny's HQ"],
    "mejlis": ["Меджлис крымскотатарского народа", "Mejlis"],
    "nexta": ["репост в NEXTA", "канал Некста"],
    "anti-war-committee": ["Антивоенный комитет России", "Anti-War Committee"],
    "open-russia": ["«Открытая Россия»", "Open Russia"],
}


def test_every_organisation_has_samples_and_each_sample_names_it() -> None:
    assert set(SAMPLES) == set(load_organisations())
    for org_id, texts in SAMPLES.items():
        for text in texts:
            assert org_id in [o.id for o in orgs.find_organisations(f"ч. 2 ст. 282.2 УК РФ ({text})")], text


@pytest.mark.parametrize("text", ["ч. 1 ст. 207.3 УК РФ", "г. Азовский район", "Азовсталь", "фондовый рынок",
                                  "ч. 2 ст. 205.5 УК РФ"])
def test_texts_that_name_no_organisation(text: str) -> None:
    assert orgs.find_organisations(text) == []


def test_the_prefilter_agrees_with_the_full_search(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [t for ts in SAMPLES.values() for t in ts] + ["ч. 1 ст. 207.3 УК РФ", "Азовсталь", "ФОНД"]
    fast = [[o.id for o in orgs.find_organisations(t)] for t in texts]
    monkeypatch.setattr(orgs, "_quick", lambda: None)
    slow = [[o.id for o in orgs.find_organisations(t)] for t in texts]
    assert fast == slow and orgs._literals() is not None
