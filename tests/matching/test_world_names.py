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
    matches (each listed with its reason; no more than the set's ``max_justified_wrong``),
  - a case that is not a known miss gets another decision than expected (a `review` for a `no_match`
    expectation is accepted: abstaining is never wrong),
  - the recall of the expected matches falls below the measured value.

A second, independent set (world2_registry.csv, world2_cases.csv) is held to the same rules.
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

A third set (world3_registry.csv, world3_cases.csv: 46 persons, 335 rows) covers what the first two lack or
touch once: Georgian names in German, French and Polish spellings with Georgian patronymics (Nodaris dze,
Zurabis asuli) and diminutives (Гоги, Кети); Armenian given names (Ованнес / Hovhannes / Оганес) and Western
Armenian surnames (Bedrosian, Manoukian); North Caucasian names (Магомед / Mahomed / Магомет, Абдул-Керим and a
hyphenated patronymic); Belarusian passport Latin and Łacinka (Tsikhanouskaya, Cichanoŭskaja, Kavaliou,
Šaŭčuk for Шевчук); KMU 2010 with initial Ї and Й; Ukrainian surnames in German, Polish, French, Czech and
Dutch spellings; Russian ICAO 2013 passports (ILINA IULIIA), scholarly and ISO 9 transliteration; Tatar names;
maiden names (as an alias, in brackets, unknown to the registry), double surnames with a half missing or the
halves swapped, Latin/Cyrillic look-alike letters in one word, initials, orders, -ой/-ий, -ая, ё; and near
surnames of other families (Петросов, Осипенко, Мчедлидзе, Щеголев).

Measured (46 persons, 335 rows): 248 of 249 expected matches found, 5 wrong matches (all name-only rows the
documented common-name policy matches), 10 rows `review`. Before this set's fixes, on the same rows: 239 of
249, 8 wrong matches (Петросов and Petrosyants matched to Петросян and Осипенко to Йосипенко without a date, and
the 5 policy rows), 11 rows `review`.

Measured (46 persons, 289 rows): 225 of 226 expected matches found, 5 wrong matches (all name-only rows the
documented common-name policy matches, each listed with its reason), 12 rows `review`. Before this set's fixes,
on the same rows: 213 of 226, 10 wrong matches (5 of them near surnames of other families matched without a
date: Костюкович, Гринчак, Процик, Бойчак, Ковальчик), 10 rows `review`.

    .venv/bin/python -m tests.matching.test_world_names     # prints both sets' per-kind reports
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


@dataclass(frozen=True)
class World:
    """One hand-built set: its files under data/, the recall of its expected matches as measured
    (docs/matching.md), and how many name-only rows of common names the documented policy matches
    (docs/matching.md, Known limits), which the set counts as wrong, each listed with that reason."""
    name: str
    registry: str
    cases: str
    min_recall: float
    max_justified_wrong: int


FIRST = World("first", "world_registry.csv", "world_cases.csv", 1.0, 4)          # 345 of 345
SECOND = World("second", "world2_registry.csv", "world2_cases.csv", 0.995, 5)    # 225 of 226
THIRD = World("third", "world3_registry.csv", "world3_cases.csv", 0.995, 5)     # 248 of 249
WORLDS = pytest.mark.parametrize("world", [FIRST, SECOND, THIRD], ids=lambda w: w.name)


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


def load_registry(world: World = FIRST) -> list[PersonRecord]:
    records: dict[str, PersonRecord] = {}
    with open(DATA / world.registry, encoding="utf-8", newline="") as f:
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


def load_cases(world: World = FIRST) -> list[Case]:
    with open(DATA / world.cases, encoding="utf-8", newline="") as f:
        return [Case(i, **row) for i, row in enumerate(csv.DictReader(f), start=2)]


@cache
def matcher(world: World = FIRST) -> Matcher:
    return Matcher(load_registry(world))


def run(case: Case, world: World = FIRST) -> MatchResult:
    return matcher(world).match(NameQuery(case.name, parse_partial_date(case.birth) if case.birth else None,
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
def evaluate(world: World = FIRST) -> tuple[tuple[Case, MatchResult, str], ...]:
    out = []
    for case in load_cases(world):
        r = run(case, world)
        out.append((case, r, outcome(case, r)))
    return tuple(out)


def recall(world: World = FIRST) -> tuple[int, int]:
    rows = [(c, o) for c, _, o in evaluate(world) if c.expect == "match"]
    return sum(o == "found" for _, o in rows), len(rows)


def report(world: World = FIRST) -> str:
    per_kind: dict[str, Counter[str]] = defaultdict(Counter)
    for case, _, o in evaluate(world):
        per_kind[f"{case.kind}/{case.expect}"][o] += 1
    lines = [f"{world.name} set", f"{'kind/expected':34} {'rows':>4}  outcomes"]
    for kind in sorted(per_kind):
        c = per_kind[kind]
        lines.append(f"{kind:34} {sum(c.values()):4}  " + ", ".join(f"{k} {v}" for k, v in sorted(c.items())))
    found, total = recall(world)
    totals = Counter(o for _, _, o in evaluate(world))
    abstained = sum(1 for c, r, _ in evaluate(world) if r.decision == "review")
    lines.append(f"expected matches found {found}/{total} (recall {found / total:.3f}); wrong matches "
                 f"{totals['wrong']}; review decisions {abstained}/{len(evaluate(world))}")
    for case, r, o in evaluate(world):
        if o not in ("found", "ok") and not (o == "abstained" and case.expect == "no_match"):
            lines.append(f"  {o:13} line {case.line} [{case.kind}] {case.name!r} {case.birth or '-'}: expected "
                         f"{case.expect} {case.target or '-'}, got {r.decision} {r.ext_id or '-'} {r.score:.2f}"
                         f"{' (known: ' + case.known_miss + ')' if case.known_miss else ''} | {r.explanation}")
    return "\n".join(lines)


@WORLDS
def test_set_is_well_formed(world: World) -> None:
    ids = {r.ext_id for r in load_registry(world)}
    cases = load_cases(world)
    assert len(cases) >= 150
    for c in cases:
        assert c.expect in ("match", "review", "no_match"), c
        assert not c.target or c.target in ids, c
        assert c.expect != "match" or c.target, c
        assert c.expect != "no_match" or not c.target, c


@WORLDS
def test_no_wrong_matches(world: World) -> None:
    wrong = [(c.line, c.name, c.birth, r.ext_id, r.explanation) for c, r, o in evaluate(world)
             if o == "wrong" and not c.known_miss]
    assert not wrong, wrong
    justified = [c for c, _, o in evaluate(world) if o == "wrong"]
    assert len(justified) <= world.max_justified_wrong and all(c.kind == "neg_common" for c in justified), justified


@WORLDS
def test_expected_decisions_except_known_misses(world: World) -> None:
    accepted = {"found", "ok", "abstained"}
    failed = [(c.line, c.name, c.birth, c.expect, r.decision, r.ext_id, r.explanation)
              for c, r, o in evaluate(world)
              if not c.known_miss and (o not in accepted or (o == "abstained" and c.expect == "match"))]
    assert not failed, failed


@WORLDS
def test_known_misses_are_still_misses(world: World) -> None:
    """A known miss the matcher now gets right should lose its note (so the set stays honest)."""
    fixed = [(c.line, c.name) for c, _, o in evaluate(world) if c.known_miss and o in ("found", "ok")]
    assert not fixed, fixed


@WORLDS
def test_recall_of_expected_matches(world: World) -> None:
    found, total = recall(world)
    assert found / total >= world.min_recall, report(world)


@WORLDS
@pytest.mark.parametrize("kind", ["neg_namesake_date", "neg_relative", "neg_gender", "neg_unknown", "neg_common"])
def test_hard_negatives_never_match(world: World, kind: str) -> None:
    rows = [(c, r) for c, r, _ in evaluate(world) if c.kind == kind]
    assert rows and all(r.decision != "match" for c, r in rows if not c.known_miss), \
        [(c.name, r.ext_id) for c, r in rows]


@WORLDS
def test_every_decision_explains_itself(world: World) -> None:
    assert all(r.explanation and r.reasons for _, r, _ in evaluate(world))


if __name__ == "__main__":
    print(report(FIRST) + "\n\n" + report(SECOND) + "\n\n" + report(THIRD))
