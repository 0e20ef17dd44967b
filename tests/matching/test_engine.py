"""Decisions of the matcher on the cases the issue lists, against a small in-memory registry."""

from pathlib import Path

import pytest

from kartoteka.domain.dates import parse_partial_date
from kartoteka.domain.person import Gender
from kartoteka.matching.engine import Judgement, Matcher, NameQuery, PersonRecord, query_key
from tests.conftest import Db


def rec(pid: int, gender: str, born: str | None, s: str, g: str, p: str = "",
        aliases: tuple[str, ...] = ()) -> PersonRecord:
    names = [(" ".join(x for x in (s, g, p) if x), s, g, p)]
    names += [(a, a.split()[1], a.split()[0], "") for a in aliases]
    return PersonRecord(pid, f"P{pid}", gender, parse_partial_date(born) if born else None, names)


REGISTRY = [
    rec(1, "m", "1976-06-04", "Навальный", "Алексей", "Анатольевич", ("Aleksei Navalnyi",)),
    rec(2, "f", "1976-07-24", "Навальная", "Юлия", "Борисовна"),
    rec(3, "m", "1981-09-07", "Кара-Мурза", "Владимир", "Владимирович"),
    rec(4, "m", "1985-01-01", "Иванов", "Сергей", "Петрович"),
    rec(5, "m", "1990-05-05", "Иванов", "Сергей", "Петрович"),
    rec(6, "f", "1988-02-02", "Сорокина", "Мария", "Андреевна"),
    rec(7, "m", "1983", "Калинченко", "Сергей", "Николаевич"),
    rec(8, "m", "1983-06-29", "Яшин", "Илья", "Валерьевич"),
    rec(9, "m", "1970-03-03", "Горинов", "Алексей", "Александрович"),
    rec(10, "m", "1962-08-08", "Статкевич", "Николай", "Викторович"),
    rec(11, "m", "1966-06-06", "Гриб", "Евгений", "Петрович"),
    rec(12, "f", "1979-12-12", "Колесникова", "Мария", "Александровна"),
    rec(13, "m", "1972-01-01", "Лукашенко", "Надир", "Олегович"),
]


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(REGISTRY)


def ask(m: Matcher, name: str, born: str | None = None, gender: str | None = None) -> tuple[str, str | None]:
    r = m.match(NameQuery(name, parse_partial_date(born) if born else None, Gender(gender) if gender else None))
    assert r.explanation
    return r.decision, r.ext_id


@pytest.mark.parametrize("name,born,expected", [
    ("ALEKSEI NAVALNYI", None, "P1"),                       # ICAO
    ("Navalnyy Aleksey Anatolyevich", None, "P1"),          # MVD 310
    ("Naval'nyy Aleksey", "1976", "P1"),                    # BGN
    ("Navalʹnyĭ Alekseĭ Anatolʹevich", None, "P1"),         # LoC
    ("Naval'nyj Aleksej", None, "P1"),                      # scholarly
    ("Alexej Nawalny", "04.06.1976", "P1"),                 # German press
    ("Alexeï Navalny", None, "P1"),                         # French press
    ("Aleksiej Nawalny", None, "P1"),                       # Polish press
    ("Олексій Навальний", None, "P1"),                      # Ukrainian form
    ("Lesha Navalny", "1976-06-04", "P1"),                  # diminutive
    ("NAVALNY, Alexei", None, "P1"),                        # comma, uppercase surname
    ("Alexei NAVALNY", None, "P1"),
    ("Vladimir Kara Murza", None, "P3"),                    # hyphen written as a space
    ("Sorokina M. A.", None, "P6"),                         # initials
    ("Сорокина Маша", "1988-02-02", "P6"),                  # diminutive, Cyrillic
    ("Serhii Kalinchenko", "1983", "P7"),                   # Latin-only language form
    ("Сергій Миколайович Калінченко", None, "P7"),          # uk given name and patronymic
    ("Iachine Ilia", None, "P8"), ("Jaschin Ilja", None, "P8"), ("Jaszin Ilja", None, "P8"),
    ("Горінов Олексій Олександрович", None, "P9"),          # uk surname and names
    ("Mikalai Statkevich", None, "P10"), ("Mykola Statkevych", None, "P10"),
    ("Hryb Yauhen", None, "P11"),                           # Belarusian national
    ("Maria Kalesnikava", None, "P12"),
    ("Ivanov Sergei Petrovich", "1990-05-05", "P5"),        # the date separates namesakes
    ("Ivanov Sergei Petrovich", "06.05.1990", "P5"),        # a day off
    ("Navalny Alexey", "1976", "P1"),                       # year only
    ("Navalnyy Alekssei", None, "P1"),                      # one-letter typo
    ("Kolesnikova Mariia", None, "P12"),
])
def test_matches(matcher: Matcher, name: str, born: str | None, expected: str) -> None:
    assert ask(matcher, name, born) == ("match", expected)


