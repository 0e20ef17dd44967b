"""Screening flags from charges stored at case import, including the court-reliability caveat."""

from pathlib import Path

import pytest
from sqlalchemy import delete, select

from kartoteka.db.tables import assessments, cases, charges, persons
from kartoteka.services.assessments import statuses_under
from kartoteka.services.charges import reparse_all_charges
from kartoteka.services.imports import import_file
from kartoteka.services.screening import COURT_TAG, UNKNOWN_TAG, UNPARSED_TAG, Flag, flags_for_persons, screen_persons
from tests.conftest import Db

PERSONS = """id,name,citizenship
P1,Коваленко Андрій Іванович,UA
P2,Petrov Ivan,RU
P3,Сорокина Мария,RU
P4,Ткаченко Олена,UA
P5,Лукашевич Алесь,BY
P6,Смирнов Олег,RU
P7,Иванов Пётр,RU
P8,Навуменка Сяргей,BY
P9,Бондаренко Сергій,UA;RU
"""
CASES = """case_id,person_id,jurisdiction,court,articles
K1,P1,RU,Верховный суд ДНР,"ч. 1 ст. 356 УК РФ, ч. 2 ст. 205.5 УК РФ"
K2,P2,UA,Шевченківський районний суд м. Києва,ч. 2 ст. 438 КК України
K3,P3,RU,Тверской районный суд г. Москвы,п. «д» ч. 2 ст. 207.3 УК РФ
K4,P4,UA,Запорізький апеляційний суд,ч. 5 ст. 111-1 КК України
K5,P5,BY,Минский городской суд,ч. 1 ст. 999 УК; ч. 1 ст. 342 УК
K6,P6,RU,,фейки об армии
K8,P8,BY,Гомельский областной суд,ст. 364 УК РБ
K9,P9,RU,Московский городской суд,ч. 2 ст. 207.3 УК РФ
"""


def load_registry(db: Db, tmp_path: Path, persons_csv: str = PERSONS, cases_csv: str = CASES) -> dict[str, int]:
    (tmp_path / "persons.csv").write_text(persons_csv, "utf-8")
    (tmp_path / "cases.csv").write_text(cases_csv, "utf-8")
    import_file(db.engine, "persons", tmp_path / "persons.csv", actor="t")
    import_file(db.engine, "cases", tmp_path / "cases.csv", actor="t")
    with db.engine.connect() as conn:
        return {r[0]: r[1] for r in conn.execute(select(persons.c.ext_id, persons.c.id))}


def _by_tag(flags: list[Flag]) -> dict[str, Flag]:
    return {f.tag: f for f in flags}


def test_case_import_stores_parsed_charges_with_catalog_membership(db: Db, tmp_path: Path) -> None:
    load_registry(db, tmp_path)
    with db.engine.connect() as conn:
        rows = conn.execute(select(cases.c.ext_id, charges.c.code, charges.c.article, charges.c.part,
                                   charges.c.point, charges.c.raw, charges.c.in_catalog)
                            .join(charges, charges.c.case_id == cases.c.id).order_by(charges.c.id)).all()
    got = {(r[0], r[2]): tuple(r) for r in rows}
    assert got[("K3", "207.3")][1:] == ("RU", "207.3", "2", "д", "п. «д» ч. 2 ст. 207.3 УК РФ", True)
    assert got[("K5", "999")][1:4] == ("BY", "999", "1") and got[("K5", "999")][6] is False
    assert got[("K5", "342")][1] == "BY"          # the jurisdiction is the default code for a bare "УК"
    assert ("K6", "фейки") not in got and not any(k[0] == "K6" for k in got)


def test_changed_case_text_replaces_its_charges(db: Db, tmp_path: Path) -> None:
    ids = load_registry(db, tmp_path)
    load_registry(db, tmp_path, cases_csv=CASES.replace("п. «д» ч. 2 ст. 207.3 УК РФ", "ч. 1 ст. 280.3 УК РФ"))
    with db.engine.connect() as conn:
        arts = conn.execute(select(charges.c.article).join(cases, cases.c.id == charges.c.case_id)
                            .where(cases.c.person_id == ids["P3"])).scalars().all()
    assert arts == ["280.3"]


