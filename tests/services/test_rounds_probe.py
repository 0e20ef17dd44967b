"""A negotiator's three rounds of one list from the other side, compared round by round: persons
added, removed, re-spelled (the same registry person, not removed + added), newly flagged; reviewers'
decisions carried to the same person's row of a later round and not to a similar name; the missing
list; what a viewer reads of it. Synthetic people only."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine

from kartoteka.services.access import Principal, view_diff
from kartoteka.services.imports import import_file
from kartoteka.services.rounds import diff_runs
from kartoteka.services.vetting import get_run, record_review, vet_list
from kartoteka.services.vetting_model import VetReport
from tests.cli.runner import run_cli
from tests.conftest import Db

# P9 is confidential; P2 (war crime) and P8 (violence) carry flags; P5 and P6 are namesakes
PERSONS = """id,surname,given_name,patronymic,aliases,birth_date,gender,citizenship,sensitivity
P1,Сорокина,Мария,Андреевна,,1990-05-17,f,RU,public
P2,Коваленко,Олександр,Петрович,,1985-02-03,m,UA,public
P3,Иванов,Пётр,Сергеевич,,1978-11-30,m,RU,public
P4,Мельник,Андрій,Іванович,,1992,m,UA,public
P5,Петров,Иван,Сергеевич,,1980-01-01,m,RU,public
P6,Петров,Иван,Сергеевич,,1991-07-07,m,RU,public
P7,Шевченко,Тарас,Григорович,,1987-03-09,m,UA,public
P8,Бондаренко,Олег,Викторович,,1975-04-04,m,RU,public
P9,Ткаченко,Ирина,Олеговна,,1995-06-06,f,UA,confidential
P10,Гончаренко,Віктор,,,1983,m,UA,public
"""
CASES = """case_id,person_id,jurisdiction,articles
K2,P2,RU,ст. 356 УК РФ
K8,P8,RU,ч. 2 ст. 111 УК РФ
"""
ASSESS = """person_id,definition,decision,decided_on,organisation,statement
P1,guidelines-2013,recognised,2024-01-01,Demo,https://example.org/s
P3,guidelines-2013,recognised,2024-01-01,Demo,https://example.org/s
P4,guidelines-2013,recognised,2024-01-01,Demo,https://example.org/s
P5,guidelines-2013,recognised,2024-01-01,Demo,https://example.org/s
P7,guidelines-2013,recognised,2024-01-01,Demo,https://example.org/s
P9,guidelines-2013,recognised,2024-01-01,Demo,https://example.org/s
P10,guidelines-2013,recognised,2024-01-01,Demo,https://example.org/s
"""
R1 = """№,ФИО,Дата рождения
1,Сорокина Мария Андреевна,17.05.1990
2,Иванов Петр Сергеевич,
3,Мельник Андрей Иванович,1992
4,Шевченко Тарас Григорьевич,09.03.1987
5,Ткаченко Ирина Олеговна,06.06.1995
6,Гончаренко Виктор,
7,Гончаренко В.,1983
8,Кузнецов Сергей Павлович,1970
9,Петров Иван Сергеевич,
"""
R2 = """№,ФИО,Дата рождения
1,Шевченко Тарас Григорьевич,09.03.1987
2,Sorokina Maria,1990-05-17
3,Иванов Пётр Сергеевич,30.11.1978
4,Мельник Андрій Іванович,1992
5,Ткачеко Ирина Олеговна,06.06.1995
6,Гончаренко Виктор,1983
7,Petrov Ivan Sergeevich,
8,Петров Иван Семёнович,
9,Новиков Дмитрий Олегович,1988
"""
R3 = """№,ФИО,Дата рождения
1,Sorokina Maria,1990-05-17
2,Иванов Пётр Сергеевич,30.11.1978
3,Мельник Андрій Іванович,1992
4,Ткаченко Ирина Олеговна,06.06.1995
5,Гончаренко Виктор,1983
6,Петров Иван Сергеевич,
7,Петров Иван Семёнович,
8,Новиков Дмитрий Олегович,1988
9,Bondarenko Oleg Viktorovich,04.04.1975
10,Сорокина Мария Андреевна,17.05.1990
"""
DEF = "guidelines-2013"


@dataclass
class Rounds:
    engine: Engine
    r1: VetReport
    r2: VetReport
    r3: VetReport


def _vet(engine: Engine, directory: Path, text: str, round: str) -> VetReport:
    path = directory / f"{round}.csv"
    path.write_text(text, "utf-8")
    return vet_list(engine, path=path, definition_id=DEF, actor="vetter", round=round, side="RU", label=round)


def _build(db: Db, tmp_path: Path, *, review_first: bool) -> Rounds:
    for kind, text in (("persons", PERSONS), ("cases", CASES), ("assessments", ASSESS)):
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, "utf-8")
        import_file(db.engine, kind, path, actor="setup")
    r1 = _vet(db.engine, tmp_path, R1, "R1")

    def review() -> None:   # the reviewer settles round 1's namesake row (P5 or P6, no birth date): P5
        record_review(db.engine, run=r1.run.id, row="9", judgement="same", actor="reviewer", person="P5")

    if review_first:
        review()
    r2 = _vet(db.engine, tmp_path, R2, "R2")
    if not review_first:
        review()
    r3 = _vet(db.engine, tmp_path, R3, "R3")
    return Rounds(db.engine, get_run(db.engine, run=r1.run.id), r2, r3)


@pytest.fixture
def rounds(db: Db, tmp_path: Path) -> Rounds:
    """Round 1's decision recorded before round 2 came in."""
    return _build(db, tmp_path, review_first=True)


