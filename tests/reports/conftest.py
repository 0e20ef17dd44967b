"""A vetting report built by hand (no database): Cyrillic and Latin names, flags, a duplicate, an
unknown, a missing recognised person and a name that a spreadsheet would run as a formula."""

from __future__ import annotations

import datetime as dt

import pytest

from kartoteka.services.vetting_model import FlagView, MissingPerson, OutcomeView, RunInfo, VetReport, VetRow

WAR = FlagView("war_crime", "risk", ["RU 356"], "War-crime article: check the facts and who convicted.")
VIOLENCE = FlagView("violence", "risk", ["RU 356", "RU 111(2)"], "Violence against a person excludes recognition.")


@pytest.fixture
def report() -> VetReport:
    run = RunInfo(id=7, label="Annex 1", round="Round 2", side="RU", definition_id="guidelines-2013",
                  filename="annex.docx", sha256="ab" * 32, at=dt.datetime(2025, 6, 2, 12, 0), actor="vetter",
                  algorithm="kartoteka-match", algorithm_version="1.0", list_format="docx")
    rows = [
        VetRow("1", "Сорокина Мария Андреевна", "P1", "match", 1.0, "recognised", [], "", "same name; born 1990",
               row_no=2, internal_id=1),
        VetRow("2", "KOVALENKO Oleksandr", "P2", "match", 0.93, "not_recognised", ["war_crime", "violence"], "",
               "transliteration", row_no=3, flag_detail=[WAR, VIOLENCE], internal_id=2),
        VetRow("3", "=HYPERLINK(\"http://x\",\"click\")", "", "no_match", 0.0, "unknown", [], "",
               "no registry person with a matching name", row_no=4),
        VetRow("4", "Maria Sorokina", "P1", "match", 0.97, "recognised", [], "1", "transliteration", row_no=5,
               internal_id=1),
        VetRow("5", "Петров Иван Сергеевич", "P5", "review", 0.8, "under_review", [], "", "-close candidates",
               row_no=6, internal_id=5),
    ]
    missing = [MissingPerson("P4", "Мельник Андрій Іванович", "1992", 4, ["5"])]
    outcomes = [OutcomeView(1, "P1", "Сорокина Мария Андреевна", "exchanged", "2025-05-23", "", "vetter")]
    return VetReport(run, rows, missing, {"name": "ФИО"}, ["row 9: no name; the row is skipped"], outcomes)