@pytest.mark.parametrize("name,born,gender", [
    ("Navalnaya Alexei", None, None),           # the other gender's surname form
    ("Yevgenia Hryb", None, None),              # Yevgeny's female counterpart
    ("Navalny Alexei", None, "f"),              # stated gender contradicts
    ("Navalny Oleg", "1980", None),             # a relative: same surname, other given name
    ("Ivanov Sergei Petrovich", "1970-01-01", None),  # a namesake with another birth date
    ("Petrov Ivan", None, None),                # nobody
    ("Иванов Сергей Андреевич", None, None),    # another patronymic
])
def test_no_match(matcher: Matcher, name: str, born: str | None, gender: str | None) -> None:
    assert ask(matcher, name, born, gender)[0] == "no_match"


def test_namesakes_without_a_date_need_review(matcher: Matcher) -> None:
    r = matcher.match(NameQuery("Ivanov Sergei Petrovich"))
    assert r.decision == "review" and "birth date" in r.explanation
    assert {pid for pid, _ in r.alternatives} | {r.person_id} == {4, 5}


def test_navalny_and_navalnaya_are_different_people(matcher: Matcher) -> None:
    assert ask(matcher, "Yulia Navalnaya") == ("match", "P2")
    assert ask(matcher, "Yulia Navalny")[0] != "match"


def test_explanation_says_how_parts_matched(matcher: Matcher) -> None:
    r = matcher.match(NameQuery("Serhii Kalinchenko", parse_partial_date("1983")))
    assert "language form" in r.explanation and "transliteration" in r.explanation and "1983" in r.explanation


def test_judgements_override_the_scorer() -> None:
    key = query_key(NameQuery("Navalny Alexei"))
    assert key == query_key(NameQuery("alexei   NAVALNY"))
    m = Matcher(REGISTRY, judgements={key: [Judgement(1, "different", "rev", "2026-01-01")]})
    assert m.match(NameQuery("Alexei Navalny")).decision == "no_match"
    m = Matcher(REGISTRY, judgements={query_key(NameQuery("Navalny Oleg")): [Judgement(1, "same", "rev", "2026-01-01")]})
    r = m.match(NameQuery("Oleg Navalny"))
    assert (r.decision, r.person_id) == ("match", 1) and "rev" in r.explanation
    m = Matcher(REGISTRY, judgements={key: [Judgement(1, "unsure", "rev", "2026-01-01")]})
    assert m.match(NameQuery("Navalny Alexei")).decision == "review"


def test_search_ranks_by_surname(matcher: Matcher) -> None:
    hits = matcher.search("Nawalny")
    assert [h[1] for h in hits[:2]] == ["P1", "P2"] or [h[1] for h in hits[:2]] == ["P2", "P1"]
    assert matcher.search("Alexej Nawalny")[0][1] == "P1"


def test_dates_and_alternatives_written_inside_the_name_cell(matcher: Matcher) -> None:
    assert ask(matcher, "Иванов Сергей Петрович, 05.05.1990 г.р.") == ("match", "P5")
    assert ask(matcher, "Иванов Сергей Петрович, 1970 г.р.")[0] == "no_match"
    assert ask(matcher, "Яшин Илья / Jaschin Ilja") == ("match", "P8")
    assert ask(matcher, "Kara-Murza Vladimir (Кара-Мурза Владимир Владимирович)") == ("match", "P3")


