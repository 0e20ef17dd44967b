"""Who holds whom, tried as a domain reviewer would: invented persons held by each side, lists from
each side vetted with --held-by, and each case of issue 11's first list asserted (scoping of the
missing list, warnings, categories, all flags by kind, fine statuses, recognitions, the list's own
claim, the notice for a definition without decisions, outcomes updating custody, the round summary)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import Engine, select

from kartoteka.db.tables import assessments
from kartoteka.errors import Forbidden, InvalidInput
from kartoteka.reports import exporter
from kartoteka.services.assessments import (
    SourceRef, approve_assessment, create_assessment, record_finding, submit_assessment,
)
from kartoteka.services.custody import (
    add_recognition, person_custody, record_custody, set_category,
)
from kartoteka.services.custody_import import import_custody, import_recognitions
from kartoteka.services.imports import import_file
from kartoteka.services.round_summary import round_summary
from kartoteka.services.vetting import get_run, record_outcome, vet_list
from kartoteka.services.vetting_model import CSV_COLUMNS, VetReport, VetRow
from tests.conftest import Db

DEF = "guidelines-2013"
SRC = "https://example.org/synthetic-source"
# Invented persons; citizenship and cases chosen to exercise each case of the issue.
PERSONS = """id,surname,given_name,patronymic,birth_date,gender,citizenship
S01,Ткаченко,Олена,Ігорівна,1981-04-02,f,UA
S02,Бондар,Василь,Петрович,1975-09-19,m,UA
S03,Гончаренко,Ірина,Олегівна,1969-12-01,f,UA
S04,Зайцев,Кирилл,Андреевич,1994-06-06,m,RU
S05,Лысенко,Тарас,Миколайович,1988-03-03,m,UA
S06,Соколов,Дмитрий,Ильич,1990-10-10,m,RU
S07,Кравчук,Оксана,Вікторівна,1979-07-07,f,UA
S08,Орлов,Павел,Семёнович,1983-08-08,m,RU
S09,Шевчук,Богдан,Іванович,1992-01-15,m,UA
S10,Морозова,Анна,Викторовна,1986-11-11,f,RU
"""
CASES = """case_id,person_id,jurisdiction,articles,court
C01,S01,RU,ч. 2 ст. 207.3 УК РФ,
C04,S04,UA,ч. 1 ст. 438 КК України,Печерський районний суд
C05,S05,UA,ст. 436-2 КК України,
C06,S06,RU,ч. 2 ст. 205.2 УК РФ,
C07,S07,UA,ч. 5 ст. 111-1 КК України,
C08,S08,RU,ст. 999.9 УК РФ,
C10,S10,RU,ч. 2 ст. 111 УК РФ,
"""
# whose custody: RU holds S01 (sentence), S02 (held without charge, no case at all), S03 (POW),
# S06 (pre-trial), S09 (location unknown); UA holds S04 (in absentia: not in custody), S05, S07;
# S08 was held by RU and is exchanged; S10 by RU, deceased.
CUSTODY = """person_id,held_by,custody,place,since,confirmed_on,source,category,category_definition
S01,RU,serving_sentence,IK-2,2022-05-01,2024-06-01,https://example.org/s01,political_prisoner,guidelines-2013
S02,RU,held_without_charge,,2022-03-10,,https://example.org/s02,civilian_detainee,
S03,RU,serving_sentence,,2022-04-20,2024-01-10,https://example.org/s03,prisoner_of_war,
S04,UA,in_absentia,,2023-02-01,,https://example.org/s04,other,
S05,UA,pretrial,SIZO Kyiv,2024-01-05,,https://example.org/s05,,
S06,RU,pretrial,,2024-02-02,,https://example.org/s06,political_prisoner,guidelines-2013
S07,UA,serving_sentence,,2023-05-05,,https://example.org/s07,convicted_collaborator,
S08,RU,serving_sentence,,2021-01-01,,https://example.org/s08,political_prisoner,guidelines-2013
S09,RU,location_unknown,,2023-09-09,,https://example.org/s09,civilian_detainee,
S10,RU,deceased,,2024-03-03,,https://example.org/s10,,
"""
# Ukraine's demand: persons Russia holds (with its own claim column)
UA_LIST = """№,ФИО,Дата рождения,політв'язень
1,Ткаченко Олена Ігорівна,02.04.1981,так
2,Orlov Pavel,1983-08-08,так
3,Морозова Анна Викторовна,1986-11-11,так
4,Зайцев Кирилл Андреевич,1994-06-06,так
"""
# Russia's list of "political prisoners" held by Ukraine: a war criminal in absentia, a speech case,
# a collaborator
RU_LIST = """№,ФИО,Дата рождения,политзаключенный
1,Zaitsev Kirill,1994-06-06,да
2,Лысенко Тарас Николаевич,1988-03-03,да
3,Кравчук Оксана Викторовна,1979-07-07,да
4,Ткаченко Елена Игоревна,1981-04-02,да
"""


def _decide(engine: Engine, person: str, decision: str, finding: tuple[str, str]) -> None:
    aid = create_assessment(engine, person=person, definition_id=DEF, actor="author")
    record_finding(engine, assessment_id=aid, criterion_id=finding[0], finding=finding[1], actor="author",
                   cited=[SourceRef(SRC)])
    submit_assessment(engine, assessment_id=aid, decision=decision, actor="author")
    approve_assessment(engine, assessment_id=aid, actor="second-reviewer")


@pytest.fixture
def world(db: Db, tmp_path: Path) -> Engine:
    engine = db.engine
    for kind, text in (("persons", PERSONS), ("cases", CASES)):
        (tmp_path / f"{kind}.csv").write_text(text, "utf-8")
        import_file(engine, kind, tmp_path / f"{kind}.csv", actor="setup")
    (tmp_path / "custody.csv").write_text(CUSTODY, "utf-8")
    report = import_custody(engine, tmp_path / "custody.csv", actor="setup")
    assert (report.created, report.categories) == (10, 8)
    for person in ("S01", "S06", "S08"):
        _decide(engine, person, "recognised", ("1a", "met"))
    _decide(engine, "S07", "excluded_violence", ("excl-violence", "met"))
    _decide(engine, "S05", "persecuted_only", ("1a", "unclear"))
    add_recognition(engine, person="S01", organisation="Memorial", statement="https://example.org/memorial/s01",
                    stated_on="2024-03-01", actor="rev", role="reviewer", definition_id=DEF)
    return engine


def _vet(engine: Engine, tmp_path: Path, text: str, name: str, **kw: object) -> VetReport:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return vet_list(engine, path=path, definition_id=DEF, actor="vetter", round="R1", **kw)  # type: ignore[arg-type]


def _row(report: VetReport, person: str) -> VetRow:
    return next(r for r in report.rows if r.person_id == person and r.match == "match")


def test_custody_history_category_and_recognitions_are_kept(world: Engine) -> None:
    record_custody(world, person="S05", held_by="UA", state="serving_sentence", since="2024-09-01",
                   source="https://example.org/s05-verdict", actor="editor")
    found = person_custody(world, person="S05")
    assert [c.state for c in found.history] == ["serving_sentence", "pretrial"]   # newest first
    assert found.current is not None and found.current.source == "https://example.org/s05-verdict"
    assert person_custody(world, person="S03").category is not None
    assert person_custody(world, person="S03").category.category == "prisoner_of_war"  # type: ignore[union-attr]
    assert [r.label() for r in person_custody(world, person="S01").recognitions] == ["Memorial (2024-03-01)"]
    with pytest.raises(InvalidInput):
        record_custody(world, person="S05", held_by="Russia!", state="pretrial", actor="editor")
    with pytest.raises(InvalidInput):
        set_category(world, person="S05", category="political_prisoner", actor="editor")   # needs a definition


def test_ukraines_demand_held_by_russia(world: Engine, tmp_path: Path) -> None:
    report = _vet(world, tmp_path, UA_LIST, "ua.csv", side="UA", held_by="RU", definitions=["amnesty-poc"])
    s01, s08, s10, s04 = (_row(report, p) for p in ("S01", "S08", "S10", "S04"))
    assert s01.status == "recognised" and s01.context.warnings == ()
    assert s01.context.recognised_by == ("Memorial (2024-03-01)",) and s01.claimed == "так"
    assert s01.context.category == "political_prisoner" and s01.context.custody == "serving_sentence"
    assert dict(s01.context.statuses) == {DEF: "recognised", "amnesty-poc": ""}
    assert s08.context.warnings == ()            # still held: not yet exchanged
    assert "deceased" in s10.context.warnings and "no_assessment" in s10.context.warnings
    assert "not_in_custody" in s04.context.warnings and "held_by_other_party" in s04.context.warnings
    missing = {m.person_id: m.section for m in report.missing}
    # recognised and held by RU but not on the list: S06; held by RU, not assessed: S02, S03, S09
    assert missing == {"S06": "recognised", "S02": "under_review", "S03": "under_review", "S09": "under_review"}
    assert [m.section for m in report.missing] == ["recognised"] + ["under_review"] * 3   # recognised first
    assert "no_decided:amnesty-poc" in report.run.notices and f"no_decided:{DEF}" not in report.run.notices
    # the run keeps all of it
    again = get_run(world, run=report.run.id)
    assert _row(again, "S01").context == s01.context and _row(again, "S01").claimed == "так"
    assert {m.person_id: m.section for m in again.missing} == missing
    assert again.run.held_by == "RU" and again.run.definitions == [DEF, "amnesty-poc"]


def test_russias_list_held_by_ukraine(world: Engine, tmp_path: Path) -> None:
    report = _vet(world, tmp_path, RU_LIST, "ru.csv", side="RU", held_by="UA")
    s04, s05, s07, s01 = (_row(report, p) for p in ("S04", "S05", "S07", "S01"))
    assert "not_in_custody" in s04.context.warnings and "risk:war_crime" in s04.all_flags   # in absentia
    assert s04.context.category == "other" and s04.claimed == "да"
    assert "supports:speech" in s05.all_flags and dict(s05.context.statuses)[DEF] == "persecuted_only"
    assert s05.status == "not_recognised"
    assert s07.context.category == "convicted_collaborator" and "risk:collaboration" in s07.all_flags
    assert dict(s07.context.statuses)[DEF] == "excluded_violence"
    assert "held_by_other_party" in s01.context.warnings      # Russia holds her, not Ukraine
    # people Russia holds never appear as missing from a list of people Ukraine holds
    assert {m.person_id for m in report.missing} <= {"S04", "S05", "S07"}
    assert not any(m.person_id in {"S01", "S06", "S02", "S03"} for m in report.missing)


def test_flags_of_every_kind_are_shown(world: Engine, tmp_path: Path) -> None:
    report = _vet(world, tmp_path, "name\nСоколов Дмитрий Ильич\nОрлов Павел Семёнович\n", "f.csv", held_by="RU")
    s06, s08 = _row(report, "S06"), _row(report, "S08")
    assert "risk:terrorism" in s06.all_flags and any(f.startswith("supports:") for f in s06.all_flags)
    assert any(f.startswith("data:") for f in s08.all_flags)          # an article missing from the catalog
    kinds = [f.split(":")[0] for f in s06.all_flags]
    assert kinds == sorted(kinds, key=["risk", "caveat", "supports", "context", "data"].index)


def test_csv_columns_and_warnings(world: Engine, tmp_path: Path) -> None:
    report = _vet(world, tmp_path, UA_LIST, "ua.csv", side="UA", held_by="RU", definitions=["amnesty-poc"])
    rows = list(csv.DictReader(io.StringIO(exporter("csv").render(report).decode("utf-8"))))
    header = list(rows[0].keys())
    assert tuple(header[:9]) == CSV_COLUMNS
    assert header[9:] == ["category", "held_by", "custody", "warnings", "all_flags", "recognised_by", "claimed",
                          f"status:{DEF}", "status:amnesty-poc"]
    by_person = {r["person_id"]: r for r in rows}
    assert by_person["S01"]["recognised_by"] == "Memorial (2024-03-01)" and by_person["S01"]["claimed"] == "так"
    assert by_person["S10"]["warnings"] == "deceased;no_assessment" and by_person["S01"]["held_by"] == "RU"
    assert by_person["S01"]["status:guidelines-2013"] == "recognised" and by_person["S01"]["status:amnesty-poc"] == ""


def test_exchange_outcome_updates_custody_and_the_next_round(world: Engine, tmp_path: Path) -> None:
    first = _vet(world, tmp_path, UA_LIST, "ua.csv", side="UA", held_by="RU")
    offered = _vet(world, tmp_path, "name,birth_date\nОрлов Павел Семёнович,1983-08-08\n", "ru-offer.csv",
                   side="RU", held_by="RU")
    record_outcome(world, person="S08", kind="exchanged", date="2025-05-23", actor="vetter", run=first.run.id)
    assert person_custody(world, person="S08").current.state == "exchanged"  # type: ignore[union-attr]
    summary = round_summary(world, round="R1")
    ua = next(s for s in summary.sides if s.side == "UA")
    ru = next(s for s in summary.sides if s.side == "RU")
    assert {p.person_id for p in ua.groups["exchanged"]} == {"S08"}
    assert {p.person_id for p in ua.groups["agreed"]} == {"S08"} and {p.person_id for p in ru.groups["offered"]} == {"S08"}
    assert "S08" not in {p.person_id for p in ua.groups["outstanding"]}
    assert {p.person_id for p in ua.groups["outstanding"]} >= {"S01"}
    assert ua.by("asked", "category")["political_prisoner"] == 2
    # the next round: the exchanged person carries a warning and is never missing
    record_outcome(world, person="S06", kind="released", date="2025-06-01", actor="vetter")
    second = vet_list(world, path=tmp_path / "ua.csv", definition_id=DEF, actor="vetter", round="R2", side="UA",
                      held_by="RU")
    assert "already_exchanged" in _row(second, "S08").context.warnings
    assert not any(m.person_id in {"S06", "S08"} for m in second.missing)
    assert offered.run.held_by == "RU"


def test_no_decided_assessments_notice(world: Engine, tmp_path: Path) -> None:
    report = vet_list(world, path=tmp_path / "x.csv" if (tmp_path / "x.csv").write_text(UA_LIST, "utf-8") else
                      tmp_path, definition_id="amnesty-poc", actor="v")
    assert report.run.notices == ["no_decided:amnesty-poc"]
    html = exporter("html").render(report, lang="uk").decode("utf-8")
    assert "За визначенням amnesty-poc ще немає жодної ухваленої оцінки" in html and 'lang="uk"' in html
    pdf = PdfReader(io.BytesIO(exporter("pdf").render(report, lang="ru")))
    first = pdf.pages[0].extract_text()
    assert "По определению amnesty-poc ещё нет" in " ".join(first.split()) and "Итог" in first


def test_recognitions_are_provenance_reviewers_only(world: Engine, tmp_path: Path) -> None:
    (tmp_path / "rec.csv").write_text("person_id,organisation,statement,date,decision,reviewer\n"
                                      "S02,Memorial,https://example.org/m/s02,2024-05-05,recognised,anyone\n", "utf-8")
    with pytest.raises(Forbidden):
        import_recognitions(world, tmp_path / "rec.csv", actor="ed", role="editor")
    before = world.connect().execute(select(assessments.c.id)).all()
    result = import_recognitions(world, tmp_path / "rec.csv", actor="rev", role="reviewer")
    assert result.created == 1
    assert import_recognitions(world, tmp_path / "rec.csv", actor="rev", role="reviewer").unchanged == 1
    with world.connect() as conn:
        assert conn.execute(select(assessments.c.id)).all() == before          # never a decision
    rec = person_custody(world, person="S02").recognitions[0]
    assert (rec.organisation, rec.stated_on, rec.actor) == ("Memorial", "2024-05-05", "rev")
    with pytest.raises(Forbidden):
        add_recognition(world, person="S02", organisation="X", statement="u", stated_on="2024", actor="e", role="editor")


def test_assessment_import_never_overwrites_work_in_progress(world: Engine, tmp_path: Path) -> None:
    draft = create_assessment(world, person="S02", definition_id=DEF, actor="author")
    (tmp_path / "a.csv").write_text("person_id,definition,decision,decided_on,reviewer,organisation,statement\n"
                                    "S02,guidelines-2013,recognised,2024-01-01,somebody,Demo Rights Group,"
                                    "https://example.org/s/2\n", "utf-8")
    with pytest.raises(InvalidInput, match="in progress"):
        import_file(world, "assessments", tmp_path / "a.csv", actor="importer")
    with world.connect() as conn:
        row = conn.execute(select(assessments.c.state, assessments.c.author).where(assessments.c.id == draft)).one()
    assert tuple(row) == ("draft", "author")
    (tmp_path / "b.csv").write_text("person_id,definition,decision,decided_on,reviewer,organisation,statement\n"
                                    "S09,guidelines-2013,recognised,2024-01-01,somebody,Demo Rights Group,"
                                    "https://example.org/s/9\n", "utf-8")
    import_file(world, "assessments", tmp_path / "b.csv", actor="importer")
    with world.connect() as conn:
        author = conn.execute(select(assessments.c.author).where(assessments.c.decision == "recognised")
                              .order_by(assessments.c.id.desc())).scalar()
    assert author == "importer"        # not a name taken from the file


def test_flag_questions_and_tags_in_the_readers_language(world: Engine, tmp_path: Path) -> None:
    from kartoteka.catalogs import load_screening_rules
    from kartoteka.reports.common import tr

    report = _vet(world, tmp_path, RU_LIST, "ru.csv", side="RU", held_by="UA")
    html = exporter("html").render(report, lang="uk").decode("utf-8")
    reason = load_screening_rules().tags["war_crime"].reason
    assert tr("uk")(reason) != reason and tr("uk")(reason) in html and reason not in html
    assert tr("uk")("war_crime") in html and "Що перевірити за позначками" in html
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(exporter("pdf").render(report, lang="ru"))).pages)
    assert " ".join(tr("ru")(reason).split())[:40] in " ".join(text.split())


def test_explanations_in_the_readers_language(world: Engine, tmp_path: Path) -> None:
    from kartoteka.reports.common import explanation_text, tr

    report = _vet(world, tmp_path, UA_LIST, "ua.csv", side="UA", held_by="RU")
    row = _row(get_run(world, run=report.run.id), "S01")          # reasons survive the round trip
    assert row.reasons and explanation_text(row, tr("en")) == row.explanation
    uk = explanation_text(row, tr("uk"))
    assert uk != row.explanation and "Ткаченко" in uk
    assert uk in exporter("html").render(report, lang="uk").decode("utf-8")


def test_the_diff_of_two_rounds_shows_an_exchange(world: Engine, tmp_path: Path) -> None:
    from kartoteka.services.vetting import diff_runs

    first = _vet(world, tmp_path, UA_LIST, "ua.csv", side="UA", held_by="RU")
    record_outcome(world, person="S08", kind="exchanged", date="2025-05-23", actor="v", run=first.run.id)
    second = _vet(world, tmp_path, UA_LIST, "ua.csv", side="UA", held_by="RU")
    d = diff_runs(world, run_a=first.run.id, run_b=second.run.id)
    assert [(e.person_id, e.changes) for e in d.changed] == [("S08", ["warnings: - -> already_exchanged"])]
