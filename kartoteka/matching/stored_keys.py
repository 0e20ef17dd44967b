"""The matcher's blocking keys in a form a database can store and index (table name_keys).

The in-memory index (matching/index.py, matching/kin.py) files a person under Python ``hash()`` values of
(surname key, given-name block) pairs, which change with every process. Here the same pairs are produced
by calling the same functions (``given_blocks``, the surname token's keys, kin's given and father
blocks) and hashed with a stable 64-bit hash. tests/matching/test_stored_keys.py checks that Python's
hash of these pairs is exactly the in-memory index's blocks, so a change to index.py or kin.py that is
not followed here fails a test.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import lru_cache
from typing import Protocol

from kartoteka.domain.dates import PartialDate
from kartoteka.matching import kin
from kartoteka.matching.index import ANY, _deletions, _russified_forms, given_blocks, surname_given_pairs
from kartoteka.matching.tokens import PreparedName, Token, patronymic_gender
from kartoteka.names.keys import base_keys, is_cyrillic, plain_form

Pair = tuple[str, ...]


@lru_cache(maxsize=1_000_000)
def stable_hash(pair: Pair) -> int:
    """A signed 64-bit hash of a block that is the same in every process (BIGINT column)."""
    digest = hashlib.blake2b("\x1f".join(pair).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little", signed=True)


def name_pairs(name: PreparedName, *, transliteration: bool = False) -> frozenset[Pair]:
    """The blocks index.name_blocks files a registry name under, as pairs."""
    if name.surname is None:
        return frozenset()
    return _pairs(name.surname, name.given, transliteration)


def name_hashes(name: PreparedName, *, transliteration: bool = False) -> frozenset[int]:
    """stable_hash of each of name_pairs(name)."""
    if name.surname is None:
        return frozenset()
    return _hashes(name.surname, name.given, transliteration)


def person_pairs(names: list[PreparedName]) -> set[Pair]:
    """The blocks CandidateIndex.build files a person under: a Latin name of a person who also has a
    Cyrillic one only under its transliteration keys (index.name_blocks)."""
    if len(names) == 1:
        return set(name_pairs(names[0]))
    cyrillic = [is_cyrillic(n.full) for n in names]
    return set().union(*(name_pairs(n, transliteration=any(cyrillic) and not c) for n, c in zip(names, cyrillic)))


def person_hashes(names: list[PreparedName]) -> set[int]:
    """stable_hash of each of person_pairs(names)."""
    if len(names) == 1:
        return set(name_hashes(names[0]))
    cyrillic = [is_cyrillic(n.full) for n in names]
    return set().union(*(name_hashes(n, transliteration=any(cyrillic) and not c) for n, c in zip(names, cyrillic)))


def surname_marks(names: list[PreparedName]) -> set[Pair]:
    """("surname", key) for every key of every surname a person carries: what CandidateIndex keeps in
    ``surname_keys`` (which the matcher reads as "the registry has this surname")."""
    return {("surname", k) for n in names if n.surname is not None for k in n.surname.keys}


@lru_cache(maxsize=500_000)
def _hashes(surname: Token, given: Token | None, transliteration: bool = False) -> frozenset[int]:
    return frozenset(stable_hash(p) for p in _pairs(surname, given, transliteration))


@lru_cache(maxsize=500_000)
def _pairs(surname: Token, given: Token | None, transliteration: bool = False) -> frozenset[Pair]:
    gs = given_blocks(given, query=False) + [ANY]   # as index._blocks
    if transliteration and given is not None and not given.initial:
        gs = [g for g in gs if not g.startswith("k") or g[1:] in base_keys(given.text)]
    keys = base_keys(surname.text) if transliteration else surname.keys
    return frozenset((ks, g) for ks in keys for g in gs)


def kin_tuples(birth: PartialDate, given: Token, patronymic: Token) -> set[Pair]:
    """kin._hashes as tuples: (kin, full birth date, given-name block, father's-name block)."""
    day = birth.iso()
    return {("kin", day, g, f) for g, f in kin.pairs(given, patronymic)}


def person_kin(birth: PartialDate | None, names: Iterable[PreparedName]) -> set[Pair]:
    """The kin blocks KinIndex files a person under (only with a full birth date)."""
    if birth is None or birth.day is None:
        return set()
    out: set[Pair] = set()
    for name in names:
        if name.given is not None and name.patronymic is not None and not name.given.initial:
            out |= kin_tuples(birth, name.given, name.patronymic)
    return out


def query_kin(birth: PartialDate | None, units: list[Token]) -> set[Pair]:
    """The kin blocks KinIndex.candidates looks up for a list name."""
    if birth is None or birth.day is None:
        return set()
    singles = [u for u in units if len(u.covers) == 1 and not u.initial]
    out: set[Pair] = set()
    for g in singles:
        for p in singles:
            if p is not g and patronymic_gender(p) is not None:
                out |= kin_tuples(birth, g, p)
    return out


def surname_variants(names: Iterable[PreparedName]) -> set[tuple[str, str]]:
    """(variant, surname key): the deletion neighbourhoods CandidateIndex keeps in ``near`` (keys of four
    letters or more) and ``near_plain`` (plain spellings of five or more), which find typos."""
    return token_variants({name.surname for name in names if name.surname is not None})


def token_variants(surnames: Iterable[Token]) -> set[tuple[str, str]]:
    """``surname_variants`` of names with these surname tokens: the variants of many persons at once are
    those of their distinct surnames (a bulk import's chunk: a few thousand of them for 5,000 persons, each
    with a hundred variants or so, which a union per person copied again and again)."""
    out: set[tuple[str, str]] = set()
    for tok in surnames:
        out |= _token_variants(tok)
    return out


@lru_cache(maxsize=200_000)
def _token_variants(tok: Token) -> frozenset[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for key in tok.keys:
        if len(key) >= 4:
            out |= {(v, key) for v in _deletions(key) | {key}}
    plain = plain_form(tok.text)
    if len(plain) >= 5:
        out |= {("~" + v, key) for v in _deletions(plain) | {plain} for key in tok.keys}
    return frozenset(out)


class NearSource(Protocol):
    """What query_pairs needs from the registry: surname keys near a variant, and which keys exist."""

    def near_variants(self, variants: set[str]) -> dict[str, set[str]]: ...

    def existing(self, keys: set[str]) -> set[str]: ...


def query_pairs(units: list[Token], source: NearSource, *, near: bool = True) -> set[Pair]:
    """The pairs CandidateIndex.query_blocks hashes, with the registry's near surnames from ``source``."""
    singles = [u for u in units if len(u.covers) == 1]
    found: dict[str, set[str]] = {}
    if near:
        wanted: set[str] = set()
        for su in units:
            if su.initial:
                continue
            wanted |= {v for k in su.keys if len(k) >= 4 for v in _deletions(k) | {k}}
            plain = plain_form(su.text)
            if len(plain) >= 5:
                wanted |= {"~" + v for v in _deletions(plain) | {plain}}
        found = source.near_variants(wanted)
        russified = {su: {v for k in su.keys for v in _russified_forms(k)} for su in units
                     if not su.initial and len(plain_form(su.text)) >= 5}
        present = source.existing(set().union(*russified.values())) if russified else set()   # one look-up
    out: set[Pair] = set()
    for su in units:
        if su.initial:
            continue
        skeys: set[str] = set(su.keys)
        if near:
            for k in su.keys:
                if len(k) >= 4:
                    skeys |= {x for v in _deletions(k) | {k} for x in found.get(v, set())}
            plain = plain_form(su.text)
            if len(plain) >= 5:
                skeys |= {x for v in _deletions(plain) | {plain} for x in found.get("~" + v, set())}
                skeys |= russified[su] & present
        out |= surname_given_pairs(su, singles, skeys)
    return out
