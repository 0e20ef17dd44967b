"""Publishing writes public records only, and only the whitelisted fields."""

from __future__ import annotations

import json
from pathlib import Path

from kartoteka.services.publish import publish, whitelist
from tests.conftest import Db
from tests.web.conftest import write_registry


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_only_public_records_and_whitelisted_fields(db: Db, tmp_path: Path) -> None:
    write_registry(db, tmp_path)
    report = publish(db.engine, out=tmp_path / "pub")
    people = _lines(tmp_path / "pub" / "persons.jsonl")
    cases = _lines(tmp_path / "pub" / "cases.jsonl")
    assert (report.persons, report.cases) == (1, 1)
    assert [p["ext_id"] for p in people] == ["P1"] and [c["ext_id"] for c in cases] == ["C1"]
    wl = whitelist()
    assert set(people[0]) == set(wl["persons"]) | {"names"}
    assert set(cases[0]) == set(wl["cases"]) | {"charges"}
    text = (tmp_path / "pub" / "persons.jsonl").read_text(encoding="utf-8")
    assert "sensitivity" not in text and "Секретная" not in text


def test_an_earlier_publications_recognitions_do_not_stay_and_a_foreign_file_is_refused(db: Db, tmp_path: Path) -> None:
    import pytest

    from kartoteka.errors import InvalidInput
    from kartoteka.services import signing

    write_registry(db, tmp_path)
    out = tmp_path / "pub"
    out.mkdir()
    (out / "recognitions.jsonl").write_text('{"person_ext_id": "P-NOW-CONFIDENTIAL"}\n', "utf-8")
    (out / "SIGNATURE.json").write_text("{}", "utf-8")
    publish(db.engine, out=out)                       # without --recognitions: the earlier file must not stay
    assert sorted(p.name for p in out.iterdir()) == ["cases.jsonl", "persons.jsonl", "sources.jsonl"]
    key = tmp_path / "org.key"
    signing.create_key(path=key, signer="Org A")
    (out / "org.key").write_bytes(key.read_bytes())   # the key copied into the folder would be signed and released
    (out / "org.key").chmod(0o600)
    before = (out / "persons.jsonl").read_bytes()
    with pytest.raises(InvalidInput, match="org.key, which publish did not write"):
        publish(db.engine, out=out)
    assert (out / "persons.jsonl").read_bytes() == before


def test_an_output_that_cannot_be_written_is_named(db: Db, tmp_path: Path) -> None:
    """`publish --out FILE`, `export ftm --out /nonexistent/x.json` or `--out FOLDER` ended in tracebacks."""
    import pytest

    from kartoteka.errors import InvalidInput
    from kartoteka.services.ftm_export import export_ftm

    (tmp_path / "afile").write_text("x", "utf-8")
    with pytest.raises(InvalidInput, match="cannot publish into"):
        publish(db.engine, out=tmp_path / "afile")
    publish(db.engine, out=tmp_path / "new" / "pub")                 # a new folder is made, with its parents
    assert (tmp_path / "new" / "pub" / "persons.jsonl").is_file()
    for out in (tmp_path / "no" / "x.ftm.json", tmp_path):
        with pytest.raises(InvalidInput, match="cannot write"):
            export_ftm(db.engine, out=out)


def test_an_own_decisions_written_reasoning_is_not_published(db: Db, tmp_path: Path) -> None:
    """Leak: `publish --recognitions` and the public FtM export wrote an own decided assessment's rationale (the
    assessors' reasoning, a column data/publish.yaml does not list) as the recognition's statement."""
    from kartoteka.db import audit
    from kartoteka.db.tables import assessments
    from kartoteka.services.ftm_export import export_ftm
    from kartoteka.services.persons import resolve_person_id
    from kartoteka.services.recognitions import write_recognitions

    write_registry(db, tmp_path)
    with db.engine.begin() as conn:
        pid = resolve_person_id(conn, "P1")
        for rationale, definition in (("Источник в СИЗО сообщил: INTERNAL-REASONING", "guidelines-2013"),
                                      ("https://example.org/statement/9", "pace-1900-2012")):
            audit.create_record(conn, assessments, "assessment", {
                "person_id": pid, "definition_id": definition, "definition_version": "1", "state": "decided",
                "decision": "recognised", "decided_on": "2024-03-01", "rationale": rationale}, actor="t")
    publish(db.engine, out=tmp_path / "pub")
    assert write_recognitions(db.engine, out=tmp_path / "pub") == 2
    export_ftm(db.engine, out=tmp_path / "public.ftm.json")
    export_ftm(db.engine, out=tmp_path / "internal.ftm.json", audience="internal")
    for public in (tmp_path / "pub" / "recognitions.jsonl", tmp_path / "public.ftm.json"):
        text = public.read_text("utf-8")
        assert "INTERNAL-REASONING" not in text and "https://example.org/statement/9" in text, public
    assert "INTERNAL-REASONING" in (tmp_path / "internal.ftm.json").read_text("utf-8")   # partners get it


def test_a_link_in_the_folder_is_not_written_through(db: Db, tmp_path: Path) -> None:
    """persons.jsonl as a symbolic link to another file: publish wrote the public records into that file (and
    made it 0600), wherever it was."""
    import pytest

    from kartoteka.errors import InvalidInput

    write_registry(db, tmp_path)
    target = tmp_path / "elsewhere.txt"
    target.write_text("kept", "utf-8")
    out = tmp_path / "pub"
    out.mkdir()
    (out / "persons.jsonl").symlink_to(target)
    with pytest.raises(InvalidInput, match="persons.jsonl, which publish did not write"):
        publish(db.engine, out=out)
    assert target.read_text("utf-8") == "kept"
