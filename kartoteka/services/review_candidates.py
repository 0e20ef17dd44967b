"""The registry persons a reviewer may pick for a vetting row: the row's own candidate first, then the
others the matcher finds for the name as written (what ``kartoteka review --person`` lets a user name)."""

from __future__ import annotations

from sqlalchemy import Engine

from kartoteka.services.access import Principal
from kartoteka.services.matching import search_persons
from kartoteka.services.vetting_model import VetRow
from kartoteka.services.viewer_world import restricted_to

PER_ROW = 5
MAX_ROWS = 300   # rows of one page that get candidates (review rows first)


def row_candidates(engine: Engine, principal: Principal, rows: list[VetRow]) -> dict[str, list[tuple[str, str, float]]]:
    """Per row id, (person id, name, score) choices, best first: the matcher's candidates for rows to
    review or without a match (at most ``MAX_ROWS``), the row's own person for a sure match."""
    wanted = sorted((r for r in rows if r.name.strip()), key=lambda r: r.match != "review")[:MAX_ROWS]
    out: dict[str, list[tuple[str, str, float]]] = {}
    for r in wanted:
        choices: list[tuple[str, str, float]] = []
        if r.match != "match":   # a sure match offers its person; any other id can still be typed
            choices = [(h.ext_id, h.name, h.score) for h in search_persons(
                engine, text=r.name, limit=PER_ROW, explain=False,
                sensitivities=restricted_to(principal))]
        if r.person_id and all(c[0] != r.person_id for c in choices):
            choices.insert(0, (r.person_id, r.registry_name, r.score))
        out[r.id] = choices
    return out
