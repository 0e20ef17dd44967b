"""Classes of listed surname forms (data/names/readings.yaml surname_forms): Armenian and Korean surnames whose
renderings no reading rule relates meet in the keys, and near surnames stay apart."""

from __future__ import annotations

from pathlib import Path

import pytest

from kartoteka.names.keys import _keys, _tables, base_keys, listed_form, token_keys
from tests.conftest import Db


def same(a: str, b: str) -> bool:
    return bool(token_keys(a) & token_keys(b))


@pytest.mark.parametrize("registry,written", [
    ("Оганесян", "Hovhannisyan"), ("Оганесян", "Hovhannisian"), ("Оганесян", "Ованесян"),
    ("Оганесян", "Оганнисян"), ("Оганесян", "Ованнисян"), ("Оганесян", "Ohanesyan"), ("Оганесян", "HOVHANNISYAN"),
    ("Оганесян", "Оганнісян"), ("Ованнисян", "Hovhanesyan"), ("Ованесян", "Hovhannisyan"),
    ("Хачатрян", "Khachatryan"), ("Хачатрян", "Xachatryan"), ("Арутюнян", "Harutyunyan"),
    ("Арутюнян", "Arutyunyan"), ("Акопян", "Hakobyan"), ("Акопян", "Akopyan"), ("Акопян", "Hagopian"),
    ("Карапетян", "Karapetyan"), ("Саркисян", "Sargsyan"), ("Саркисян", "Саргсян"), ("Саркисян", "Sarkisyan"),
    ("Саркісян", "Sargsyan"), ("Погосян", "Poghosyan"), ("Погосян", "Pogosyan"), ("Мкртчян", "Mkrtchyan"),
    ("Григорян", "Grigoryan"), ("Григорян", "Krikorian"),
    ("Пак", "Park"), ("Пак", "Pak"), ("Пак", "Bak"), ("Пак", "PARK"), ("Ким", "Kim"), ("Ким", "Gim"),
    ("Ли", "Lee"), ("Ли", "Li"), ("Ли", "Yi"), ("Ли", "Rhee"), ("Лі", "Yi"), ("Цой", "Choi"), ("Цой", "Tsoi"),
    ("Цой", "Choe"), ("Хан", "Han"), ("Тен", "Ten"), ("Тен", "Jeong"), ("Ни", "Ni"), ("Шин", "Shin"),
    ("Шин", "Sin"), ("Шин", "Син"), ("Пен", "Pen"), ("Пен", "Byeon"),
])
def test_listed_forms_meet(registry: str, written: str) -> None:
    assert same(registry, written)


@pytest.mark.parametrize("a,b", [
    ("Пак", "Пах"), ("Пак", "Parker"), ("Park", "Parker"), ("Пак", "Бак"), ("Пак", "Back"), ("Ким", "Кимов"),
    ("Kim", "Kimov"), ("Оганесян", "Оганов"), ("Hovhannisyan", "Оганов"), ("Хачатрян", "Хачатурян"),
    ("Ли", "Le"), ("Ли", "Ни"), ("Ли", "И"), ("Цой", "Чой"), ("Тен", "Jung"), ("Шин", "Шинов"),
])
def test_near_surnames_stay_apart(a: str, b: str) -> None:
    assert not same(a, b)


def test_short_forms_count_only_as_spelled() -> None:
    """A key shorter than FORM_KEY_MIN is shared by many short names: only the listed spelling joins."""
    assert _keys("Bak")[3] and not _keys("Back")[3] and not _keys("Бак")[3]
    assert _keys("Yi")[3] and not _keys("I")[3] and not _keys("Ji")[3]
    assert _keys("Hovhannissian")[3] == _keys("Hovhannisyan")[3]   # a long key: any spelling that gives it


def test_listed_form_says_when_only_the_class_relates_them() -> None:
    assert listed_form("Hovhannisyan", "Оганесян") is False     # Armenian: no corroboration wanted
    assert listed_form("Park", "Пак") is True                   # Korean: a patronymic or birth date wanted
    assert listed_form("Pak", "Пак") is None                    # a transliteration
    assert listed_form("Оганесян", "Оганесян") is None
    assert listed_form("Пак", "Ким") is None


def test_the_given_name_table_reads_without_the_classes() -> None:
    assert "pak" not in base_keys("Park") and "pak" in token_keys("Park")