@pytest.fixture
def late_review(db: Db, tmp_path: Path) -> Rounds:
    """Round 1's decision recorded after round 2 was vetted (its row 7 stays in review)."""
    return _build(db, tmp_path, review_first=False)


def _names(entries: list) -> set[tuple[str, str]]:   # type: ignore[type-arg]
    return {(e.person_id, e.name) for e in entries}


def _row(report: VetReport, row_id: str):  # type: ignore[no-untyped-def]
    return next(r for r in report.rows if r.id == row_id)


def test_each_round_is_vetted_as_the_negotiator_expects(rounds: Rounds) -> None:
    r1, r2, r3 = rounds.r1, rounds.r2, rounds.r3
    # round 1: two rows of Гончаренко (one merged in round 2) are one person, listed twice
    assert (_row(r1, "6").person_id, _row(r1, "7").person_id, _row(r1, "7").duplicate_of) == ("P10", "P10", "6")
    assert (_row(r1, "9").person_id, _row(r1, "9").match, _row(r1, "9").review) == ("P5", "match", "same")
    # re-spellings find the same registry person: Latin, Ukrainian form, a typo, a birth date added
    assert [(_row(r2, i).person_id, _row(r2, i).match) for i in ("2", "3", "4", "5")] == [
        ("P1", "match"), ("P3", "match"), ("P4", "match"), ("P9", "match")]
    # round 3: Сорокина twice (Latin, then Cyrillic); the flagged P8 slipped in under a Latin name
    assert (_row(r3, "10").person_id, _row(r3, "10").duplicate_of) == ("P1", "1")
    assert (_row(r3, "9").person_id, _row(r3, "9").flags) == ("P8", ["violence"])
    # the missing list: P7 (recognised) dropped in round 3; P5 is on every list
    assert [m.person_id for m in r1.missing] == []
    assert [m.person_id for m in r2.missing] == []
    assert [m.person_id for m in r3.missing] == ["P7"]


