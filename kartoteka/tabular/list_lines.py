"""Which lines of a list document are not list rows: headings and captions ("Приложение 2. Список лиц"),
signature lines ("Начальник отдела ______ И. И. Петров"), date lines ("г. Москва, 12 марта 2024 г.")
and notes. The words are data (data/list_lines.yaml); the list's rows keep their own numbers."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import cast


from kartoteka import yamldata

from kartoteka.tabular.vocab import month_words

_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
# Annex words the data file lacks: the Ukrainian "всього" (totals) beside "усього", and the words of a
# section title over a group of rows ("Цивільні", "Военнопленные", "Prisoners of war:"); a line made of
# section words alone is a title, not a person.
_MORE_HEADINGS = {"всього", "усього", "всего", "итого", "разом", "total", "totals"}
_SECTION_WORDS = {
    "цивільні", "цивільних", "цивільна", "цивільний", "гражданские", "гражданских", "гражданское", "грамадзянскія",
    "військовополонені", "військовополонених", "военнопленные", "военнопленных", "ваеннапалонныя",
    "військовослужбовці", "військовослужбовців", "военнослужащие", "военнослужащих",
    "особи", "осіб", "лица", "лиц", "особы", "асобы", "населення", "население",
    "civilians", "civilian", "persons", "detainees", "prisoners", "pows", "pow", "of", "war", "servicemen",
    "journalists", "журналісти", "журналисты", "журналістки", "медики", "medics", "жінки", "женщины", "women",
    "неповнолітні", "несовершеннолетние", "minors", "інші", "другие", "others", "other",
    "розділ", "раздел", "section", "part", "частина", "часть", "категорія", "категория", "category",
    "і", "и", "та", "and", "з", "из", "числа", "числі", "числе", "у", "в", "том", "тому",
}
_ROMAN = re.compile(r"^(?:[ivxlc]+|[а-яіїє])[.)]?$")


@lru_cache(maxsize=1)
def _vocabulary() -> dict[str, set[str]]:
    text = resources.files("kartoteka").joinpath("data/list_lines.yaml").read_text("utf-8")
    data = cast(dict[str, list[object]], yamldata.safe_load(text))
    return {k: {str(w).lower().replace("ё", "е") for w in v} for k, v in data.items()}


def _words(text: str) -> list[str]:
    return [w.lower().replace("ё", "е") for w in _WORDS.findall(text)]


@lru_cache(maxsize=1)
def _word_date() -> re.Pattern[str]:
    names = "|".join(sorted((re.escape(w) for w in month_words()), key=len, reverse=True))
    # The lookahead (the month words' first letters, as case-blind as the words) only rules out at once a place
    # where no month word begins: otherwise each of the ~100 words was tried at every place of the line, and a
    # long line of spaces, brackets or dashes (a hostile file) took 0.5 s.
    first = "".join(sorted({re.escape(w[0]) for w in month_words()}))
    return re.compile(rf"(?<!\w)((?:\d{{1,2}}\s+)?(?=[{first}])(?:{names})\.?(?:\s+\d{{1,2}},)?\s+(?:19|20)\d{{2}})"
                      r"(?!\d)", re.IGNORECASE)


def word_date(text: str) -> re.Match[str] | None:
    """A date written with a month name in a list row ("12 марта 1985", "March 1985", "May 3, 1990")."""
    return _word_date().search(text)


def not_a_row(line: str, *, lone_cell: bool = False) -> bool:
    """True for a heading, caption, signature, date line or note of a list document.

    ``lone_cell``: the line is the only filled cell of a spreadsheet row (a title or a signature
    under the table). A sheet's cells need not be capitalised, so the lower-case rule is not used.
    """
    v = _vocabulary()
    low = line.lower().replace("ё", "е").strip()
    if any(mark in low for mark in v["signature_marks"]):
        return True
    if footnote(line) or section_title(line):
        return True
    outside = re.sub(r"\([^()]*\)", " ", low)    # a remark in parentheses may say anything (linear: no "(" inside)
    words = _words(outside)
    if not words:
        return False
    first = re.sub(r"^[\s\d.)№#]*", "", low)     # a heading may itself be numbered ("2. Список ...")
    first_words = _words(first)
    if (first_words and (first_words[0] in v["headings"] or first_words[0] in _MORE_HEADINGS)) \
            or re.match(r"№(?!\s*\d)", low):     # "№ п/п ФИО" (a header), not "№5 Кравець Олег"
        return True
    if any(w in v["phrases"] for w in words):
        return True
    letters = re.sub(r"^[\W\d_]+", "", line.strip())
    if not lone_cell and letters[:1].islower() and words[0] not in v["particles"]:
        return True                              # names are capitalised: a continued caption or a note
    months = [w for w in words if w in month_words()]
    if months or words[0] in v["place_words"]:
        rest = [w for w in words if w not in month_words() and w not in v["place_words"]]
        return len(rest) < 2
    return False


_TOTAL = re.compile(r"^\s*(?:всього|усього|всего|итого|разом|total|totals|in total)\b\D{0,40}?(?<![\d.])(\d{1,6})(?![\d./-])",
                    re.IGNORECASE)


_DATE_IN_TOTAL = re.compile(r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b")


def stated_total(line: str) -> int | None:
    """The number a totals row states ("Всього: 25 осіб", "Итого 25 человек", "Total: 25", "Всього станом на
    01.11.2026: 25"), else None. A date in the row is not its number."""
    m = _TOTAL.match(_DATE_IN_TOTAL.sub(" ", line.lower().replace("ё", "е")))
    return int(m.group(1)) if m else None


def footnote(line: str) -> bool:
    """A footnote under a table: "* дані уточнюються", "** since 2023", "¹ see ..." (a mark, then a lower-case
    word; a name after a mark is capitalised)."""
    m = re.match(r"^\s*(?:\*+|[¹²³⁴⁵⁶⁷⁸⁹]+|\(\d{1,2}\))\s*(\S)", line)
    return bool(m and (m.group(1).islower() or not m.group(1).isalpha()))


_COUNT = re.compile(r"\s*(?:[:–—-]\s*|\(\s*)\d{1,5}\s*(?:человека|человек|чел|особи|осіб|особа|особы|асобы|асоб|лиц|лица"
                    r"|persons?|people)?\.?\s*\)?\s*$", re.IGNORECASE)


def _uncounted(text: str) -> str:
    """``text`` without the count after it ("Крым (3 человека)" -> "Крым"); looked for in its last characters only
    (linear on a hostile line)."""
    head, tail = text[:-80], text[-80:]
    m = _COUNT.search(tail)
    return (head + tail[:m.start()]) if m else text


def section_name(title: str) -> str:
    """A section title as a row's id names it: without its numbering, its count and a colon ("II. Крым (3 человека):"
    -> "Крым")."""
    text = re.sub(r"^\s*(?:[IVXLC]+|\d+)[.)]\s*", "", title.strip())
    text = _uncounted(text) or text
    return text.strip().rstrip(":–—-").strip()


def section_title(line: str) -> bool:
    """A section title over a group of a list's rows: "Цивільні", "Військовополонені:", "II. Гражданские лица",
    "Prisoners of war" (only section words, after a numbering), a region ("Запорожская область") or a place alone
    ("Крым", "Херсонщина": data/places.yaml), or any single word ending with a colon; with the count of its persons
    after it or not ("Крым (3 человека)", "Цивільні: 12 осіб")."""
    text = _uncounted(line.strip()) or line.strip()
    if not text:
        return False
    low = text.lower().replace("ё", "е")
    words = [w for w in re.split(r"[\s,;:–—-]+", low) if w]
    while words and (_ROMAN.match(words[0]) or re.fullmatch(r"[\d.)]+", words[0])):
        words = words[1:]
    words = [w.strip(".()") for w in words]
    if not words or not all(_words(w) for w in words):
        return False
    if all(w in _SECTION_WORDS for w in words) and any(w not in _SMALL for w in words):
        return True
    unnumbered = re.sub(r"^\s*[\d.)]+\s*", "", text)   # "2. Запорожская область", "1. Крым": a numbered title
    if len(words) <= 4 and not any(c.isdigit() for c in unnumbered) and _region(unnumbered):
        return True
    if len(words) <= 4 and not any(c.isdigit() for c in unnumbered) and _places_only(unnumbered):
        return True                              # "Крым", "Херсонщина", "II. Беларусь": a place no one is named
    return text.endswith(":") and len(words) <= 3 and not any(c.isdigit() for c in text)


_ROW_NUMBER = re.compile(r"\s*(?:\d{1,5}|[IVXLCivxlc]{1,7})[.)]?\s*")


def numbered_title(filled: list[str]) -> str:
    """The title of a sheet or table row numbered as the list numbers its persons, whose only name-like cell is a
    section title: "1 | Крым", "2 | Херсонська обл.", "II | Цивільні" (a row number, then a place, a region or
    section words: :func:`section_title`); '' for any other row ("1 | Иванов" is a person, a surname alone).
    ``filled``: the row's filled cells, in order."""
    if len(filled) == 2 and _ROW_NUMBER.fullmatch(filled[0]) and section_title(filled[1]):
        return filled[1].strip()
    return ""


def _place_key(text: str) -> str:
    """A place's text as compared: lower-cased, ё as е, one apostrophe, a hyphen as a space ("Кабардино-Балкария")."""
    low = text.lower().replace("ё", "е").replace("’", "'").replace("ʼ", "'")
    return re.sub(r"[\s-]+", " ", low).strip()


def _places_only(text: str) -> bool:
    """Whether a line names places and nothing else: "Крым", "II. Беларусь:", "Запорожье (Мелитополь)", "Нова
    Каховка –" (its numbering, punctuation and a place in parentheses aside)."""
    low = re.sub(r"^\s*(?:[ivxlcIVXLC]+|\d+)[.)]\s+", "", text.strip())
    parts = [p.strip(" .,:;–—-") for p in re.split(r"[()]", low)]
    parts = [p for p in parts if p]
    return bool(parts) and all(_place_key(p) in places() for p in parts)


@lru_cache(maxsize=1)
def places() -> frozenset[str]:
    """The places a list names alone on a row as a section title ("Крым", "Донбасс", "Херсонщина", "Беларусь"):
    data/places.yaml, names no person bears."""
    text = resources.files("kartoteka").joinpath("data/places.yaml").read_text("utf-8")
    data = cast(dict[str, list[object]], yamldata.safe_load(text))
    return frozenset(_place_key(str(w)) for group in data.values() for w in group)


_NEVER_NAMES = {"область", "обл", "республика", "республіка", "рэспубліка", "вобласць", "oblast", "region", "republic"}


def _region(text: str) -> bool:
    """A region named as a section title: "Запорожская область", "Херсонская обл.", "Краснодарский край",
    "Республика Крым" (data/list_lines.yaml regions: written in lower case, or a word no name has)."""
    regions = _vocabulary()["regions"]
    return any(w.lower() in regions and (w.islower() or w.lower() in _NEVER_NAMES) for w in _WORDS.findall(text))


_SMALL = {"і", "и", "та", "and", "з", "из", "of", "у", "в", "том", "тому", "числа", "числі", "числе", "особи",
          "осіб", "лица", "лиц", "особы", "асобы", "persons", "part",
          "section", "розділ", "раздел", "частина", "часть", "категорія", "категория", "category"}
