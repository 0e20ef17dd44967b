"""The custody commands as a user types them: import custody, custody show/set/category/recognise,
vet --held-by --lang, outcome, rounds summary."""

from __future__ import annotations

import json
from pathlib import Path

from pypdf import PdfReader

from tests.cli.runner import run_cli
from tests.conftest import Db
from tests.services.test_custody_scenario import CASES, CUSTODY, PERSONS, UA_LIST


def test_custody_commands_and_a_round(db: Db, tmp_path: Path) -> None:
    for kind, text in (("persons", PERSONS), ("cases", CASES), ("custody", CUSTODY)):
        (tmp_path / f"{kind}.csv").write_text(text, "utf-8")
        run_cli(db, "import", kind, str(tmp_path / f"{kind}.csv"), actor="setup")
    out = run_cli(db, "custody", "show", "S02")
    assert "Russia: held without charge or incommunicado" in out and "civilian detainee" in out
    run_cli(db, "custody", "set", "S02", "--held-by", "ru", "--state", "location_unknown", "--since", "2024-02",
            actor="ed")
    shown = json.loads(run_cli(db, "custody", "show", "S02", "--json"))
    assert [h["state"] for h in shown["history"]] == ["location_unknown", "held_without_charge"]
    run_cli(db, "custody", "set", "S02", "--held-by", "Russia", "--state", "pretrial", code=1)   # not a party code
    run_cli(db, "custody", "recognise", "S01", "--organisation", "Memorial", "--statement", "https://example.org/m",
            "--date", "2024-03-01", actor="rev")
    (tmp_path / "ua.csv").write_text(UA_LIST, "utf-8")
    pdf = tmp_path / "ua.pdf"
    out = run_cli(db, "vet", str(tmp_path / "ua.csv"), "-d", "guidelines-2013", "-d", "amnesty-poc", "--held-by", "RU",
                  "--round", "R1", "--side", "UA", "--out", str(pdf), "--lang", "uk", actor="v")
    assert "notice:" in out and "deceased" in out            # no decided assessments; S10 is dead
    text = "\n".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Підсумок" in text and "помер" in text and "Додаток" in text
    run_cli(db, "outcome", "S08", "exchanged", "--date", "2025-05-23", "--run", "latest", actor="v")
    summary = json.loads(run_cli(db, "rounds", "summary", "R1", "--json"))
    side = summary["sides"][0]
    assert side["side"] == "UA" and [p["person_id"] for p in side["groups"]["exchanged"]] == ["S08"]
    assert "S08" not in [p["person_id"] for p in side["groups"]["outstanding"]]
    assert "exchanged" in run_cli(db, "custody", "show", "S08")
