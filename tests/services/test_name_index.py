"""The stored name index (services/name_index.py, matching/stored.py) on SQLite and PostgreSQL: the
stored matcher answers as the in-memory one does, every kind of write is seen by the very next search
and match in another (long-running) process, and the stored keys equal keys computed from scratch."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from kartoteka.db import audit
from kartoteka.db.tables import name_keys, persons
from kartoteka.domain.dates import parse_partial_date
from kartoteka.domain.person import parse_gender
from kartoteka.matching.engine import Matcher, NameQuery
from kartoteka.matching.stored import StoredMatcher
from kartoteka.services.access import system_principal
from kartoteka.services.imports import import_file
from kartoteka.services.name_index import check_name_index, rebuild_name_index, sync_name_index
from kartoteka.services.person_merge import merge_records
from kartoteka.services.persons_edit import PersonEdit, edit_person
from kartoteka.synth.registry import PERSON_COLUMNS, generate_registry, write_rows
from kartoteka.synth.variants import generate_list
from tests.conftest import Db

WORKER = """
import json, sys
from kartoteka.db.engine import make_engine
from kartoteka.matching.engine import NameQuery
from kartoteka.services.matching import search_persons, match_list
engine = make_engine(sys.argv[1])
for line in sys.stdin:
    text, path = json.loads(line)
    hits = [h.ext_id for h in search_persons(engine, text=text, limit=5, explain=False)]
    found = match_list(engine, path=__import__("pathlib").Path(path))
    print(json.dumps([hits, found[0].result.ext_id, found[0].result.decision]), flush=True)
