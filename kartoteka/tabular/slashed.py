"""Slashed dates (15/03/1985, 03/15/1985): which order a file writes them in, as its own dates show, and
reading one in that order. A list's birth column (services/lists.py) and an import's date columns
(services/rows.py) decide it the same way: a date whose first number is above 12 is day first, one whose
second is above 12 month first; 05/12/1980 could be either."""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from kartoteka.domain.dates import PartialDate
from kartoteka.errors import N_, Message
from kartoteka.tabular.reader import RawTable
from kartoteka.tabular.vocab import parse_loose_date

SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_ANY_SLASHED = re.compile(r"/\d{1,2}/\d{4}(?!\d)")   # one anywhere in a file's text (a literal first: fast)

_BIRTH_BEFORE = re.compile(r"^(?:д\.?\s*р\.?|г\.?\s*р\.?|р\.?\s*н\.?|дата рождения|дата народження|born|род\.|нар\.)"
                           r"\s*:?\s*", re.IGNORECASE)
_BIRTH_AFTER = re.compile(r"(?:\s*(?:г\.?\s*р\.?|р\.?\s*н\.?|года рождения|року народження|y\.?\s*o\.?\s*b\.?))?"
                          r"(?:\s+0?0:00(?::00)?)?\s*$", re.IGNORECASE)

_AGE = re.compile(r"\s*(?:\(\s*\d{1,3}\s*(?:лет|год|года|років|роки|рік|гадоў|гады|years?|y\.?\s*o\.?)?\.?\s*\)"
                  r"|,\s*\d{1,3}\s*(?:лет|год|года|років|роки|рік|гадоў|гады|years?(?:\s+old)?|y\.?\s*o\.?)\.?)\s*$",
                  re.IGNORECASE)
_SPACED = re.compile(r"^(\d{1,2})\.\s+(\d{1,2})\.\s+(\d{2,4})$")


def bare_birth(text: str) -> str:
    """A birth date's text without the words that mark it, a midnight or an age after it, and the spaces Word puts
    after its dots: "12.05.80 р.н." -> "12.05.80", "15.03.1985 (38 лет)" -> "15.03.1985", "15. 03. 1985" ->
    "15.03.1985"."""
    bare = _BIRTH_AFTER.sub("", _BIRTH_BEFORE.sub("", _AGE.sub("", text.strip())))
    return _SPACED.sub(r"\1.\2.\3", bare)


def full_year(two_digits: int, *, today: date | None = None) -> int:
    """The year a two-digit year of birth stands for ("85" in "12.03.85", "85 г.р."). Everyone on a list or in the
    registry is alive today, so born within the last hundred years: of 19yy and 20yy, the later one that is not in
    the future. In 2026, 00 to 26 are 2000 to 2026 (a child, a young soldier) and 27 to 99 are 1927 to 1999. Only a
    person of 100 or more is read wrong ("26 г.р." born in 1926 is read 2026); reading "26" as 1926 would read wrong
    every child born this year, who may be on a list of deported children."""
    year = 2000 + two_digits
    return year - 100 if year > (today or date.today()).year else year


_MARKED_YEAR = re.compile(r"^(?:(?:г\.?\s*р|р\.?\s*н)\.?\s*:?\s*(\d{2})|(\d{2})\s*(?:г\.?\s*р\.?|р\.?\s*н\.?|года\s+рождения"
                          r"|року\s+народження))$", re.IGNORECASE)


def marked_year(text: str) -> PartialDate | None:
    """A two-digit year with the words that mark a year of birth: "85 г.р.", "85 р.н.", "85г.р.", "р.н. 85", "85
    года рождения" is 1985 (:func:`full_year`). None for anything else: "85" alone (a year? an age?), "85 г." (a
    year, of what?), "85 лет" are not read."""
    m = _MARKED_YEAR.match(text.strip())
    return PartialDate(full_year(int(m.group(1) or m.group(2)))) if m else None


@dataclass(frozen=True)
class SlashedOrder:
    """How a list writes its slashed birth dates (DD/MM/YYYY or MM/DD/YYYY), as its own dates show: a date
    whose first number is above 12 is day first (25/05/1980), one whose second is above 12 month first
    (05/25/1980); 05/12/1980 could be either."""
    month_first: bool
    day_first_example: str = ""
    month_first_example: str = ""
    ambiguous: int = 0               # dates such as 05/12/1980
    ambiguous_example: str = ""

    def notes(self) -> list[str]:
        if self.month_first:
            return [Message(N_("the list writes birth dates month first (MM/DD/YYYY), as '%(example)s' shows: its "
                               "slashed dates were read so"), example=self.month_first_example)]
        if self.month_first_example and self.day_first_example:
            return [Message(N_("the list writes birth dates both day first ('%(day)s') and month first "
                               "('%(month)s'): they were read day first (DD/MM/YYYY), so check the dates that "
                               "were not understood and those that could be either"),
                            day=self.day_first_example, month=self.month_first_example)]
        if self.ambiguous and not self.day_first_example:
            return [Message(N_("%(n)d birth date(s) such as '%(example)s' could be day first or month first and "
                               "nothing in the list tells which: they were read day first (DD/MM/YYYY)"),
                            n=self.ambiguous, example=self.ambiguous_example)]
        return []


