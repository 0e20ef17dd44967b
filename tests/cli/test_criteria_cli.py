"""The criteria commands as a user types them: definitions, screen, assess, reparse-charges."""

import json
from pathlib import Path

from tests.cli.runner import run_cli
from tests.conftest import Db

_run = run_cli


def _registry(db: Db, tmp_path: Path) -> None:
    _run(db, "init")
    (tmp_path / "p.csv").write_text("id,name,citizenship\nU1,Коваленко Андрій,UA\nR1,Сорокина Мария,RU\n", "utf-8")
    (tmp_path / "c.csv").write_text("case_id,person_id,jurisdiction,court,articles\n"
                                    "K1,U1,RU,Верховный суд ДНР,ч. 1 ст. 356 УК РФ\n"
                                    "K2,R1,RU,,п. «д» ч. 2 ст. 207.3 УК РФ; ст. 999 УК\n", "utf-8")
    _run(db, "import", "persons", str(tmp_path / "p.csv"))
    _run(db, "import", "cases", str(tmp_path / "c.csv"))


def test_definitions_lists_ids_criteria_and_certainty(db: Db) -> None:
    out = _run(db, "definitions")
    assert "pace-1900-2012" in out and "guidelines-2013" in out and "amnesty-poc" in out
    assert "criterion 1a (memory)" in out and "excluded_violence (= not_recognised)" in out
    assert "condition 2-motive" in out and "criterion 1g (memory; needs 2-motive)" in out
    assert "precondition: deprived of liberty" in out and "exception (finding 'excepted')" in out
    data = json.loads(_run(db, "definitions", "--json"))
    assert {d["id"] for d in data} == {"pace-1900-2012", "guidelines-2013", "amnesty-poc"}


def test_screen_one_person_and_all(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    out = _run(db, "screen", "U1")
    assert "war_crime" in out and "RU 356(1)" in out and "court_reliability" in out
    every = json.loads(_run(db, "screen", "--all", "--json"))
    flags = {r["person"]: {f["tag"]: f["articles"] for f in r["flags"]} for r in every}
    assert flags["R1"] == {"speech": ["RU 207.3(2)"], "not_in_catalog": ["RU 999"]}
    assert "Error" in _run(db, "screen", code=1)
    assert "no person" in _run(db, "screen", "NOPE", code=1)
    assert "2 case(s), 3 charge(s)" in _run(db, "reparse-charges") and "RU 999" in _run(db, "reparse-charges")


def test_assess_workflow_needs_a_second_person(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    assert "#1 created" in _run(db, "--actor", "alice", "assess", "create", "R1", "-d", "guidelines-2013")
    _run(db, "--actor", "alice", "assess", "finding", "1", "1a", "met", "--source", "https://example.org/s1")
    assert "must cite" in _run(db, "--actor", "alice", "assess", "finding", "1", "1b", "met", code=1)
    _run(db, "--actor", "alice", "assess", "submit", "1", "--decision", "recognised")
    assert "second person" in _run(db, "--actor", "alice", "assess", "approve", "1", code=1)
    _run(db, "--actor", "bob", "assess", "approve", "1")
    shown = _run(db, "assess", "show", "1")
    assert "decided" in shown and "reviewer bob" in shown and "https://example.org/s1" in shown
    assert "approve" in shown
    listed = json.loads(_run(db, "assess", "list", "--state", "decided", "--json"))
    assert [(r["person_ext_id"], r["decision"], r["reviewer"]) for r in listed] == [("R1", "recognised", "bob")]
    assert "decided" in _run(db, "assess", "list")
    assert "Error" in _run(db, "assess", "create", "R1", "-d", "nope", code=1)
