"""The scorer's shared work (comparisons kept across queries, alignments shared by namesakes) must
never change a score or an explanation."""

import gc

import pytest

from kartoteka.domain.dates import parse_partial_date
from kartoteka.matching import scorer
from kartoteka.matching.engine import Matcher, NameQuery, PersonRecord

SURNAMES = ["Мельник", "Мельнік", "Коваленко", "Іваноў"]
GIVEN = [("Иван", "m"), ("Олексій", "m"), ("Мария", "f"), ("Alesia", "f"), ("Сергей", "m")]
FATHERS = ["Петрович", "Сергеевич", "Іванавіч", "Олегович", "Петрівна", "Андреевна"]


def registry() -> list[PersonRecord]:
    """Many namesakes: every surname with every given name and patronymic, some with Latin aliases."""
    out = []
    for i, (s, (g, gender), p) in enumerate((s, g, p) for s in SURNAMES for g in GIVEN for p in FATHERS):
        names = [(f"{s} {g} {p}", s, g, p)]
        if i % 3 == 0:
            names.append((f"{g} Melnyk", "Melnyk", g, ""))
        out.append(PersonRecord(i + 1, f"P{i + 1}", gender, parse_partial_date(f"{1950 + i % 40}-0{1 + i % 9}-1{i % 9}"),
                                names))
    return out


QUERIES = ["Мельник", "Мельник Иван", "Melnyk Ivan Petrovich", "Мельнік Іван Пятровіч", "Иван Мельник",
           "Коваленко Мария Петровна", "Kovalenko Mariia", "Мельник Иван Сергеевич", "Ivanou Aliaksei",
           "Мельник Иван Иванович", "Melnik I. P.", "Мельникова Мария", "Мельник Петрович"]


def scores(m: Matcher, text: str, born: str | None = None) -> list[tuple[int, float, str]]:
    q = NameQuery(text, parse_partial_date(born) if born else None)
    return [(row, sc.score, "; ".join(sc.reasons)) for row, sc in m.score_all(q)]


@pytest.fixture(scope="module")
def answers() -> dict[tuple[str, str | None], list[tuple[int, float, str]]]:
    """Each query answered by a matcher that has answered nothing else."""
    return {(t, b): scores(Matcher(registry()), t, b) for t in QUERIES for b in (None, "1961")}


def test_a_matcher_that_answered_other_queries_answers_the_same(answers) -> None:
    m = Matcher(registry())
    for _ in range(2):
        for (text, born), expected in answers.items():
            assert scores(m, text, born) == expected, text


def test_the_comparison_cache_is_bounded_and_clearing_it_changes_nothing(answers, monkeypatch) -> None:
    monkeypatch.setattr(scorer, "SIMS_MAX", 7)
    m = Matcher(registry())
    for (text, born), expected in answers.items():
        assert scores(m, text, born) == expected, text
        assert len(m._sims) <= 7


def test_namesakes_share_alignments(monkeypatch) -> None:
    calls = []
    real = scorer._best_alignment
    monkeypatch.setattr(scorer, "_best_alignment", lambda *a: calls.append(1) or real(*a))
    m = Matcher(registry())
    ranked = m.score_all(NameQuery("Мельник"))
    assert len(ranked) >= 60
    assert len(calls) < len(ranked) / 3


def test_a_shared_alignment_still_names_each_persons_own_patronymic() -> None:
    people = {r.ext_id: r for r in registry()}
    m = Matcher(list(people.values()))
    checked = 0
    for row, sc in m.score_all(NameQuery("Мельник Иван Иванович")):
        said = [r.split("differs from ")[1] for r in sc.reasons if "differs from" in r]
        if said:
            own = {p for _full, _s, _g, p in people[m.ext_ids[row]].names if p}
            assert said[0] in own, (m.ext_ids[row], said, own)
            checked += 1
    assert checked >= 10


def test_the_index_is_frozen_out_of_the_cyclic_collector() -> None:
    gc.unfreeze()
    m = Matcher(registry())
    assert gc.get_freeze_count() >= len(m.candidates_)


