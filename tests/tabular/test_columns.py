import pytest

from kartoteka.errors import InvalidInput
from kartoteka.tabular.columns import map_columns, parse_mapping


def test_russian_and_ukrainian_headers() -> None:
    assert map_columns("persons", ["№", "ФИО", "Дата рождения", "Пол"]) == {
        "row_number": "№", "name": "ФИО", "birth_date": "Дата рождения", "gender": "Пол"}
    assert map_columns("persons", ["ID", "ПІБ", "Дата народження", "Стать"]) == {
        "id": "ID", "name": "ПІБ", "birth_date": "Дата народження", "gender": "Стать"}
    assert map_columns("persons", ["id", "Фамилия", "Имя", "Отчество"])["patronymic"] == "Отчество"


def test_explicit_mapping_wins_and_is_checked() -> None:
    fields = map_columns("persons", ["Nr", "Wer", "name"], parse_mapping(["Nr=id", "Wer=name"]))
    assert fields == {"id": "Nr", "name": "Wer"}
    with pytest.raises(InvalidInput, match="does not have"):
        map_columns("persons", ["a"], {"missing": "name"})
    with pytest.raises(InvalidInput, match="not a persons field"):
        map_columns("persons", ["a"], {"a": "shoe_size"})
    with pytest.raises(InvalidInput, match="HEADER=field"):
        parse_mapping(["nonsense"])
