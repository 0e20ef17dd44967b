import datetime as dt

import pytest

from kartoteka.domain.dates import PartialDate, Precision, parse_partial_date


@pytest.mark.parametrize("text,iso,precision", [
    ("1984", "1984", Precision.YEAR), ("1984-03", "1984-03", Precision.MONTH),
    ("1984-03-07", "1984-03-07", Precision.DAY), ("07.03.1984", "1984-03-07", Precision.DAY),
    ("7.3.1984", "1984-03-07", Precision.DAY), ("03.1984", "1984-03", Precision.MONTH),
    ("1984-03-07T00:00:00", "1984-03-07", Precision.DAY),
])
def test_parse_keeps_precision(text: str, iso: str, precision: Precision) -> None:
    d = parse_partial_date(text)
    assert d.iso() == iso
    assert d.precision == precision


@pytest.mark.parametrize("text,reason", [
    ("31.02.1990", "does not exist"), ("1990-13-01", "month 13"), ("yesterday", "not a date"),
    ("1700", "implausible"), ("2999-01-01", "future"),
])
def test_impossible_dates_are_refused_with_reason(text: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_partial_date(text, today=dt.date(2026, 1, 1))


def test_compatibility_and_distance() -> None:
    assert PartialDate(1984).compatible(PartialDate(1984, 3, 7))
    assert not PartialDate(1984, 4).compatible(PartialDate(1984, 3, 7))
    assert PartialDate(1984, 3, 7).days_apart(PartialDate(1984, 3, 8)) == 1
    assert PartialDate(1984).days_apart(PartialDate(1984, 3, 8)) is None
