"""A viewer probing for confidential records through the service layer: each test is one leak found
(and fixed), read as a viewer against a registry holding confidential persons, cases and imports."""

from __future__ import annotations

from pathlib import Path

from kartoteka.services.access import Principal
from kartoteka.services.browse import filter_choices
from kartoteka.services.imports import import_file
from tests.conftest import Db

VIEWER, ADMIN = Principal("v", "viewer"), Principal("a", "admin")
PERSONS = """id,name,birth_date,gender,region,sensitivity
P1,Иванов Иван Иванович,1980-05-01,m,Москва,public
P2,Коваленко Олександр Петрович,1975,m,Херсон,internal
P3,Секретная Мария Петровна,1990-02-03,f,Крым,confidential
"""
CASES = """case_id,person_id,jurisdiction,articles,detained_on,facility,status,sensitivity
C1,P1,RU,ч. 2 ст. 280.3 УК РФ,2022-03-01,ИК-2,convicted,public
C2,P3,RU,ст. 275 УК РФ,2023-01-01,СИЗО-77,missing,internal
C3,P2,BY,ст. 361 УК РБ,2021-07-07,СИЗО-88,detained,confidential
"""


def _registry(db: Db, tmp: Path) -> None:
    for kind, text in (("persons", PERSONS), ("cases", CASES)):
        (tmp / f"{kind}.csv").write_text(text, "utf-8")
        import_file(db.engine, kind, tmp / f"{kind}.csv", actor="setup")


def test_the_search_forms_choices_come_from_visible_cases_of_visible_persons(db: Db, tmp_path: Path) -> None:
    """Leak: the code list offered every jurisdiction of every charge (BY only on a confidential case) and
    the status list every status of a visible case, even of a confidential person (missing)."""
    _registry(db, tmp_path)
    seen = filter_choices(db.engine, VIEWER)
    assert seen == {"status": ["convicted"], "code": ["RU"]}
    full = filter_choices(db.engine, ADMIN)
    assert full == {"status": ["convicted", "detained", "missing"], "code": ["BY", "RU"]}