def test_a_large_registry_is_built_by_every_core_as_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    import numpy as np

    from kartoteka import forked
    from kartoteka.matching import engine

    surnames = ["Навальный", "Кара-Мурза", "Иванов", "Сорокина", "Яшин", "Ткаченко", "Бредшоу", "Ким"]
    givens = [("Алексей", "Anatolevich"), ("Мария", "Андреевна"), ("Сергей", "Петрович"), ("Юлия", "")]
    records = [rec(i, "m" if i % 3 else "f", f"19{50 + i % 40}-0{1 + i % 9}-1{i % 10}" if i % 4 else None,
                   surnames[i % 8], *givens[i % 4], aliases=("Aleksei Navalnyi",) if i % 5 == 0 else ())
               for i in range(1, 301)]
    monkeypatch.setenv("KARTOTEKA_FORK_WORKERS", "1")
    one = Matcher(records)
    one.build_lazy()
    monkeypatch.setenv("KARTOTEKA_FORK_WORKERS", "2")
    monkeypatch.setattr(forked, "_loop_running", lambda: False)   # (a browser test may have left Playwright's)
    monkeypatch.setattr(engine, "FORKED_BUILD", 100)
    monkeypatch.setattr(engine, "BUILD_CHUNK", 16)
    processes: list[int] = []
    fork_map = forked.fork_map
    monkeypatch.setattr(forked, "fork_map", lambda *a, **k: processes.append(k["processes"]) or fork_map(*a, **k))
    two = Matcher(records)
    assert processes == [2]
    assert two._kin is not None and one._kin is not None   # the forked build makes the kin index too
    for a, b in ((one.index.hashes, two.index.hashes), (one.index.rows, two.index.rows),
                 (one._kin.block_rows.hashes, two._kin.block_rows.hashes), (one._kin.block_rows.rows, two._kin.block_rows.rows)):
        assert len(a) >= 100 and np.array_equal(a, b)
    assert one.index.surname_keys == two.index.surname_keys and one.index.near == two.index.near
    assert one.index.near_plain == two.index.near_plain
    assert [(c.names, c.birth, c.patronymic) for c in one.candidates_] == [(c.names, c.birth, c.patronymic)
                                                                          for c in two.candidates_]
    for name, born in (("Navalny Alexei", "1990-01-12"), ("Sorokina Maria", None), ("Кара Мурза Сергей", None)):
        q = NameQuery(name, parse_partial_date(born) if born else None)
        assert one.match(q) == two.match(q)


def test_rows_shared_out_between_processes_come_back_in_their_order(matcher: Matcher) -> None:
    names = ["Сорокина Мария", "ALEKSEI NAVALNYI", "Иванов Сергей Петрович", "Яшин Илья", "Alexej Nawalny",
             "Колесникова Мария", "Гриб Евгений", "Zhukov Ivan"]
    queries = [NameQuery(names[(i * 5) % len(names)], parse_partial_date(f"19{60 + i % 30}-01-0{1 + i % 9}"))
               for i in range(250)]   # not in the order match_many shares them out in (by their text)
    one = matcher.match_many(queries)
    matcher.processes = 2
    try:
        two = matcher.match_many(queries)
    finally:
        matcher.processes = 1
    assert two == one and [r.ext_id for r in one] != sorted(r.ext_id or "" for r in one)


