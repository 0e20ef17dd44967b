"""The charge parser on notations as courts, NGOs and lists really write them."""

import pytest

from kartoteka.charges import parse_charges, parse_text

CASES = [
    # text, default code, [(code, article, part, point)]
    ("ч. 2 ст. 207.3 УК РФ", None, [("RU", "207.3", "2", "")]),
    ("п. «д» ч. 2 ст. 207.3 УК РФ", None, [("RU", "207.3", "2", "д")]),
    ("ст. 280.3 ч. 1", "RU", [("RU", "280.3", "1", "")]),
    ("207.3 part 2", "RU", [("RU", "207.3", "2", "")]),
    ("ч.2 ст.205.5", "RU", [("RU", "205.5", "2", "")]),
    ("Art. 438(2) CC of Ukraine", None, [("UA", "438", "2", "")]),
    ("ч. 1 ст. 438 ККУ", None, [("UA", "438", "1", "")]),
    ("ч. 5 ст. 111-1 КК України", None, [("UA", "111-1", "5", "")]),
    ("ч. 2 ст. 438, ч. 2 ст. 28 КК України", None, [("UA", "438", "2", ""), ("UA", "28", "2", "")]),
    ("ч. 2 ст. 207.3 УК РФ; ч. 1 ст. 280.3 УК РФ", None, [("RU", "207.3", "2", ""), ("RU", "280.3", "1", "")]),
    ("ст. 205.5 и ст. 278 УК РФ", None, [("RU", "205.5", "", ""), ("RU", "278", "", "")]),
    ("ч. 1 ст. 111-1 та ч. 3 ст. 436-2 КК України", None, [("UA", "111-1", "1", ""), ("UA", "436-2", "3", "")]),
    ("207.3 part 2 and 280.3 part 1", "RU", [("RU", "207.3", "2", ""), ("RU", "280.3", "1", "")]),
    ("ч. 1 ст. 342 УК РБ, ч. 2 ст. 293 УК Беларуси", None, [("BY", "342", "1", ""), ("BY", "293", "2", "")]),
    ("ч.1 ст.361-1 УК Беларуси та RU 356", None, [("BY", "361-1", "1", ""), ("RU", "356", "", "")]),
    ("пп. «ж», «л» ч. 2 ст. 105 УК РФ", None, [("RU", "105", "2", "ж,л")]),
    ("ч. 3 ст. 30, п. «а» ч. 2 ст. 205 УК РФ", None, [("RU", "30", "3", ""), ("RU", "205", "2", "а")]),
    ("Part 2 of Article 207.3 of the Criminal Code of the Russian Federation", None, [("RU", "207.3", "2", "")]),
    ("ст.ст. 205.5, 278 УК РФ", None, [("RU", "205.5", "", ""), ("RU", "278", "", "")]),
    ("УК РФ: ст. 205.5 ч. 2, ст. 278", None, [("RU", "205.5", "2", ""), ("RU", "278", "", "")]),
    ("207.3; 280.3", "RU", [("RU", "207.3", "", ""), ("RU", "280.3", "", "")]),
    ("ст. 111¹ КК України", None, [("UA", "111-1", "", "")]),
    ("ч. 2 ст. 207-3 УК", "RU", [("RU", "207.3", "2", "")]),          # hyphen written for a RU article
    ("ч. 1 ст. 361.1 УК", "BY", [("BY", "361-1", "1", "")]),          # dot written for a BY article
    ("ст. 342 ч.1 УК", "BY", [("BY", "342", "1", "")]),
    ("ст. 207.3 УК РФ и ст. 438 ККУ", "BY", [("RU", "207.3", "", ""), ("UA", "438", "", "")]),
    ("ч. 2 ст. 205.2 УК РФ (приговор от 12.03.2023, 6 лет)", None, [("RU", "205.2", "2", "")]),
    ("art. 205.2(2)", "RU", [("RU", "205.2", "2", "")]),
    ("ст. 207.3 ч. 2 п. «д» УК РФ", None, [("RU", "207.3", "2", "д")]),
    ("Art. 111-1 Part 5 of the Criminal Code of Ukraine", None, [("UA", "111-1", "5", "")]),
    ("частина 2 статті 438 Кримінального кодексу України", "RU", [("UA", "438", "2", "")]),
    ("статья 280.3 часть 1 Уголовного кодекса Российской Федерации", None, [("RU", "280.3", "1", "")]),
    ("ч.ч. 1, 2 ст. 212 УК РФ", None, [("RU", "212", "1,2", "")]),
    ("Ч. 2 СТ. 207.3 УК РФ", None, [("RU", "207.3", "2", "")]),
    ("ч. 1.1 ст. 205.1 УК РФ", None, [("RU", "205.1", "1.1", "")]),
]


@pytest.mark.parametrize(("text", "default", "expected"), CASES, ids=[c[0] for c in CASES])
def test_real_world_notations(text: str, default: str | None, expected: list[tuple[str, str, str, str]]) -> None:
    got = [(c.code, c.article, c.part, c.point) for c in parse_charges(text, default_code=default)]
    assert got == expected


def test_original_text_is_kept_per_charge() -> None:
    charges = parse_charges("п. «д» ч. 2 ст. 207.3 УК РФ; ст. 280.3 ч. 1 УК РФ")
    assert [c.raw for c in charges] == ["п. «д» ч. 2 ст. 207.3 УК РФ", "ст. 280.3 ч. 1 УК РФ"]
    assert charges[0].label() == "RU 207.3(2)"


def test_code_named_in_text_wins_over_the_default_and_is_marked() -> None:
    named, defaulted = parse_charges("ст. 438 ККУ, ст. 207.3", default_code="RU")
    assert (named.code, named.code_named) == ("UA", True)
    assert (defaulted.code, defaulted.code_named) == ("RU", False)


def test_no_code_and_no_default_leaves_the_code_empty_not_guessed() -> None:
    (charge,) = parse_charges("ст. 205.5 ч. 1")
    assert (charge.code, charge.article) == ("", "205.5")
    assert charge.label() == "? 205.5(1)"


def test_fragments_that_are_not_charges_are_reported_not_dropped() -> None:
    result = parse_text("ч. 2; фейки об армии", default_code="RU")
    assert result.charges == []
    assert result.leftovers == ["ч. 2"]
    assert parse_text("фейки об армии").leftovers == ["фейки об армии"]
    assert parse_text("").leftovers == [] and parse_text("").charges == []


def test_dates_years_and_sentences_are_not_articles() -> None:
    assert parse_charges("приговор 12.03.2023, 8 лет колонии", default_code="RU") == []


def test_repeated_charge_is_listed_once() -> None:
    assert len(parse_charges("ч. 2 ст. 207.3 УК РФ; ч. 2 ст. 207.3 УК РФ")) == 1
