"""kartoteka match / search / duplicates / judge as a user types them."""

import json
from pathlib import Path

from tests.cli.runner import run_cli
from tests.conftest import Db

_run = run_cli


def test_match_search_duplicates_judge(db: Db, tmp_path: Path) -> None:
    _run(db, "init")
    persons = tmp_path / "persons.csv"
    persons.write_text("id,name,birth_date,gender\nB1,Яшин Илья Валерьевич,1983-06-29,m\n"
                       "B2,Горинов Алексей Александрович,1961,m\nB3,Яшин Илья Валерьевич,1990-01-01,m\n", "utf-8")
    _run(db, "import", "persons", str(persons))
    lst = tmp_path / "list.csv"
    lst.write_text("id,name,birth_date\n7,Jaschin Ilja,29.06.1983\n8,Горінов Олексій,\n9,Yashin Ilya,\n10,Nobody Here,\n",
                   "utf-8")
    out = tmp_path / "out.csv"
    said = _run(db, "match", str(lst), "--out", str(out))
    assert "4 rows" in said and "2 match" in said and "Candidates from the stored index" in said
    lines = out.read_text("utf-8").splitlines()
    assert lines[1].startswith("7,B1,") and lines[2].startswith("8,B2,") and ",review," in lines[3]
    assert lines[4].startswith("10,,") and "no_match" in lines[4]
    _run(db, "match", str(lst), "--out", str(tmp_path / "out.json"), "--format", "json")
    assert json.loads((tmp_path / "out.json").read_text("utf-8"))[0]["person_id"] == "B1"
    assert "B2" in _run(db, "search", "Gorinov Alexei")
    assert "No likely duplicates" in _run(db, "duplicates")  # B1 and B3: namesakes, not duplicates
    _run(db, "judge", "B1", "same", "--name", "Yashin Ilya")
    _run(db, "match", str(lst), "--out", str(out))
    assert out.read_text("utf-8").splitlines()[3].startswith("9,B1,")
    more = tmp_path / "more.csv"
    more.write_text("id,name,birth_date\nB4,Aleksei GORINOV,1961\n", "utf-8")
    _run(db, "import", "persons", str(more))
    dup = _run(db, "duplicates")
    assert "B2" in dup and "B4" in dup
    _run(db, "judge", "B4", "different", "--other", "B2")
    assert "No likely duplicates" in _run(db, "duplicates")
    assert "Error" in _run(db, "judge", "B1", "perhaps", "--name", "x", code=1)
    assert "Error" in _run(db, "match", str(lst), "--out", str(out), "--format", "xml", code=1)
