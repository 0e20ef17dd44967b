"""The stored keys are the in-memory index's blocks: Python's hash of each stored pair is a block of
matching/index.py and matching/kin.py, for registry names and for list names (a change there that is
not followed in stored_keys.py fails here)."""

from __future__ import annotations

from kartoteka.domain.dates import parse_partial_date
from kartoteka.matching.index import CandidateIndex, name_blocks
from kartoteka.matching.kin import _hashes
from kartoteka.matching.stored_keys import (
    kin_tuples, name_pairs, person_hashes, person_pairs, query_pairs, stable_hash, surname_marks, surname_variants,
)
from kartoteka.matching.tokens import PreparedName, prepare_name, query_units

REGISTRY = [("Навальный Алексей Анатольевич", "Навальный", "Алексей", "Анатольевич"),
            ("Кара-Мурза Владимир Владимирович", "Кара-Мурза", "Владимир", "Владимирович"),
            ("Куртбекиров Эмир-Усеин", "Куртбекиров", "Эмир-Усеин", ""),
            ("Ivanova Maria", "Ivanova", "Maria", ""),
            ("Яшин И.", "Яшин", "И.", "")]
QUERIES = ["Navalny Alexei", "Alexej Nawalny", "Навальни", "Kara Murza Vladimir", "Kurtbekir Emir",
           "Ivanov Mariya", "Yashin Ilya", "Навальная", "Iwanowa M."]


class _Memory:
    """query_pairs' registry source read from an in-memory index."""

    def __init__(self, index: CandidateIndex) -> None:
        self.index = index

    def near_variants(self, variants: set[str]) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for v in variants:
            if v.startswith("~") and v[1:] in self.index.near_plain:
                out[v] = set(self.index.near_plain[v[1:]])
            elif not v.startswith("~") and v in self.index.near:
                out[v] = set(self.index.near[v])
        return out

    def existing(self, keys: set[str]) -> set[str]:
        return keys & self.index.surname_keys


def _names() -> list[PreparedName]:
    return [prepare_name(*n) for n in REGISTRY]


def test_registry_pairs_are_the_index_blocks() -> None:
    for name in _names():
        assert {hash(p) for p in name_pairs(name)} == set(name_blocks(name))
        assert name_pairs(name)


def test_query_pairs_are_the_index_query_blocks() -> None:
    names = _names()
    index = CandidateIndex.build((i, [n]) for i, n in enumerate(names))
    stored_like = _Memory(index)
    for text in QUERIES:
        units = query_units(text)
        for near in (False, True):
            assert {hash(p) for p in query_pairs(units, stored_like, near=near)} == index.query_blocks(units, near=near)


def test_surname_variants_cover_the_near_maps() -> None:
    names = _names()
    index = CandidateIndex.build((i, [n]) for i, n in enumerate(names))
    variants = surname_variants(names)
    assert {(v, k) for v, ks in index.near.items() for k in ks} == {(v, k) for v, k in variants if v[0] != "~"}
    assert {("~" + v, k) for v, ks in index.near_plain.items() for k in ks} == {x for x in variants if x[0][0] == "~"}


def test_kin_tuples_are_kin_blocks_and_hashes_are_stable() -> None:
    name = prepare_name("Навальный Алексей Анатольевич", "Навальный", "Алексей", "Анатольевич")
    birth = parse_partial_date("1976-06-04")
    assert name.given is not None and name.patronymic is not None
    assert {hash(t) for t in kin_tuples(birth, name.given, name.patronymic)} == _hashes(birth, name.given, name.patronymic)
    assert stable_hash(("navalni", "*")) == stable_hash(("navalni", "*")) != stable_hash(("navalni", "-"))
    assert stable_hash(("a", "bc")) != stable_hash(("ab", "c"))


def test_name_hashes_are_the_stable_hashes_of_the_pairs() -> None:
    for name in _names():
        from kartoteka.matching.stored_keys import name_hashes
        assert name_hashes(name) == {stable_hash(p) for p in name_pairs(name)}


def test_a_person_with_cyrillic_and_latin_names_is_filed_as_the_index_files_him() -> None:
    names = [prepare_name("Ковалёв Игорь Евгеньевич", "Ковалёв", "Игорь", "Евгеньевич"),
             prepare_name("Ihar Kavalioŭ", "Kavalioŭ", "Ihar", ""), prepare_name("Igor Kovalev", "Kovalev", "Igor", "")]
    index = CandidateIndex.build([(0, names)])
    assert {hash(p) for p in person_pairs(names)} == set(index.hashes.tolist())
    assert person_hashes(names) == {stable_hash(p) for p in person_pairs(names)}
    assert person_pairs(names) < set().union(*(name_pairs(n) for n in names))   # fewer than each name alone
    assert {p[1] for p in surname_marks(names)} == index.surname_keys
