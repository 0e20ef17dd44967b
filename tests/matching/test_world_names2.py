"""The matcher on a second hand-built set of names, independent of the first (test_world_names.py).

tests/matching/data/world2_registry.csv holds invented persons whose names real exchange lists write in many
ways; world2_cases.csv holds list rows against them, of kinds the first set covers thinly: Ukrainian passport
Latin (KMU 2010: Hryhorii, Yurii, Olha, Iryna, Zhenia, Yevheniia, -yi, ie/ia/iu) against Russian registry
forms and back, і ї є ґ and the three apostrophes (Мар'яна, Марʼяна, Мар’яна); Belarusian Cyrillic, passport
Latin and Łacinka (Аляксандр, Алесь, Зміцер, Źmicier, Siarhiej, Uladzimir, ць for ть); Crimean Tatar Latin and
Cyrillic (Ç Ş Ö İ â q, oğlu, qızı, огълу, къызы); Georgian (Davit, -dze, -shvili, Tamazis dze), Chechen,
Ingush, Dagestani, Azerbaijani (Məmmədov, Mammadov, oglu, qizi), Uzbek (o'g'li, ўғли), Tajik (ҳ, -zoda) and
Kazakh (қ ұ, -uly) names; Russian names with and without ё in English, German, French and Polish spellings
(Fjodor Semjonow, Iouri Chtchoukine, Sergueï, Siergiej Worobjow); diminutives across languages (Олесь,
Алесь, Женя and Валя of both genders, Slava), women's surname forms (-ская, -ська, -ska, -ская/-skaya),
double surnames and given names, capitals, initials, typos, partial and conflicting dates; and hard
negatives (namesakes, fathers and sons of one name, the other gender, near surnames: Тимощук/Тимошук,
Костюкович/Костюкевич, Бойко/Бойчук).

Measured (46 persons, 289 rows): 225 of 226 expected matches found, 5 wrong matches (all name-only rows the
documented common-name policy matches, each listed with its reason), 12 rows `review`. Before this set's fixes,
on the same rows: 213 of 226, 10 wrong matches (5 of them near surnames of other families matched without a
date: Костюкович, Гринчак, Процик, Бойчак, Ковальчик), 10 rows `review`.

The rules are those of the first set (its ``outcome``): no row may be matched to a wrong person; a case that
is not a known miss must get its expected decision (a `review` for a `no_match` is accepted); the recall of
the expected matches must not fall below the measured value.

    .venv/bin/python -m tests.matching.test_world_names2     # prints the per-kind report
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from functools import cache
from pathlib import Path

import pytest

from kartoteka.domain.dates import parse_partial_date
from kartoteka.domain.person import Gender
from kartoteka.matching.engine import Matcher, MatchResult, NameQuery, PersonRecord
from tests.matching.test_world_names import Case, outcome

DATA = Path(__file__).parent / "data"
MIN_RECALL = 0.995   # recall of the expected matches measured on this set: 225 of 226 (docs/matching.md)
# Name-only rows of names that fit exactly one registry person are matched by the documented common-name policy
# (docs/matching.md, Known limits); the set counts them as wrong, each listed with that reason.
MAX_JUSTIFIED_WRONG = 5


def load_registry() -> list[PersonRecord]:
    records: dict[str, PersonRecord] = {}
    with open(DATA / "world2_registry.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            parts = (row["surname"], row["given_name"], row["patronymic"])
            full = " ".join(x for x in parts if x)
            if row["id"] not in records:
                born = parse_partial_date(row["birth"]) if row["birth"] else None
                records[row["id"]] = PersonRecord(len(records) + 1, row["id"], row["gender"] or None, born,
                                                  [(full, *parts)])
            else:
                records[row["id"]].names.append((full, *parts, row["kind"] or "alias"))
    return list(records.values())


def load_cases() -> list[Case]:
    with open(DATA / "world2_cases.csv", encoding="utf-8", newline="") as f:
        return [Case(i, **row) for i, row in enumerate(csv.DictReader(f), start=2)]


@cache
def matcher() -> Matcher:
    return Matcher(load_registry())


@cache
def evaluate() -> tuple[tuple[Case, MatchResult, str], ...]:
    out = []
    for case in load_cases():
        r = matcher().match(NameQuery(case.name, parse_partial_date(case.birth) if case.birth else None,
                                      Gender(case.gender) if case.gender else None))
        out.append((case, r, outcome(case, r)))
    return tuple(out)


def recall() -> tuple[int, int]:
    rows = [(c, o) for c, _, o in evaluate() if c.expect == "match"]
    return sum(o == "found" for _, o in rows), len(rows)


def report() -> str:
    per_kind: dict[str, Counter[str]] = defaultdict(Counter)
    for case, _, o in evaluate():
        per_kind[f"{case.kind}/{case.expect}"][o] += 1
    lines = [f"{'kind/expected':34} {'rows':>4}  outcomes"]
    for kind in sorted(per_kind):
        c = per_kind[kind]
        lines.append(f"{kind:34} {sum(c.values()):4}  " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    found, total = recall()
    totals = Counter(o for _, _, o in evaluate())
    reviews = sum(1 for _, r, _ in evaluate() if r.decision == "review")
    lines.append(f"expected matches found {found}/{total} (recall {found / total:.3f}); wrong matches "
                 f"{totals['wrong']}; review decisions {reviews}/{len(evaluate())}")
    for case, r, o in evaluate():
        if o not in ("found", "ok") and not (o == "abstained" and case.expect == "no_match"):
            lines.append(f"  {o:13} line {case.line} [{case.kind}] {case.name!r} {case.birth or '-'}: expected "
                         f"{case.expect} {case.target or '-'}, got {r.decision} {r.ext_id or '-'} {r.score:.2f}"
                         f"{' (known: ' + case.known_miss + ')' if case.known_miss else ''} | {r.explanation}")
    return "\n".join(lines)


def test_set_is_well_formed() -> None:
    ids = {r.ext_id for r in load_registry()}
    cases = load_cases()
    assert len(cases) >= 150
    for c in cases:
        assert c.expect in ("match", "review", "no_match"), c
        assert not c.target or c.target in ids, c
        assert c.expect != "match" or c.target, c
        assert c.expect != "no_match" or not c.target, c


def test_no_wrong_matches() -> None:
    wrong = [(c.line, c.name, c.birth, r.ext_id, r.explanation) for c, r, o in evaluate()
             if o == "wrong" and not c.known_miss]
    assert not wrong, wrong
    justified = [c for c, _, o in evaluate() if o == "wrong"]
    assert len(justified) <= MAX_JUSTIFIED_WRONG and all(c.kind == "neg_common" for c in justified), justified


def test_expected_decisions_except_known_misses() -> None:
    accepted = {"found", "ok", "abstained"}
    failed = [(c.line, c.name, c.birth, c.expect, r.decision, r.ext_id, r.explanation)
              for c, r, o in evaluate()
              if not c.known_miss and (o not in accepted or (o == "abstained" and c.expect == "match"))]
    assert not failed, failed


def test_known_misses_are_still_misses() -> None:
    """A known miss the matcher now gets right should lose its note (so the set stays honest)."""
    fixed = [(c.line, c.name) for c, _, o in evaluate() if c.known_miss and o in ("found", "ok")]
    assert not fixed, fixed


def test_recall_of_expected_matches() -> None:
    found, total = recall()
    assert found / total >= MIN_RECALL, report()


@pytest.mark.parametrize("kind", ["neg_namesake_date", "neg_relative", "neg_gender", "neg_unknown", "neg_common"])
def test_hard_negatives_never_match(kind: str) -> None:
    rows = [(c, r) for c, r, _ in evaluate() if c.kind == kind]
    assert rows and all(r.decision != "match" for c, r in rows if not c.known_miss), \
        [(c.name, r.ext_id) for c, r in rows]


def test_every_decision_explains_itself() -> None:
    assert all(r.explanation and r.reasons for _, r, _ in evaluate())


if __name__ == "__main__":
    print(report())
