"""Who may see and do what: the one place that decides it.

Every record (person, case, source) is public, internal or confidential. Viewers never see
confidential records; everybody else does, and every read of a confidential record by them is
written to the audit log as a 'read' event. Pages, API, search, exports and reports all go
through the functions here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Column, ColumnElement, Engine, bindparam, select, true

from kartoteka.db.audit import event_row, log_reads
from kartoteka.db.tables import persons, sources
from kartoteka.errors import N_, Forbidden, Message, NotFound, entity_word, no_record
from kartoteka.services.persons import PersonDetail, load_person, person_history, resolve_person_id
from kartoteka.services.rounds import RunDiff, diff_reports, diff_runs
from kartoteka.services.runs import RunRef, get_run, list_runs
from kartoteka.services.vetting_model import RunInfo, VetReport

ROLES = ("viewer", "editor", "reviewer", "admin")
SENSITIVITIES = ("public", "internal", "confidential")

# What each role may do, beyond reading what its sensitivities allow.
PERMISSIONS: dict[str, frozenset[str]] = {
    "viewer": frozenset({"read"}),
    "editor": frozenset({"read", "edit", "import", "vet"}),
    "reviewer": frozenset({"read", "edit", "import", "vet", "review"}),
    "admin": frozenset({"read", "edit", "import", "vet", "review", "admin"}),
}


@dataclass(frozen=True)
class Principal:
    """The person (or script) acting: a username and one role."""

    username: str
    role: str

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(Message(N_("unknown role '%(role)s' (use %(roles)s)"), role=self.role, roles=", ".join(ROLES)))


def system_principal(actor: str) -> Principal:
    """The principal for command-line work on the server itself: an administrator."""
    return Principal(actor, "admin")


def visible_sensitivities(principal: Principal) -> tuple[str, ...]:
    if principal.role == "viewer":
        return ("public", "internal")
    return SENSITIVITIES


def sees_everything(principal: Principal) -> bool:
    """Whether nothing is hidden from the principal (its role reads every sensitivity)."""
    return len(visible_sensitivities(principal)) == len(SENSITIVITIES)


def can_see(principal: Principal, sensitivity: str) -> bool:
    return sensitivity in visible_sensitivities(principal)


def can(principal: Principal, permission: str) -> bool:
    return permission in PERMISSIONS[principal.role]


# each permission as a refusal names it, in words the reader's language has (not the code)
PERMISSION_WORDS = {"read": N_("read records"), "edit": N_("edit records"), "import": N_("import files"),
                    "vet": N_("vet lists"), "review": N_("review matches and assessments"),
                    "admin": N_("administer users and settings")}


def require(principal: Principal, permission: str) -> None:
    """Raise Forbidden unless the principal's role grants ``permission``."""
    if not can(principal, permission):
        words = PERMISSION_WORDS.get(permission)
        raise Forbidden.of(N_("your role (%(role)s) may not %(permission)s"), role=Message(principal.role),
                           permission=Message(words) if words else permission)


def visible_clause(principal: Principal, column: Column[Any]) -> ColumnElement[bool]:
    """A WHERE clause limiting a table's ``sensitivity`` column to what the principal may see."""
    allowed = visible_sensitivities(principal)
    if len(allowed) == len(SENSITIVITIES):
        return true()
    return column.in_(allowed)


def visible_param(column: Column[Any]) -> ColumnElement[bool]:
    """``visible_clause`` for prebuilt statements: the allowed sensitivities come in as the ``visible``
    parameter (``visible_values``), so one compiled statement serves every role."""
    return column.in_(bindparam("visible", expanding=True))


def visible_values(principal: Principal) -> list[str]:
    return list(visible_sensitivities(principal))


def not_found(entity: str, ref: object) -> NotFound:
    """The one answer for a record that is hidden or absent: it names only the reference as given."""
    return NotFound.of(N_("no %(entity)s '%(ref)s'"), entity=entity_word(entity), ref=str(ref))


def check_visible(principal: Principal, entity: str, record: Mapping[str, Any], *, ref: object = None) -> None:
    """NotFound (not Forbidden, so existence is not revealed) when the record is hidden, worded as for
    an absent record: it names ``ref`` as the caller was given it (by default ``#internal id``, as
    services/records_edit.py words an absent case or source)."""
    if not can_see(principal, str(record.get("sensitivity", "internal"))):
        raise not_found(entity, ref) if ref is not None else no_record(entity, record.get("id"))