def test_skipping_other_birth_dates_loses_no_candidate_worth_reviewing() -> None:
    m = Matcher(registry())
    review = m.settings.review_threshold
    assert m.settings.cap_date < review
    compared = 0
    for text in QUERIES:
        for born in ("1951-02-11", "1953", "1961-05-14"):
            q = NameQuery(text, parse_partial_date(born))
            every = [(row, sc.score) for row, sc in m.score_all(q) if sc.score >= review]
            assert [(row, sc.score) for row, sc in m.score_all(q, skip_other_dates=True)
                    if sc.score >= review] == every
            compared += len(every)
            assert len(m.score_all(q, skip_other_dates=True)) <= len(m.score_all(q))
    assert compared > 0


def in_full(q: scorer.Query, name) -> tuple[scorer._Alignment | None, tuple]:
    """(the best alignment of ``name`` against ``q`` from every option of every part, with nothing shared; the
    patronymic's options)."""
    from kartoteka.matching.config import DEFAULT as s

    sur = scorer.options(q, "surname", name.surname, s) if name.surname is not None else ()
    if not sur:
        return None, ()
    given = scorer.options(q, "given", name.given, s) if name.given is not None else ()
    pat = scorer.options(q, "patronymic", name.patronymic, s) if name.patronymic is not None else ()
    return scorer._best_alignment(q, name, [list(sur), [None, *given], [None, *pat]], s), pat


@pytest.mark.parametrize("text", ["Мельник", "Мельникова", "Melnyk", "Петрович", "Иван", "Мельнык"])
def test_one_word_aligns_as_with_every_part_compared(text: str) -> None:
    """One word can only be the surname: align skips comparing it with given names and patronymics, and
    gets the alignment that comparing them all gives."""
    from kartoteka.matching.config import DEFAULT as s

    m = Matcher(registry())
    q = m.prepare(NameQuery(text))
    aligned = 0
    for cand in m.candidates_:
        for name in cand.complete_names():
            got = scorer.align(q, name, s)
            expected, _pat = in_full(q, name)
            assert got == expected
            aligned += got is not None
    assert aligned or text in ("Иван", "Петрович")


@pytest.mark.parametrize("text", ["Мельник Иван Иванович", "Мельник Иван Петрович", "Melnyk Ivan Sergeevich",
                                  "Мельник И. Олегович"])
def test_names_whose_patronymic_agrees_with_no_list_word_share_one_alignment(text: str, monkeypatch) -> None:
    """A registry patronymic that agrees with no list word is aligned once per shape and then only named in
    the cap: every name still gets what aligning it alone, in full, gives (its own patronymic in the words)."""
    from kartoteka.matching.config import DEFAULT as s

    m = Matcher(registry())
    q = m.prepare(NameQuery(text))
    calls = []
    real = scorer._best_alignment
    monkeypatch.setattr(scorer, "_best_alignment", lambda *a: calls.append(1) or real(*a))
    names = [name for cand in m.candidates_ for name in cand.complete_names()]
    shared = 0
    shapes, patronymics = set(), set()
    for name in names:
        before = len(calls)
        got = scorer.align(q, name, s)
        with monkeypatch.context() as alone:   # in another query, aligned in full
            alone.setattr(scorer, "_best_alignment", real)
            expected, pat = in_full(m.prepare(NameQuery(text + " ")), name)
        if expected is None:
            assert got is None
            continue
        assert (got.score, got.caps, got.parts.keys(), got.gender, got.compared_patronymic, got.needs) == (
            expected.score, expected.caps, expected.parts.keys(), expected.gender, expected.compared_patronymic,
            expected.needs), name
        if not pat and name.patronymic is not None:
            shared += 1
            shapes.add((name.surname, name.given))
            patronymics.add((name.surname, name.given, name.patronymic))
            calls[before:] = ["shared"] * (len(calls) - before)
    assert shared >= 4
    assert calls.count("shared") <= len(shapes) < len(patronymics)


@pytest.mark.parametrize("text", ["Мельник Иван Петрович", "Melnyk Ivan Sergeevich", "Иван Мельник Петрович", "Мельникова Мария",
                                  "Kovalenko Mariia Petrivna", "Мельник Олексій Іванович"])
