"""A report in Ukrainian or Russian names its definition by its published title in that language and the
columns it read by their fields' words (not "Guidelines on the Definition ..." and "ФИО -> name")."""

from __future__ import annotations

import re

import pytest

from kartoteka.catalogs import load_definitions
from kartoteka.reports.common import Tr, run_lines
from kartoteka.services.vetting_model import VetReport


@pytest.mark.parametrize(("lang", "title", "field"), [
    ("uk", "Керівництво з визначення поняття «політичний в'язень» (2013)", "повне ім'я"),
    ("ru", "Руководство по определению понятия «политический заключённый» (2013)", "полное имя"),
    ("en", "Guidelines on the Definition of Political Prisoner (2013)", "full name")])
def test_the_definition_and_the_columns_in_words(report: VetReport, lang: str, title: str, field: str) -> None:
    from dataclasses import replace

    report = replace(report, run=replace(report.run, definition_id="guidelines-2013", definitions=["guidelines-2013"]),
                     columns={"name": "ФИО", "birth_date": "Дата рождения"})
    lines = dict(run_lines(report, Tr(lang)))
    assert title in "".join(lines.values())
    columns = next(v for v in lines.values() if "ФИО ->" in v)
    assert f"ФИО -> {field}" in columns and ("-> name" not in columns or lang == "en")


def test_every_definition_has_its_titles() -> None:
    for d in load_definitions().values():
        assert d.title_uk and d.title_ru and d.title_in("uk") != d.title, d.id
        assert d.title_in("xx") == d.title


def test_the_summary_states_a_flags_question_in_the_readers_language_whatever_its_details() -> None:
    """reports/common.py ``flag_reasons``: the question before a flag's details ("Court: ...", "Offence
    elements: ...", "Organisations: ...") is looked up in the reader's language; an organisation's details
    left the question untranslated in the summary (the PDF's and HTML's flag table)."""
    import datetime as dt

    from kartoteka.reports import common
    from pathlib import Path

    import yaml

    import kartoteka
    from kartoteka.services.vetting_model import FlagView, RunInfo, VetReport, VetRow

    data = (Path(kartoteka.__file__).parent / "data" / "screening.yaml").read_text("utf-8")
    question = next(r for r in re.findall(r'reason: "([^"]+)"', data) if "designation of an organisation" in r)
    assert yaml.safe_load(data)
    details = {"court": f"{question} Court: Moscow City Court", "elements": f"{question} Offence elements: x",
               "organisations": f"{question} Organisations: Org A"}
    run = RunInfo(id=1, label="L", round="R", side="RU", definition_id="guidelines-2013", filename="l.csv",
                  sha256="ab" * 32, at=dt.datetime(2025, 6, 2), actor="v", algorithm="a", algorithm_version="1")
    for lang in ("uk", "ru"):
        _ = common.tr(lang)
        assert _(question) != question   # the question is translated
        for kind, reason in details.items():
            row = VetRow("1", "Name", "P1", "match", 1.0, "not_recognised", ["tag"], "", "", row_no=2,
                         flag_detail=[FlagView("tag", "risk", [], reason)], internal_id=1)
            report = VetReport(run, [row], [], {}, [], [])
            assert common.flag_reasons(report, _) == {"tag": _(question)}, (lang, kind)
