"""The code of charges written without one: jurisdiction in any spelling, the court, a file-wide --code."""

from pathlib import Path

from sqlalchemy import select

from kartoteka.charges.codes import court_code, decide_code, jurisdiction_code
from kartoteka.db.tables import cases, charges
from kartoteka.services.imports import import_file
from kartoteka.services.registry_import import SheetOptions
from tests.conftest import Db


def test_jurisdiction_in_any_spelling_then_the_court_then_the_file() -> None:
    assert {jurisdiction_code(j) for j in ("Україна", "УКРАЇНА", "Украина", "Ukraine", "UKR", "ua")} == {"UA"}
    assert jurisdiction_code("Российская Федерация") == "RU" and jurisdiction_code("Беларусь") == "BY"
    assert court_code("Верховный суд ДНР", "2022-06-09") == "DNR"     # the occupation-era code until 2023
    assert court_code("Верховный суд ДНР", "2024-03-01") == "RU"
    assert court_code("Южный окружной военный суд") == "RU" and court_code("Печерський районний суд") == "UA"
    assert court_code("Ленинский районный суд") == ""                  # RU or BY: the name does not decide
    assert court_code("Минский областной суд") == "BY" and court_code("Гомельский областной суд") == "BY"
    assert court_code("Ростовский областной суд") == "RU" and court_code("Ставропольский краевой суд") == "RU"
    assert court_code("Харківський апеляційний суд") == "UA" and court_code("Тверской областной суд") == ""
    assert decide_code(jurisdiction="BY", file_code="RU").code == "BY"  # the row wins over the file
    assert decide_code(court="Ленинский районный суд", file_code="ru").how == "file"
    assert decide_code().code is None


def test_import_says_per_row_when_no_code_is_decided(db: Db, tmp_path: Path) -> None:
    (tmp_path / "p.csv").write_text("id,name\nP1,Орлов Олег\nP2,Мельник Ірина\n", "utf-8")
    (tmp_path / "c.csv").write_text("case_id,person_id,court,articles\nK1,P1,Ленинский районный суд,ч.1 ст.207.3 УК\n"
                                    "K2,P2,Печерський районний суд,ч. 1 ст. 111-1 КК\n", "utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t")
    report = import_file(db.engine, "cases", tmp_path / "c.csv", actor="t")
    assert [n for n in report.notes if "no code" in n] == [
        "row 2: no code could be decided for ч.1 ст.207.3 УК, so it raises no flags: give the case a jurisdiction (RU/BY/UA), "
        "name the code in the text (УК РФ, КК України, КоАП РФ ...) or import with --code"]
    (tmp_path / "c2.csv").write_text("case_id,person_id,court,articles\nK3,P1,Ленинский районный суд,"
                                     "ч.1 ст.207.3 УК\n", "utf-8")
    again = import_file(db.engine, "cases", tmp_path / "c2.csv", actor="t", options=SheetOptions(jurisdiction="RU"))
    assert not [n for n in again.notes if "no code" in n]
    with db.engine.connect() as conn:
        got = conn.execute(select(cases.c.ext_id, charges.c.code, charges.c.article)
                           .join(charges, charges.c.case_id == cases.c.id).order_by(cases.c.ext_id)).all()
    assert [tuple(r) for r in got] == [("K1", "", "207.3"), ("K2", "UA", "111-1"), ("K3", "RU", "207.3")]
