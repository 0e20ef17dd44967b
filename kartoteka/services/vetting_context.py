"""Custody, categories, fine statuses and recognitions for a vetting run: each row's context and
warnings, the missing list scoped to whose custody the list concerns, and the report's notices.

- A row naming a person not in custody (in absentia, released), exchanged or deceased carries the
  state's warning; one held by another party than the list's ``held_by`` carries
  ``held_by_other_party``; one with no decided assessment under the main definition ``no_assessment``.
- Missing: recognised persons not on the list; with ``held_by``, only those that party holds and still
  has in custody, then (section ``under_review``) the ones it holds that are not assessed or under
  review. Released, exchanged and deceased persons are never missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, Connection, exists, select

from kartoteka.catalogs.custody import load_custody_vocabulary
from kartoteka.db.tables import assessments, custody, person_categories, persons
from kartoteka.services.assessments import _counts_as, _latest_decisions
from kartoteka.services.custody import (
    CustodyRecord, current_categories, current_category_ids, current_custody, current_states, held_in_custody,
    no_longer_held, recognitions_of,
)
from kartoteka.services.vetting_model import MissingPerson, RowContext, VetRow
from kartoteka.tabular.columns import normalise_header

FULL_SCAN = 20_000


def claim_header(headers: Iterable[str]) -> str | None:
    """The list's own claim column ("политзаключенный", "claim" ...), if it has one."""
    wanted = {normalise_header(h) for h in load_custody_vocabulary().claim_headers}
    return next((h for h in headers if normalise_header(h) in wanted), None)


def fine_statuses(conn: Connection, ids: list[int], definitions: list[str]) -> dict[str, dict[int, str]]:
    """The latest decided status per person under each definition, as the definition names it
    (``excluded_violence``, ``persecuted_only`` ...); persons with none are left out."""
    return {d: _latest_decisions(conn, d, ids) for d in definitions}


def row_contexts(conn: Connection, ids: set[int], *, definitions: list[str],
                 held_by: str = "") -> dict[int, RowContext]:
    ordered = sorted(ids)
    fine = fine_statuses(conn, ordered, definitions)
    held = current_custody(conn, ordered)
    cats = current_categories(conn, ordered)
    recs = recognitions_of(conn, ordered)
    out: dict[int, RowContext] = {}
    for pid in ordered:
        c = held.get(pid)
        warnings = _warnings(c, held_by)
        if definitions and pid not in fine[definitions[0]]:
            warnings.append("no_assessment")
        cat = cats.get(pid)
        out[pid] = RowContext(
            category=cat.category if cat else "", category_definition=cat.definition_id if cat else "",
            held_by=c.held_by if c else "", custody=c.state if c else "", place=c.place if c else "",
            confirmed_on=c.confirmed_on if c else "", warnings=tuple(warnings),
            statuses=tuple((d, fine[d].get(pid, "")) for d in definitions),
            recognised_by=tuple(r.label() for r in recs.get(pid, [])))
    return out


def _warnings(c: CustodyRecord | None, held_by: str) -> list[str]:
    out: list[str] = []
    if c is None:
        return out
    if c.warning:
        out.append(c.warning)
    if held_by and c.held_by != held_by:
        out.append("held_by_other_party")
    return out


def scoped_missing(conn: Connection, rows: list[VetRow], recognised: set[int], *, definition_id: str,
                   held_by: str) -> tuple[set[int], set[int], dict[int, tuple[str, str]] | None]:
    """(recognised missing, held but not recognised: under review or unassessed, and with ``held_by``
    the custody ``{person: (party, state)}`` of everyone held) person ids."""
    on_list = {r.internal_id for r in rows if r.match == "match" and r.internal_id is not None}
    if not held_by:
        gone = no_longer_held(conn)
        return recognised - on_list - gone, set(), None
    held = held_in_custody(conn, held_by)
    counts_as = _counts_as(definition_id)
    rest = held.keys() - recognised
    # many held persons: one scan of the decisions beats chunked IN lists (as runs.person_labels does)
    decided = _latest_decisions(conn, definition_id, None if len(rest) > FULL_SCAN else sorted(rest))
    review = {pid for pid in rest if counts_as.get(decided.get(pid, "under_review"), "under_review") == "under_review"}
    return (recognised & held.keys()) - on_list, review - on_list, held


def describe_missing(conn: Connection, missing: list[MissingPerson],
                     known: dict[int, tuple[str, str]] | None = None) -> None:
    """Fill the custody and category of missing persons (``known``: their custody, already read)."""
    if not missing:
        return
    ids = {m.internal_id for m in missing}
    anyone = known is None and conn.execute(select(exists().where(custody.c.id.isnot(None)))).scalar()
    held = known if known is not None else current_states(conn, person_ids=ids) if anyone else {}
    anyone = conn.execute(select(exists().where(person_categories.c.id.isnot(None)))).scalar()
    cats = current_category_ids(conn, ids) if anyone else {}
    for m in missing:
        m.held_by, m.custody = held.get(m.internal_id, ("", ""))
        m.category = cats.get(m.internal_id, "")


def run_notices(conn: Connection, definitions: list[str], held_by: str,
                sensitivities: Sequence[str] | None = None) -> list[str]:
    """``no_decided:<definition>`` for a definition without any decided assessment (every status then
    reads under_review); ``no_custody_data:<party>`` when nobody is recorded as held by the party. With
    ``sensitivities``, as in a registry of only the persons of those sensitivities (a reader's world)."""
    def of_shown(person_id: ColumnElement[int]) -> list[ColumnElement[bool]]:
        return [] if sensitivities is None else \
            [person_id.in_(select(persons.c.id).where(persons.c.sensitivity.in_(sensitivities)))]

    out = []
    for d in definitions:
        found = conn.execute(select(exists().where(assessments.c.definition_id == d,
                                                   assessments.c.state == "decided",
                                                   assessments.c.deleted_at.is_(None),
                                                   *of_shown(assessments.c.person_id)))).scalar()
        if not found:
            out.append(f"no_decided:{d}")
    if held_by and not conn.execute(select(exists().where(custody.c.held_by == held_by,
                                                          *of_shown(custody.c.person_id)))).scalar():
        out.append(f"no_custody_data:{held_by}")
    return out
