"""Screening flags from charges stored at case import, including the court-reliability caveat."""

from pathlib import Path

import pytest
from sqlalchemy import delete, select

from kartoteka.db.tables import assessments, cases, charges, persons
from kartoteka.services.assessments import statuses_under
from kartoteka.services.charges import reparse_all_charges
from kartoteka.services.imports import import_file
from kartoteka.services.screening import COURT_TAG, UNKNOWN_TAG, UNPARSED_TAG, Flag, flags_for_persons, screen_persons
from tests.conftest import Db

PERSONS = """id,name,citizenship
P1,Коваленко Андрій Іванович,UA
P2,Petrov Ivan,RU
P3,Сорокина Мария,RU
P4,Ткаченко Олена,UA
P5,Лукашевич Алесь,BY
P6,Смирнов Олег,RU
P7,Иванов Пётр,RU
P8,Навуменка Сяргей,BY
P9,Бондаренко Сергій,UA;RU
"""
CASES = """case_id,person_id,jurisdiction,court,articles
K1,P1,RU,Верховный суд ДНР,"ч. 1 ст. 356 УК РФ, ч. 2 ст. 205.5 УК РФ"
K2,P2,UA,Шевченківський районний суд м. Києва,ч. 2 ст. 438 КК України
K3,P3,RU,Тверской районный суд г. Москвы,п. «д» ч. 2 ст. 207.3 УК РФ
K4,P4,UA,Запорізький апеляційний суд,ч. 5 ст. 111-1 КК України
K5,P5,BY,Минский городской суд,ч. 1 ст. 999 УК; ч. 1 ст. 342 УК
K6,P6,RU,,фейки об армии
K8,P8,BY,Гомельский областной суд,ст. 364 УК РБ
K9,P9,RU,Московский городской суд,ч. 2 ст. 207.3 УК РФ
"""


def load_registry(db: Db, tmp_path: Path, persons_csv: str = PERSONS, cases_csv: str = CASES) -> dict[str, int]:
    (tmp_path / "persons.csv").write_text(persons_csv, "utf-8")
    (tmp_path / "cases.csv").write_text(cases_csv, "utf-8")
    import_file(db.engine, "persons", tmp_path / "persons.csv", actor="t")
    import_file(db.engine, "cases", tmp_path / "cases.csv", actor="t")
    with db.engine.connect() as conn:
        return {r[0]: r[1] for r in conn.execute(select(persons.c.ext_id, persons.c.id))}


def _by_tag(flags: list[Flag]) -> dict[str, Flag]:
    return {f.tag: f for f in flags}


def test_case_import_stores_parsed_charges_with_catalog_membership(db: Db, tmp_path: Path) -> None:
    load_registry(db, tmp_path)
    with db.engine.connect() as conn:
        rows = conn.execute(select(cases.c.ext_id, charges.c.code, charges.c.article, charges.c.part,
                                   charges.c.point, charges.c.raw, charges.c.in_catalog)
                            .join(charges, charges.c.case_id == cases.c.id).order_by(charges.c.id)).all()
    got = {(r[0], r[2]): tuple(r) for r in rows}
    assert got[("K3", "207.3")][1:] == ("RU", "207.3", "2", "д", "п. «д» ч. 2 ст. 207.3 УК РФ", True)
    assert got[("K5", "999")][1:4] == ("BY", "999", "1") and got[("K5", "999")][6] is False
    assert got[("K5", "342")][1] == "BY"          # the jurisdiction is the default code for a bare "УК"
    assert ("K6", "фейки") not in got and not any(k[0] == "K6" for k in got)


def test_changed_case_text_replaces_its_charges(db: Db, tmp_path: Path) -> None:
    ids = load_registry(db, tmp_path)
    load_registry(db, tmp_path, cases_csv=CASES.replace("п. «д» ч. 2 ст. 207.3 УК РФ", "ч. 1 ст. 280.3 УК РФ"))
    with db.engine.connect() as conn:
        arts = conn.execute(select(charges.c.article).join(cases, cases.c.id == charges.c.case_id)
                            .where(cases.c.person_id == ids["P3"])).scalars().all()
    assert arts == ["280.3"]


