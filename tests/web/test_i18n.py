"""Every interface message has a Ukrainian and a Russian translation, with its placeholders intact."""

from __future__ import annotations

import re
from importlib.resources import files

import pytest
from babel.messages.extract import extract_from_dir

from kartoteka.web.i18n import load_catalog, pick_language, translations

KEYWORDS = {"_": None, "ngettext": (1, 2), "N_": None}
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


def _messages() -> set[str | tuple[str, ...]]:
    package = str(files("kartoteka"))   # every module and template a user's words can come from
    found = extract_from_dir(package, method_map=[("**/templates/**.html", "jinja2"), ("**.py", "python")],
                             keywords=KEYWORDS,
                             options_map={"**/templates/**.html": {"trim_blocks": "true", "lstrip_blocks": "true"}})
    return {m[2] if isinstance(m[2], str) else tuple(m[2]) for m in found}


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_every_message_is_translated(lang: str) -> None:
    catalog = load_catalog(lang)
    messages = _messages()
    assert len(messages) > 250
    missing = []
    for msg in messages:
        entry = catalog.get(msg[0] if isinstance(msg, tuple) else msg)
        strings = [s for s in (entry.string if entry else ()) if s] if entry and isinstance(entry.string, tuple) \
            else [entry.string] if entry and entry.string else []
        if not strings:
            missing.append(msg)
            continue
        want = set(PLACEHOLDER.findall(msg[0] if isinstance(msg, tuple) else msg))
        assert all(set(PLACEHOLDER.findall(s)) == want for s in strings), msg
    assert not missing, f"{lang}: untranslated: {sorted(map(str, missing))}"


def test_catalogs_compile_and_translate() -> None:
    assert translations("uk").gettext("Search") == "Пошук"
    assert translations("ru").gettext("Search") == "Поиск"
    assert translations("ru").ngettext("%(n)d person found", "%(n)d persons found", 5) == "Найдено %(n)d персон"
    assert translations("en").gettext("under_review") == "under review"


def test_language_choice() -> None:
    assert pick_language(None, "ru", accept="uk,en") == "ru"
    assert pick_language(None, None, accept="uk-UA,uk;q=0.9") == "uk"
    assert pick_language("xx", None, accept="de", default="en") == "en"