def visible(principal: Principal, records: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [r for r in records if can_see(principal, str(r.get("sensitivity", "internal")))]


def read_rows(principal: Principal, entity: str, records: Iterable[Mapping[str, Any]], *,
              via: str) -> list[dict[str, Any]]:
    """One audit 'read' row per confidential record shown."""
    return [event_row(entity=entity, entity_id=int(r["id"]), action="read", actor=principal.username,
                      after={"via": via}) for r in records if r.get("sensitivity") == "confidential"]


def forbid_unless(condition: bool, message: str) -> None:
    if not condition:
        raise Forbidden(message)


def filter_person(principal: Principal, detail: PersonDetail) -> PersonDetail:
    """The person as the principal may see it (``person_read_rows``: the audit rows for showing it).

    Raises NotFound when the person itself is hidden. Hidden cases take their charges and timeline
    events with them; hidden sources disappear.
    """
    check_visible(principal, "person", detail.person, ref=detail.person.get("ext_id"))
    shown_cases = [dict(c) for c in visible(principal, detail.cases)]
    case_ids = {c["id"] for c in shown_cases}
    shown_sources = [dict(s) for s in visible(principal, detail.sources)]
    events = [e for e in detail.events if e.get("case_id") is None or e["case_id"] in case_ids]
    return PersonDetail(detail.person, detail.names, shown_cases,
                        {k: v for k, v in detail.charges.items() if k in case_ids}, events,
                        detail.assessments, shown_sources)


def view_person(engine: Engine, principal: Principal, ref: str | int, *, via: str) -> PersonDetail:
    """Load one person for ``principal`` (NotFound when hidden), logging confidential reads (read in a
    snapshot; the audit entries never wait for a long import: db/audit.py ``log_reads``)."""
    with engine.connect() as conn:
        try:
            detail = load_person(conn, resolve_person_id(conn, ref))
        except NotFound:
            raise not_found("person", ref) from None
        if detail.person.get("deleted_at") is not None:
            raise not_found("person", ref)
        check_visible(principal, "person", detail.person, ref=ref)
        shown = filter_person(principal, detail)
        conn.rollback()
    log_reads(engine, person_read_rows(principal, shown, via=via))
    return shown


def person_read_rows(principal: Principal, shown: PersonDetail, *, via: str) -> list[dict[str, Any]]:
    """The audit 'read' rows for showing a (filtered) person: the person, their cases and sources."""
    return [*read_rows(principal, "person", [shown.person], via=via), *read_rows(principal, "case", shown.cases, via=via),
            *read_rows(principal, "source", shown.sources, via=via)]


def view_history(engine: Engine, principal: Principal, ref: str | int) -> list[dict[str, Any]]:
    """The person's audit history without entries about records the principal may not see."""
    detail = view_person(engine, principal, ref, via="history")
    shown = {("person", detail.person["id"])} | {("case", c["id"]) for c in detail.cases} \
        | {("status_event", e["id"]) for e in detail.events} | {("assessment", a["id"]) for a in detail.assessments}
    reads = can(principal, "admin")   # who read what is for administrators only
    history = [h for h in person_history(engine, detail.person["id"])
               if (h["entity_type"], h["entity_id"]) in shown and (reads or h["action"] != "read")]
    if not sees_everything(principal):
        history = _while_visible(principal, detail, history)
    cited = {_source_ref(h) for h in history if h["action"] == "cite"} - {None}
    merged = {_named(h) for h in history if h["action"] in ("merge", "unmerge")} - {""}
    with engine.connect() as conn:   # deleted sources (and merged records) stay: only sensitivity hides an entry
        allowed = {r[0] for r in conn.execute(select(sources.c.id).where(
            sources.c.id.in_([c for c in cited if c is not None]), visible_clause(principal, sources.c.sensitivity)))}
        partners = {r[0] for r in conn.execute(select(persons.c.ext_id).where(
            persons.c.ext_id.in_(sorted(merged)), visible_clause(principal, persons.c.sensitivity)))}
    return [h for h in history if (h["action"] != "cite" or _source_ref(h) in allowed)
            and (h["action"] not in ("merge", "unmerge") or _named(h) in partners)]


def _level(value: object) -> str:
    """A sensitivity as a history entry's before or after holds it."""
    return str(value or "").strip().strip('"')


def _while_visible(principal: Principal, detail: PersonDetail,
                   history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The history without what was written while the person, or the case an entry is about, was held at a
    sensitivity the principal may not see: a record merged into this one and unmerged again (its values, then
    this record's while it was stricter), or this record or a case of it while confidential, shows nothing of
    that time to a viewer, down to the change that raised or lowered it (the values written in the same
    moment, ``at``, as a change of the person's sensitivity go with it)."""
    person = ("person", detail.person["id"])
    now = {person: str(detail.person.get("sensitivity") or "internal")} | {
        ("case", c["id"]): str(c.get("sensitivity") or "internal") for c in detail.cases}
    changes: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for h in history:
        if (h["entity_type"], h["entity_id"]) in now and h["field"] == "sensitivity":
            changes.setdefault((h["entity_type"], h["entity_id"]), []).append(h)
    level = {key: (_level(changes[key][0]["before"]) if key in changes else value) or "internal"
             for key, value in now.items()}
    hidden_at = {key: {h["at"] for h in hs if not (can_see(principal, _level(h["before"]) or "internal")
                                                   and can_see(principal, _level(h["after"]) or "internal"))}
                 for key, hs in changes.items()}
    changed = {id(h) for hs in changes.values() for h in hs}
    out: list[dict[str, Any]] = []
    for h in history:
        key = (h["entity_type"], h["entity_id"])
        if id(h) in changed:
            level[key] = _level(h["after"]) or level[key]
        if h["at"] in hidden_at.get(person, ()) or h["at"] in hidden_at.get(key, ()):
            continue   # written in the moment the person (any entry) or this case crossed the reader's level
        if all(can_see(principal, level[k]) for k in {person, key} if k in level):
            out.append(h)
    return out


def _named(entry: Mapping[str, Any]) -> str:
    """The other record a 'merge' or 'unmerge' history entry names (its after, or before)."""
    return _level(entry.get("after") or entry.get("before"))


def _source_ref(entry: Mapping[str, Any]) -> int | None:
    """The source a 'cite' history entry names (its ``after`` value)."""
    text = str(entry.get("after") or "").strip().strip('"')
    return int(text) if text.isdigit() else None


def visible_person_ids(engine: Engine, principal: Principal, person_ids: Iterable[int]) -> set[int]:
    """Which of ``person_ids`` the principal may see (not deleted, sensitivity allowed)."""
    ids = list({int(i) for i in person_ids})
    out: set[int] = set()
    with engine.connect() as conn:
        for start in range(0, len(ids), 5000):
            chunk = ids[start:start + 5000]
            out |= {r[0] for r in conn.execute(select(persons.c.id).where(
                persons.c.id.in_(chunk), persons.c.deleted_at.is_(None),
                visible_clause(principal, persons.c.sensitivity)))}
    return out


def only_visible_persons(engine: Engine, principal: Principal, rows: list[dict[str, Any]], *,
                         key: str = "person_id") -> list[dict[str, Any]]:
    """Rows (of another service) about persons the principal may see; rows without a person stay."""
    allowed = visible_person_ids(engine, principal, [r[key] for r in rows if r.get(key) is not None])
    return [r for r in rows if r.get(key) is None or r[key] in allowed]


def redact_report(engine: Engine, principal: Principal, report: VetReport) -> VetReport:
    """The vetting report as the principal may see it: exactly the report Kartoteka would have made if
    the records hidden from the principal did not exist (services/viewer_world.py). Roles that see
    everything get it whole, and their reading of confidential persons in it is audited."""
    from kartoteka.services.viewer_world import world_report

    if sees_everything(principal):
        ids = {r.internal_id for r in report.rows if r.internal_id is not None}
        _log_confidential_ids(engine, principal, ids | {m.internal_id for m in report.missing},
                              via=f"vetting run {report.run.id}")
        return report
    return world_report(engine, principal, report)


def view_runs(engine: Engine, principal: Principal, *, round: str | None = None,
              side: str | None = None) -> list[RunInfo]:
    """Saved runs, their counts as the principal's rendering of each report gives them."""
    from kartoteka.services.viewer_world import world_runs

    return world_runs(engine, principal, list_runs(engine, round=round, side=side))


def view_diff(engine: Engine, principal: Principal, *, run_a: RunRef, run_b: RunRef) -> RunDiff:
    """The diff of two runs as the principal's renderings of the two reports give it."""
    if sees_everything(principal):
        diff = diff_runs(engine, run_a=run_a, run_b=run_b)
        shown = {row.internal_id for e in (*diff.added, *diff.removed, *diff.changed) for row in (e.before, e.after)
                 if row is not None and row.internal_id is not None}
        shown |= {m.internal_id for m in (*diff.newly_missing, *diff.no_longer_missing)}
        _log_confidential_ids(engine, principal, shown, via=f"diff of runs {diff.a.id} and {diff.b.id}")
        return diff
    return diff_reports(redact_report(engine, principal, get_run(engine, run=run_a)),
                        redact_report(engine, principal, get_run(engine, run=run_b)))


def log_person_reads(engine: Engine, principal: Principal, ids: set[int], *, via: str) -> None:
    """Audit reads of the confidential persons among ``ids`` shown to ``principal`` (assessments, diffs)."""
    _log_confidential_ids(engine, principal, ids, via=via)


def _log_confidential_ids(engine: Engine, principal: Principal, ids: set[int], *, via: str) -> None:
    """Audit reads of the confidential persons among ``ids`` (a report shows their registry data)."""
    if not ids:
        return
    with engine.connect() as conn:
        rows = [{"id": r[0], "sensitivity": "confidential"} for r in conn.execute(
            select(persons.c.id).where(persons.c.id.in_(ids), persons.c.sensitivity == "confidential"))]
    log_reads(engine, read_rows(principal, "person", rows, via=via))


def visible_source_ids(engine: Engine, principal: Principal, source_ids: Iterable[int]) -> set[int]:
    ids = list({int(i) for i in source_ids})
    if not ids:
        return set()
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(select(sources.c.id).where(
            sources.c.id.in_(ids), sources.c.deleted_at.is_(None), visible_clause(principal, sources.c.sensitivity)))}
