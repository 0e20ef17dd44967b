"""matching/bounded.py: a one-word search scores only the namesakes it needs, and answers exactly as scoring
every candidate does (persons, order, scores, explanations), in memory and through the stored index (SQLite
and PostgreSQL), for every reader; names without a given name (which may score above the bound) are never
left out."""

from __future__ import annotations

from pathlib import Path

import pytest

from kartoteka.domain.dates import parse_partial_date
from kartoteka.matching import bounded
from kartoteka.matching.config import DEFAULT
from kartoteka.matching.engine import Matcher, NameQuery, PersonRecord
from kartoteka.matching.stored import StoredMatcher
from kartoteka.matching.stored_cache import search_matcher
from kartoteka.services.imports import import_file
from kartoteka.services.name_index import sync_name_index, synced_head
from tests.conftest import Db

GIVEN = [("Иван", "m"), ("Мария", "f"), ("Олег", "m"), ("Анна", "f"), ("Сергей", "m")]
QUERIES = ["Соколов", "Соколова", "Sokolov", "Сокалов", "Морозов", "Щербатовский", "Иван", "Соколов Иван",
           "Соколов 1970"]
LIMITS = [1, 3, 20, 40, 500]


def records() -> list[PersonRecord]:
    """Sokolovs of both genders with near spellings, then (high ids) persons named by a surname alone, and
    one whose Latin alias has no given name."""
    out = []
    for i in range(150):
        g, gender = GIVEN[i % 5]
        surname = ["Соколов", "Сокалов", "Соколовский", "Морозов"][i % 4] + ("а" if gender == "f" else "")
        out.append(PersonRecord(i + 1, f"P{i}", gender, parse_partial_date(f"19{50 + i % 40}") if i % 3 else None,
                                [(f"{surname} {g}", surname, g, "Петрович" if gender == "m" else "")]))
    out.append(PersonRecord(200, "BARE", None, None, [("Соколов", "Соколов", "", "")]))
    out.append(PersonRecord(201, "BARE-F", "f", None, [("Соколова", "Соколова", "", "")]))
    out.append(PersonRecord(202, "ALIAS", "m", None, [("Морозов Олег", "Морозов", "Олег", ""),
                                                      ("Sokolov", "Sokolov", "", "")]))
    return out


def _full(m: Matcher, text: str, limit: int) -> list[tuple[int, float, str]]:
    return [(m.person_id(r), sc.score, "; ".join(sc.reasons)) for r, sc in m.score_all(NameQuery(text))[:limit]]


def _top(m: Matcher, text: str, limit: int) -> list[tuple[int, float, str]]:
    return [(m.person_id(r), sc.score, "; ".join(sc.reasons)) for r, sc in bounded.top(m, NameQuery(text), limit)]


def test_the_bound_is_the_best_a_name_with_a_given_name_reaches() -> None:
    m = Matcher(records())
    bound = bounded.single_word_bound(m.prepare_all(NameQuery("Соколов")), DEFAULT)
    assert bound == 0.5843
    with_given = [sc.score for r, sc in m.score_all(NameQuery("Соколов")) if m.ids[r] < 200]
    assert max(with_given) == bound   # reached by the exact namesakes: the bound is tight
    assert max(sc.score for _r, sc in m.score_all(NameQuery("Соколов"))) > bound   # the bare names go above
    for text, birth in (("Соколов Иван", None), ("Соколов", parse_partial_date("1970"))):
        assert bounded.single_word_bound(m.prepare_all(NameQuery(text, birth)), DEFAULT) is None


@pytest.mark.parametrize("chunk", [1, 7, 50])
@pytest.mark.parametrize("text", QUERIES)
def test_in_memory_the_first_hits_are_those_of_scoring_everyone(text: str, chunk: int,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounded, "CHUNK", chunk)
    m = Matcher(records())
    for limit in LIMITS:
        assert _top(m, text, limit) == _full(m, text, limit), (text, limit)


