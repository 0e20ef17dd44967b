"""Every review flag a screening can raise has words in English, Ukrainian and Russian: the tag is a code
(war_crime, court_reliability ...), and pages, reports and the CLI show ``_(tag)``."""

from __future__ import annotations

import pytest

from kartoteka.catalogs import load_screening_rules
from kartoteka.services import screening
from kartoteka.web.i18n import translations
from kartoteka.web.vocabulary import FLAGS


def _tags() -> set[str]:
    constants = {v for k, v in vars(screening).items() if k.endswith("_TAG") and isinstance(v, str)}
    return set(load_screening_rules().tags) | constants | set(FLAGS)


@pytest.mark.parametrize("lang", ["en", "uk", "ru"])
def test_every_flag_has_words(lang: str) -> None:
    gettext = translations(lang).gettext
    tags = _tags()
    assert {"war_crime", "court_reliability", "in_absentia", "designated_organisation"} <= tags
    bare = sorted(t for t in tags if "_" in t and gettext(t) == t) if lang == "en" else \
        sorted(t for t in tags if gettext(t) == t)
    assert not bare, f"{lang}: flags shown as their codes: {bare}"
