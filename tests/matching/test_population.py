"""How common a surname is in the population the registry models (data/names/surnames.yaml)."""

from importlib import resources
from pathlib import Path

import pytest

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


def test_the_population_from_the_cache_is_the_one_computed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kartoteka.matching import population as pop

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    pop.population.cache_clear()
    try:
        first = pop.population()
        assert len(list((tmp_path / "kartoteka" / "catalogs").glob("surname-keys-*.marshal"))) == 1
        pop.population.cache_clear()
        monkeypatch.setattr(pop, "_keyed", lambda text: pytest.fail("keys computed again"))
        cached = pop.population()
        assert cached == first and len(cached.real) > 300 and cached.ranks
        assert cached.surname_share(token_keys("Иванов")) > cached.surname_share(token_keys("Куртбекиров"))
    finally:
        pop.population.cache_clear()
