"""How common a surname is in the population the registry models (data/names/surnames.yaml)."""

from importlib import resources

from kartoteka.matching.population import population
from kartoteka.names.keys import token_keys


def test_shares_fall_with_rank_and_cover_both_genders() -> None:
    pop = population()
    ivanov, ivanova, kolesnikov = (pop.surname_share(token_keys(s)) for s in ("Иванов", "Ivanova", "Колесников"))
    assert ivanov == ivanova > kolesnikov > pop.surname_share(token_keys("Сейдаметов"))
    assert pop.is_real(token_keys("Kulakov")) and not pop.is_real(token_keys("Kulikakov"))


def test_table_has_a_header_with_sources() -> None:
    text = resources.files("kartoteka").joinpath("data/names/surnames.yaml").read_text("utf-8")
    assert text.startswith("#") and "Sources:" in text
