"""Likely duplicates kept current incrementally.

The first call scores every person against the registry (services.matching._all_pairs: one pass, the
registry in memory). After that, a call rescores only the persons audited since (an edit, an import, a
merge, a delete: db/chain.py numbers committed changes): their pairs are dropped, and their own name is
scored against the stored index's candidates (matching/stored.py) and, for the other direction, the
names of the persons that share a block with them are scored against them. A pair keeps the rule of
the full scan: the score of the lower id's name against the other when that reaches review, else the
other way round. When many persons changed (a large import), the full scan is cheaper and runs again.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, cast

from sqlalchemy import Engine, func, select

from kartoteka.db.tables import persons
from kartoteka.domain.person import Gender
from kartoteka.matching.config import MatchSettings
from kartoteka.matching.engine import NameQuery
from kartoteka.matching.index import ANY
from kartoteka.matching.scorer import Scored
from kartoteka.matching.stored import BLOCK_LIMIT, StoredIndex, StoredMatcher
from kartoteka.matching.stored_keys import person_kin, person_pairs, stable_hash
from kartoteka.matching.tokens import query_units
from kartoteka.services.name_index import changed_head, changed_persons, sync_name_index

if TYPE_CHECKING:
    from collections.abc import Callable

    from kartoteka.services.matching import DuplicatePair

Pairs = dict[tuple[int, int], "DuplicatePair"]
FULL_SHARE = 0.05   # more changed persons than this share of the registry: score everything again
_LOCK = threading.Lock()
_STATES: dict[tuple[str, MatchSettings], tuple[int, Pairs]] = {}


def current_pairs(engine: Engine, settings: MatchSettings,
                  full_scan: Callable[[], list[DuplicatePair]]) -> tuple[list[DuplicatePair], str]:
    """The registry's pairs, best first, and how they were brought up to date: "cached", "incremental"
    (with the number of persons rescored) or "full"."""
    key = (engine.url.render_as_string(hide_password=False), settings)
    with _LOCK:
        with engine.connect() as conn:
            head = changed_head(conn)
            state = _STATES.get(key)
            if state is not None and state[0] == head:
                return _sorted(state[1]), "cached"
            if state is not None:
                changed = changed_persons(conn, state[0], head)
                size = conn.execute(select(func.count()).select_from(persons)).scalar_one()
                if len(changed) <= max(50, size * FULL_SHARE):
                    pairs = dict(state[1])
                    _rescore(engine, settings, changed, pairs)
                    _STATES[key] = (head, pairs)
                    return _sorted(pairs), f"incremental ({len(changed)} persons)"
        pairs = {(p.person_id, p.other_person_id): p for p in full_scan()}
        _STATES[key] = (head, pairs)
        return _sorted(pairs), "full"


def pairs_ready(engine: Engine, settings: MatchSettings) -> bool:
    """Whether pairs were scored in this process (bringing them up to date is then quick)."""
    return (engine.url.render_as_string(hide_password=False), settings) in _STATES


def _sorted(pairs: Pairs) -> list[DuplicatePair]:
    return sorted(pairs.values(), key=lambda d: (-d.score, d.person_id, d.other_person_id))


def _rescore(engine: Engine, settings: MatchSettings, changed: set[int], pairs: Pairs) -> None:
    from kartoteka.services.matching import DuplicatePair

    for pair in [p for p in pairs if p[0] in changed or p[1] in changed]:
        del pairs[pair]
    sync_name_index(engine)
    skip = settings.cap_date < settings.review_threshold   # as the full scan
    with engine.connect() as conn:
        m = StoredMatcher(conn, settings=settings)
        scores: dict[int, dict[int, Scored]] = {}

        def scores_of(pid: int) -> dict[int, Scored]:
            if pid not in scores:
                scores[pid] = {}
                if pid in m.row_of and m.record(pid).names:
                    cand = m.record(pid)
                    gender = Gender(cand.gender) if cand.gender in ("m", "f") else None
                    q = NameQuery(cand.names[0].full, cand.birth, gender)
                    scores[pid] = {m.ids[row]: sc for row, sc in m.score_all(q, skip_other_dates=skip)
                                   if m.ids[row] != pid}
            return scores[pid]

        done: set[tuple[int, int]] = set()
        for c in sorted(changed):
            if c not in m.row_of:
                continue   # deleted: its pairs are gone
            cand = m.record(c)
            blocks = {stable_hash(p) for p in person_pairs(cand.names) if p[-1] != ANY}
            blocks |= {stable_hash(p) for p in person_kin(cand.birth, cand.names)}
            others = set(scores_of(c))
            for ids in cast(StoredIndex, m.index).block_persons(blocks, BLOCK_LIMIT).values():
                others.update(ids)
            if cand.names:   # names about one edit away (typos) find each other in both directions
                others |= m.index.candidates(query_units(cand.names[0].full), near=True)
            for x in sorted(others - {c}):
                a, b = min(c, x), max(c, x)
                if (a, b) in done:
                    continue
                done.add((a, b))
                forward, backward = scores_of(a).get(b), scores_of(b).get(a)
                if forward is not None and forward.score >= settings.review_threshold:
                    best = forward
                elif backward is not None and backward.score >= settings.review_threshold:
                    best = backward
                else:
                    continue
                pairs[(a, b)] = DuplicatePair(a, m.ext_ids[a], b, m.ext_ids[b], best.score, "; ".join(best.reasons))
