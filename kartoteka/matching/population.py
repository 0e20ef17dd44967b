"""The population a list name is judged against (data/names/surnames.yaml): which surnames are real
and which are so frequent that a name alone cannot single a person out."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, cast


from kartoteka import yamldata

from kartoteka.names.keys import key_sources, token_keys


def _forms(key: str) -> set[str]:
    """A masculine surname key with its feminine form (-ов/-ова, -ин/-ина, -ский/-ская)."""
    out = {key}
    if key.endswith(("v", "n")):
        out.add(key + "a")
    if key.endswith("i") and len(key) > 3:
        out.add(key[:-1] + "a")
    return out


# Shares of the population: the surname of rank r among `frequent` is carried by about
# TOP_SHARE * r ** -ZIPF of people (Смирнов, Иванов ~1.5 %, rank 10 ~0.25 %, rank 100 ~0.04 %), a `common`
# one by COMMON_SHARE, any other by RARE_SHARE (Zipf's law fits East Slavic surname counts closely).
TOP_SHARE, ZIPF, COMMON_SHARE, RARE_SHARE = 0.015, 0.8, 0.0002, 0.00005


@dataclass(frozen=True)
class Population:
    real: frozenset[str]        # keys of every listed surname (both genders)
    ranks: dict[str, int]       # key -> rank among the frequent ones (1 = most frequent)

    def is_real(self, keys: frozenset[str]) -> bool:
        return bool(keys & self.real)

    def surname_share(self, keys: frozenset[str]) -> float:
        """The estimated share of people carrying a surname with one of these keys."""
        ranks = [self.ranks[k] for k in keys if k in self.ranks]
        if ranks:
            return float(TOP_SHARE * min(ranks) ** -ZIPF)
        return COMMON_SHARE if keys & self.real else RARE_SHARE


def _keyed(text: str) -> tuple[list[str], dict[str, int]]:
    """(every key, the frequent ones' ranks) of the surnames catalog's text."""
    data = cast(dict[str, Any], yamldata.safe_load(text))
    ranks: dict[str, int] = {}
    for rank, name in enumerate(data["frequent"], 1):
        for key in token_keys(str(name)):
            for form in _forms(key):
                ranks.setdefault(form, rank)
    common = {f for s in data["common"] for k in token_keys(str(s)) for f in _forms(k)}
    return sorted(set(ranks) | common), ranks


@lru_cache(maxsize=1)
def population() -> Population:
    """The catalog's keys come from the user's cache when this catalog, the readings and the key code are
    those they were computed from (keying ~500 surnames took ~50 ms of every process's first match)."""
    text = resources.files("kartoteka").joinpath("data/names/surnames.yaml").read_text("utf-8")
    real, ranks = yamldata.cached("surname-keys", [text.encode("utf-8"), *key_sources()], lambda: _keyed(text))
    return Population(frozenset(real), dict(ranks))
