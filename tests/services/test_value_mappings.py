"""Free-text case statuses remembered per organisation: confirmed once with --status-map, applied on that
organisation's next import without asking, listed and removable. Invented people only."""

from pathlib import Path

import pytest
from sqlalchemy import select

from kartoteka.db.tables import cases
from kartoteka.errors import InvalidInput
from kartoteka.services import value_mappings as vm
from kartoteka.services.imports import import_file
from kartoteka.services.registry_import import SheetOptions
from tests.cli.runner import run_cli
from tests.conftest import Db

SHEET = "ФИО,Дата рождения,Статус\nКораблёв Степан Ильич,1985,этапирован в колонию\n"
NEXT = "ФИО,Дата рождения,Статус\nЛапшина Вера Андреевна,1990,Этапирован в колонию\n"


def _file(tmp_path: Path, text: str, name: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _import(db: Db, path: Path, **kw: object) -> object:
    return import_file(db.engine, "registry", path, actor="tester", options=SheetOptions(**kw))  # type: ignore[arg-type]


def test_a_confirmed_status_is_remembered_for_that_organisation_only(db: Db, tmp_path: Path) -> None:
    first = _file(tmp_path, SHEET, "a.csv")
    with pytest.raises(InvalidInput):
        _import(db, first, source="Мемориал")
    import_file(db.engine, "registry", first, actor="tester", dry_run=True,
                options=SheetOptions(source="Мемориал", status_map={"этапирован в колонию": "transferred"}))
    assert vm.list_mappings(db.engine) == []          # a dry run remembers nothing
    _import(db, first, source="Мемориал", status_map={"этапирован в колонию": "transferred"})
    assert [(m.organisation, m.vocabulary, m.raw, m.value) for m in vm.list_mappings(db.engine)] == [
        ("Мемориал", "case_status", "этапирован в колонию", "transferred")]
    second = _file(tmp_path, NEXT, "b.csv")
    r = _import(db, second, source="Мемориал")        # no question this time
    assert r.created == 1 and "remembered status spellings of Мемориал" in r.notes[-1]  # type: ignore[attr-defined]
    with db.engine.connect() as conn:
        assert set(conn.execute(select(cases.c.status)).scalars()) == {"transferred"}
    with pytest.raises(InvalidInput):                 # another organisation is asked again
        _import(db, _file(tmp_path, NEXT, "c.csv"), source="Другая группа")
    with pytest.raises(InvalidInput):                 # and so is a file without an organisation
        _import(db, _file(tmp_path, NEXT, "d.csv"))


def test_a_mapping_to_an_unknown_value_is_refused_and_nothing_is_stored(db: Db, tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as exc:
        _import(db, _file(tmp_path, SHEET, "a.csv"), source="Мемориал",
                status_map={"этапирован в колонию": "teleported"})
    assert "teleported" in str(exc.value)
    assert vm.list_mappings(db.engine) == []


def test_cli_lists_and_removes_a_remembered_mapping(db: Db, tmp_path: Path) -> None:
    path = _file(tmp_path, SHEET, "a.csv")
    run_cli(db, "import", "registry", str(path), "--source", "Мемориал", "--status-map",
            "этапирован в колонию=transferred")
    listed = run_cli(db, "mappings", "list")
    assert "Мемориал" in listed and "этапирован в колонию" in listed and "transferred" in listed
    run_cli(db, "mappings", "remove", "Мемориал", "этапирован в колонию")
    assert "No remembered mappings" in run_cli(db, "mappings", "list")
    run_cli(db, "mappings", "remove", "Мемориал", "этапирован в колонию", code=1)
    run_cli(db, "import", "registry", str(_file(tmp_path, NEXT, "b.csv")), "--source", "Мемориал", code=1)


def test_custody_and_category_spellings_are_remembered_per_organisation(db: Db, tmp_path: Path) -> None:
    from kartoteka.services.custody import current_custody
    from kartoteka.services.custody_import import import_custody
    import_file(db.engine, "persons", _file(tmp_path, "id,name\nP1,Кораблёв Степан\nP2,Лапшина Вера\n", "p.csv"),
                actor="t")
    first = _file(tmp_path, "person_id,held_by,custody,category\nP1,RU,в СИЗО,военнопленный\n", "c1.csv")
    with pytest.raises(InvalidInput):
        import_custody(db.engine, first, actor="t", source="Мемориал")
    with pytest.raises(InvalidInput):   # a value outside the vocabulary
        import_custody(db.engine, first, actor="t", source="Мемориал", value_map={"custody": {"в СИЗО": "spa"}})
    maps = {"custody": {"в СИЗО": "pretrial"}, "category": {"военнопленный": "prisoner_of_war"}}
    import_custody(db.engine, first, actor="t", source="Мемориал", value_map=maps, dry_run=True)
    assert vm.list_mappings(db.engine) == []
    assert import_custody(db.engine, first, actor="t", source="Мемориал", value_map=maps).created == 1
    assert {(m.vocabulary, m.raw, m.value) for m in vm.list_mappings(db.engine, organisation="Мемориал")} == {
        ("custody", "в СИЗО", "pretrial"), ("category", "военнопленный", "prisoner_of_war")}
    second = _file(tmp_path, "person_id,held_by,custody,category\nP2,RU,В СИЗО,военнопленный\n", "c2.csv")
    r = import_custody(db.engine, second, actor="t", source="Мемориал")     # not asked again
    assert (r.created, r.categories) == (1, 1)
    with db.engine.connect() as conn:
        assert {c.state for c in current_custody(conn).values()} == {"pretrial"}
    with pytest.raises(InvalidInput):
        import_custody(db.engine, second, actor="t", source="Другая группа")
    run_cli(db, "mappings", "remove", "Мемориал", "в СИЗО", "--vocabulary", "custody")
    assert [m.vocabulary for m in vm.list_mappings(db.engine)] == ["category"]


UK_SHEET = """ПІБ;Дата народження;Стаття КК;Юрисдикція;Утримання;Категорія
Гончаренко Ярина Богданівна;05.06.1994;ч. 1 ст. 111 КК України;RU;СИЗО-2;полонений
Мельничук Тарас Іванович;1988;ч. 2 ст. 110 КК України;RU;Домашній арешт;civilian
Мельничук Тарас Іванович;12.04.1988;ч. 1 ст. 436-2 КК України;RU;під вартою;civilian
"""


def test_a_ukrainian_sheet_with_custody_and_category_spellings_imports_after_mapping(db: Db, tmp_path: Path) -> None:
    from kartoteka.services.custody import current_categories, current_custody
    path = _file(tmp_path, UK_SHEET, "uk.csv")
    with pytest.raises(InvalidInput) as exc:
        _import(db, path, source="Вільна Правда")
    assert [(e.row, e.column) for e in exc.value.errors] == [
        (2, "Утримання"), (2, "Категорія"), (3, "Категорія"), (4, "Утримання"), (4, "Категорія")]
    assert "--value-map 'custody:СИЗО-2=VALUE'" in exc.value.errors[0].reason
    with db.engine.connect() as conn:
        assert current_custody(conn) == {}                   # nothing was stored
    maps = {"custody": {"СИЗО-2": "pretrial", "під вартою": "house_arrest"},
            "category": {"полонений": "prisoner_of_war", "civilian": "civilian_detainee"}}
    r = _import(db, path, source="Вільна Правда", value_map=maps)
    assert r.created == 2 and r.cases_created == 3  # type: ignore[attr-defined]
    with db.engine.connect() as conn:
        states = sorted((c.held_by, c.state) for c in current_custody(conn).values())
        cats = sorted(c.category for c in current_categories(conn, range(1, 10)).values())
    assert states == [("RU", "house_arrest"), ("RU", "pretrial")]      # "Домашній арешт" is the catalog's label
    assert cats == ["civilian_detainee", "prisoner_of_war"]
    assert {(m.vocabulary, m.raw) for m in vm.list_mappings(db.engine, organisation="Вільна Правда")} == {
        ("custody", "СИЗО-2"), ("custody", "під вартою"), ("category", "полонений"), ("category", "civilian")}
    again = _import(db, path, source="Вільна Правда")   # remembered: no question, and nothing changes
    assert (again.created, again.cases_created) == (0, 0)  # type: ignore[attr-defined]
    assert "remembered custody spellings of Вільна Правда" in " ".join(again.notes)  # type: ignore[attr-defined]
    assert not [c for c in again.changes if c.field in ("custody", "category")]  # type: ignore[attr-defined]
    with pytest.raises(InvalidInput):                   # another organisation is asked
        _import(db, path, source="Інша група")


def test_registry_cli_takes_value_maps_and_refuses_a_value_outside_the_vocabulary(db: Db, tmp_path: Path) -> None:
    path = _file(tmp_path, UK_SHEET, "uk.csv")
    out = run_cli(db, "import", "registry", str(path), "--source", "Вільна Правда", "--value-map",
                  "custody:СИЗО-2=spa", code=1)
    assert "spa" in out and "pretrial" in out
    maps = ["--value-map", "custody:СИЗО-2=pretrial", "--value-map", "category:полонений=prisoner_of_war",
            "--value-map", "category:civilian=civilian_detainee"]
    out = run_cli(db, "import", "registry", str(path), "--source", "Вільна Правда", *maps,
                  "--value-map", "custody:під вартою=pretrial", code=1)     # rows 3 and 4 are one person
    assert "row 4, column 'Утримання': 'pretrial' contradicts row 3" in out
    assert vm.list_mappings(db.engine) == []
    run_cli(db, "import", "registry", str(path), "--source", "Вільна Правда", *maps,
            "--value-map", "custody:під вартою=house_arrest")
    listed = run_cli(db, "mappings", "list", "--source", "Вільна Правда")
    assert "custody  'СИЗО-2' = pretrial" in listed and "category  'civilian' = civilian_detainee" in listed
