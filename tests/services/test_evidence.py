from pathlib import Path

import pytest

from kartoteka.errors import InvalidInput, NotFound
from kartoteka.services import evidence
from kartoteka.services.imports import import_file
from kartoteka.services.persons import get_person, person_history
from tests.conftest import Db


def test_sources_events_and_citations_show_on_the_person(db: Db, tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_text("id,name\nP1,Иванов Иван Иванович\n", "utf-8")
    import_file(db.engine, "persons", src, actor="a")
    doc = tmp_path / "verdict.pdf"
    doc.write_bytes(b"%PDF-1.4 synthetic")
    sid = evidence.add_source(db.engine, actor="a", media_dir=tmp_path / "media", file=doc, publisher="court")
    evidence.cite(db.engine, actor="a", source_id=sid, entity_type="person", entity_id=get_person(db.engine, "P1").person["id"])
    evidence.add_event(db.engine, actor="b", person="P1", kind="detained", date="03.2022", source_id=sid)
    evidence.add_event(db.engine, actor="b", person="P1", kind="released", date="2024-08-01")
    d = get_person(db.engine, "P1")
    assert [(e["kind"], e["date"], e["date_precision"]) for e in d.events] == [
        ("detained", "2022-03", "month"), ("released", "2024-08-01", "day")]
    assert d.sources[0]["sha256"] and Path(d.sources[0]["file_path"]).read_bytes() == b"%PDF-1.4 synthetic"
    actions = [(h["entity_type"], h["action"]) for h in person_history(db.engine, "P1")]
    assert ("status_event", "create") in actions and ("person", "cite") in actions
    with pytest.raises(InvalidInput, match="not an event kind"):
        evidence.add_event(db.engine, actor="b", person="P1", kind="vanished")
    with pytest.raises(NotFound):
        evidence.add_event(db.engine, actor="b", person="P404", kind="released")


def test_an_impossible_event_date_is_a_clear_input_error(db: Db, tmp_path: Path) -> None:
    src = tmp_path / "p.csv"
    src.write_text("id,name\nP1,Иванов Иван\n", "utf-8")
    import_file(db.engine, "persons", src, actor="a")
    with pytest.raises(InvalidInput, match="event date '31.02.2020'.*does not exist"):
        evidence.add_event(db.engine, actor="b", person="P1", kind="released", date="31.02.2020")
    assert get_person(db.engine, "P1").events == []