def test_the_registry_is_read_and_built_with_the_collector_paused_on_a_closed_connection(
        db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    from kartoteka.matching import engine
    from kartoteka.services.imports import import_file

    path = tmp_path / "persons.csv"
    path.write_text("id,surname,given_name,patronymic,birth_date\nA1,Петров,Пётр,Ильич,1960-01-01\n"
                    "A2,Соколова,Анна,,1970\n", "utf-8")
    import_file(db.engine, "persons", path, actor="test")
    reading: list[bool] = []
    building: list[tuple[bool, int]] = []
    record, init = engine.PersonRecord, engine.Matcher.__init__
    monkeypatch.setattr(engine, "PersonRecord", lambda *a: reading.append(gc.isenabled()) or record(*a))

    def spy(self: Matcher, records: list[PersonRecord], **kw: object) -> None:
        building.append((gc.isenabled(), db.engine.pool.checkedout()))
        init(self, records, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(engine.Matcher, "__init__", spy)
    collections: list[dict[str, int]] = []
    monkeypatch.setattr(gc, "callbacks", [lambda phase, info: phase == "start" and collections.append(info)])
    assert gc.isenabled()
    m = Matcher.from_engine(db.engine)
    assert reading == [False, False] and gc.isenabled()   # paused while reading, on again after
    assert building == [(False, 0)]   # still paused; the read connection is back in the pool before the build
    assert collections == []   # the records were frozen before the collector was on again: nothing to walk
    assert sorted(m.ext_ids) == ["A1", "A2"]


def test_a_name_asked_again_with_other_dates_scores_as_a_fresh_matcher_does() -> None:
    """Queries of one written name share their memos (Matcher._query): asked with one date and then with
    others, each answer (scores, dates in the explanation, the namesakes' order) is the one a matcher that
    never saw the name gives."""
    shared = Matcher(REGISTRY)
    asks = [("Иванов Сергей Петрович", "1985-01-01", "m"), ("Иванов Сергей Петрович", "1990-05-05", "m"),
            ("Иванов Сергей Петрович", None, "m"), ("Иванов Сергей Петрович", "1990", None),
            ("Иванов Сергей Петрович", "1985", "m"), ("Иванов Сергей Петрович", "1985-01", "m"),
            ("Иванов Сергей Петрович", "1985-01-01", "f")]
    for name, born, gender in asks:
        q = NameQuery(name, parse_partial_date(born) if born else None, Gender(gender) if gender else None)
        fresh = Matcher(REGISTRY).score_all(q)
        again = shared.score_all(q)
        assert [(r, s.score, s.date, s.list_birth, s.registry_birth, s.reasons) for r, s in again] == \
            [(r, s.score, s.date, s.list_birth, s.registry_birth, s.reasons) for r, s in fresh]
        assert again and all(s.list_birth == q.birth_date for _r, s in again)
    assert len(shared._queries or {}) == 3   # one query per (written name, gender), kept and shared


def test_namesakes_born_years_apart_are_skipped_as_one_by_one() -> None:
    """A long list of namesakes is dated at once from the birth years (Matcher._years_apart): the same
    namesakes are skipped, and the same scored, as dating them one by one (date_kind) does, for full,
    partial and missing dates, a day apart across a new year, and day and month swapped."""
    borns = [None, "1984", "1985", "1986", "1983", "1985-01", "1985-12", "1984-12-31", "1986-01-01", "1985-01-01",
             "1985-02-01", "1987-01-01", "1990", "1970-05-05", "1985-01-02", "1984-12-30", "1986-01-02", "2001"]
    reg = [rec(100 + i, "m", b, "Тимошенко", "Павел", "Игоревич") for i, b in enumerate(borns * 2)]
    at_once, one_by_one = Matcher(reg), Matcher(reg)
    at_once.build_lazy()
    assert at_once._years is not None and one_by_one._years is None
    for born in ["1985-01-01", "1985", "1984-12-31", "1986-01-01", "1990-06-06", "1970-05-05", "1985-02-01"]:
        q = NameQuery("Тимошенко Павел Игоревич", parse_partial_date(born), Gender("m"))
        a, skipped_a, _, _ = at_once._rank(q, skip_other_dates=True)
        b, skipped_b, _, _ = one_by_one._rank(q, skip_other_dates=True)
        assert sorted(skipped_a) == sorted(skipped_b) and skipped_a   # some namesakes skipped each time
        assert [(r, s.score, s.reasons) for r, s in a] == [(r, s.score, s.reasons) for r, s in b]
