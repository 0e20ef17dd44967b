"""Given-name equivalence: Russian, Ukrainian and Belarusian forms, diminutives and Latin usage.

Every entry of data/names/given_names.yaml is one class. A token belongs to every class whose forms
share a key with it (see kartoteka.names.keys), so "Serhii", "Сергей" and "Сяргей" land in one class.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, cast


from kartoteka import yamldata

from rapidfuzz.distance import OSA

from kartoteka.names.keys import base_keys, key_sources, plain_form

KINDS = ("ru", "uk", "be", "lat", "intl", "dim")


@dataclass(frozen=True)
class GivenName:
    id: int
    gender: str                      # "m" / "f"
    forms: dict[str, tuple[str, ...]]  # kind -> forms

    @property
    def label(self) -> str:
        return self.forms["ru"][0] if self.forms.get("ru") else next(iter(self.forms.values()))[0]


@dataclass(frozen=True)
class Membership:
    name: GivenName
    kind: str                        # which field the token matched: ru / uk / be / lat / intl / dim
    form: str = ""                   # the form it matched


MIN_SPELLING = 0.55   # a key shared with a form spelled this differently is a coincidence (Гена/Xenia)
SPELLING_SPREAD = 0.2  # keep classes whose form is spelled almost as close as the best one


class GivenNames:
    """The loaded table, indexed by key."""

    def __init__(self, entries: list[GivenName], keys_of: Mapping[str, Iterable[str]] | None = None):
        """``keys_of``: each form's ``base_keys`` when known (from the cache), else computed here."""
        self.entries = entries
        self._by_key: dict[str, list[Membership]] = defaultdict(list)
        for entry in entries:
            for kind, forms in entry.forms.items():
                for form in forms:
                    for key in (keys_of[form] if keys_of is not None else base_keys(form)):
                        self._by_key[key].append(Membership(entry, kind, form))

    def lookup(self, token: str) -> list[Membership]:
        """Classes a written token belongs to (full forms before diminutives).

        Keys are coarse on purpose, so a shared key is confirmed by spelling: the token's plain
        spelling must be close to the form's (Оля is not Алла, Гена is not Xenia)."""
        plain = plain_form(token)
        scored: list[tuple[float, Membership]] = []
        for key in sorted(base_keys(token)):
            for m in self._by_key.get(key, ()):
                scored.append((OSA.normalized_similarity(plain, plain_form(m.form)), m))
        best = max((sim for sim, _ in scored), default=0.0)
        # a form spelled exactly as written wins over forms that merely share the key (Витя is Виктор's
        # diminutive, not the name Вита)
        floor = 1.0 if best == 1.0 else best - SPELLING_SPREAD
        found: dict[int, Membership] = {}
        for sim, m in scored:
            if sim < MIN_SPELLING or sim < floor:
                continue
            old = found.get(m.name.id)
            if old is None or (old.kind == "dim" and m.kind != "dim"):
                found[m.name.id] = m
        if any(m.kind != "dim" for m in found.values()):
            # a full name in its own right (Алла) is not also read as another name's diminutive (Оля)
            found = {i: m for i, m in found.items() if m.kind != "dim"}
        return sorted(found.values(), key=lambda m: (m.kind == "dim", m.name.id))

    def classes_for_key(self, key: str) -> frozenset[int]:
        """Classes with a full form of this key (for the father's name inside a patronymic)."""
        return frozenset(m.name.id for m in self._by_key.get(key, ()) if m.kind != "dim")

    def class_ids(self, token: str) -> frozenset[int]:
        return frozenset(m.name.id for m in self.lookup(token))

    def gender(self, token: str) -> str | None:
        """'m' or 'f' when every class of the token has that gender."""
        genders = {m.name.gender for m in self.lookup(token)}
        return genders.pop() if len(genders) == 1 else None


def _as_tuple(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return (str(value),)


def parse_entries(data: dict[str, Any]) -> list[GivenName]:
    out = []
    for i, raw in enumerate(data["names"]):
        forms = {k: _as_tuple(raw.get(k)) for k in KINDS if raw.get(k)}
        out.append(GivenName(i, str(raw["g"]), forms))
    return out


def form_keys(entries: list[GivenName]) -> dict[str, list[str]]:
    """Every form of the table with its ``base_keys`` (sorted: the table is built in the same order)."""
    return {form: sorted(base_keys(form)) for entry in entries for forms in entry.forms.values() for form in forms}


@lru_cache(maxsize=1)
def given_names() -> GivenNames:
    """The table; its forms' keys come from the user's cache when this table, the readings and the key code
    are those they were computed from (computing them took ~0.1 s of every process's first search)."""
    text = resources.files("kartoteka").joinpath("data/names/given_names.yaml").read_text("utf-8")
    entries = parse_entries(cast(dict[str, Any], yamldata.safe_load(text)))
    keys_of = yamldata.cached("given-name-keys", [text.encode("utf-8"), *key_sources()], lambda: form_keys(entries))
    return GivenNames(entries, keys_of)
