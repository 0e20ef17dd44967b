"""Partial dates: a year, a year and month, or a full day, kept at the precision given."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum

from kartoteka.errors import Message, N_


class Precision(str, Enum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"


_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
_DOTTED = re.compile(r"^(?:(\d{1,2})[./])?(\d{1,2})[./](\d{4})$")


@dataclass(frozen=True, order=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return Precision.DAY
        if self.month is not None:
            return Precision.MONTH
        return Precision.YEAR

    def iso(self) -> str:
        """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``: the stored form."""
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def __str__(self) -> str:
        return self.iso()

    def compatible(self, other: PartialDate) -> bool:
        """True when the two dates could name the same day at their shared precision."""
        if self.year != other.year:
            return False
        if self.month is None or other.month is None:
            return True
        if self.month != other.month:
            return False
        return self.day is None or other.day is None or self.day == other.day

    def days_apart(self, other: PartialDate) -> int | None:
        """Distance in days when both are full dates, else None."""
        if self.day is None or other.day is None or self.month is None or other.month is None:
            return None
        a = dt.date(self.year, self.month, self.day)
        b = dt.date(other.year, other.month, other.day)
        return abs((a - b).days)


def parse_partial_date(text: str, *, today: dt.date | None = None) -> PartialDate:
    """Parse ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``, ``DD.MM.YYYY`` or ``MM.YYYY``.

    Raises ValueError with a readable reason for impossible or malformed dates.
    """
    value = text.strip()
    if "T" in value and _ISO.match(value.split("T", 1)[0]):
        value = value.split("T", 1)[0]
    if " " in value and _ISO.match(value.split(" ", 1)[0]):
        value = value.split(" ", 1)[0]
    m = _ISO.match(value)
    if m:
        year, month, day = int(m.group(1)), m.group(2), m.group(3)
        result = _checked(year, int(month) if month else None, int(day) if day else None, text)
    else:
        d = _DOTTED.match(value)
        if not d:
            raise ValueError(Message(N_("'%(text)s' is not a date (use YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY)"),
                                     text=text))
        day_s, month_s, year_s = d.group(1), d.group(2), d.group(3)
        result = _checked(int(year_s), int(month_s), int(day_s) if day_s else None, text)
    limit = today or dt.date.today()
    if result.year > limit.year or (result.precision == Precision.DAY and result.iso() > limit.isoformat()):
        raise ValueError(Message(N_("'%(text)s' is in the future"), text=text))
    return result


def _checked(year: int, month: int | None, day: int | None, text: str) -> PartialDate:
    if year < 1850:
        raise ValueError(Message(N_("'%(text)s': year %(year)d is implausible"), text=text, year=year))
    if month is not None and not 1 <= month <= 12:
        raise ValueError(Message(N_("'%(text)s': month %(month)d does not exist"), text=text, month=month))
    if day is not None and month is not None:
        try:
            dt.date(year, month, day)
        except ValueError:
            raise ValueError(Message(N_("'%(text)s': day %(day)d does not exist in %(month)s"),
                                     text=text, day=day, month=f"{year}-{month:02d}")) from None
    return PartialDate(year, month, day)
