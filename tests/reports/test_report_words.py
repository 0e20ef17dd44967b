"""A report in Ukrainian or Russian names its definition by its published title in that language and the
columns it read by their fields' words (not "Guidelines on the Definition ..." and "ФИО -> name")."""

from __future__ import annotations

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