def test_round_2_against_round_1(rounds: Rounds) -> None:
    d = diff_runs(rounds.engine, run_a=rounds.r1.run.id, run_b=rounds.r2.run.id)
    assert _names(d.added) == {("", "Петров Иван Семёнович"), ("", "Новиков Дмитрий Олегович")}
    assert _names(d.removed) == {("", "Кузнецов Сергей Павлович")}
    # P1 (Latin), P3 (birth date added), P4 (Ukrainian form), P9 (typo), P7 (moved), P10 (two rows merged),
    # P5 (Latin, the reviewer's decision on the Cyrillic spelling carried)
    assert (d.changed, d.unchanged) == ([], 7)


def test_a_respelled_person_the_matcher_is_less_sure_of_is_changed_not_removed_and_added(late_review: Rounds) -> None:
    """Round 1: Петров Иван Сергеевич, confirmed P5 by a reviewer after round 2 came in; round 2: Petrov
    Ivan Sergeevich, in review with P5 as its candidate; round 3: the round 1 spelling again, the
    judgement reused."""
    r = late_review
    assert (_row(r.r2, "7").person_id, _row(r.r2, "7").match) == ("P5", "review")
    d12 = diff_runs(r.engine, run_a=r.r1.run.id, run_b=r.r2.run.id)
    assert "P5" not in {e.person_id for e in (*d12.added, *d12.removed)}
    [p5] = [e for e in d12.changed if e.person_id == "P5"]
    assert (p5.name, p5.deltas) == ("Petrov Ivan Sergeevich", [("match", "match", "review")])
    d23 = diff_runs(r.engine, run_a=r.r2.run.id, run_b=r.r3.run.id)
    assert [(e.person_id, e.deltas) for e in d23.changed] == [("P5", [("match", "review", "match")])]
    assert _names(d23.added) == {("P8", "Bondarenko Oleg Viktorovich")}
    assert _names(d23.removed) == {("P7", "Шевченко Тарас Григорьевич")}
    assert d23.unchanged == 7      # P9's typo fixed, Сорокина listed twice counts once


def test_round_3_against_round_2(rounds: Rounds) -> None:
    d = diff_runs(rounds.engine, run_a=rounds.r2.run.id, run_b=rounds.r3.run.id)
    assert _names(d.added) == {("P8", "Bondarenko Oleg Viktorovich")}
    assert _names(d.removed) == {("P7", "Шевченко Тарас Григорьевич")}
    # P5 Latin -> Cyrillic, both confirmed; P9's typo fixed; Сорокина listed twice counts once
    assert (d.changed, d.unchanged) == ([], 8)


def test_a_reviewers_decision_goes_to_the_same_person_written_again_or_respelled(rounds: Rounds) -> None:
    """Round 1's "same as P5" on Петров Иван Сергеевич (no birth date, namesakes P5 and P6) settles round
    2's Petrov Ivan Sergeevich (another script) and round 3's row written as in round 1; not Петров Иван
    Семёнович, a similar name of somebody else."""
    r2, r3 = rounds.r2, rounds.r3
    latin = _row(r2, "7")
    assert (latin.person_id, latin.match) == ("P5", "match")
    assert latin.explanation.startswith("confirmed by reviewer on ") and "'иван петров сергеевич'" in latin.explanation
    assert (_row(r3, "6").person_id, _row(r3, "6").match) == ("P5", "match")      # the same writing
    for report, row in ((r2, "8"), (r3, "7")):                                    # Семёнович, not Сергеевич
        assert (_row(report, row).person_id, _row(report, row).match) == ("", "no_match")
    assert [m.person_id for m in r2.missing] == []