def test_every_class_is_well_formed() -> None:
    seen: dict[str, int] = {}
    for i, (_corroborate, forms) in enumerate(_tables().forms):
        assert len(forms) >= 2
        for form in forms:
            assert seen.setdefault(form, i) == i, form   # a form is in one class only
            assert token_keys(forms[0]) <= token_keys(form), form


def test_the_name_keys_are_recomputed_after_the_upgrade(db: Db, tmp_path: Path) -> None:
    """Migration 0030: stored keys from before the surname forms lack them, so the upgrade marks the index for
    recomputing; the next search finds Оганесян and Пак from their Armenian and Korean forms."""
    from kartoteka.services.matching import search_persons

    _upgraded_from(db, tmp_path, "0029", "P1,Оганесян Карен Араевич,1990-04-24\nP2,Пак Елена Сергеевна,1994-01-11\n")
    assert [h.ext_id for h in search_persons(db.engine, text="Karen Hovhannisyan")][:1] == ["P1"]
    assert [h.ext_id for h in search_persons(db.engine, text="Park Elena")][:1] == ["P2"]
    _checked(db)


def _upgraded_from(db: Db, tmp_path: Path, revision: str, persons: str) -> None:
    """``persons`` (CSV rows id,name,birth_date) imported, the schema taken down to ``revision`` and up again:
    the upgrade must have marked the stored name keys for recomputing."""
    from alembic import command
    from sqlalchemy import select

    from kartoteka.db.schema import alembic_config, upgrade_schema
    from kartoteka.db.tables import name_keys_state
    from kartoteka.services.imports import import_file

    (tmp_path / "p.csv").write_text("id,name,birth_date\n" + persons, "utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t")
    cfg = alembic_config()
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, revision)
    upgrade_schema(db.engine)
    with db.engine.connect() as conn:
        assert conn.execute(select(name_keys_state.c.seq)).scalar_one() == -1


def _checked(db: Db) -> None:
    """The stored keys (recomputed by the searches) equal keys computed from scratch, at the newest schema."""
    from kartoteka.db.schema import current_revision, head_revision
    from kartoteka.services.name_index import check_name_index

    assert check_name_index(db.engine).ok
    assert current_revision(db.engine) == head_revision()


def test_central_asian_names_are_found_after_the_0031_upgrade(db: Db, tmp_path: Path) -> None:
    """Migration 0031: keys stored before the Kazakh, Uzbek and Tajik letters were read lack them (Раҳимов
    was keyed as Раимов), so the upgrade marks the index for recomputing; the next search finds the persons
    from their Russian and Latin forms, and the stored keys equal keys computed from scratch."""
    from kartoteka.services.matching import search_persons

    _upgraded_from(db, tmp_path, "0030", "P1,Раҳимов Ўткир Тулкинович,1988-02-14\nP2,Қанатұлы Ерлан,1991-07-30\n")
    assert [h.ext_id for h in search_persons(db.engine, text="Рахимов Уткир")][:1] == ["P1"]
    assert [h.ext_id for h in search_persons(db.engine, text="Rakhimov Utkir")][:1] == ["P1"]
    assert [h.ext_id for h in search_persons(db.engine, text="Канатулы Ерлан")][:1] == ["P2"]
    _checked(db)


def test_lookalike_letters_are_found_after_the_0032_upgrade(db: Db, tmp_path: Path) -> None:
    """Migration 0032: a registry name typed with Latin look-alike letters (Caxaрова) was keyed as a mix of
    scripts; the upgrade marks the index for recomputing and the next search finds it from Сахарова, and the
    new given name Кетеван from its diminutive."""
    from kartoteka.services.matching import search_persons

    _upgraded_from(db, tmp_path, "0031", "P1,Caxaрова Ксения Павловна,1989-09-30\nP2,Чхеидзе Кетеван Зурабовна,1990-08-02\n")
    assert [h.ext_id for h in search_persons(db.engine, text="Сахарова Ксения")][:1] == ["P1"]
    assert [h.ext_id for h in search_persons(db.engine, text="Sakharova Kseniia")][:1] == ["P1"]
    assert [h.ext_id for h in search_persons(db.engine, text="Кети Чхеидзе")][:1] == ["P2"]
    _checked(db)