def test_flags_per_person_with_articles_reasons_and_court_caveat(db: Db, tmp_path: Path) -> None:
    ids = load_registry(db, tmp_path)
    with db.engine.connect() as conn:
        flags = flags_for_persons(conn, ids.values())
    pow_ = _by_tag(flags[ids["P1"]])
    assert {"war_crime", "terrorism", COURT_TAG} <= set(pow_)
    assert pow_["war_crime"].articles == ["RU 356(1)"]
    assert pow_[COURT_TAG].articles == ["RU 356(1)", "RU 205.5(2)"]
    assert "Верховный суд ДНР" in pow_[COURT_TAG].reason and pow_[COURT_TAG].kind == "caveat"
    soldier = _by_tag(flags[ids["P2"]])           # a Ukrainian court trying a Russian soldier: no caveat
    assert "war_crime" in soldier and COURT_TAG not in soldier
    speech = _by_tag(flags[ids["P3"]])
    assert list(speech) == ["speech"] and speech["speech"].kind == "supports"
    assert speech["speech"].articles == ["RU 207.3(2)"]
    assert "collaboration" in _by_tag(flags[ids["P4"]])
    assert "'political prisoners'" in _by_tag(flags[ids["P4"]])["collaboration"].reason
    unknown = _by_tag(flags[ids["P5"]])
    assert unknown[UNKNOWN_TAG].articles == ["BY 999(1)"] and "assembly" in unknown
    assert _by_tag(flags[ids["P6"]])[UNPARSED_TAG].articles == ["фейки об армии"]
    assert flags[ids["P7"]] == []
    violence = _by_tag(flags[ids["P8"]])["violence"]
    assert violence.articles == ["BY 364"] and "BY 364: violence inherent" in violence.reason
    # any verdict of a Russian court about a Ukrainian carries the caveat, whatever the charge (issue 12)
    assert _by_tag(flags[ids["P9"]])[COURT_TAG].articles == ["RU 207.3(2)"]


def test_screening_never_sets_a_status(db: Db, tmp_path: Path) -> None:
    ids = load_registry(db, tmp_path)
    results = screen_persons(db.engine)
    assert len(results) == len(ids) and results[0].ext_id == "P1" and results[0].name.startswith("Коваленко")
    with db.engine.connect() as conn:
        assert conn.execute(select(assessments.c.id)).first() is None
        assert set(statuses_under(conn, ids.values(), "guidelines-2013").values()) == {"under_review"}
    only = screen_persons(db.engine, refs=["P3"])
    assert [r.ext_id for r in only] == ["P3"]


def test_reparse_rebuilds_every_case_and_reports_unknown_articles(db: Db, tmp_path: Path) -> None:
    load_registry(db, tmp_path)
    with db.engine.begin() as conn:
        before = conn.execute(select(charges.c.case_id, charges.c.article).order_by(charges.c.id)).all()
        conn.execute(delete(charges))
    report = reparse_all_charges(db.engine, actor="t")
    assert (report.cases, report.charges, report.unreadable) == (8, len(before), 1)
    assert report.not_in_catalog == {"BY 999": 1}
    with db.engine.connect() as conn:
        assert conn.execute(select(charges.c.case_id, charges.c.article).order_by(charges.c.id)).all() == before