def test_the_best_alignment_is_the_first_best_of_every_alignment_explained(text: str) -> None:
    """Alignments are compared by their score alone and only the best one is explained: it must be the
    alignment that explaining every one of them and keeping the first best gives."""
    from itertools import product

    from kartoteka.matching.config import DEFAULT as s

    m = Matcher(registry())
    q = m.prepare(NameQuery(text))
    compared = 0
    for cand in m.candidates_:
        for name in cand.complete_names():
            sur = scorer.options(q, "surname", name.surname, s) if name.surname is not None else ()
            given = scorer.options(q, "given", name.given, s) if name.given is not None else ()
            pat = scorer.options(q, "patronymic", name.patronymic, s) if name.patronymic is not None else ()
            best = None
            for combo in product(sur, [None, *given], [None, *pat]):
                covers = [c for item in combo if item is not None for c in item[0].covers]
                if len(covers) == len(set(covers)):
                    al = scorer._evaluate(q, name, combo, set(covers), s)
                    if best is None or al.score > best.score:
                        best = al
            got = scorer._best_alignment(q, name, [list(sur), [None, *given], [None, *pat]], s)
            assert got == best
            compared += len(sur) * (1 + len(given)) * (1 + len(pat))
    assert compared > 50


def namesakes() -> list[PersonRecord]:
    """Persons written alike, born on the same day, in the same year, a day apart, a year or years apart or on no
    known day, of either gender or none, some with the same Latin alias, one with another patronymic."""
    births = ["1961-05-14", "1961-05-14", "1961", "1961-05-15", "1962-05-14", "1970-01-02", None, None, "1961-05"]
    out = []
    for i, (born, gender) in enumerate((b, g) for b in births for g in ("m", "f", None)):
        names = [("Мельник Иван Петрович", "Мельник", "Иван", "Петрович")]
        if i % 2:
            names.append(("Ivan Melnyk", "Melnyk", "Ivan", ""))
        for twin in (0, 100):   # each written and dated as another person
            out.append(PersonRecord(twin + i + 1, f"N{twin + i + 1}", gender, parse_partial_date(born) if born else None,
                                    names))
    out.append(PersonRecord(999, "N999", "m", parse_partial_date("1961-05-14"),
                            [("Мельник Иван Сергеевич", "Мельник", "Иван", "Сергеевич")]))
    return out


@pytest.mark.parametrize("text,born", [("Мельник Иван Петрович", "1961-05-14"), ("Melnyk Ivan", "1961"),
                                       ("Мельник Иван", None), ("Мельник Ивана Петровна", "1961-05-15")])
def test_namesakes_written_alike_are_scored_once_and_each_as_if_alone(text: str, born: str | None,
                                                                       monkeypatch) -> None:
    """score_candidate keeps a query's result per (gender, patronymic, date kind, names): each namesake
    still gets exactly what scoring it alone gives, with its own birth date in the explanation."""
    from kartoteka.matching.config import DEFAULT as s

    m = Matcher(namesakes())
    calls = []
    real = scorer._score
    monkeypatch.setattr(scorer, "_score", lambda *a: calls.append(1) or real(*a))
    q = m.prepare(NameQuery(text, parse_partial_date(born) if born else None))
    got = [scorer.score_candidate(q, cand, s) for cand in m.candidates_]
    alike = {(c.gender, c.patronymic, scorer.date_kind(q.birth, c.birth), *c.names) for c in m.candidates_}
    assert len(calls) == len(alike) < len(got) * 0.6   # the namesakes shared their scoring
    kinds = set()
    for cand, sc in zip(m.candidates_, got):
        alone = scorer.score_candidate(m.prepare(NameQuery(text, q.birth)), cand, s)   # a query of its own
        assert alone is not None and sc is not None
        assert (sc.score, sc.reasons, sc.date, sc.registry_birth) == \
            (alone.score, alone.reasons, alone.date, alone.registry_birth)
        assert sc.registry_birth is cand.birth
        kinds.add(sc.date)
    assert len(kinds) >= (3 if born else 1)
    assert len({sc.score for sc in got}) >= (3 if born else 2)
