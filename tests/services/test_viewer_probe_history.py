"""A viewer probing a visible person's history for what a confidential record left there: a merge of a
confidential record into a public one, undone, and a public record that was confidential for a while, leave
their values and the other record's id in the audit log; the history a viewer reads (access.view_history)
shows nothing of the time the person was held above the viewer's level, nor the id of a record the viewer
may not see. Those who see everything read it all. Invented people only."""

from __future__ import annotations

import json
from pathlib import Path

from kartoteka.services.access import Principal, view_history
from kartoteka.services.imports import import_file
from kartoteka.services.person_merge import merge_records, unmerge
from kartoteka.services.persons_patch import patch_person
from kartoteka.services.persons import get_person
from tests.conftest import Db

VIEWER, EDITOR = Principal("v", "viewer"), Principal("ed", "editor")
PERSONS = ("id,name,birth_date,region,sensitivity\n"
           "P1,Мирошник Олег Петрович,1979,Київ,public\n"
           "P3,Myroshnyk Oleh,1979-02-03,Таємне село,confidential\n")


def _registry(db: Db, tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text(PERSONS, "utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t")


def _text(history: list[dict[str, object]]) -> str:
    return json.dumps(history, ensure_ascii=False, default=str)


def test_an_undone_merge_of_a_confidential_record_leaves_nothing_in_the_public_persons_history(
        db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    merge_id = merge_records(db.engine, EDITOR, keep="P1", other="P3",
                             choices={"region": "other", "birth_date": "other"})
    unmerge(db.engine, EDITOR, merge_id=merge_id)
    seen = _text(view_history(db.engine, VIEWER, "P1"))
    assert "Київ" in seen                      # the person's own creation entry stays
    for secret in ("Таємне село", "1979-02-03", "P3", "confidential"):
        assert secret not in seen, secret
    everything = _text(view_history(db.engine, EDITOR, "P1"))
    assert all(s in everything for s in ("Таємне село", "1979-02-03", "P3"))


def test_what_a_record_was_while_confidential_stays_out_of_its_history_once_it_is_public(
        db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    version = int(get_person(db.engine, "P1").person["version"])
    version = patch_person(db.engine, EDITOR, "P1", version=version, changes={"sensitivity": "confidential"})
    version = patch_person(db.engine, EDITOR, "P1", version=version, changes={"notes": "адвокат: +380 00 000 00 00"})
    version = patch_person(db.engine, EDITOR, "P1", version=version, changes={"notes": ""})
    patch_person(db.engine, EDITOR, "P1", version=version, changes={"sensitivity": "public", "region": "Львів"})
    seen = view_history(db.engine, VIEWER, "P1")
    assert "+380" not in _text(seen) and "confidential" not in _text(seen)
    assert [h["action"] for h in seen] == ["create"]
    assert "+380" in _text(view_history(db.engine, EDITOR, "P1"))


def test_a_merge_entry_naming_a_visible_record_stays(db: Db, tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text("id,name,birth_date,sensitivity\nQ1,Ткач Ірина,1990,public\n"
                                    "Q2,Tkach Iryna,1990-05-05,public\n", "utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t")
    merge_records(db.engine, EDITOR, keep="Q1", other="Q2", choices={"birth_date": "other"})
    seen = view_history(db.engine, VIEWER, "Q1")
    assert [(h["action"], h["field"]) for h in seen if h["action"] == "merge"] == [("merge", "merged")]
    assert "Q2" in _text(seen) and "1990-05-05" in _text(seen)


def test_what_a_case_was_while_confidential_stays_out_of_the_history_once_it_is_public(
        db: Db, tmp_path: Path) -> None:
    from kartoteka.services.records_edit import update_case

    _registry(db, tmp_path)
    (tmp_path / "c.csv").write_text("case_id,person_id,articles,court,sensitivity\n"
                                    "C1,P1,ч. 1 ст. 111 КК України,Суд,confidential\n", "utf-8")
    import_file(db.engine, "cases", tmp_path / "c.csv", actor="t")
    case = get_person(db.engine, "P1").cases[0]
    version = int(case["version"])
    for values in ({"court": "Закритий суд № 7"}, {"court": "Суд № 3", "sensitivity": "public"}):
        version = update_case(db.engine, principal=EDITOR, case_id=case["id"], values=values,
                              expected_version=version)
    seen = view_history(db.engine, VIEWER, "P1")
    assert "Закритий суд" not in _text(seen) and "confidential" not in _text(seen)
    assert [h for h in seen if h["entity_type"] == "case"] == []
    assert "Закритий суд" in _text(view_history(db.engine, EDITOR, "P1"))
