"""Detect the encoding of a text file: UTF-8 (with or without BOM), cp1251 or KOI8-R."""

from __future__ import annotations

_CANDIDATES = ("cp1251", "koi8_r")
_COMMON = set("оеаинтсрвлкмдпуяыгзбчйхжшюцщэфъёіїєґў")


def _cyrillic_score(text: str) -> float:
    letters = [ch for ch in text if "\u0400" <= ch <= "\u04ff"]
    if not letters:
        return 0.0
    lower = sum(1 for ch in letters if ch in _COMMON)
    return lower / len(letters)


def detect_encoding(data: bytes) -> str:
    """The encoding name to decode ``data`` with.

    UTF-8 is tried strictly first. Otherwise cp1251 and KOI8-R are told apart by how much of the
    decoded text is ordinary lowercase Cyrillic: the wrong one turns lowercase into uppercase or
    symbols.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    sample = data[:200_000]
    best, best_score = "cp1251", -1.0
    for enc in _CANDIDATES:
        try:
            score = _cyrillic_score(sample.decode(enc))
        except UnicodeDecodeError:
            continue
        if score > best_score:
            best, best_score = enc, score
    return best
