"""Cyrillic -> Latin in the schemes lists use (ICAO, GOST, MVD, BGN, LoC, ISO 9, KMU 2010, ...).

Tables: data/names/translit.yaml. Used to show names in Latin and to write synthetic list rows;
matching itself reads Latin through kartoteka.names.keys, which covers every one of these schemes.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import Any, cast


from kartoteka import yamldata

_VOWELS = set("аеёиоуыэюяєіїьъ'ʼ’")
_FALLBACK = {"і": "i", "ї": "i", "є": "ie", "ґ": "g", "ў": "u", "ы": "y", "и": "i", "щ": "shch", "ъ": "",
             "э": "e", "ё": "e"}
_WORD = re.compile(r"[\u0400-\u04ff'ʼ’]+")


@lru_cache(maxsize=1)
def schemes() -> dict[str, dict[str, Any]]:
    text = resources.files("kartoteka").joinpath("data/names/translit.yaml").read_text("utf-8")
    return cast(dict[str, dict[str, Any]], yamldata.safe_load(text))


def _word(word: str, scheme: dict[str, Any]) -> str:
    low = word.lower()
    tail = ""
    for ending, latin in (scheme.get("endings") or {}).items():
        if low.endswith(ending) and len(low) > len(ending) + 1:
            low, tail = low[: -len(ending)], latin
            break
    out: list[str] = []
    for i, ch in enumerate(low):
        table = scheme["map"]
        if i == 0 and ch in (scheme.get("initial") or {}):
            table = scheme["initial"]
        elif i > 0 and low[i - 1] in _VOWELS and ch in (scheme.get("after_vowel") or {}):
            table = scheme["after_vowel"]
        out.append(str(table.get(ch, scheme["map"].get(ch, _FALLBACK.get(ch, ch)))))
    latin = "".join(out) + tail
    if word.isupper() and len(word) > 1:
        return latin.upper()
    return latin[:1].upper() + latin[1:] if word[:1].isupper() else latin


def transliterate(text: str, scheme: str) -> str:
    """``text`` with every Cyrillic word written in ``scheme`` (keeps case style: Ivan, IVANOV)."""
    table = schemes()[scheme]
    return _WORD.sub(lambda m: _word(m.group(0), table), text)