def test_a_decision_is_not_carried_without_its_birth_date_nor_against_another_decision(db: Db, tmp_path: Path) -> None:
    from kartoteka.services.matching import record_judgement

    for kind, text in (("persons", PERSONS), ("cases", CASES), ("assessments", ASSESS)):
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, "utf-8")
        import_file(db.engine, kind, path, actor="setup")
    listing = "№,ФИО,Дата рождения\n1,Petrov Ivan Sergeevich,\n"
    pid = _person_id(db.engine, "P5")
    # "same" said of the Cyrillic spelling with P5's birth date: a row without one may be P6 (same name)
    record_judgement(db.engine, query_key="иван петров сергеевич|1980-01-01", person_id=pid, judgement="same",
                     actor="reviewer")
    assert (_row(_vet(db.engine, tmp_path, listing, "A"), "1").match) == "review"
    # "same" without a birth date, but "different" said of another spelling of the name: left to a reviewer
    record_judgement(db.engine, query_key="иван петров сергеевич|", person_id=pid, judgement="same", actor="reviewer")
    record_judgement(db.engine, query_key="ivan petrov sergeyevich|", person_id=pid, judgement="different",
                     actor="reviewer")
    assert (_row(_vet(db.engine, tmp_path, listing, "B"), "1").match) == "review"


def test_a_not_the_same_is_carried_to_a_respelled_row(db: Db, tmp_path: Path) -> None:
    """Round 1: Петров Иван Сергеевич (no birth date; P5 and P6) is "not P5"; round 2 writes him in
    Latin: P5 is set aside there too, P6 stays to be confirmed."""
    for kind, text in (("persons", PERSONS), ("cases", CASES), ("assessments", ASSESS)):
        path = tmp_path / f"{kind}.csv"
        path.write_text(text, "utf-8")
        import_file(db.engine, kind, path, actor="setup")
    first = _vet(db.engine, tmp_path, "№,ФИО\n1,Петров Иван Сергеевич\n", "R1")
    assert (_row(first, "1").person_id, _row(first, "1").match) == ("P5", "review")
    record_review(db.engine, run=first.run.id, row="1", judgement="different", actor="reviewer", person="P5")
    row = _row(_vet(db.engine, tmp_path, "№,ФИО\n1,Petrov Ivan Sergeevich\n", "R2"), "1")
    assert (row.person_id, row.match) == ("P6", "review")
    assert row.explanation.startswith("to confirm: not P5: rejected by reviewer on ")
    from kartoteka.reports.common import Tr, explanation_text

    assert "не P5: відхилено: reviewer" in explanation_text(row, Tr("uk"))


def _person_id(engine: Engine, ext: str) -> int:
    from kartoteka.services.persons import resolve_person_id

    with engine.connect() as conn:
        return resolve_person_id(conn, ext)


def test_same_spelling_pairs_words_by_their_transliteration() -> None:
    from kartoteka.services.respelled import _same_spelling

    def same(a: str, b: str) -> bool:
        return _same_spelling(a.casefold().split(), b.casefold().split())

    assert same("Петров Иван Сергеевич", "Petrov Ivan Sergeevich")
    assert same("Иван Петров Сергеевич", "Sergeevich Petrov Ivan")           # any order
    assert not same("Петров Иван Сергеевич", "Петров Иван Семёнович")        # another patronymic
    assert not same("Петров Иван Сергеевич", "Петров Иван")                  # a word fewer
    assert not same("Ткаченко Ирина", "Ткачеко Ирина")                       # a typo: the matcher's business


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "+ P8 Bondarenko Oleg Viktorovich: in the registry, under review; flags: violence"),
    ("uk", "+ P8 Bondarenko Oleg Viktorovich: у реєстрі, на розгляді; позначки: насильство"),
    ("ru", "+ P8 Bondarenko Oleg Viktorovich: в реестре, на рассмотрении; отметки: насилие")])
