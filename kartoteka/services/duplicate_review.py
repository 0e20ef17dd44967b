"""Reviewing likely duplicates inside the registry: the scorer's pairs with names and the latest human
judgement, limited to persons the principal may see; judgements go through services/matching.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from kartoteka.db.tables import match_decisions
from kartoteka.errors import N_, InvalidInput, no_record
from kartoteka.matching.config import DEFAULT
from kartoteka.matching.explain import Gettext
from kartoteka.services.access import Principal, require, visible_person_ids, visible_sensitivities
from kartoteka.services.browse import PersonRow
from kartoteka.services.browse import _rows as person_rows   # the search list's rows: one way to show a person
from kartoteka.services.duplicate_pairs import ScanNeeded, best_pairs
from kartoteka.services.matching import find_duplicates, record_judgement


@dataclass(frozen=True)
class DuplicateView:
    first: PersonRow         # name, birth date, sensitivity, visible statuses and articles
    second: PersonRow
    score: float
    explanation: str
    judgement: str | None = None        # the latest human judgement of the pair, if any
    judged_by: str = ""
    judged_at: str = ""


def pair_key(person_id: int, other_person_id: int) -> str:
    """The judgement key of a registry pair (the same as `kartoteka judge --other`)."""
    return f"pair:{min(person_id, other_person_id)}:{max(person_id, other_person_id)}"


def _latest_judgements(engine: Engine, ids: set[int]) -> dict[tuple[int, int], Any]:
    if not ids:
        return {}
    with engine.connect() as conn:
        rows = conn.execute(select(match_decisions).where(
            match_decisions.c.other_person_id.is_not(None), match_decisions.c.person_id.in_(ids))
            .order_by(match_decisions.c.id)).all()
    return {(min(r.person_id, r.other_person_id), max(r.person_id, r.other_person_id)): r for r in rows}


def list_duplicates(engine: Engine, *, principal: Principal, limit: int = 200, scan: bool = True,
                    gettext: Gettext | None = None) -> list[DuplicateView]:
    """Likely duplicate pairs, best first, without pairs that involve a person the principal may not
    see; pairs judged 'different' are gone (as services/matching.find_duplicates leaves them out). With
    ``scan=False``, ScanNeeded when no stored pairs can be read (a web request does not score). Only the
    page's pairs are read (services/duplicate_pairs.py best_pairs). The explanations are in the language of
    ``gettext`` (the reader's; English without one)."""
    require(principal, "edit")
    visible = visible_sensitivities(principal)
    try:
        shown, _ = best_pairs(engine, DEFAULT, sensitivities=visible, limit=limit)
    except ScanNeeded:
        if not scan:
            raise
        find_duplicates(engine)   # the full scan, here
        shown, _ = best_pairs(engine, DEFAULT, sensitivities=visible, limit=limit)
    ids = {i for p in shown for i in (p.person_id, p.other_person_id)}
    with engine.connect() as conn:
        people = {r.id: r for r in person_rows(conn, principal, sorted(ids))}
    judged = _latest_judgements(engine, ids)
    out = []
    for p in shown:
        j = judged.get((min(p.person_id, p.other_person_id), max(p.person_id, p.other_person_id)))
        out.append(DuplicateView(people[p.person_id], people[p.other_person_id], round(p.score, 4), p.explain(gettext),
                                 j.judgement if j else None, j.actor if j else "",
                                 f"{j.at:%Y-%m-%d %H:%M}" if j else ""))
    return out


def judge_pair(engine: Engine, *, principal: Principal, person_id: int, other_person_id: int, judgement: str,
               score: float | None = None) -> int:
    """Record a human judgement (same / different / unsure) on a pair; it overrides the scorer."""
    require(principal, "edit")
    if person_id == other_person_id:
        raise InvalidInput.of(N_("a pair needs two different persons"))
    missing = {person_id, other_person_id} - visible_person_ids(engine, principal, [person_id, other_person_id])
    if missing:
        raise no_record("person", min(missing))
    first, second = sorted((person_id, other_person_id))
    return record_judgement(engine, query_key=pair_key(first, second), person_id=first, other_person_id=second,
                            judgement=judgement, actor=principal.username, score=score)
