"""Blocking: a list row only meets persons that share a surname key (or one a typo away)."""

import random

import pytest

from kartoteka.matching import index
from kartoteka.matching.engine import Matcher, PersonRecord
from kartoteka.matching.index import SortedBlocks
from kartoteka.matching.tokens import query_units


def person(pid: int, surname: str, given: str) -> PersonRecord:
    return PersonRecord(pid, f"P{pid}", "m", None, [(f"{surname} {given}", surname, given, "")])


def test_candidates_are_a_small_block_not_the_registry() -> None:
    surnames = ["Иванов", "Петров", "Сидоров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев"]
    givens = ["Иван", "Пётр", "Сергей", "Алексей", "Николай"]
    records = [person(i, s, g) for i, (s, g) in enumerate(((s, g) for s in surnames for g in givens for _ in range(5)))]
    m = Matcher(records)
    found = m.index.candidates(query_units("Sergei Ivanov"))
    assert 0 < len(found) <= 5 and all(m.candidates_[r].names[0].surname.text == "Иванов" for r in found)
    assert all(m.candidates_[r].names[0].given.text == "Сергей" for r in found)


def test_typos_and_initials_still_find_the_block() -> None:
    m = Matcher([person(1, "Ткачук", "Станислав"), person(2, "Мазур", "Володимир"), person(3, "Ткаченко", "Иван")])
    assert {m.ids[r] for r in m.index.candidates(query_units("Тлачук Станислав"))} == {1}
    assert {m.ids[r] for r in m.index.candidates(query_units("Mzur Volodymyr"))} == {2}
    assert {m.ids[r] for r in m.index.candidates(query_units("Ткачук С."))} == {1}
    assert m.index.candidates(query_units("Петров Иван")) == set()


def test_a_registry_name_with_a_surname_only_is_found() -> None:
    m = Matcher([PersonRecord(1, "P1", None, None, [("Сенцов", "Сенцов", "", "")])])
    assert {m.ids[r] for r in m.index.candidates(query_units("Oleg Sentsov"))} == {1}


def test_sorted_blocks_give_each_blocks_first_rows() -> None:
    import numpy as np

    rng = random.Random(3)
    values = [-(2 ** 63), -5, 0, 7, 12345, 2 ** 63 - 1]
    hashes = [rng.choice(values) for _ in range(500)]
    index = SortedBlocks(np.array(hashes, dtype=np.int64), np.arange(500, dtype=np.int32))
    for blocks in ({7}, {0, -5}, {99}, set(), {2 ** 63 - 1, -(2 ** 63)}, set(values) | {1, 2}):
        for limit in (1, 3, 1000):
            expected: set[int] = set()
            for b in blocks:
                expected |= set([row for row, h in enumerate(hashes) if h == b][:limit])
            assert index.lookup(blocks, limit) == expected, (blocks, limit)
    assert SortedBlocks(np.empty(0, np.int64), np.empty(0, np.int32)).lookup({1}, 5) == set()


def test_a_words_surname_side_is_kept_per_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    records = [person(1, "Ткачук", "Станислав"), person(2, "Мазур", "Володимир"), person(3, "Ткаченко", "Иван"),
               person(4, "Куртбекиров", "Эмир")]
    names = ["Тлачук Станислав", "Mzur Volodymyr", "Kurtbekir Emir", "Ткачук", "Tkachenko Ivan Mazur"]
    fresh = {(n, near): Matcher(records).index.query_blocks(query_units(n), near=near)
             for n in names for near in (True, False)}
    m = Matcher(records)
    for near in (True, False, True):   # the near pass's wider sides are not the exact pass's
        for n in names:
            assert m.index.query_blocks(query_units(n), near=near) == fresh[(n, near)]
    assert fresh[("Тлачук Станислав", True)] > fresh[("Тлачук Станислав", False)]
    monkeypatch.setattr(index, "SIDES_MAX", 2)   # a full cache starts again
    small = Matcher(records)
    for n in names:
        assert small.index.query_blocks(query_units(n), near=True) == fresh[(n, True)]
    assert len(small.index._surname_sides) <= 2