def test_a_flagged_person_slipped_into_a_later_round_reads_as_flagged(
        rounds: Rounds, db: Db, lang: str, words: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The negotiator reads the added (and removed) persons' status and flags, not bare names: the
    CLI in the reader's language, --json as codes for tools."""
    monkeypatch.setenv("KARTOTEKA_LANG", lang)
    out = run_cli(db, "diff", str(rounds.r2.run.id), str(rounds.r3.run.id))
    assert words in " ".join(out.split())
    assert "violence" not in out or lang == "en"
    data = json.loads(run_cli(db, "diff", str(rounds.r2.run.id), str(rounds.r3.run.id), "--json"))
    assert {(e["person_id"], e["status"], tuple(e["flags"])) for e in data["added"]} == {
        ("P8", "under_review", ("violence",))}
    assert [(e["person_id"], e["match"], e["status"]) for e in data["removed"]] == [("P7", "match", "recognised")]


def test_a_viewer_learns_nothing_of_a_confidential_person_from_the_comparison(rounds: Rounds) -> None:
    """P9 is confidential: a viewer's comparison treats her rows as the list's text about nobody in the
    registry (re-spelled between rounds: one removed, one added, like any unknown name), with the
    counts of that world; the words of each entry as well."""
    from kartoteka.services.rounds import change_text, entry_text

    viewer = Principal("viewer", "viewer")
    for a, b in ((rounds.r1, rounds.r2), (rounds.r2, rounds.r3)):
        full = diff_runs(rounds.engine, run_a=a.run.id, run_b=b.run.id)
        seen = view_diff(rounds.engine, viewer, run_a=a.run.id, run_b=b.run.id)
        entries = [*seen.added, *seen.removed, *seen.changed]
        assert "P9" not in {e.person_id for e in entries}
        rows = [r for e in entries for r in (e.before, e.after) if r is not None]
        assert all(r.person_id != "P9" and "P9" not in r.explanation for r in rows)
        texts = [entry_text(e, str) for e in (*seen.added, *seen.removed)]
        texts += [change_text(d, str) for e in seen.changed for d in e.deltas]
        assert all("P9" not in t for t in texts)
        tk = [e for e in entries if e.name.startswith("Ткач")]
        assert len(tk) == 2 and {entry_text(e, str) for e in tk} == {"not in the registry"}
        assert {(e.name, e.before is None) for e in tk} == {(a_row.name, False) for a_row in a.rows
                                                             if a_row.name.startswith("Ткач")} | {
            (b_row.name, True) for b_row in b.rows if b_row.name.startswith("Ткач")}
        # the rest as the full comparison has it, one unchanged row fewer (P9's)
        assert seen.unchanged == full.unchanged - 1
        assert _names(full.added) <= _names(seen.added) and _names(full.removed) <= _names(seen.removed)


@pytest.mark.parametrize(("lang", "title"), [("en", "Newly missing (recognised, not on the list): 1"),
                                             ("uk", "Нові відсутні (визнані, яких немає у списку): 1"),
                                             ("ru", "Новые отсутствующие (признанные, которых нет в списке): 1")])
def test_the_comparison_says_who_is_newly_left_off(rounds: Rounds, db: Db, lang: str, title: str,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """P7 (recognised) dropped in round 3 is newly on the missing list; the comparison says so, also for
    a viewer (the missing list of each report as the reader may see it)."""
    d = diff_runs(rounds.engine, run_a=rounds.r2.run.id, run_b=rounds.r3.run.id)
    assert ([m.person_id for m in d.newly_missing], d.no_longer_missing) == (["P7"], [])
    back = diff_runs(rounds.engine, run_a=rounds.r3.run.id, run_b=rounds.r2.run.id)
    assert ([m.person_id for m in back.no_longer_missing], back.newly_missing) == (["P7"], [])
    assert [m.person_id for m in view_diff(rounds.engine, Principal("v", "viewer"), run_a=rounds.r2.run.id,
                                           run_b=rounds.r3.run.id).newly_missing] == ["P7"]
    monkeypatch.setenv("KARTOTEKA_LANG", lang)
    out = " ".join(run_cli(db, "diff", str(rounds.r2.run.id), str(rounds.r3.run.id)).split())
    assert f"{title} ! P7 Шевченко Тарас Григорович" in out
    data = json.loads(run_cli(db, "diff", str(rounds.r2.run.id), str(rounds.r3.run.id), "--json"))
    assert data["newly_missing"] == [{"person_id": "P7", "name": "Шевченко Тарас Григорович"}]
