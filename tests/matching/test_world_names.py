"""The matcher on a hand-built set of names as real lists write them (not the synthetic generator).

tests/matching/data/world_registry.csv holds 88 invented persons (Crimean Tatar, Ukrainian, Belarusian,
Russian, Georgian, Armenian, Azerbaijani, Chechen, Jewish, Korean (Koryo-saram), German, Polish and Moldovan
names, hyphenated surnames and given names, namesakes and relatives); world_cases.csv holds list names written
against them the ways documentation staff meet them: Ukrainian and Crimean Tatar forms, KMU 2010, Russian-
style, German, Polish and French spellings, Crimean Tatar and Azerbaijani Latin, оглу/огълу/oğlu/кызы,
Armenian Latin and Western Armenian surnames against their Russian forms (Hovhannisyan = Оганесян, Hakobyan =
Акопян, Sargsyan = Саркисян = Саргсян), Korean romanizations against the Koryo-saram forms (Park/Bak = Пак,
Gim = Ким, Yi/Rhee = Ли, Choi/Choe = Цой, Jeong = Тен, Sin = Шин), name orders, capitals, initials,
diminutives, women's forms, typos, partial and conflicting dates, and hard negatives (namesakes with other
dates, relatives, the other gender, common names, unknown people, near surnames: Оганов, Parker, Пах, Бак,
Кимов, Ни for Ли).
Measured: 345 of 345 expected matches found, 4 wrong matches (all name-only rows of common names, the
documented policy), 17 of 435 rows `review`. Before the Armenian and Korean surname forms, on the same rows:
323 of 345 found, 4 wrong (on the 337 rows before those were added: 274 of 276, 4 wrong); before the fixes
of the previous session: 262 of 273, 5 wrong.

Each case states the decision a careful reader would give (``expect``) and the true person (``target``,
empty when the list person is nobody in the registry or cannot be told). A case the matcher still gets
otherwise is listed as a known miss with its reason (column ``known_miss``); the test fails when
  - any row is matched to a wrong person, except the few name-only rows the documented common-name policy
    matches (each listed with its reason; no more than MAX_JUSTIFIED_WRONG),
  - a case that is not a known miss gets another decision than expected (a `review` for a `no_match`
    expectation is accepted: abstaining is never wrong),
  - the recall of the expected matches falls below the measured value.

    .venv/bin/python -m tests.matching.test_world_names     # prints the per-kind report
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from kartoteka.domain.dates import parse_partial_date
from kartoteka.domain.person import Gender
from kartoteka.matching.engine import Matcher, MatchResult, NameQuery, PersonRecord

DATA = Path(__file__).parent / "data"
MIN_RECALL = 1.0   # recall of the expected matches measured on this set: 345 of 345 (docs/matching.md)
# Name-only rows of moderately common names that fit exactly one registry person are matched by the documented
# policy (docs/matching.md, Known limits); the set counts them as wrong, each listed with that reason.
MAX_JUSTIFIED_WRONG = 4


@dataclass(frozen=True)
class Case:
    line: int
    kind: str
    name: str
    birth: str
    gender: str
    target: str
    expect: str
    known_miss: str
    note: str


def load_registry() -> list[PersonRecord]:
    records: dict[str, PersonRecord] = {}
    with open(DATA / "world_registry.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            parts = (row["surname"], row["given_name"], row["patronymic"])
            full = " ".join(x for x in parts if x)
            if row["id"] not in records:
                pid = len(records) + 1
                born = parse_partial_date(row["birth"]) if row["birth"] else None
                records[row["id"]] = PersonRecord(pid, row["id"], row["gender"] or None, born, [(full, *parts)])
            else:
                records[row["id"]].names.append((full, *parts, row["kind"] or "alias"))
    return list(records.values())


def load_cases() -> list[Case]:
    with open(DATA / "world_cases.csv", encoding="utf-8", newline="") as f:
        return [Case(i, **row) for i, row in enumerate(csv.DictReader(f), start=2)]


@cache
def matcher() -> Matcher:
    return Matcher(load_registry())


def run(case: Case) -> MatchResult:
    return matcher().match(NameQuery(case.name, parse_partial_date(case.birth) if case.birth else None,
                                     Gender(case.gender) if case.gender else None))


def outcome(case: Case, r: MatchResult) -> str:
    """found / abstained / missed / wrong for an expected match; ok / abstained / wrong ... otherwise."""
    if r.decision == "match" and (not case.target or r.ext_id != case.target):
        return "wrong"
    if case.expect == "match":
        return {"match": "found", "review": "abstained", "no_match": "missed"}[r.decision]
    if case.expect == "review":
        return {"match": "overconfident", "review": "ok", "no_match": "missed"}[r.decision]
    return {"review": "abstained", "no_match": "ok"}[r.decision]


@cache
def evaluate() -> tuple[tuple[Case, MatchResult, str], ...]:
    out = []
    for case in load_cases():
        r = run(case)
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
    abstained = sum(1 for c, r, _ in evaluate() if r.decision == "review")
    lines.append(f"expected matches found {found}/{total} (recall {found / total:.3f}); wrong matches "
                 f"{totals['wrong']}; review decisions {abstained}/{len(evaluate())}")
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
