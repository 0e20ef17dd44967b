"""Encoding detection never guesses silently: a bad byte in UTF-8 is named, an unclear file asks."""

from __future__ import annotations

import pytest

from kartoteka.errors import InvalidInput
from kartoteka.tabular.encoding import NAMED, detect

CAPS = "ИД;ФИО\n1;ИВАНОВ ИВАН ИВАНОВИЧ\n2;ПЕТРОВ ПЁТР\n3;СИДОРОВА АННА\n"
MIXED = "id;name\n1;Иванов Иван Иванович\n2;Петрова Анна Сергеевна\n"


@pytest.mark.parametrize("text", [CAPS, MIXED, "id;name\n1;Шевченко Тарас\n2;Коваль Віктор\n"])
@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r"])
def test_cyrillic_code_pages_are_told_apart_in_caps_and_mixed_case(text: str, encoding: str) -> None:
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("koi8_u")
    assert detect(data).text == text


def test_latin1_is_not_read_as_cp1251() -> None:
    assert detect("id;name\n1;Müller Jürgen\n2;Böhm Françoise\n".encode("latin-1")).text.split("\n")[1] \
        == "1;Müller Jürgen"


def test_one_bad_byte_in_utf8_is_reported_with_line_and_byte() -> None:
    data = MIXED.encode("utf-8").replace("Анна".encode(), b"\xff" + "нна".encode())
    with pytest.raises(InvalidInput, match=r"list.csv: the file is UTF-8 but has an invalid byte at line 3, byte 18"):
        detect(data, name="list.csv")
    with pytest.raises(InvalidInput, match="line 1, byte 6 .offset 5.: byte 0xff"):
        detect(b"\xef\xbb\xbfab\xffc", name="bom.csv")


def test_an_unclear_encoding_asks_and_a_named_one_is_used_strictly() -> None:
    with pytest.raises(InvalidInput, match="short.csv: the encoding is unclear: koi8_r or cp1251 .* --encoding"):
        detect(b"\xc1\xc2\n", name="short.csv")   # "БВ" in cp1251, "бв" in KOI8-R: both plausible
    token = NAMED.set("cp1251")
    try:
        assert detect(b"\xc1\xc2\n").text == "БВ\n"
        with pytest.raises(InvalidInput, match="not valid utf-8 at line 1"):
            NAMED.set("utf-8")
            detect(b"\xff")
    finally:
        NAMED.reset(token)