def test_fewer_candidates_are_scored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounded, "CHUNK", 5)
    m = Matcher(records())
    scored: list[int] = []
    real = bounded.score_candidate
    monkeypatch.setattr(bounded, "score_candidate", lambda q, c, s: scored.append(c.person_index) or real(q, c, s))
    top = _top(m, "Соколов", 3)
    assert [p for p, _s, _w in top] == [200, 202, 1]   # the surname alone, the bare alias, then namesakes by id
    assert len(scored) < len(m.score_all(NameQuery("Соколов"))) / 2


def _import(db: Db, tmp_path: Path) -> None:
    lines = ["id,surname,given_name,patronymic,birth_date,sensitivity"]
    for r in records():
        for full, s, g, p, *_ in r.names[:1]:
            sens = "confidential" if r.id % 7 == 0 or r.ext_id == "BARE" else "public" if r.id % 2 else "internal"
            born = r.birth.iso() if r.birth else ""
            lines.append(f"{r.ext_id},{s},{g},{p},{born},{sens}")
    path = tmp_path / "persons.csv"
    path.write_text("\n".join(lines) + "\n", "utf-8")
    import_file(db.engine, "persons", path, actor="test")


def test_through_the_stored_index_for_every_reader(db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounded, "CHUNK", 4)
    _import(db, tmp_path)
    sync_name_index(db.engine)
    ids = Matcher.from_engine(db.engine).ids
    for shown in (None, ("public", "internal")):
        with db.engine.connect() as conn:
            head = synced_head(conn)
            for matcher in (StoredMatcher(conn, sensitivities=shown),
                            search_matcher(conn, head.seq, head.hash, sensitivities=shown)):
                for text in QUERIES:
                    for limit in LIMITS:
                        got = matcher.search(text, limit=limit)
                        reference = StoredMatcher(conn, sensitivities=shown)
                        want = [(reference.ids[r], reference.ext_ids[r], sc.score, sc.name.full if sc.name else "",
                                 "; ".join(sc.reasons)) for r, sc in reference.score_all(NameQuery(text))[:limit]]
                        assert got == want, (shown, text, limit)
        assert ids   # (the registry was read)


def test_stored_reads_only_the_persons_it_scores(db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounded, "CHUNK", 5)
    _import(db, tmp_path)
    sync_name_index(db.engine)
    with db.engine.connect() as conn:
        m = StoredMatcher(conn)
        hits = m.search("Соколов", limit=3)
        everyone = StoredMatcher(conn).score_all(NameQuery("Соколов"))
        assert [h[1] for h in hits] == ["BARE", "P0", "P4"]   # the surname alone, then namesakes by id
        assert len(m._tried) < len(everyone) / 2
        viewer = StoredMatcher(conn, sensitivities=("public", "internal"))
        seen = [h[1] for h in viewer.search("Соколов", limit=500)]
        assert seen[:2] == ["P0", "P4"] and "BARE" not in seen   # confidential: only for those who see it


def test_stored_bare_rows_are_the_names_without_a_given_name(db: Db, tmp_path: Path) -> None:
    """Given names of whitespace only (any str.strip() removes, as prepare_part reads them) count as none."""
    from sqlalchemy import select, update

    from kartoteka.db.tables import person_names, persons

    _import(db, tmp_path)
    with db.engine.begin() as conn:
        ids = dict(conn.execute(select(persons.c.ext_id, persons.c.id)).all())
        for ext, given in (("P0", "\u2003 \u00a0\t"), ("P1", ""), ("P2", " x ")):
            conn.execute(update(person_names).where(person_names.c.person_id == ids[ext]).values(given_name=given))
    with db.engine.connect() as conn:
        m = StoredMatcher(conn)
        wanted = {ids[e] for e in ("P0", "P1", "P2", "P3", "BARE", "BARE-F")}
        assert m.bare_rows(wanted) == {ids["P0"], ids["P1"], ids["BARE"], ids["BARE-F"]}
        m.load_rows(sorted(wanted))   # read: the same answer from the prepared persons
        assert m.bare_rows(wanted) == {ids["P0"], ids["P1"], ids["BARE"], ids["BARE-F"]}
