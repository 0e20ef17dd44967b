"""Candidate generation by blocking keys, so that no list row is compared with every person.

A registry name is filed under (surname key, given-name key) pairs: the surname's cross-script
skeleton with the given name's equivalence class, its own key, or its initial; plus (surname key,
"*") for surname-only searches. A list row looks up every (token as surname, other token as given
name) pair, and surname keys one edit away (a deletion neighbourhood), which covers typos.
Blocks are 64-bit hashes in one sorted numpy array: a million persons fit in a few hundred MB.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from array import array
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from itertools import product


from kartoteka.matching.compare import russified_forms
from kartoteka.matching.tokens import PreparedName, Token, patronymic_gender
from kartoteka.names.keys import base_keys, is_cyrillic, plain_form

if TYPE_CHECKING:   # numpy is loaded when an index is built or read, not at import (CLI start)
    import numpy as np

ANY = "*"
SIDES_MAX = 100_000   # list words whose surname side an index keeps (CandidateIndex.surname_side)


def given_blocks(given: Token | None, *, query: bool) -> list[str]:
    if given is None:
        return ["-"]
    if given.initial:
        return ["i" + x for x in given.initials]
    out = ["c%d" % c for c in given.classes] + ["k" + k for k in given.keys]
    if not query or not (given.classes or patronymic_gender(given)):
        out += ["i" + x for x in given.initials]  # an unknown given name may be a typo: its initial
    if not query:
        for part in given.parts:   # several given names (Эмир-Усеин, "John David"): each one finds it
            out += ["c%d" % c for c in part.classes] + ["k" + k for k in part.keys]
    return out


def name_blocks(name: PreparedName, *, transliteration: bool = False) -> frozenset[int]:
    """Blocks of a registry name; ``transliteration``: a Latin name of a person who also has a Cyrillic
    one is filed under its transliteration keys only (the foreign-name readings of data/names/readings.yaml
    are for people whose registry names are all Latin: the others meet a list through the Cyrillic name)."""
    if name.surname is None:
        return frozenset()
    return _blocks(name.surname, name.given, transliteration)


@lru_cache(maxsize=500_000)
def _blocks(surname: Token, given: Token | None, transliteration: bool = False) -> frozenset[int]:
    keys = base_keys(surname.text) if transliteration else surname.keys
    return frozenset(map(hash, product(keys, _given_side(given, transliteration))))


@lru_cache(maxsize=100_000)   # given names recur: their side of the blocks is made once per token
def _given_side(given: Token | None, transliteration: bool) -> tuple[str, ...]:
    gs = given_blocks(given, query=False) + [ANY]
    if transliteration and given is not None and not given.initial:
        gs = [g for g in gs if not g.startswith("k") or g[1:] in base_keys(given.text)]
    return tuple(gs)


def _gender_forms(key: str) -> set[str]:
    out = set()
    if key.endswith(("v", "n")):
        out.add(key + "a")
    if key.endswith("i"):
        out.add(key[:-1] + "a")
    if key.endswith(("va", "na")):
        out.add(key[:-1])
    if key.endswith("a"):
        out.add(key[:-1] + "i")
    return out


def _russified_forms(key: str) -> set[str]:
    """Куртбекир <-> Куртбекиров, Куртбекирова (the scorer's compare.russified)."""
    if len(key) < 5:
        return set()
    out = set(russified_forms(frozenset((key,))))
    for e in ("av", "ev", "in", "ava", "eva", "ina"):
        if key.endswith(e) and len(key) - len(e) >= 5:
            out |= {key[: -len(e)], key[: -len(e)] + "i"}   # Абдулвапиев: the -и- folded away before -ев
    return out


class SortedBlocks:
    """Rows filed under 64-bit block hashes: the hashes sorted (stably: a block's rows in their order), and
    each distinct hash with where its rows start, so that a look-up searches the distinct hashes only."""

    def __init__(self, hashes: np.ndarray, rows: np.ndarray):
        import numpy as np

        order = np.argsort(hashes, kind="stable")
        self.hashes = hashes[order]
        self.rows = rows[order]
        firsts = np.flatnonzero(self.hashes[1:] != self.hashes[:-1]) + 1
        self.starts = np.concatenate(([0], firsts, [len(self.hashes)])).astype(np.int64) if len(self.hashes) \
            else np.zeros(1, dtype=np.int64)
        self.distinct = self.hashes[self.starts[:-1]]

    def lookup(self, blocks: set[int], limit: int) -> set[int]:
        """Rows filed under any of ``blocks`` (at most ``limit`` per block, the first ones)."""
        import numpy as np

        if not blocks or not len(self.distinct):
            return set()
        q = np.fromiter(blocks, dtype=np.int64, count=len(blocks))
        at = np.searchsorted(self.distinct, q)
        at[at == len(self.distinct)] = 0
        at = at[self.distinct[at] == q]
        found: set[int] = set()
        rows = self.rows
        for a, b in zip(self.starts[at].tolist(), self.starts[at + 1].tolist()):
            found.update(rows[a:min(b, a + limit)].tolist())
        return found


def _deletions(key: str) -> set[str]:
    return {key[:i] + key[i + 1:] for i in range(len(key))}


def surname_given_pairs(su: Token, singles: list[Token], skeys: set[str] | frozenset[str]) -> set[tuple[str, str]]:
    """The blocks of a list name read with ``su`` as its surname: each surname key in ``skeys`` with each
    given-name block of the other one-part units (the in-memory index hashes them, the stored one too)."""
    return set(product(*_surname_given_sides(su, singles, skeys)))


def _surname_given_sides(su: Token, singles: list[Token], skeys: set[str] | frozenset[str]
                         ) -> tuple[set[str] | frozenset[str], list[str]]:
    """(surname keys, given-name blocks) whose every pair is a block of surname_given_pairs."""
    others = [g for g in singles if g.covers[0] not in su.covers]
    gs = [b for g in others for b in given_blocks(g, query=True)] or [ANY]
    if gs != [ANY]:
        gs.append("-")  # registry names with a surname only
    if gs == [ANY]:  # a surname alone: show the other gender's form too (Навальный, Навальная)
        skeys = skeys | {v for k in skeys for v in _gender_forms(k)}
    return skeys, gs


def person_blocks(person_names: list[PreparedName]) -> frozenset[int] | set[int]:
    """The blocks a person is filed under: a Latin name of a person who also has a Cyrillic one only
    under its transliteration keys."""
    if len(person_names) == 1:
        return name_blocks(person_names[0])
    cyrillic = [is_cyrillic(n.full) for n in person_names]
    some = any(cyrillic)
    return set().union(*(_blocks(n.surname, n.given, some and not c)
                         for n, c in zip(person_names, cyrillic) if n.surname is not None))


def block_arrays(names: Iterable[tuple[int, list[PreparedName]]]) -> tuple[bytes, bytes]:
    """(block hashes as int64, their rows as int32) of these persons, in their order (the bytes go
    through a pipe cheaply: see Matcher's forked build)."""
    hashes: list[int] = []
    rows: list[int] = []
    for row, person_names in names:
        blocks = person_blocks(person_names)
        hashes.extend(blocks)
        rows += [row] * len(blocks)
    return array("q", hashes).tobytes(), array("i", rows).tobytes()


class CandidateIndex:
    def __init__(self, hashes: np.ndarray, rows: np.ndarray, surnames: dict[str, set[str]]):
        self.block_rows = SortedBlocks(hashes, rows)
        self.hashes, self.rows = self.block_rows.hashes, self.block_rows.rows
        self.surname_keys: frozenset[str] = frozenset().union(*surnames.values()) if surnames else frozenset()
        self.near: dict[str, set[str]] = defaultdict(set)
        for key in set().union(*surnames.values()) if surnames else set():
            if len(key) >= 4:
                for variant in _deletions(key) | {key}:
                    self.near[variant].add(key)
        self._surname_sides: dict[tuple[str, bool], frozenset[str]] = {}   # see surname_side
        self.near_plain: dict[str, set[str]] = defaultdict(set)
        for plain, keys in surnames.items():
            if len(plain) >= 5:
                for variant in _deletions(plain) | {plain}:
                    self.near_plain[variant] |= keys

    @classmethod
    def build(cls, names: Iterable[tuple[int, list[PreparedName]]]) -> CandidateIndex:
        tokens: set[Token | None] = set()

        def each() -> Iterable[tuple[int, list[PreparedName]]]:
            for row, person_names in names:
                for name in person_names:
                    tokens.add(name.surname)
                yield row, person_names

        return cls.from_blocks([block_arrays(each())], tokens)

    @classmethod
    def from_blocks(cls, parts: Iterable[tuple[bytes, bytes]], surnames: Iterable[Token | None]) -> CandidateIndex:
        """The index of the persons' blocks (``block_arrays`` of consecutive runs of rows, in row order)
        and of their surname tokens."""
        import numpy as np

        parts = list(parts)
        hashes = np.concatenate([np.frombuffer(h, dtype=np.int64) for h, _ in parts] or [np.empty(0, np.int64)])
        rows = np.concatenate([np.frombuffer(r, dtype=np.int32) for _, r in parts] or [np.empty(0, np.int32)])
        by_plain: dict[str, set[str]] = defaultdict(set)
        for tok in set(surnames):
            if tok is not None:
                by_plain[plain_form(tok.text)] |= tok.keys
        return cls(hashes, rows, by_plain)

    def near_keys(self, key: str) -> set[str]:
        """Surname keys in the registry within about one edit of ``key``."""
        if len(key) < 4:
            return {key}
        out = {key}
        for variant in _deletions(key) | {key}:
            out |= self.near.get(variant, set())
        return out

    def query_blocks(self, units: list[Token], *, near: bool = True) -> set[int]:
        singles = [u for u in units if len(u.covers) == 1]
        out: set[int] = set()
        for su in units:
            if su.initial:
                continue
            out.update(map(hash, product(*_surname_given_sides(su, singles, self.surname_side(su, near=near)))))
        return out

    def surname_side(self, su: Token, *, near: bool) -> frozenset[str]:
        """The surname keys a list word read as a surname looks up: its own keys, and with ``near`` the
        registry's surnames about an edit away and the Russified forms some registry surname has (made
        once per word and pass: list words recur)."""
        cache = self._surname_sides
        found = cache.get((su.text, near))
        if found is None:
            skeys: set[str] = set(su.keys)
            if near:
                nearby = self.near
                for k in su.keys:   # near_keys(k) without the sets it makes
                    if len(k) >= 4:
                        for variant in (*_deletions(k), k):
                            if (keys := nearby.get(variant)) is not None:
                                skeys |= keys
            plain = plain_form(su.text)
            if near and len(plain) >= 5:
                nearby = self.near_plain
                for variant in (*_deletions(plain), plain):
                    if (keys := nearby.get(variant)) is not None:
                        skeys |= keys
            if near and len(plain) >= 5:   # Куртбекир / Куртбекиров: only forms some registry surname has
                skeys |= {v for k in su.keys for v in _russified_forms(k)} & self.surname_keys
            if len(cache) >= SIDES_MAX:
                cache.clear()
            found = cache[(su.text, near)] = frozenset(skeys)
        return found

    def lookup(self, blocks: set[int], limit: int = 5000) -> set[int]:
        return self.block_rows.lookup(blocks, limit)

    def candidates(self, units: list[Token], *, near: bool = True) -> set[int]:
        """Persons sharing a block with the list name; ``near`` adds surnames about one edit away."""
        return self.lookup(self.query_blocks(units, near=near))

    def candidate_rows(self, units: list[Token], *, near: bool = True) -> set[int]:
        """As ``candidates``, without reading the persons where an index reads them lazily."""
        return self.candidates(units, near=near)