def slashed_order(texts: list[str]) -> SlashedOrder:
    """The order of the slashed birth dates among ``texts`` (a list's birth column, an import's date column):
    month first only when some date can only be read so and none only day first."""
    day = month = either = ""
    ambiguous = 0
    # each text once, in the order first seen (a registry repeats its dates: 100,000 dates, a third of them new)
    for text, times in Counter(t for t in texts if "/" in t).items():
        m = SLASHED.match(text.strip()) or SLASHED.match(bare_birth(text) or text.strip())   # (the first: a
        if m is None:                                                                      # bare date, fast)
            continue
        first, second = int(m.group(1)), int(m.group(2))
        if second <= 12 < first:
            day = day or text.strip()
        elif first <= 12 < second:
            month = month or text.strip()
        elif first != second and first <= 12 and second <= 12:
            ambiguous += times
            either = either or text.strip()
    return SlashedOrder(bool(month) and not day, day, month, ambiguous, either)


def mixed(order: SlashedOrder) -> bool:
    """Whether the dates show both orders (25/05/1980 and 05/25/1980): 05/12/1980 cannot be read then."""
    return bool(order.day_first_example and order.month_first_example)


IMPORT_MONTH_FIRST = N_("column '%(column)s' writes dates month first (MM/DD/YYYY), as '%(example)s' shows: its "
                        "slashed dates were read so (03/04/1985 is 4 March 1985)")
BOTH_ORDERS = N_("'%(text)s' could be day first or month first, and this column writes dates both ways ('%(day)s' "
                 "is day first, '%(month)s' month first): write it as YYYY-MM-DD")
NOT_IN_ORDER = N_("'%(text)s' can only be read %(order)s, but this column's slashed dates were read %(read)s (as "
                  "'%(example)s' shows): write it as YYYY-MM-DD")
DAY_FIRST = N_("day first (DD/MM/YYYY)")
MONTH_FIRST = N_("month first (MM/DD/YYYY)")


def import_notes(column: str, order: SlashedOrder) -> list[str]:
    """What an import report says of a date column's slashed dates: that they were read month first."""
    if order.month_first:
        return [Message(IMPORT_MONTH_FIRST, column=column, example=order.month_first_example)]
    return []


def read_date(text: str, order: SlashedOrder | None) -> PartialDate:
    """A date cell of an import (:func:`parse_loose_date`), its slashed date read in ``order``, the order its
    column shows (:func:`slashed_order`; None: day first). In a column that shows both orders a date that could
    be either is refused, and one that can be read only one way is read so; a date that contradicts the
    column's order (a column decided from its first rows) is refused, naming the order. Raises ValueError."""
    if order is None or "/" not in text or (m := SLASHED.match(text.strip())) is None:
        return parse_loose_date(text)
    first, second = int(m.group(1)), int(m.group(2))
    if mixed(order):
        if first <= 12 and second <= 12 and first != second:
            raise ValueError(Message(BOTH_ORDERS, text=text.strip(), day=order.day_first_example,
                                     month=order.month_first_example))
        month_first = second > 12
    elif order.month_first:
        if first > 12 >= second:
            raise ValueError(Message(NOT_IN_ORDER, text=text.strip(), order=Message(DAY_FIRST),
                                     read=Message(MONTH_FIRST), example=order.month_first_example))
        month_first = True
    else:
        if second > 12 >= first and order.day_first_example:
            raise ValueError(Message(NOT_IN_ORDER, text=text.strip(), order=Message(MONTH_FIRST),
                                     read=Message(DAY_FIRST), example=order.day_first_example))
        month_first = False
    if month_first:
        return parse_loose_date(f"{m.group(2)}/{m.group(1)}/{m.group(3)}")
    return parse_loose_date(text)


def read_birth(text: str, order: SlashedOrder | None) -> PartialDate:
    """A birth date cell of an import: "85 г.р." (:func:`marked_year`), or the date without the words that mark it
    ("1985 р.н.", "12.05.1980 г.р.", :func:`bare_birth`) as :func:`read_date` reads it; what cannot be read is
    said with the text as written. Raises ValueError."""
    year = marked_year(text)
    if year is not None:
        return year
    bare = bare_birth(text)
    if bare and bare != text.strip():
        try:
            return read_date(bare, order)
        except ValueError:
            pass   # said with the text as written
    return read_date(text, order)


def column_orders(fields: dict[str, str], date_fields: tuple[str, ...],
                  rows: list[tuple[int, dict[str, str]]]) -> dict[str, SlashedOrder]:
    """The order of each date field's column among ``rows`` (the file's rows, or its first rows)."""
    return {f: slashed_order([raw.get(fields[f], "") for _, raw in rows]) for f in date_fields if f in fields}


HEAD_ROWS = 20_000   # a file whose column cannot be read again cheaply is decided from its first rows


def file_orders(table: RawTable, fields: dict[str, str], date_fields: tuple[str, ...],
                rows: Iterator[tuple[int, dict[str, str]]]
                ) -> tuple[dict[str, SlashedOrder], Iterator[tuple[int, dict[str, str]]]]:
    """The order of each date column's slashed dates, decided before any row is parsed (a pool parses the
    chunks in other processes), and the rows to read. A CSV file's date columns are read again, together, when
    its text holds a slashed date at all (100,000 rows: 0.14 s for a persons file, 0.18 s for a cases file's two
    date columns; 0.003 s for the search of a file without one); another file's order is decided from its first HEAD_ROWS rows, which are kept and read again,
    and a later date that contradicts it is a row error (:func:`read_date`)."""
    wanted = [f for f in date_fields if f in fields]
    if not wanted:
        return {}, rows
    if table.columns is not None:
        cells = table.columns([fields[f] for f in wanted], _ANY_SLASHED)
        return {f: slashed_order(texts) for f, texts in zip(wanted, cells)}, rows
    head = list(itertools.islice(rows, HEAD_ROWS))
    return column_orders(fields, tuple(wanted), head), itertools.chain(head, rows)
