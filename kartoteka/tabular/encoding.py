"""Decode a text file honestly: UTF-8 (with or without BOM), UTF-16 with a BOM, or one single-byte
code page (cp1251, KOI8-R, cp866, Latin-1/cp1252), or stop and ask.

UTF-8 is tried strictly first. A file that is UTF-8 but for a few bad bytes is *not* guessed to be
something else: the bad byte is reported with its line and byte offset. A file that is no UTF-8 at
all is decoded with each candidate code page and scored: charset-normalizer's mess ratio (symbols
and broken words) plus how ordinary the decoded letters are in Cyrillic or Latin names
(kartoteka/data/letters.yaml), with penalties for words that mix scripts ("Mьller") or switch from
lower to upper case inside a word ("иВАНОВ", cp1251 read as KOI8-R). When the two best candidates are
too close to call, the import stops and asks for ``--encoding``.
"""

from __future__ import annotations

import codecs
import math
import re
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache


from kartoteka import yamldata

from kartoteka.errors import InvalidInput, Message, N_

CANDIDATES = ("cp1251", "koi8_r", "koi8_u", "cp866", "cp1252")   # on a tie, the first
SAMPLE = 200_000
MARGIN = 1.0            # score difference below which two encodings are both plausible
_RARE = math.log(0.005)
_VOWELS = set("аеёиоуыэюяіїє")
_WORD = re.compile(r"[^\W\d_]+")
# The encoding the user named (``kartoteka --encoding cp1251 ...``): every text file is decoded with it.
NAMED: ContextVar[str | None] = ContextVar("kartoteka_encoding", default=None)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str


@lru_cache(maxsize=1)
def _letters() -> dict[str, float]:
    from kartoteka.catalogs.loader import data_dir

    raw = yamldata.safe_load((data_dir() / "letters.yaml").read_text(encoding="utf-8"))
    table = {**raw["letters"], **raw["latin"]}
    total = sum(table.values())
    return {k: math.log(v / total) for k, v in table.items()}


def _position(data: bytes, offset: int) -> str:
    line = data.count(b"\n", 0, offset) + 1
    column = offset - (data.rfind(b"\n", 0, offset) + 1) + 1
    return Message(N_("line %(line)d, byte %(column)d (offset %(offset)d): byte 0x%(byte)s"),
                   line=line, column=column, offset=offset, byte=f"{data[offset]:02x}")


def decode_strict(data: bytes, encoding: str, *, name: str) -> str:
    """``data`` decoded with ``encoding``; a bad byte is an InvalidInput naming its line and byte."""
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise InvalidInput.of(N_("%(file)s: unknown encoding '%(encoding)s'"), file=name, encoding=encoding) from None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        skipped = 3 if codecs.lookup(encoding).name == "utf-8-sig" and data.startswith(codecs.BOM_UTF8) else 0
        raise InvalidInput.of(N_("%(file)s: not valid %(encoding)s at %(position)s; fix the byte or name the "
                                 "file's encoding: kartoteka --encoding NAME ..."),
                              file=name, encoding=encoding, position=_position(data, exc.start + skipped)) from None


def score(text: str) -> float:
    """How plausible ``text`` is as names and words (higher is better), from its non-ASCII letters."""
    table = _letters()
    total, count = 0.0, 0
    for word in _WORD.findall(text):
        odd = [c for c in word if ord(c) > 127]
        if not odd:
            continue
        folded = word.casefold()
        total += sum(table.get(c, _RARE) for c in folded if ord(c) > 127)
        count += len(odd)
        cyrillic = sum(1 for c in word if "\u0400" <= c <= "\u04ff")
        latin = sum(1 for c in word if c.isascii() or "\u00c0" <= c <= "\u024f")
        if cyrillic and latin:
            total -= 8 * len(odd)                      # "Mьller": a word in two scripts
        if any(a.islower() and b.isupper() for a, b in zip(word, word[1:])):
            total -= 3 * len(odd)                      # "иВАНОВ": case flips inside a word
        if cyrillic >= 4 and not 0.2 <= sum(1 for c in folded if c in _VOWELS) / len(word) <= 0.75:
            total -= 3 * len(odd)                      # "йчбопч": no word is spelt like that
    symbols = sum(1 for c in text if ord(c) > 127 and not c.isalpha() and not c.isspace())
    total += symbols * 2 * _RARE
    count += symbols
    if not count:
        return 0.0
    from charset_normalizer.md import mess_ratio   # here: every command imports this module for NAMED

    return total / count - 10 * mess_ratio(text, maximum_threshold=1.0)


def detect(data: bytes, *, name: str = "file") -> Decoded:
    """Decode ``data``; raises InvalidInput on a bad byte in UTF-8 or when the encoding is unclear."""
    named = NAMED.get()
    if named:
        return Decoded(decode_strict(data, named, name=name), named)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return Decoded(decode_strict(data, encoding, name=name), encoding)
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    sample = data[:SAMPLE]
    valid = sample.decode("utf-8", errors="ignore")
    in_utf8 = len(valid.encode("utf-8")) - sum(1 for c in valid if ord(c) < 128)   # bytes of good sequences
    high = sum(1 for b in sample if b >= 0x80)
    if in_utf8 >= 4 and in_utf8 >= 0.8 * high:   # UTF-8 but for a few bytes: say where, guess nothing
        raise InvalidInput.of(N_("%(file)s: the file is UTF-8 but has an invalid byte at %(position)s; fix it, or "
                                 "name the file's encoding: kartoteka --encoding NAME ..."),
                              file=name, position=_position(data, first_bad)) from None
    texts = {enc: sample.decode(enc, errors="replace") for enc in CANDIDATES}
    ranked = sorted(((score(texts[enc]), -i, enc) for i, enc in enumerate(CANDIDATES)), reverse=True)
    enc, best = ranked[0][2], ranked[0][0]
    rivals = [(sc, other) for sc, _, other in ranked[1:] if texts[other] != texts[enc]]
    if rivals and best - rivals[0][0] < MARGIN:
        other = rivals[0][1]
        raise InvalidInput.of(N_("%(file)s: the encoding is unclear: %(first)s or %(other)s (they read the text "
                                 "differently); run again naming it: kartoteka --encoding %(first)s ... "
                                 "(or --encoding %(other)s; KARTOTEKA_ENCODING on a server)"),
                              file=name, first=enc, other=other)
    return Decoded(decode_strict(data, enc, name=name), enc)


def detect_encoding(data: bytes) -> str:
    """The encoding name to decode ``data`` with (InvalidInput when it cannot be told)."""
    return detect(data).encoding
