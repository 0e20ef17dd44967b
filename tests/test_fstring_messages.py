"""Messages marked inside f-strings (``f"[bold]{_('Verified')}[/]"``) are invisible to Babel's extractor on
Python 3.11, so tests/web/test_i18n.py cannot see them: this finds them with the parser and checks that
each has its Ukrainian and Russian translation."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import kartoteka
from kartoteka.web.i18n import load_catalog

MARKERS = {"_", "N_", "gettext"}


def marked_in_fstrings(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.JoinedStr):
            for sub in ast.walk(node):
                if isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id in MARKERS \
                        and sub.args and isinstance(sub.args[0], ast.Constant) and isinstance(sub.args[0].value, str):
                    found.append(sub.args[0].value)
    return found


def test_the_scan_finds_marks_inside_fstrings() -> None:
    assert marked_in_fstrings('x = f"[bold]{escape(_(\'Verified\'))}[/] {a}"\ny = _("Plain")\n') == ["Verified"]


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_messages_inside_fstrings_are_translated(lang: str) -> None:
    root = Path(kartoteka.__file__).parent
    messages = {m for p in root.rglob("*.py") for m in marked_in_fstrings(p.read_text(encoding="utf-8"))}
    assert "Verified" in messages or "Error:" in messages
    catalog = load_catalog(lang)
    missing = sorted(m for m in messages if not getattr(catalog.get(m), "string", None))
    assert not missing, f"{lang}: untranslated messages inside f-strings: {missing}"
