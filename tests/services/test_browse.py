"""Finding persons: text across scripts (or not), filters, and what a viewer may see."""

from __future__ import annotations

from pathlib import Path

import pytest

from kartoteka.services.access import Principal
from kartoteka.services.browse import PersonFilters, search
from tests.conftest import Db
from tests.web.conftest import write_registry

VIEWER, EDITOR = Principal("v", "viewer"), Principal("e", "editor")
SURNAMES = ("Смирнов", "Попов", "Соколов", "Лебедев", "Козлов", "Новиков")


def _ids(db: Db, who: Principal, f: PersonFilters) -> list[str]:
    return [r.ext_id for r in search(db.engine, who, f)]


def test_filters(db: Db, tmp_path: Path) -> None:
    write_registry(db, tmp_path)
    assert _ids(db, EDITOR, PersonFilters(status="detained")) == ["P2", "P3"]
    assert _ids(db, EDITOR, PersonFilters(code="ru", article="280.3")) == ["P1"]
    assert _ids(db, EDITOR, PersonFilters(region="крым")) == ["P3"]          # Cyrillic, any case
    assert _ids(db, EDITOR, PersonFilters(facility="сизо")) == ["P2", "P3"]
    # a viewer neither sees P3 nor finds P2 through P2's confidential case
    assert _ids(db, VIEWER, PersonFilters(facility="сизо")) == []
    row = search(db.engine, VIEWER, PersonFilters(region="москва"))[0]
    assert (row.name, row.statuses, row.articles) == ("Иванов Иван Иванович", ["convicted"], ["RU 280.3"])


def test_text_across_scripts_and_the_transliteration_switch(db: Db, tmp_path: Path) -> None:
    write_registry(db, tmp_path)
    assert "P2" in _ids(db, VIEWER, PersonFilters("Коваленко Олександр"))
    assert "P1" in _ids(db, VIEWER, PersonFilters("Ivanov Ivan Ivanovich"))
    assert "P2" not in _ids(db, VIEWER, PersonFilters("Коваленко", transliterate=False))
    assert "P3" not in _ids(db, VIEWER, PersonFilters("Секретная Мария"))
    assert "P3" in _ids(db, EDITOR, PersonFilters("Секретная Мария"))


def test_flag_filter_uses_only_visible_charges(db: Db, tmp_path: Path) -> None:
    from kartoteka.web.adapters import flag_tags

    write_registry(db, tmp_path)
    f = PersonFilters(flag="terrorism")
    assert [r.ext_id for r in search(db.engine, EDITOR, f, flags_for=flag_tags(EDITOR))] == ["P2"]
    assert search(db.engine, VIEWER, f, flags_for=flag_tags(VIEWER)) == []


def test_a_viewers_scores_do_not_tell_of_hidden_persons(db: Db, tmp_path: Path) -> None:
    """Registry A has many confidential namesakes by given name (they raise the name's share, which the
    matcher's common-name rule reads); registry B is A without them. A viewer's hits and scores agree."""
    from kartoteka.services.imports import import_file

    visible = "id,name,birth_date,sensitivity\nV1,Смирнов Рустем Ильясович,1979,public\n" \
              "V2,Курбанова Айше Рустемовна,1985,public\n" + \
              "".join(f"V{i},{SURNAMES[i % 6]} Иван,19{50 + i % 40},public\n" for i in range(3, 40))
    hidden = "".join(f"H{i},{('Ахмедов', 'Рустамов', 'Ильясов')[i % 3]} Рустем,19{50 + i % 40},confidential\n" for i in range(60))
    (tmp_path / "a.csv").write_text(visible + hidden, encoding="utf-8")
    import_file(db.engine, "persons", tmp_path / "a.csv", actor="t")
    queries = ["Смирнов Рустем", "Рустем Смирнов", "Smirnov Rustem", "Курбанова", "Ахмедов Рустем", "Рустем Ильясов",
               "Ильясов Смирнов", "Ахмед Смирнов"]
    seen_a = {q: [(r.ext_id, r.score) for r in search(db.engine, VIEWER, PersonFilters(q))] for q in queries}
    assert any(r.ext_id.startswith("H") for r in search(db.engine, EDITOR, PersonFilters("Ахмедов Рустем")))
    from sqlalchemy import delete

    from kartoteka.db.tables import name_keys, person_names, persons
    with db.engine.begin() as conn:   # registry B: the same, without the hidden persons
        ids = [r[0] for r in conn.execute(persons.select().where(persons.c.sensitivity == "confidential")
                                          .with_only_columns(persons.c.id))]
        conn.execute(delete(name_keys).where(name_keys.c.person_id.in_(ids)))
        conn.execute(delete(person_names).where(person_names.c.person_id.in_(ids)))
        conn.execute(delete(persons).where(persons.c.id.in_(ids)))
    seen_b = {q: [(r.ext_id, r.score) for r in search(db.engine, VIEWER, PersonFilters(q))] for q in queries}
    assert seen_a == seen_b
    assert seen_a["Смирнов Рустем"][0][0] == "V1"


