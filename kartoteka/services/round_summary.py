"""A negotiation summary per round and side: who was asked for, offered, agreed, exchanged and who is
still outstanding, by category and status, with counts and names. Outcomes recorded against a run
(released, exchanged) update the person's custody.

A run whose list's ``held_by`` is its own ``side`` offers those persons; a run whose ``held_by`` is
another party asks for them (a run without ``held_by`` counts as asking). A person is *agreed* when
matched on both an offering and an asking list of the round, *exchanged* or *released* when an
outcome was recorded against a run of the round or their custody says so, and *outstanding* when
asked for and neither exchanged nor released.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, select

from kartoteka.db.tables import status_events, vetting_runs
from kartoteka.errors import N_, NotFound
from kartoteka.services.custody import current_categories, current_custody, insert_custody
from kartoteka.services.runs import get_run, list_runs, person_labels

GROUPS = ("asked", "offered", "agreed", "exchanged", "released", "outstanding")


@dataclass(frozen=True)
class SummaryPerson:
    person_id: str
    name: str
    status: str
    category: str
    custody: str
    sides: tuple[str, ...]


@dataclass
class SideSummary:
    side: str
    groups: dict[str, list[SummaryPerson]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {g: len(self.groups.get(g, [])) for g in GROUPS}

    def by(self, group: str, attribute: str) -> dict[str, int]:
        return dict(Counter(getattr(p, attribute) or "-" for p in self.groups.get(group, [])).most_common())


@dataclass
class RoundSummary:
    round: str
    runs: list[int]
    sides: list[SideSummary]


def record_outcome_custody(conn: Connection, *, person_id: int, kind: str, date: str, actor: str,
                           run_id: int | None, note: str = "") -> None:
    """An outcome (released / exchanged) becomes the person's current custody, keeping the party."""
    held = current_custody(conn, [person_id]).get(person_id)
    party = held.held_by if held else ""
    if not party and run_id is not None:
        party = conn.execute(select(vetting_runs.c.held_by).where(vetting_runs.c.id == run_id)).scalar() or ""
    if not party:
        return           # nobody is recorded as holding the person: the timeline event says enough
    insert_custody(conn, person_id=person_id, actor=actor, values={
        "held_by": party, "state": kind, "place": "", "since": date or None, "confirmed_on": None,
        "note": note})


def round_summary(engine: Engine, *, round: str) -> RoundSummary:
    runs = list_runs(engine, round=round)
    if not runs:
        raise NotFound.of(N_("no vetting runs in round '%(round)s' (see `kartoteka runs`)"), round=round)
    listed: dict[str, dict[str, set[int]]] = {}     # side -> asked/offered -> person ids
    statuses: dict[int, str] = {}
    for info in runs:
        report = get_run(engine, run=info.id)
        kind = "offered" if info.held_by and info.held_by == info.side else "asked"
        ids = {r.internal_id for r in report.rows if r.match == "match" and r.internal_id is not None}
        listed.setdefault(info.side, {"asked": set(), "offered": set()})[kind] |= ids
        statuses.update({r.internal_id: r.status for r in report.rows if r.internal_id in ids})
    run_ids = [r.id for r in runs]
    with engine.connect() as conn:
        outcomes = {(e.person_id, e.kind) for e in conn.execute(
            select(status_events.c.person_id, status_events.c.kind).where(
                status_events.c.run_id.in_(run_ids), status_events.c.deleted_at.is_(None)))}
        everyone = set(statuses)
        held = current_custody(conn, everyone)
        cats = current_categories(conn, everyone)
        labels = person_labels(conn, everyone)
    all_offered = set().union(*(v["offered"] for v in listed.values()))
    all_asked = set().union(*(v["asked"] for v in listed.values()))
    agreed = all_offered & all_asked
    done = {k: {p for p, kind in outcomes if kind == k} | {p for p, c in held.items() if c.state == k}
            for k in ("exchanged", "released")}

    def person(pid: int) -> SummaryPerson:
        c, cat = held.get(pid), cats.get(pid)
        sides = tuple(s for s, v in listed.items() if pid in v["asked"] | v["offered"])
        return SummaryPerson(labels.get(pid, ("", "", ""))[0], labels.get(pid, ("", "", ""))[1],
                             statuses.get(pid, ""), cat.category if cat else "", c.state if c else "", sides)

    out: list[SideSummary] = []
    for side, kinds in sorted(listed.items()):
        mine = kinds["asked"] | kinds["offered"]
        groups = {"asked": kinds["asked"], "offered": kinds["offered"], "agreed": agreed & mine,
                  "exchanged": done["exchanged"] & mine, "released": done["released"] & mine,
                  "outstanding": kinds["asked"] - done["exchanged"] - done["released"]}
        out.append(SideSummary(side, {g: sorted((person(p) for p in ids), key=lambda x: x.person_id)
                                      for g, ids in groups.items()}))
    return RoundSummary(round, run_ids, out)
