"""Free text in sheets read into controlled values: case statuses (data/case_statuses.yaml), custody states
and categories (data/custody.yaml, data/categories.yaml: their ids and their en/uk/ru labels) and dates
written in words or in common local styles (data/months.yaml), in en/uk/ru/be."""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import cast


from kartoteka import yamldata

from kartoteka.domain.dates import PartialDate, parse_partial_date
from kartoteka.errors import Message, N_, reason_of


def _data(name: str) -> object:
    return yamldata.safe_load(resources.files("kartoteka").joinpath(f"data/{name}").read_text("utf-8"))


def status_key(text: str) -> str:
    s = text.strip().lower().replace("ё", "е").replace("’", "'").replace("ʼ", "'")
    s = re.sub(r"\((а|a|на|ая)\)$", "", s).strip().rstrip(".").strip()
    return re.sub(r"\s+", " ", s)


@lru_cache(maxsize=1)
def case_statuses() -> dict[str, str]:
    """Every known spelling (as ``status_key``) -> the stored status value."""
    data = cast(dict[str, list[object]], _data("case_statuses.yaml"))
    return {status_key(str(s)): value for value, spellings in data.items() for s in [value, *spellings]}


def status_values() -> list[str]:
    return sorted(set(case_statuses().values()))


def normalise_status(text: str, extra: dict[str, str] | None = None) -> str | None:
    """The controlled value for ``text`` ('' for an empty cell), or None when it is unknown.

    ``extra`` maps further spellings (a user's mapping step) to values; it wins over the catalog.
    """
    return _lookup(text, extra, case_statuses())


def _lookup(text: str, extra: dict[str, str] | None, catalog: dict[str, str]) -> str | None:
    key = status_key(text)
    if not key:
        return ""
    for spelling, value in (extra or {}).items():
        if status_key(spelling) == key:
            return value
    return catalog.get(key)


@lru_cache(maxsize=2)
def catalog_values(vocabulary: str) -> dict[str, str]:
    """Every known spelling (as ``status_key``) of a custody state or a category -> its id: the id itself
    (``pretrial``, ``pre trial``) and its label in each language ("домашній арешт", "prisoner of war ...")."""
    from kartoteka.catalogs.custody import load_categories, load_custody_vocabulary
    items = load_custody_vocabulary().states if vocabulary == "custody" else load_categories()
    out: dict[str, str] = {}
    for key, item in items.items():
        for text in (key, key.replace("_", " "), key.replace("_", "-"), item.en, item.uk, item.ru):
            out.setdefault(status_key(text), key)
    return out


def normalise_value(vocabulary: str, text: str, extra: dict[str, str] | None = None) -> str | None:
    """The controlled value of ``text`` in ``vocabulary`` (case_status, custody or category): '' for an
    empty cell, None when neither ``extra`` (a user's or organisation's mapping, which wins) nor the catalog
    knows it."""
    return _lookup(text, extra, case_statuses() if vocabulary == "case_status" else catalog_values(vocabulary))


@lru_cache(maxsize=1)
def month_words() -> dict[str, int]:
    data = cast(dict[int, list[object]], _data("months.yaml"))
    return {str(w).lower().rstrip("."): int(m) for m, words in data.items() for w in words}


_YEAR_WORDS = re.compile(r"\s*(г|гг|год|года|р|рік|року|рр|year|yr)\.?\s*$", re.IGNORECASE)
_WORD = re.compile(r"[^\W\d_]+\.?", re.UNICODE)
_SLASHED = re.compile(r"^(\d{1,2})[/\-](\d{1,2})[/\-](\d{4})$")
_YMD_SLASH = re.compile(r"^(\d{4})[/.](\d{1,2})(?:[/.](\d{1,2}))?$")
_MONTH_YEAR = re.compile(r"^(\d{1,2})[/\-](\d{4})$")
# "15 03 1985" (a birth column typed with spaces, a date read from a form): day, month, year, as the dotted form; and
# "1985 03 15", year first as ISO. parse_partial_date reads a year and a space as the year alone ("1985 г.",
# "2022-03-12 00:00:00"), so these are looked for first: "1985 03 15" was read as 1985 without a word.
_SPACED_DMY = re.compile(r"^(\d{1,2})\s+(\d{1,2})\s+(\d{4})$")
_SPACED_YMD = re.compile(r"^(\d{4})\s+(\d{1,2})\s+(\d{1,2})$")


@lru_cache(maxsize=65536)   # a registry repeats dates; PartialDate is immutable (errors are not cached)
def parse_loose_date(text: str) -> PartialDate:
    """A date as sheets write it: ISO, ``DD.MM.YYYY``, ``DD/MM/YYYY``, ``DD-MM-YYYY``, ``YYYY/MM/DD``, ``YYYY.MM.DD``,
    ``MM/YYYY``, ``12.03.2022 г.``, ``березень 2022``, ``12 марта 2022 года``, ``March 12, 2022``.

    Slashed dates are read day first, as in every language this tool serves (an import reads a column that shows
    month first so: tabular/slashed.py ``read_date``). Raises ValueError.
    """
    value = _YEAR_WORDS.sub("", text.strip()).strip().rstrip(",")
    if m := _SPACED_DMY.match(value) or _SPACED_YMD.match(value):
        day, month, year = m.groups() if m.re is _SPACED_DMY else reversed(m.groups())
        try:
            return parse_partial_date(f"{day}.{month}.{year}")
        except ValueError as exc:   # "31 02 1985": said with the text as written, not as the dotted form
            reason = reason_of(exc)
            if isinstance(reason, Message) and "text" in reason.values:
                raise ValueError(Message(reason.msgid, **{**reason.values, "text": text.strip()})) from None
            raise
    try:
        return parse_partial_date(value)
    except ValueError as exc:
        if re.fullmatch(r"[\d.\-]+", value) and re.search(r"\d{4}", value) and not _SLASHED.match(value) \
                and not _YMD_SLASH.match(value) and not _MONTH_YEAR.match(value):   # "1978.11.30", "03-1985": below
            reason = reason_of(exc)
            if isinstance(reason, Message) and reason.values.get("text") == value:
                raise ValueError(Message(reason.msgid, **{**reason.values, "text": text})) from None
            raise ValueError(str(exc).replace(f"'{value}'", f"'{text}'")) from None
    if m := _SLASHED.match(value):
        return parse_partial_date(f"{m.group(3)}-{int(m.group(2)):02d}-{int(m.group(1)):02d}")
    if m := _YMD_SLASH.match(value):
        return parse_partial_date("-".join(g for g in m.groups() if g))
    if m := _MONTH_YEAR.match(value):
        return parse_partial_date(f"{m.group(2)}-{int(m.group(1)):02d}")
    words = [w.lower().rstrip(".") for w in _WORD.findall(value)]
    months = [month_words()[w] for w in words if w in month_words()]
    numbers = re.findall(r"\d+", value)
    others = [w for w in words if w not in month_words()]
    if len(months) == 1 and not others and numbers:
        year = next((n for n in numbers if len(n) == 4), None)
        days = [n for n in numbers if len(n) <= 2]
        if year and len(numbers) == 1 + len(days) and len(days) <= 1:
            iso = f"{year}-{months[0]:02d}" + (f"-{int(days[0]):02d}" if days else "")
            return parse_partial_date(iso)
    raise ValueError(Message(N_("'%(text)s' is not a date (use YYYY, YYYY-MM, YYYY-MM-DD, DD.MM.YYYY "
                                "or a month name and year, e.g. 'March 2022')"), text=text))
