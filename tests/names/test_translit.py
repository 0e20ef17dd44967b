"""Transliteration schemes as lists write them."""

import pytest

from kartoteka.names.translit import schemes, transliterate


@pytest.mark.parametrize("scheme,expected", [
    ("icao", "Navalnyi Aleksei"), ("mvd310", "Navalnyy Aleksey"), ("gost52535", "Navalnyi Aleksei"),
    ("german", "Nawalny Aleksej"), ("french", "Navalny Alekseï"), ("polish", "Nawalny Aleksej"),
    ("loc", "Navalʹnyĭ Alekseĭ"), ("scholarly", "Navalʹnyj Aleksej"),
])
def test_navalny(scheme: str, expected: str) -> None:
    assert transliterate("Навальный Алексей", scheme) == expected


def test_position_rules_and_case() -> None:
    assert transliterate("Юлія Євген", "kmu2010") == "Yuliia Yevhen"
    assert transliterate("ЦОЙ", "gost52535") == "TCOI"
    assert transliterate("Яшин", "french") == "Iachine"
    assert transliterate("Андреев", "bgn") == "Andreyev"


def test_every_scheme_names_its_source() -> None:
    assert all(s.get("source") and s.get("lang") in ("ru", "uk", "be") for s in schemes().values())
