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