def test_bulk_scan_gives_the_same_flags_as_bound_ids(db: Db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import kartoteka.services.screening as screening
    ids = load_registry(db, tmp_path)
    some = [ids["P1"], ids["P3"], ids["P7"]]
    with db.engine.connect() as conn:
        bound = flags_for_persons(conn, some)
        monkeypatch.setattr(screening, "BULK", 0)
        scanned = flags_for_persons(conn, some)
    assert scanned == bound and set(scanned) == set(some) and scanned[ids["P1"]]


CASES_12 = """case_id,person_id,jurisdiction,court,articles,sentence
C1,Q1,RU,Южный окружной военный суд,ч. 2 ст. 205.5 УК РФ (участие в «Хизб ут-Тахрир»),
C2,Q2,RU,Южный окружной военный суд,"ч. 2 ст. 205.5, ч. 2 ст. 278 УК РФ (служба в полку «Азов»)",
C3,Q3,RU,Мосгорсуд,ч. 2 ст. 282.2 УК РФ (ФБК),
C4,Q4,RU,Тверской районный суд,ст. 20.3.3 КоАП РФ,
C5,Q5,,Верховный суд ДНР,"ст. 430 УК ДНР, ч. 2 ст. 232 УК ДНР",
C6,Q6,RU,Кировский районный суд,ч. 1 ст. 318 УК РФ,
C7,Q7,UA,Мелітопольський міськрайонний суд,ч. 7 ст. 111-1 КК України,
C8,Q8,BY,Минский областной суд,ст. 358 УК РБ,
C9,Q9,UA,Печерський районний суд м. Києва,ч. 1 ст. 111-1 КК України,заочно 5 років
C10,Q10,,,ч.1 ст.205.2 УК,
C11,Q11,,Южный окружной военный суд,ч.1 ст.205.2 УК,
C12,Q12,RU,Мосгорсуд,ч. 2 ст. 282.2 УК РФ (Свидетели Иеговы),
"""
PERSONS_12 = """id,name,citizenship
Q1,Абдуллаев Рустем,УКРАЇНА
Q2,Шевчук Іван,Україна
Q3,Петрова Анна,RU
Q4,Орлова Вера,RU
Q5,Smith John,GB
Q6,Кузнецов Павел,RU
Q7,Гончар Ігор,UA
Q8,Schmidt Hans,DE
Q9,Іваненко Олег,UA
Q10,Фёдоров Илья,RU
Q11,Фёдорова Инна,RU
Q12,Сидоров Пётр,Россия
"""


def _flags_12(db: Db, tmp_path: Path) -> dict[str, dict[str, Flag]]:
    ids = load_registry(db, tmp_path, PERSONS_12, CASES_12)
    with db.engine.connect() as conn:
        flags = flags_for_persons(conn, ids.values())
    return {ext: _by_tag(flags[pid]) for ext, pid in ids.items()}


def test_designated_organisation_belongs_to_the_case_not_the_article(db: Db, tmp_path: Path) -> None:
    f = _flags_12(db, tmp_path)
    assert f["Q1"]["religion"].articles == ["RU 205.5(2)"]                 # Hizb ut-Tahrir: religious case
    assert "Hizb ut-Tahrir" in f["Q1"]["designated_organisation"].reason
    assert "religion" not in f["Q2"] and f["Q2"]["combatant"].articles == ["RU 205.5(2)"]   # Azov POW
    assert "religion" not in f["Q3"] and "FBK" in f["Q3"]["designated_organisation"].reason
    assert f["Q12"]["religion"].articles == ["RU 282.2(2)"]                 # Jehovah's Witnesses


def test_citizenship_in_any_spelling_and_the_caveat_follows_the_court(db: Db, tmp_path: Path) -> None:
    f = _flags_12(db, tmp_path)
    assert f["Q1"][COURT_TAG].kind == "caveat" and f["Q2"][COURT_TAG].articles == ["RU 205.5(2)", "RU 278(2)"]
    assert "Южный окружной военный суд" in f["Q1"][COURT_TAG].reason
    assert COURT_TAG in f["Q5"]                                              # a foreigner in a "DNR" court
    assert COURT_TAG not in f["Q7"] and COURT_TAG not in f["Q3"]           # Ukrainian court; Russian citizen
    assert "espionage" in f["Q8"][COURT_TAG].reason                         # BY court, a foreigner, espionage
    assert "in_absentia" in f["Q9"] and f["Q9"]["in_absentia"].articles == ["UA 111-1(1)"]


def test_administrative_occupation_and_per_part_tags(db: Db, tmp_path: Path) -> None:
    f = _flags_12(db, tmp_path)
    assert f["Q4"]["administrative"].articles == ["RU-ADM 20.3.3"] and "speech" in f["Q4"]
    assert UNKNOWN_TAG not in f["Q4"]
    assert f["Q5"]["occupation_code"].articles == ["DNR 430", "DNR 232(2)"] and "combatant" in f["Q5"]
    assert "RU 318(1): violence possible" in f["Q6"]["violence"].reason     # part 1 includes threats only
    assert f["Q7"]["combatant"].articles == ["UA 111-1(7)"] and "speech" not in f["Q7"]
    assert f["Q9"]["speech"].articles == ["UA 111-1(1)"] and "violence" not in f["Q9"]


def test_charges_without_a_code_take_the_court_or_say_so(db: Db, tmp_path: Path) -> None:
    from kartoteka.services.screening import NO_CODE_TAG
    f = _flags_12(db, tmp_path)
    assert f["Q10"][NO_CODE_TAG].articles == ["? 205.2(1)"] and "--code" in f["Q10"][NO_CODE_TAG].reason
    assert NO_CODE_TAG not in f["Q11"] and f["Q11"]["terrorism"].articles == ["RU 205.2(1)"]


def test_war_crime_text_is_neutral_and_reasons_translate(db: Db, tmp_path: Path) -> None:
    from kartoteka.services.screening import flag_reason
    from kartoteka.web.i18n import translations
    ids = load_registry(db, tmp_path)
    with db.engine.connect() as conn:
        soldier = _by_tag(flags_for_persons(conn, [ids["P2"]])[ids["P2"]])["war_crime"]
    assert "other side" not in soldier.reason and "weak evidence" not in soldier.reason
    uk = flag_reason(soldier, translations("uk").gettext)
    assert uk != soldier.reason and uk.strip() and "War-crime" not in uk


def test_the_case_column_names_the_organisation(db: Db, tmp_path: Path) -> None:
    cases_csv = ("case_id,person_id,jurisdiction,court,articles,запрещённая организация\n"
                 "K1,P1,RU,Южный окружной военный суд,ч. 2 ст. 205.5 УК РФ,Азов\n"
                 "K3,P3,RU,Мосгорсуд,ч. 2 ст. 205.5 УК РФ,hizb-ut-tahrir\n")
    ids = load_registry(db, tmp_path, cases_csv=cases_csv)
    with db.engine.connect() as conn:
        flags = flags_for_persons(conn, [ids["P1"], ids["P3"]])
    pow_, believer = _by_tag(flags[ids["P1"]]), _by_tag(flags[ids["P3"]])
    assert pow_["combatant"].articles == ["RU 205.5(2)"] and "religion" not in pow_
    assert believer["religion"].articles == ["RU 205.5(2)"] and "combatant" not in believer


def test_violence_details_translate(db: Db, tmp_path: Path) -> None:
    """A violence flag's offence elements ("RU 318(1): violence inherent") read in the reader's language."""
    from kartoteka.services.screening import flag_reason
    from kartoteka.web.i18n import translations
    ids = load_registry(db, tmp_path)
    with db.engine.connect() as conn:
        flags = flags_for_persons(conn, list(ids.values()))
    violent = [f for fl in flags.values() for f in fl if f.tag == "violence" and f.details]
    assert violent, "the test registry has a charge with a violence element"
    english = flag_reason(violent[0], lambda s: s)
    assert "violence " in english
    for lang, word in (("uk", "насильство"), ("ru", "насилие")):
        text = flag_reason(violent[0], translations(lang).gettext)
        assert word in text and "violence inherent" not in text and "violence possible" not in text, text


def test_many_persons_of_a_larger_registry_are_read_by_id_and_flagged_the_same(db: Db, tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """More than BULK persons that are a tenth of the registry or more: every case is scanned once; fewer: their
    cases are read by their ids (5,000 persons of a flag search at a million persons read all 2.4 million cases
    and charges: 6.4 s). The flags are the same either way."""
    from sqlalchemy import event

    from kartoteka.services import screening
    from tests.web.conftest import write_registry

    write_registry(db, tmp_path)
    with db.engine.connect() as conn:
        ids = list(conn.execute(select(persons.c.id).order_by(persons.c.id)).scalars())
    monkeypatch.setattr(screening, "BULK", 1)
    reads: list[str] = []

    def keep(_conn: object, _cursor: object, statement: str, *_: object) -> None:
        if "FROM cases" in statement:
            reads.append(statement)

    event.listen(db.engine, "before_cursor_execute", keep)
    try:
        with db.engine.connect() as conn:
            some = flags_for_persons(conn, ids[1:3])          # 2 of 4: half the registry, scanned whole
            scanned = [s for s in reads if "cases.person_id IN" not in s]
            monkeypatch.setattr(screening, "SCAN_SHARE", 1)   # as if the registry were 20 times larger
            reads.clear()
            by_id = flags_for_persons(conn, ids[1:3])
            chunked = list(reads)
    finally:
        event.remove(db.engine, "before_cursor_execute", keep)
    assert scanned and all("cases.person_id IN" in s for s in chunked) and chunked
    assert some == by_id and any(some.values())
