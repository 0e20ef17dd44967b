"""A file's rows never make their data readable at a more open level than the rows say, and never lower a
record's sensitivity (services/registry_import.py, services/imports.py). A registry or sheet row more closely
held than the person it finds is not merged into that person: found by name it becomes a new record held for
review, found by its id or a decision it is left out; the report's warnings say why, row by row, in en/uk/ru.
A persons or cases file, by trusted id, makes its record stricter when its row says so, and never lowers it.
Invented people only."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from kartoteka.db.tables import audit_log, cases, person_names, persons
from kartoteka.errors import Message, translate
from kartoteka.services.access import Principal, view_person
from kartoteka.services.imports import MADE_STRICTER, import_file
from kartoteka.services.publish import publish
from kartoteka.services.registry_import import HELD_NEW, KEPT, LEFT_OUT, SheetOptions
from kartoteka.web.i18n import translations
from tests.conftest import Db

PUBLIC = ("id,name,birth_date,sensitivity\n"
          "P0000001,Ковальчук Остап Миронович,1981-04-09,public\n"
          "P0000002,Гнатюк Леся Павлівна,1975,confidential\n")


def _file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _registry(db: Db, tmp_path: Path) -> None:
    import_file(db.engine, "persons", _file(tmp_path, "base.csv", PUBLIC), actor="t")


def _sensitivity(db: Db) -> dict[str, str]:
    with db.engine.connect() as conn:
        return {r.ext_id: r.sensitivity for r in conn.execute(select(persons.c.ext_id, persons.c.sensitivity))}


def _names(db: Db, ext: str) -> list[str]:
    with db.engine.connect() as conn:
        return [r[0] for r in conn.execute(select(person_names.c.full).join(persons).where(persons.c.ext_id == ext))]


def _published(db: Db, tmp_path: Path) -> str:
    out = tmp_path / "pub"
    publish(db.engine, out=out)
    return (out / "persons.jsonl").read_text("utf-8") + (out / "cases.jsonl").read_text("utf-8")


def _msgids(warnings: list[str]) -> list[str]:
    return [w.values["problem"].msgid for w in warnings if isinstance(w, Message) and "problem" in w.values]


def _speaks_every_language(warning: str, *must: str) -> None:
    texts = {lang: translate(warning, translations(lang).gettext) for lang in ("uk", "ru")}
    assert texts["uk"] != texts["ru"] and all(t != str(warning) for t in texts.values())
    for text in (str(warning), *texts.values()):
        assert all(m in text for m in must), text


def test_a_confidential_sheet_row_found_by_name_is_a_new_record_held_for_review(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    sheet = _file(tmp_path, "r.csv", "name,birth_date,sensitivity,articles,aliases\n"
                  "Ковальчук Остап Миронович,1981-04-09,confidential,ч. 1 ст. 111 КК України,Тайний Псевдонім\n")
    dry = import_file(db.engine, "registry", sheet, actor="t", dry_run=True)
    report = import_file(db.engine, "registry", sheet, actor="t")
    for r in (dry, report):   # the dry run says the same
        assert (r.held, r.created, r.updated) == (1, 1, 0)
        assert _msgids(r.warnings) == [HELD_NEW]
    new = next(c.record for c in report.changes if c.field == "new person")
    _speaks_every_language(report.warnings[0], "P0000001", new)
    assert _sensitivity(db) == {"P0000001": "public", "P0000002": "confidential", new: "confidential"}
    assert "Тайний Псевдонім" not in _names(db, "P0000001") and "Тайний Псевдонім" in _names(db, new)
    with db.engine.connect() as conn:   # the case went to the new record, not to the public person
        owners = {r[0] for r in conn.execute(select(persons.c.ext_id).join(cases, cases.c.person_id == persons.c.id))}
    assert owners == {new}
    shown = view_person(db.engine, Principal("v", "viewer"), "P0000001", via="test")
    assert [n["full"] for n in shown.names] == ["Ковальчук Остап Миронович"] and shown.cases == []
    published = _published(db, tmp_path)
    assert "Ковальчук Остап Миронович" in published and "Тайний Псевдонім" not in published
    assert "111" not in published


def test_an_internal_sheet_row_by_id_or_decision_onto_a_public_person_is_left_out(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    by_id = _file(tmp_path, "id.csv", "id,name,birth_date,sensitivity,articles,source\n"
                  "P0000001,Ковальчук Остап Миронович,1981-04-09,internal,ч. 1 ст. 111 КК України,Внутрішня довідка\n")
    report = import_file(db.engine, "registry", by_id, actor="t")
    assert (report.held, report.created, report.updated, report.cases_created) == (1, 0, 0, 0)
    assert _msgids(report.warnings) == [LEFT_OUT]
    _speaks_every_language(report.warnings[0], "P0000001")
    # a decision naming the public person is refused the same way (and nothing is remembered as a judgement)
    decided = _file(tmp_path, "d.csv", "name,birth_date,sensitivity,aliases\n"
                    "Ковальчук О. М.,1981-04-09,internal,Інший Псевдонім\n")
    report = import_file(db.engine, "registry", decided, actor="t",
                         options=SheetOptions(decisions={2: "P0000001"}))
    assert report.held == 1 and _msgids(report.warnings) == [LEFT_OUT]
    assert _names(db, "P0000001") == ["Ковальчук Остап Миронович"]
    assert _sensitivity(db)["P0000001"] == "public"
    with db.engine.connect() as conn:
        assert conn.execute(select(cases.c.id)).first() is None
    published = _published(db, tmp_path)
    assert "Внутрішня довідка" not in published and "Інший Псевдонім" not in published


def test_a_sheet_row_more_openly_held_never_lowers_a_person_or_a_case(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    import_file(db.engine, "cases", _file(tmp_path, "c.csv", "case_id,person_id,articles,sensitivity\n"
                                          "C1,P0000002,ч. 1 ст. 111 КК України,confidential\n"), actor="t")
    sheet = _file(tmp_path, "low.csv", "name,birth_date,sensitivity,region,case_id,articles\n"
                  "Гнатюк Леся Павлівна,1975,public,Волинь,C1,ч. 1 ст. 111 КК України\n")
    report = import_file(db.engine, "registry", sheet, actor="t")
    assert report.held == 0 and _msgids(report.warnings) == [KEPT, KEPT]
    _speaks_every_language(report.warnings[0], "P0000002")
    assert _sensitivity(db)["P0000002"] == "confidential"
    with db.engine.connect() as conn:
        assert conn.execute(select(cases.c.sensitivity)).scalar() == "confidential"
        lowered = conn.execute(select(audit_log.c.id).where(audit_log.c.field == "sensitivity",
                                                            audit_log.c.after.like("%public%"))).first()
    assert lowered is None


def test_a_persons_file_by_id_makes_a_record_stricter_and_never_lowers_one(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    report = import_file(db.engine, "persons", _file(tmp_path, "p.csv", "id,name,birth_date,sensitivity\n"
                         "P0000001,Ковальчук Остап Миронович,1981-04-09,confidential\n"
                         "P0000002,Гнатюк Леся Павлівна,1975,public\n"), actor="t")
    assert _msgids(report.warnings) == [MADE_STRICTER, KEPT]
    _speaks_every_language(report.warnings[0], "P0000001")
    assert _sensitivity(db) == {"P0000001": "confidential", "P0000002": "confidential"}
    # a file without a sensitivity column leaves each record's own (it once wrote 'internal' over confidential)
    report = import_file(db.engine, "persons", _file(tmp_path, "p2.csv", "id,name,birth_date,region\n"
                         "P0000002,Гнатюк Леся Павлівна,1975,Волинь\n"), actor="t")
    assert report.updated == 1 and report.warnings == []
    assert _sensitivity(db)["P0000002"] == "confidential"


def test_a_cases_file_by_id_never_lowers_a_case(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    import_file(db.engine, "cases", _file(tmp_path, "c.csv", "case_id,person_id,articles,sensitivity\n"
                                          "C1,P0000001,ч. 1 ст. 111 КК України,confidential\n"
                                          "C2,P0000001,ч. 2 ст. 111 КК України,public\n"), actor="t")
    report = import_file(db.engine, "cases", _file(tmp_path, "c2.csv", "case_id,person_id,articles,court\n"
                                                   "C1,P0000001,ч. 1 ст. 111 КК України,Суд\n"), actor="t")
    assert report.updated == 1 and report.warnings == []
    report = import_file(db.engine, "cases", _file(tmp_path, "c3.csv", "case_id,person_id,articles,sensitivity\n"
                                                   "C1,P0000001,ч. 1 ст. 111 КК України,public\n"
                                                   "C2,P0000001,ч. 2 ст. 111 КК України,internal\n"), actor="t")
    assert _msgids(report.warnings) == [KEPT, MADE_STRICTER]
    with db.engine.connect() as conn:
        got = dict(conn.execute(select(cases.c.ext_id, cases.c.sensitivity)).all())
    assert got == {"C1": "confidential", "C2": "internal"}
    assert "111" not in _published(db, tmp_path)


def test_the_cli_says_why_a_row_was_not_merged_in_the_readers_language(db: Db, tmp_path: Path) -> None:
    from tests.cli.runner import run_cli

    _registry(db, tmp_path)
    sheet = _file(tmp_path, "r.csv", "name,birth_date,sensitivity\nКовальчук Остап Миронович,1981-04-09,confidential\n")
    said = {lang: " ".join(run_cli(db, "--lang", lang, "import", "registry", str(sheet), "--dry-run").split())
            for lang in ("en", "uk", "ru")}
    assert "was not merged into P0000001" in said["en"]
    assert "не об'єднано з P0000001" in said["uk"] and "не объединён с P0000001" in said["ru"]
    assert "«конфіденційний»" in said["uk"] and "«публичный»" in said["ru"]
