"""The population a list name is judged against (data/names/surnames.yaml): which surnames are real
and which are so frequent that a name alone cannot single a person out."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, cast

import yaml

from kartoteka.names.keys import token_keys


def _forms(key: str) -> set[str]:
    """A masculine surname key with its feminine form (-ов/-ова, -ин/-ина, -ский/-ская)."""
    out = {key}
    if key.endswith(("v", "n")):
        out.add(key + "a")
    if key.endswith("i") and len(key) > 3:
        out.add(key[:-1] + "a")
    return out


@dataclass(frozen=True)
class Population:
    real: frozenset[str]        # keys of every listed surname (both genders)
    frequent: frozenset[str]    # keys of the most frequent ones

    def is_real(self, keys: frozenset[str]) -> bool:
        return bool(keys & self.real)

    def is_frequent(self, keys: frozenset[str]) -> bool:
        return bool(keys & self.frequent)


@lru_cache(maxsize=1)
def population() -> Population:
    text = resources.files("kartoteka").joinpath("data/names/surnames.yaml").read_text("utf-8")
    data = cast(dict[str, Any], yaml.safe_load(text))
    frequent = {f for s in data["frequent"] for k in token_keys(str(s)) for f in _forms(k)}
    common = {f for s in data["common"] for k in token_keys(str(s)) for f in _forms(k)}
    return Population(frozenset(frequent | common), frozenset(frequent))
