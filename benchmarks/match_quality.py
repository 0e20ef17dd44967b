"""Match quality on a labelled synthetic list: Kartoteka's matcher against two baselines.

    .venv/bin/python benchmarks/match_quality.py [--persons 2500] [--rows 1000] [--seed 3]

Builds a synthetic registry (kartoteka.synth.registry), imports it into a temporary SQLite database
the normal way, derives labelled list rows (kartoteka.synth.variants: every transformation case plus
relatives, namesakes, opposite-gender forms and unknown people), and prints precision, recall and F1
of `match` decisions, the review rate and recall per case, for:
  - kartoteka-match (this engine, default settings),
  - ASCII folding + rapidfuzz token_sort_ratio (a common quick approach),
  - OpenSanctions nomenklatura LogicV2 (the algorithm behind yente), needs the `bench` extra,
all three deciding over the same candidates (Kartoteka's blocking output).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz

from kartoteka.db.engine import make_engine
from kartoteka.db.schema import upgrade_schema
from kartoteka.domain.dates import parse_partial_date
from kartoteka.domain.person import parse_gender
from kartoteka.matching.engine import Matcher, MatchResult, NameQuery
from kartoteka.services.imports import import_file
from kartoteka.synth.registry import PERSON_COLUMNS, generate_registry, write_rows
from kartoteka.synth.variants import generate_list

Decide = Callable[[NameQuery, list[int]], tuple[str, int | None]]


def _query(row: dict[str, Any]) -> NameQuery:
    birth = parse_partial_date(row["birth_date"]) if row["birth_date"] else None
    gender = parse_gender(row["gender"]) if row["gender"] else None
    return NameQuery(row["name"], birth, gender, row["id"])


def _decide(scores: list[tuple[float, int]], match_at: float, review_at: float,
            margin: float) -> tuple[str, int | None]:
    if not scores:
        return "no_match", None
    scores.sort(reverse=True)
    best, row = scores[0]
    if best < review_at:
        return "no_match", None
    if len(scores) > 1 and scores[1][0] >= best - margin:
        return "review", row
    return ("match" if best >= match_at else "review"), row


def rapidfuzz_baseline(matcher: Matcher) -> Decide:
    from normality import ascii_text

    def decide(q: NameQuery, rows: list[int]) -> tuple[str, int | None]:
        qa = ascii_text(q.name).lower()
        scores = [(max(fuzz.token_sort_ratio(qa, ascii_text(n.full).lower()) for n in matcher.candidates_[r].names)
                   / 100, r) for r in rows]
        return _decide(scores, 0.90, 0.75, 0.02)
    return decide


def logic_v2_entity(key: str, names: list[str], birth: Any, gender: str | None) -> Any:
    """A followthemoney Person for nomenklatura (the bench extra)."""
    from followthemoney import model

    e = model.make_entity("Person")
    e.id = key
    for n in names:
        e.add("name", n)
    if birth:
        e.add("birthDate", str(birth))
    if gender:
        e.add("gender", "male" if gender == "m" else "female")
    return e


def logic_v2_baseline(matcher: Matcher) -> Decide:
    from nomenklatura.matching.logic_v2.model import LogicV2

    config = LogicV2.default_config()
    cache: dict[int, Any] = {}
    entity = logic_v2_entity

    def decide(q: NameQuery, rows: list[int]) -> tuple[str, int | None]:
        qe = entity(f"q{id(q)}-{q.row_id}", [q.name], q.birth_date, q.gender.value if q.gender else None)
        scores = []
        for r in rows:
            if r not in cache:
                c = matcher.candidates_[r]
                cache[r] = entity(f"r{r}", [n.full for n in c.names], c.birth, c.gender)
            scores.append((LogicV2.compare(qe, cache[r], config).score, r))
        return _decide(scores, 0.70, 0.50, 0.02)
    return decide


def evaluate(label: str, rows: list[dict[str, Any]], decisions: list[tuple[str, str | None]]) -> None:
    tp = fp = 0
    reviews = 0
    per_case: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    wrong: Counter[str] = Counter()
    n_pos = sum(1 for r in rows if r["_expect"] == "match")
    for row, (decision, ext) in zip(rows, decisions):
        ok_match = decision == "match" and ext == row["_truth"] and row["_truth"] != ""
        if decision == "match":
            if ok_match:
                tp += 1 if row["_expect"] == "match" else 0
            else:
                fp += 1
                wrong[row["_case"]] += 1
        reviews += decision == "review"
        stat = per_case[row["_case"] + ("" if row["_expect"] != "review" else "/expect-review")]
        stat[1] += 1
        if row["_expect"] == "match":
            stat[0] += ok_match
        elif row["_expect"] == "review":
            stat[0] += decision == "review"
        else:
            stat[0] += decision != "match"
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / n_pos if n_pos else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    print(f"\n== {label}")
    print(f"precision {precision:.4f}  recall {recall:.4f}  F1 {f1:.4f}  review rate {reviews / len(rows):.3f}"
          f"  (match decisions {tp + fp}, wrong {fp}, rows {len(rows)}, expected matches {n_pos})")
    cells = [f"{case} {ok}/{n} ({ok / n:.2f})" for case, (ok, n) in sorted(per_case.items())]
    print("per case (positives: correct matches; negatives: not matched; expect-review: reviewed):")
    for i in range(0, len(cells), 4):
        print("  " + " | ".join(cells[i:i + 4]))
    if wrong:
        print("wrong matches by case: " + ", ".join(f"{c} {n}" for c, n in wrong.most_common()))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--persons", type=int, default=2500)
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=3)
    ap.add_argument("--no-logic-v2", action="store_true", help="skip the nomenklatura baseline")
    ap.add_argument("--show-errors", type=int, default=0, help="print up to N wrong rows")
    args = ap.parse_args()
    synth = generate_registry(args.persons, seed=args.seed)
    rows = generate_list(synth.persons, args.rows, seed=args.seed + 2)
    print(f"registry {args.persons} persons, list {len(rows)} rows: "
          + ", ".join(f"{k} {v}" for k, v in sorted(Counter(r['_expect'] for r in rows).items())))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "persons.csv"
        write_rows(path, PERSON_COLUMNS, synth.persons)
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        upgrade_schema(engine)
        import_file(engine, "persons", path, actor="bench")
        t0 = time.perf_counter()
        matcher = Matcher.from_engine(engine)
        engine.dispose()
    queries = [_query(r) for r in rows]
    t1 = time.perf_counter()
    results: list[MatchResult] = matcher.match_many(queries)
    t2 = time.perf_counter()
    print(f"kartoteka-match {Matcher.VERSION}: index {t1 - t0:.2f}s, matching {t2 - t1:.2f}s")
    evaluate(f"{Matcher.ALGORITHM} {Matcher.VERSION} (match >= {matcher.settings.match_threshold}, "
             f"review >= {matcher.settings.review_threshold}, margin {matcher.settings.margin})",
             rows, [(r.decision, r.ext_id) for r in results])
    if args.show_errors:
        shown = 0
        for row, res in zip(rows, results):
            bad = (res.decision == "match" and res.ext_id != row["_truth"]) or \
                  (row["_expect"] == "match" and not (res.decision == "match" and res.ext_id == row["_truth"]))
            if bad and shown < args.show_errors:
                shown += 1
                print(f"  [{row['_case']}] {row['name']!r} {row['birth_date']} truth={row['_truth'] or '-'} "
                      f"-> {res.decision} {res.ext_id} {res.score:.2f}: {res.explanation}")
    cands = [sorted(matcher.index.candidates(matcher.prepare(q).units)) for q in queries]
    baselines: list[tuple[str, Callable[[], Decide]]] = [
        ("baseline: ASCII folding + rapidfuzz token_sort_ratio (match >= 90, review >= 75)",
         lambda: rapidfuzz_baseline(matcher))]
    if not args.no_logic_v2:
        baselines.append(("baseline: nomenklatura LogicV2 (match >= 0.70, review >= 0.50)",
                          lambda: logic_v2_baseline(matcher)))
    for label, make in baselines:
        try:
            decide = make()
        except ImportError as exc:
            print(f"\n== {label}: skipped ({exc}); install the bench extra", file=sys.stderr)
            continue
        t3 = time.perf_counter()
        out = []
        for q, rs in zip(queries, cands):
            decision, r = decide(q, rs)
            out.append((decision, matcher.ext_ids[r] if r is not None else None))
        evaluate(label + f" [{time.perf_counter() - t3:.1f}s]", rows, out)


if __name__ == "__main__":
    main()