def test_flags_per_person_with_articles_reasons_and_court_caveat(db: Db, tmp_path: Path) -> None:
    ids = load_registry(db, tmp_path)
    with db.engine.connect() as conn:
        flags = flags_for_persons(conn, ids.values())
    pow_ = _by_tag(flags[ids["P1"]])
    assert {"war_crime", "terrorism", COURT_TAG} <= set(pow_)
    assert pow_["war_crime"].articles == ["RU 356(1)"]
    assert pow_[COURT_TAG].articles == ["RU 356(1)", "RU 205.5(2)"]
    assert "Верховный суд ДНР" in pow_[COURT_TAG].reason and pow_[COURT_TAG].kind == "caveat"
    soldier = _by_tag(flags[ids["P2"]])           # a Ukrainian court trying a Russian soldier: no caveat
    assert "war_crime" in soldier and COURT_TAG not in soldier
    speech = _by_tag(flags[ids["P3"]])
    assert list(speech) == ["speech"] and speech["speech"].kind == "supports"
    assert speech["speech"].articles == ["RU 207.3(2)"]
    assert "collaboration" in _by_tag(flags[ids["P4"]])
    assert "'political prisoners'" in _by_tag(flags[ids["P4"]])["collaboration"].reason
    unknown = _by_tag(flags[ids["P5"]])
    assert unknown[UNKNOWN_TAG].articles == ["BY 999(1)"] and "assembly" in unknown
    assert _by_tag(flags[ids["P6"]])[UNPARSED_TAG].articles == ["фейки об армии"]
    assert flags[ids["P7"]] == []
    violence = _by_tag(flags[ids["P8"]])["violence"]
    assert violence.articles == ["BY 364"] and "BY 364: violence inherent" in violence.reason
    assert COURT_TAG not in _by_tag(flags[ids["P9"]])   # Ukrainian, Russian court, but a speech charge


def test_screening_never_sets_a_status(db: Db, tmp_path: Path) -> None:
    ids = load_registry(db, tmp_path)
    results = screen_persons(db.engine)
    assert len(results) == len(ids) and results[0].ext_id == "P1" and results[0].name.startswith("Коваленко")
    with db.engine.connect() as conn:
        assert conn.execute(select(assessments.c.id)).first() is None
        assert set(statuses_under(conn, ids.values(), "guidelines-2013").values()) == {"under_review"}
    only = screen_persons(db.engine, refs=["P3"])
    assert [r.ext_id for r in only] == ["P3"]


def test_reparse_rebuilds_every_case_and_reports_unknown_articles(db: Db, tmp_path: Path) -> None:
    load_registry(db, tmp_path)
    with db.engine.begin() as conn:
        before = conn.execute(select(charges.c.case_id, charges.c.article).order_by(charges.c.id)).all()
        conn.execute(delete(charges))
    report = reparse_all_charges(db.engine, actor="t")
    assert (report.cases, report.charges, report.unreadable) == (8, len(before), 1)
    assert report.not_in_catalog == {"BY 999": 1}
    with db.engine.connect() as conn:
        assert conn.execute(select(charges.c.case_id, charges.c.article).order_by(charges.c.id)).all() == before


def test_bulk_scan_gives_the_same_flags_as_bound_ids(db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kartoteka.services.screening as screening
    ids = load_registry(db, tmp_path)
    some = [ids["P1"], ids["P3"], ids["P7"]]
    with db.engine.connect() as conn:
        bound = flags_for_persons(conn, some)
        monkeypatch.setattr(screening, "BULK", 0)
        scanned = flags_for_persons(conn, some)
    assert scanned == bound and set(scanned) == set(some) and scanned[ids["P1"]]