"""


def _import(db: Db, tmp_path: Path, text: str, name: str = "p.csv") -> None:
    src = tmp_path / name
    src.write_text(text, "utf-8")
    import_file(db.engine, "persons", src, actor="test")


@pytest.fixture
def worker(db: Db, tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen([sys.executable, "-c", WORKER, db.url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    yield proc
    assert proc.stdin is not None
    proc.stdin.close()
    proc.wait(timeout=30)


def _ask(proc: subprocess.Popen[str], tmp_path: Path, text: str) -> tuple[list[str], str | None, str]:
    lst = tmp_path / f"list-{abs(hash(text))}.csv"
    lst.write_text(f"name\n{text}\n", "utf-8")
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdin.write(json.dumps([text, str(lst)]) + "\n")
    proc.stdin.flush()
    hits, ext, decision = json.loads(proc.stdout.readline())
    return hits, ext, decision


def _pid(db: Db, ext: str) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(persons.c.id).where(persons.c.ext_id == ext)).scalar_one())


def test_every_write_is_seen_by_the_next_search_in_another_process(db: Db, tmp_path: Path,
                                                                    worker: subprocess.Popen[str]) -> None:
    admin = system_principal("test")
    _import(db, tmp_path, "id,surname,given_name,patronymic,birth_date\nB-1,Петров,Пётр,Петрович,1970-01-01\n")
    assert _ask(worker, tmp_path, "Zhukov Oleg")[0] == []
    # an import
    _import(db, tmp_path, "id,surname,given_name,patronymic,birth_date\nB-2,Жуков,Олег,Ильич,1981-03-03\n", "q.csv")
    hits, ext, decision = _ask(worker, tmp_path, "Zhukov Oleg Ilyich")
    assert hits == ["B-2"] and (ext, decision) == ("B-2", "match")
    assert check_name_index(db.engine).ok
    # an edit of the name
    edit_person(db.engine, admin, "B-2", PersonEdit(version=1, primary_name="Смирнов Олег Ильич", birth_date="1981-03-03"))
    assert _ask(worker, tmp_path, "Zhukov Oleg Ilyich")[0] == []
    hits, ext, _ = _ask(worker, tmp_path, "Smirnov Oleg Ilyich")
    assert hits == ["B-2"] and ext == "B-2"
    assert check_name_index(db.engine).ok
    # a merge: B-1 joins B-2 and is gone
    merge_records(db.engine, admin, keep="B-2", other="B-1", choices={})
    assert _ask(worker, tmp_path, "Petrov Petr Petrovich")[0] in ([], ["B-2"])
    assert "B-1" not in _ask(worker, tmp_path, "Petrov Petr")[0]
    assert check_name_index(db.engine).ok
    # a delete
    with db.engine.begin() as conn:
        audit.soft_delete(conn, persons, "person", _pid(db, "B-2"), actor="test")
    hits, ext, decision = _ask(worker, tmp_path, "Smirnov Oleg Ilyich")
    assert hits == [] and decision == "no_match"
    assert check_name_index(db.engine).ok


def _cli(db: Db, *args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "kartoteka", "--db", db.url, *args], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _cli_ask(db: Db, tmp_path: Path, text: str) -> tuple[list[str], str, str]:
    """`kartoteka search --json` and `kartoteka match`, each a new process: the hits, the row's person
    and decision."""
    hits = [h["ext_id"] for h in json.loads(_cli(db, "search", text, "--json"))]
    lst, out = tmp_path / "cli-list.csv", tmp_path / "cli-out.json"
    lst.write_text(f"name\n{text}\n", "utf-8")
    said = _cli(db, "match", str(lst), "--out", str(out), "--format", "json")
    assert "Candidates from the stored index" in said
    row = json.loads(out.read_text("utf-8"))[0]
    return hits, row["person_id"], row["decision"]


def test_every_write_is_seen_by_the_next_cli_search_and_match(db: Db, tmp_path: Path) -> None:
    admin = system_principal("test")
    _import(db, tmp_path, "id,surname,given_name,patronymic,birth_date\nB-1,Петров,Пётр,Петрович,1970-01-01\n"
                          "B-2,Жуков,Олег,Ильич,1981-03-03\n")
    assert _cli_ask(db, tmp_path, "Zhukov Oleg Ilyich") == (["B-2"], "B-2", "match")   # an import
    edit_person(db.engine, admin, "B-2", PersonEdit(version=1, primary_name="Смирнов Олег Ильич",
                                                     birth_date="1981-03-03"))
    assert _cli_ask(db, tmp_path, "Smirnov Oleg Ilyich") == (["B-2"], "B-2", "match")   # an edit
    merge_records(db.engine, admin, keep="B-2", other="B-1", choices={})                 # a merge
    hits, ext, _ = _cli_ask(db, tmp_path, "Petrov Petr Petrovich")
    assert "B-1" not in hits and ext != "B-1"
    with db.engine.begin() as conn:                                                       # a delete
        audit.soft_delete(conn, persons, "person", _pid(db, "B-2"), actor="test")
    assert _cli_ask(db, tmp_path, "Smirnov Oleg Ilyich") == ([], "", "no_match")
    assert check_name_index(db.engine, sync=False).ok


def test_stored_matcher_answers_as_the_in_memory_matcher(db: Db, tmp_path: Path) -> None:
    synth = generate_registry(300, seed=5)
    path = tmp_path / "persons.csv"
    write_rows(path, PERSON_COLUMNS, synth.persons)
    import_file(db.engine, "persons", path, actor="test")
    rows = generate_list(synth.persons, 150, seed=7)
    queries = [NameQuery(r["name"], parse_partial_date(r["birth_date"]) if r["birth_date"] else None,
                         parse_gender(r["gender"]) if r["gender"] else None, r["id"]) for r in rows]
    memory = Matcher.from_engine(db.engine)
    sync_name_index(db.engine)
    with db.engine.connect() as conn:
        stored = StoredMatcher(conn)
        for q in queries:
            a, b = memory.match(q), stored.match(q)
            assert (a.person_id, a.decision, round(a.score, 6), a.explanation) == \
                   (b.person_id, b.decision, round(b.score, 6), b.explanation), q
        for q in queries[:40]:
            assert memory.search(q.name, limit=10) == stored.search(q.name, limit=10)


def test_check_finds_a_wrong_key_and_rebuild_fixes_it(db: Db, tmp_path: Path) -> None:
    _import(db, tmp_path, "id,surname,given_name,patronymic,birth_date\nC-1,Орлова,Анна,Сергеевна,1990-02-02\n")
    sync_name_index(db.engine)
    assert check_name_index(db.engine).ok
    with db.engine.begin() as conn:
        conn.execute(update(name_keys).values(key=name_keys.c.key + 1))
    found = check_name_index(db.engine)
    assert not found.ok and found.wrong == [_pid(db, "C-1")]
    assert rebuild_name_index(db.engine) == 1
    assert check_name_index(db.engine).ok
    if db.backend == "postgresql":   # vacuumed after, as a large import is: the stored index's reads stay in it
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT relallvisible FROM pg_class WHERE relname = 'name_keys'")).scalar() > 0


def _current(db: Db) -> bool:
    """The stored keys equal keys computed from scratch, without a sync, and the mark is at the chain's head
    (a search would re-key nothing)."""
    from kartoteka.db.tables import audit_head, name_keys_state
    with db.engine.connect() as conn:
        head = conn.execute(select(audit_head.c.changed_seq)).scalar_one()
        done = conn.execute(select(name_keys_state.c.seq)).scalar_one()
    return check_name_index(db.engine, sync=False).ok and done == head


def test_every_write_keeps_the_keys_in_its_own_transaction(db: Db, tmp_path: Path) -> None:
    from kartoteka.services.person_create import add_name
    from kartoteka.services.person_merge import unmerge
    admin = system_principal("test")
    rebuild_name_index(db.engine)
    _import(db, tmp_path, "id,surname,given_name,patronymic,birth_date\nB-1,Петров,Пётр,Петрович,1970-01-01\n"
                          "B-2,Жуков,Олег,Ильич,1981-03-03\n")
    assert _current(db)
    _import(db, tmp_path, "id,surname,given_name,patronymic,birth_date\nB-1,Петров,Пётр,Петрович,1971-01-01\n",
            "q.csv")   # an import updating a person
    assert _current(db)
    edit_person(db.engine, admin, "B-2", PersonEdit(version=1, primary_name="Смирнов Олег Ильич", birth_date="1981-03-03"))
    assert _current(db)
    add_name(db.engine, admin, "B-2", kind="alias", full="Smirnoff Oleg")
    assert _current(db)
    merge_id = merge_records(db.engine, admin, keep="B-2", other="B-1", choices={"name": "other"})
    assert _current(db)
    unmerge(db.engine, admin, merge_id=merge_id)
    assert _current(db)
    assert sync_name_index(db.engine) == 0


def test_a_large_import_is_not_rekeyed_at_search_time(db: Db, tmp_path: Path) -> None:
    rebuild_name_index(db.engine)
    rows = "".join(f"C-{i},Иванов{i % 50},Иван,Иванович,1970-01-{1 + i % 28:02d}\n" for i in range(600))
    _import(db, tmp_path, "id,surname,given_name,patronymic,birth_date\n" + rows)
    assert _current(db)
    assert sync_name_index(db.engine) == 0
    with db.engine.connect() as conn:
        assert conn.execute(select(name_keys.c.person_id).distinct()).all().__len__() == 600


def test_a_write_without_a_refresh_is_still_caught_up_at_search_time(db: Db, tmp_path: Path) -> None:
    rebuild_name_index(db.engine)
    _import(db, tmp_path, "id,surname,given_name,patronymic,birth_date\nB-1,Петров,Пётр,Петрович,1970-01-01\n")
    with db.engine.begin() as conn:   # older code: a delete that does not re-key
        audit.soft_delete(conn, persons, "person", _pid(db, "B-1"), actor="test")
    assert not check_name_index(db.engine, sync=False).ok
    sync_name_index(db.engine)
    assert check_name_index(db.engine, sync=False).ok


def test_a_registry_sheet_and_an_ftm_import_keep_the_keys_in_their_own_transaction(db: Db, tmp_path: Path) -> None:
    from kartoteka.services.ftm_export import export_ftm
    from kartoteka.services.ftm_import import import_ftm
    from kartoteka.services.statements import merge_persons
    from tests.services import test_ftm as ftm
    from tests.services.test_registry_import import RU

    ftm._registry(db, tmp_path)        # this registry: P1, P2, P3
    rebuild_name_index(db.engine)
    sheet = tmp_path / "ru.csv"
    sheet.write_text(RU, "utf-8")
    import_file(db.engine, "registry", sheet, actor="t")
    assert _current(db)
    other = tmp_path / "b"
    other.mkdir()
    second = ftm._sqlite(tmp_path / "org-b.db")
    ftm._registry(Db("", second, "sqlite"), other, ftm.OTHER, ftm.OTHER_CASES)
    export_ftm(second, out=tmp_path / "b.json", audience="internal")
    report = import_ftm(db.engine, path=tmp_path / "b.json", organisation="Org B", actor="t",
                        sensitivity="public")   # Org B's public records: they may merge into the public P1
    assert report.merged == 1 and report.created == 2   # an alias added to P1, two new persons
    assert _current(db)
    merge_persons(db.engine, keep="P2", other="B8", actor="reviewer")
    assert _current(db)
