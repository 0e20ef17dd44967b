"""data/custody.yaml and data/categories.yaml load, and every state's warning is one the reports label."""

from __future__ import annotations

import pytest

from kartoteka.catalogs.custody import (
    category_label, load_categories, load_custody_vocabulary, normalise_party, party_label, state_label,
)
from kartoteka.reports.common import WARNING_LABELS


def test_states_and_categories() -> None:
    states = load_custody_vocabulary().states
    assert {s for s, v in states.items() if not v.in_custody} == {"in_absentia", "released", "exchanged", "deceased"}
    assert all(v.warning in WARNING_LABELS for v in states.values() if v.warning)
    cats = load_categories()
    assert {"political_prisoner", "civilian_detainee", "prisoner_of_war", "convicted_collaborator"} <= set(cats)
    assert any("Geneva Convention III" in ref for ref in cats["prisoner_of_war"].legal)
    assert any("Geneva Convention IV" in ref for ref in cats["civilian_detainee"].legal)
    assert cats["political_prisoner"].needs_definition
    assert category_label("prisoner_of_war", "ru").startswith("военнопленный")
    assert state_label("exchanged", "uk") == "обміняний"


def test_parties() -> None:
    assert normalise_party(" ua ") == "UA" and normalise_party("occ:Kherson") == "OCC:Kherson"
    assert party_label("OCC:Kherson", "en") == "occupation authority (Kherson)" and party_label("GE") == "GE"
    for bad in ("Russia", "", "OCC:", "R"):
        with pytest.raises(ValueError):
            normalise_party(bad)
