"""A search's best ``limit`` candidates without scoring every namesake.

A one-word search (a surname alone, no birth date) blocks every person of that surname and its near
spellings: hundreds for a common one, each read and scored to show the first 20. One word can only be read
as the surname, so a registry name with a given name scores at most
``weight_surname / (weight_surname + weight_given) * thin_factor`` (0.5843 with the default settings: the
given name counts as missing, and no date or patronymic confirms). Only persons with a name without a given
name can score more; the matcher finds them first (``Matcher.bare_rows``, which may return more) and scores
them. The others are scored in id order, a chunk at a time, until no person left could enter the first
``limit`` (scores tie by id). The result is the one of scoring every candidate, person for person and
score for score (tests/matching/test_bounded.py compares them on both paths).
"""

from __future__ import annotations

import heapq
from typing import TYPE_CHECKING

from kartoteka.matching.config import MatchSettings
from kartoteka.matching.scorer import Query, Scored, score_candidate

if TYPE_CHECKING:
    from kartoteka.matching.engine import Matcher, NameQuery

CHUNK = 50   # persons read and scored at a time (at least ``limit``)


def single_word_bound(queries: list[Query], s: MatchSettings) -> float | None:
    """The highest score a registry name that has a given name can reach against ``queries``: only for one
    query of one word without a birth date, and only when it is below match_threshold (so the near pass
    depends on the names without a given name alone); None otherwise."""
    if len(queries) != 1 or s.weight_surname <= 0 or s.weight_given <= 0:
        return None
    q = queries[0]
    if q.birth is not None or len(q.units) != 1 or q.n_tokens != 1:
        return None
    # as _weighted and score_candidate compute it for a surname similarity of 1.0 (all steps are monotonic)
    bound = round(s.weight_surname * 1.0 / (s.weight_surname + s.weight_given) * s.thin_factor, 4)
    return bound if bound < s.match_threshold else None


def top(m: Matcher, q: NameQuery, limit: int) -> list[tuple[int, Scored]]:
    """``m.score_all(q)[:limit]``, scoring as few candidates as that allows."""
    queries = m.prepare_all(q)
    bound = single_word_bound(queries, m.settings) if limit > 0 else None
    if bound is None:
        return m._rank(q, skip_other_dates=False, queries=queries)[0][:limit]
    query = queries[0]
    best: dict[int, Scored] = {}
    seen: set[int] = set()
    rest: list[int] = []
    for near in (False, True):   # as Matcher._rank: near spellings unless a match-level candidate is found
        rows = m.index.candidate_rows(query.units, near=near) - seen
        seen |= rows
        bare = m.bare_rows(rows)
        _score(m, query, m.load_rows(sorted(bare, key=m.person_id)), best)
        rest += rows - bare
        if any(sc.score >= m.settings.match_threshold for sc in best.values()):
            break   # (the others score at most ``bound``, below the threshold)
    rest.sort(key=m.person_id)
    step = max(CHUNK, limit)
    for i in range(0, len(rest), step):
        if _settled(m, best, limit, (-bound, m.person_id(rest[i]))):
            break
        _score(m, query, m.load_rows(rest[i:i + step]), best)
    return sorted(best.items(), key=lambda x: (-x[1].score, m.person_id(x[0])))[:limit]


def _score(m: Matcher, query: Query, rows: list[int], best: dict[int, Scored]) -> None:
    for row in rows:
        scored = score_candidate(query, m.candidates_[row], m.settings)
        if scored is not None:
            best[row] = scored


def _settled(m: Matcher, best: dict[int, Scored], limit: int, first_left: tuple[float, int]) -> bool:
    """Whether the ``limit``-th best so far ranks before ``first_left`` (the best any person not scored yet
    could rank: the bound's score and the smallest id left)."""
    if len(best) < limit:
        return False
    kth = heapq.nsmallest(limit, ((-sc.score, m.person_id(r)) for r, sc in best.items()))[-1]
    return kth < first_left