def test_a_status_filtered_surname_lists_the_best_namesakes_with_that_status(db: Db, tmp_path: Path) -> None:
    """A surname alone with a status: the first of every namesake ranked (the matcher's full ranking), with
    that status, as before one-word searches scored only the namesakes they show (matching/bounded.py)."""
    from kartoteka.matching.engine import NameQuery
    from kartoteka.matching.stored import StoredMatcher
    from kartoteka.services.imports import import_file
    from kartoteka.services.name_index import sync_name_index

    people = "id,name,sensitivity\n" + "".join(
        f"S{i:02d},{('Соколов', 'Соколова', 'Сокалов', 'Соколовский')[i % 4]} {('Иван', 'Мария', 'Олег')[i % 3]},"
        f"{'confidential' if i % 5 == 0 else 'public'}\n" for i in range(60)) + "S99,Соколов,public\n"
    (tmp_path / "p.csv").write_text(people, encoding="utf-8")
    (tmp_path / "c.csv").write_text("case_id,person_id,jurisdiction,status\n" + "".join(
        f"C{i},S{i:02d},RU,{'convicted' if i % 3 else 'detained'}\n" for i in range(60)), encoding="utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="t")
    import_file(db.engine, "cases", tmp_path / "c.csv", actor="t")
    sync_name_index(db.engine)
    for who, shown in ((EDITOR, None), (VIEWER, ("public", "internal"))):
        with db.engine.connect() as conn:
            m = StoredMatcher(conn, sensitivities=shown)
            ranked = [(m.ext_ids[r], sc.score) for r, sc in m.score_all(NameQuery("Соколов"))][:40]
        statuses = {r.ext_id: r.statuses for r in search(db.engine, who, PersonFilters(status="convicted"), limit=200)}
        want = [(e, s) for e, s in ranked if e in statuses][:20]
        got = search(db.engine, who, PersonFilters("Соколов", status="convicted"), limit=20)
        assert [(r.ext_id, r.score) for r in got] == want and len(want) >= 10, who


FLAGGED_PERSONS = """id,name,birth_date,gender,citizenship,sensitivity
F1,Мустафаев Эмир Рустемович,1985,m,Україна,public
F2,Мустафаева Лейла Рустемовна,1987,f,UA,internal
F3,Mustafayev Server,1990,m,Russia,public
F4,Мустафаев Рустем Ибраимович,1960,m,,public
F5,Мустафаев Ахтем,1979,m,Украина,confidential
"""
FLAGGED_CASES = """case_id,person_id,jurisdiction,articles,court,sentence,status,sensitivity
K1,F1,RU,ч. 2 ст. 205.5 УК РФ (Хизб ут-Тахрир),Южный окружной военный суд,,convicted,public
K2,F1,RU,ст. 356 УК РФ,Южный окружной военный суд,,convicted,confidential
K3,F2,UA,ст. 111-1 ч. 5 ККУ,Шевченківський районний суд м. Києва,заочно 10 років,convicted,internal
K4,F3,RU,нечитаемая запись без статьи,Киевский районный суд г. Симферополя,,detained,public
K5,F4,RU,ст. 105 ч. 2 и ст. 280.3 УК РФ,Верховный суд Республики Крым,,convicted,confidential
K6,F4,RU,ст. 207.3 УК РФ,,,convicted,internal
K7,F5,RU,ст. 275 УК РФ,,,detained,confidential
"""


def test_the_rows_flags_are_the_visible_cases_flags(db: Db, tmp_path: Path) -> None:
    """A search's rows carry flag tags built from the cases they read (browse._rows): the same
    as reading the flags on their own (VisibleFlagTags called), for each role; hidden cases give nothing."""
    from kartoteka.services.imports import import_file
    from kartoteka.services.viewer_world import VisibleFlagTags
    from kartoteka.web.adapters import flag_tags

    (tmp_path / "p.csv").write_text(FLAGGED_PERSONS, encoding="utf-8")
    (tmp_path / "c.csv").write_text(FLAGGED_CASES, encoding="utf-8")
    import_file(db.engine, "persons", tmp_path / "p.csv", actor="test")
    import_file(db.engine, "cases", tmp_path / "c.csv", actor="test")
    seen: dict[str, dict[str, list[str]]] = {}
    for who in (VIEWER, EDITOR):
        tags = flag_tags(who)
        assert isinstance(tags, VisibleFlagTags)   # the rows' own path
        rows = [r for text in ("Мустафаев", "Mustafayev Server")
                for r in search(db.engine, who, PersonFilters(text), flags_for=tags)]
        with db.engine.connect() as conn:
            apart = tags(conn, [r.id for r in rows])
        assert rows and all(r.flags == apart[r.id] for r in rows)
        seen[who.role] = {r.ext_id: r.flags for r in rows}
    assert set(seen["viewer"]) == {"F1", "F2", "F3", "F4"} and set(seen["editor"]) == {"F1", "F2", "F3", "F4", "F5"}
    assert "terrorism" in seen["viewer"]["F1"] and "war_crime" not in seen["viewer"]["F1"]   # K2 is confidential
    assert "war_crime" in seen["editor"]["F1"]
    assert "violence" not in seen["viewer"]["F4"] and "violence" in seen["editor"]["F4"]     # K5 is confidential
    assert seen["viewer"]["F3"] and seen["viewer"]["F2"]   # an unreadable charge; a Ukrainian court in absentia


CHOICE_PERSONS = """id,name,birth_date,sensitivity
A,Андреев Антон Андреевич,1980,public
B,Борисов Богдан Борисович,1981,public
C,Сергеева Светлана Сергеевна,1982,confidential
"""
CHOICE_CASES = """case_id,person_id,jurisdiction,articles,status,sensitivity
A1,A,RU,ст. 280.3 УК РФ,convicted,public
A2,A,UA,ст. 111 КК України,released,public
A3,A,RU,ст. 207.3 УК РФ,,confidential
B1,B,BY,ст. 361 УК РБ,exchanged,public
C1,C,BY,ст. 342 УК РБ,detained,internal
"""


def _reference_choices(db: Db, who: Principal) -> dict[str, list[str]]:
    """The search form's choices read the plain way (every case with its person; the code before 0035)."""
    from sqlalchemy import select

    from kartoteka.db.tables import cases, charges, persons
    from kartoteka.services.access import visible_clause

    shown = cases.join(persons, persons.c.id == cases.c.person_id)
    ok = (cases.c.deleted_at.is_(None), persons.c.deleted_at.is_(None),
          visible_clause(who, cases.c.sensitivity), visible_clause(who, persons.c.sensitivity))
    with db.engine.connect() as conn:
        st = conn.execute(select(cases.c.status).distinct().select_from(shown).where(cases.c.status != "", *ok)
                          .order_by(cases.c.status))
        codes = conn.execute(select(charges.c.code).distinct().select_from(
            shown.join(charges, charges.c.case_id == cases.c.id)).where(*ok).order_by(charges.c.code))
        return {"status": [r[0] for r in st], "code": [r[0] for r in codes]}


def test_the_search_forms_choices_are_those_of_shown_cases_read_through_indexes(db: Db, tmp_path: Path) -> None:
    """Each value a live case that the reader may see (of a live person they may see) has, and no other: a value
    only a deleted case, a deleted person or a hidden record has is not offered (the same as reading every
    case), found one index seek at a time."""
    from sqlalchemy import func, update

    from kartoteka.db.tables import cases, persons
    from kartoteka.services.browse import filter_choices
    from kartoteka.services.imports import import_file

    for kind, text in (("persons", CHOICE_PERSONS), ("cases", CHOICE_CASES)):
        (tmp_path / f"{kind}.csv").write_text(text, "utf-8")
        import_file(db.engine, kind, tmp_path / f"{kind}.csv", actor="t")
    with db.engine.begin() as conn:
        conn.execute(update(cases).where(cases.c.ext_id == "A2").values(deleted_at=func.now()))
        conn.execute(update(persons).where(persons.c.ext_id == "B").values(deleted_at=func.now()))
    admin = Principal("a", "admin")
    assert filter_choices(db.engine, VIEWER) == {"status": ["convicted"], "code": ["RU"]}
    assert filter_choices(db.engine, admin) == {"status": ["convicted", "detained"], "code": ["BY", "RU"]}
    for who in (VIEWER, EDITOR, admin):
        assert filter_choices(db.engine, who) == _reference_choices(db, who)
    with db.engine.begin() as conn:   # the deleted case back: its status and code are offered again
        conn.execute(update(cases).where(cases.c.ext_id == "A2").values(deleted_at=None))
    assert filter_choices(db.engine, VIEWER) == {"status": ["convicted", "released"], "code": ["RU", "UA"]}
    assert filter_choices(db.engine, VIEWER) == _reference_choices(db, VIEWER)


def test_the_search_forms_choices_read_no_table_whole(db: Db) -> None:
    """On SQLite, every statement filter_choices runs searches an index (no SCAN of cases or charges): the page
    asks on every load, and reading every case took 13 s at a million persons."""
    import re

    if db.backend != "sqlite":
        pytest.skip("SQLite's query plans (PostgreSQL's planner chooses by its statistics)")
    from sqlalchemy import select

    from kartoteka.db.tables import cases, charges
    from kartoteka.services import browse

    statements = [browse._STATUS_SHOWN, browse._CODE_SHOWN]
    for column in (cases.c.status, charges.c.code):
        statements.append(select(column).where(column > "x").order_by(column).limit(1))
        statements.append(select(column).order_by(column).limit(1))
    with db.engine.connect() as conn:
        for stmt in statements:
            sql = str(stmt.params(value="RU", visible=["public"]).compile(conn, compile_kwargs={"literal_binds": True}))
            plan = " | ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
            # a SCAN only in an index's order, for the first value (LIMIT 1 stops it at the first row)
            assert not re.search(r"SCAN (cases|charges)(?! USING COVERING INDEX)", plan), (sql, plan)
            assert "USING" in plan and ("SCAN" not in plan or "LIMIT 1" in sql), (sql, plan)


def test_a_status_filter_among_a_search_s_candidates_reads_their_cases_not_the_status_index(db: Db) -> None:
    """SQLite, without statistics, took ``status = ?`` on ix_cases_status (0035) for a narrow read and read every
    convicted case for the 40 candidates of a name search (1M web search p95 600 -> 2,500 ms); the filter names
    the column so that it cannot (``db/unindexed.py``), and the candidates' cases come through ix_cases_person_id."""
    if db.backend != "sqlite":
        pytest.skip("SQLite's query plans (PostgreSQL's planner chooses by its statistics)")
    from kartoteka.services import browse

    for candidates in ([1, 2, 3], None):
        stmt = browse._filtered(candidates is not None, False, True, False, False, False, "")
        values = browse._filter_values(EDITOR, PersonFilters("x", status="convicted"), candidates, 40)
        with db.engine.connect() as conn:
            sql = str(stmt.params(**values).compile(conn, compile_kwargs={"literal_binds": True}))
            plan = " | ".join(str(r[-1]) for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
        assert "ix_cases_status" not in plan and "+cases.status" in sql, plan
        assert ("ix_cases_person_id" in plan) == (candidates is not None), plan
