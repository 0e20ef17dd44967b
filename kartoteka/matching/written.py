"""What a list cell says besides the name: a birth date written inside it ("Иванов И.И., 1985 г.р.")
and alternative spellings ("Иванов Иван / Ivanov Ivan", "Иванов Иван (Ivanov)"); one word in brackets between
words stands in place of the word before it ("Соколова (Морозова) Елена": Соколова Елена or Морозова Елена)."""

from __future__ import annotations

import re

from kartoteka.domain.dates import PartialDate, parse_partial_date

_DATE = re.compile(r"(?<!\d)(\d{1,2}[./]\d{1,2}[./](?:19|20)\d{2}|(?:19|20)\d{2}-\d{2}-\d{2}|(?:19|20)\d{2})(?!\d)")
# lowercase only, and only next to a date: "Г. Р." in "Иванов Г. Р." are initials
_NOISE = re.compile(r"(?<![^\W\d_])(г\.?\s*р\.?|р\.?\s*н\.?|род\.?|born|b\.|dob|год рождения|року народження)"
                    r"(?![^\W\d_])")
_ALTERNATIVES = re.compile(r"\s*(?:/|;|\(|\)|\[|\]|\|)\s*")
# one word in brackets between words: another surname in its place ("Соколова (Морозова) Елена Викторовна",
# a maiden or former surname), read as two names, each with the rest of the cell
_IN_PLACE = re.compile(r"^(?P<before>.*\S)\s*[(\[]\s*(?P<other>[^\W\d_][\w'’ʼ-]*)\s*[)\]]\s*(?P<after>[^\W\d_].*)$")


def split_written(text: str) -> tuple[list[str], PartialDate | None]:
    """Alternative names in a cell, and a birth date found in it (the first that parses)."""
    birth: PartialDate | None = None
    for m in _DATE.finditer(text):
        try:
            birth = parse_partial_date(m.group(1))
        except ValueError:
            continue
        break
    cleaned = _DATE.sub(" ", text)
    if birth is not None:
        cleaned = _NOISE.sub(" ", cleaned)
    inside = _IN_PLACE.match(cleaned.strip())
    if inside and not _ALTERNATIVES.search(inside["before"] + " " + inside["after"]):
        before, after = inside["before"].split(), inside["after"]
        cleaned = " ".join([*before, after]) + " / " + " ".join([*before[:-1], inside["other"], after])
    parts = [p.strip(" ,-") for p in _ALTERNATIVES.split(cleaned)]
    names = [p for p in parts if sum(c.isalpha() for c in p) >= 2]
    return (names or [text.strip()]), birth
