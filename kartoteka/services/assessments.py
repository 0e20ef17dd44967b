"""Assessments of a person under one definition: draft -> submitted -> decided, with per-criterion
findings that cite sources, and a decision approved by a second person (never the author).

Every change goes through the audit log, so the history of an assessment is kept field by field.
A decided assessment is never edited: a new assessment supersedes it (the latest decided one wins).
Imported lists of recognised prisoners arrive as decided assessments (services/imports.py).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from kartoteka.catalogs import BASE_STATUSES, Definition, get_definition, load_definitions
from kartoteka.db import audit
from kartoteka.db.engine import conflicts_as
from kartoteka.db.tables import assessment_findings, assessments, audit_log, citations, custody, persons, sources
from kartoteka.errors import N_, Conflict, Forbidden, InvalidInput, Message, no_record
from kartoteka.services.persons import resolve_person_id
from kartoteka.services.evidence import check_source_url

FINDINGS = ("met", "not_met", "unclear", "excepted")
# "excepted" (exclusions only): the exclusion's facts are met but one of its exceptions applies
# (necessary defence; minor violence provoked by disproportionate force ...): it does not exclude.
NOT_DEPRIVED = {"in_absentia"}   # custody states (data/custody.yaml) that show no deprivation of liberty
STATES = ("draft", "submitted", "decided")
CHUNK = 5000
TEXT_LANGUAGES = ("en", "uk", "ru")
_HEADER_LANGUAGE = re.compile(r"^Language:\s*([a-z]{2})", re.MULTILINE)


def _language_of(gettext: Callable[[str], str]) -> str:
    """The language of a gettext function, from its catalog's header (the translation of ""): en when none."""
    found = _HEADER_LANGUAGE.search(gettext("") or "")
    return found.group(1) if found else "en"


def _rebuild_catalog_text(msgid: str, values: dict[str, object]) -> Message:
    return CatalogText({k: str(v) for k, v in values.items()})


class CatalogText(Message):
    """A text of a catalog (a definition's exceptions ...) in en, uk and ru, quoted inside a message: as a str,
    the English text; translated, the text in the language of the gettext it is shown with. Not a gettext
    message id: the catalogs carry their own translations (kartoteka/data/definitions)."""

    def __new__(cls, texts: dict[str, str]) -> CatalogText:
        self = str.__new__(cls, texts["en"])
        self.msgid, self.values = texts["en"], dict(texts)
        return self

    def __reduce__(self) -> tuple[Callable[..., Message], tuple[str, dict[str, object]]]:
        return _rebuild_catalog_text, (self.msgid, self.values)

    def translated(self, gettext: Callable[[str], str]) -> str:
        return str(self.values.get(_language_of(gettext)) or self.msgid)


@dataclass(frozen=True)
class SourceRef:
    url: str
    title: str = ""
    note: str = ""


@dataclass
class FindingView:
    criterion_id: str
    finding: str
    note: str
    sources: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class AssessmentView:
    assessment: dict[str, Any]
    person_ext_id: str
    findings: list[FindingView]
    sources: list[dict[str, Any]]
    history: list[dict[str, Any]]


# --- reading statuses (bulk, used by vetting) --------------------------------------------------

def _counts_as(definition_id: str) -> dict[str, str]:
    base = {s: s for s in BASE_STATUSES}
    definition = load_definitions().get(definition_id)
    return base if definition is None else {**base, **{s.id: s.counts_as for s in definition.statuses}}


def _latest_decisions(conn: Connection, definition_id: str, ids: list[int] | None) -> dict[int, str]:
    stmt = (select(assessments.c.person_id, assessments.c.decision)
            .where(assessments.c.definition_id == definition_id, assessments.c.state == "decided",
                   assessments.c.deleted_at.is_(None))
            .order_by(assessments.c.decided_on.is_(None).desc(), assessments.c.decided_on, assessments.c.id))
    latest: dict[int, str] = {}
    chunks = [None] if ids is None else [ids[i:i + CHUNK] for i in range(0, len(ids), CHUNK)]
    for chunk in chunks:
        query = stmt if chunk is None else stmt.where(assessments.c.person_id.in_(chunk))
        for pid, decision in conn.execute(query):
            latest[pid] = decision or "under_review"     # later rows overwrite earlier ones
    return latest


def statuses_under(conn: Connection, person_ids: Iterable[int], definition_id: str) -> dict[int, str]:
    """recognised / not_recognised / under_review per person; under_review when nothing is decided."""
    ids = list(dict.fromkeys(person_ids))
    counts_as = _counts_as(definition_id)
    latest = _latest_decisions(conn, definition_id, ids)
    return {pid: counts_as.get(latest.get(pid, "under_review"), "under_review") for pid in ids}


def recognised_person_ids(conn: Connection, definition_id: str) -> set[int]:
    counts_as = _counts_as(definition_id)
    live = {r[0] for r in conn.execute(select(persons.c.id).where(persons.c.deleted_at.is_(None)))}
    return {pid for pid, d in _latest_decisions(conn, definition_id, None).items()
            if counts_as.get(d) == "recognised" and pid in live}


# --- the workflow --------------------------------------------------------------------------------

def _load(conn: Connection, assessment_id: int) -> dict[str, Any]:
    row = conn.execute(select(assessments).where(assessments.c.id == assessment_id,
                                                 assessments.c.deleted_at.is_(None))).mappings().first()
    if row is None:
        raise no_record("assessment", assessment_id)
    return dict(row)


def _require_state(row: dict[str, Any], *states: str) -> None:
    if row["state"] not in states:
        raise Conflict.of(N_("assessment #%(id)s is %(state)s; this needs %(needed)s"), id=row["id"], state=row["state"],
                          needed=" / ".join(states))


def create_assessment(engine: Engine, *, person: str | int, definition_id: str, actor: str,
                      rationale: str = "") -> int:
    """A new draft assessment of ``person`` (organisation id, ``#internal`` or int) under a definition."""
    definition = get_definition(definition_id)
    with conflicts_as(Message(N_("%(person)s already has an assessment in progress under %(definition)s; continue "
                                 "that one"), person=str(person), definition=definition_id)), engine.begin() as conn:
        person_id = resolve_person_id(conn, person)
        return audit.create_record(conn, assessments, "assessment", {
            "person_id": person_id, "definition_id": definition.id, "definition_version": definition.version,
            "state": "draft", "decision": None, "decided_on": None, "author": actor, "reviewer": "",
            "rationale": rationale}, actor=actor)


def _source_id(conn: Connection, ref: SourceRef, actor: str) -> int:
    if not ref.url.strip():
        raise InvalidInput.of(N_("a source needs a URL (or a file reference)"))
    found = conn.execute(select(sources.c.id).where(
        (sources.c.url == ref.url.strip()) | ((sources.c.sha256 == ref.url.strip()) & (sources.c.file_path != "")),
        sources.c.deleted_at.is_(None))).scalar()   # an address, or the sha256 of a stored file
    if found is not None:
        return int(found)
    url = check_source_url(ref.url)   # a new source: http(s) only, never javascript: or data:
    return audit.create_record(conn, sources, "source", {"url": url, "title": ref.title}, actor=actor)


def _cite(conn: Connection, entity: str, entity_id: int, refs: Iterable[SourceRef], actor: str) -> list[str]:
    urls = []
    for ref in refs:
        conn.execute(insert(citations).values(source_id=_source_id(conn, ref, actor), entity_type=entity,
                                              entity_id=entity_id, note=ref.note))
        urls.append(ref.url.strip())
    return urls


def record_finding(engine: Engine, *, assessment_id: int, criterion_id: str, finding: str, actor: str,
                   note: str = "", cited: Iterable[SourceRef] = ()) -> int:
    """Set the finding (met / not_met / unclear) on one criterion or exclusion of a draft.

    ``met`` and ``not_met`` must cite at least one source; a new finding replaces the old one and
    its citations (the audit log keeps both)."""
    refs = list(cited)
    if finding not in FINDINGS:
        raise InvalidInput.of(N_("'%(finding)s' is not a finding (use %(findings)s)"), finding=finding,
                              findings=", ".join(FINDINGS))
    if finding != "unclear" and not refs:
        raise InvalidInput.of(N_("a '%(finding)s' finding must cite at least one source"), finding=finding)
    with engine.begin() as conn:
        row = _load(conn, assessment_id)
        _require_state(row, "draft")
        definition = get_definition(row["definition_id"])
        if criterion_id not in definition.criterion_ids():
            raise InvalidInput.of(N_("'%(criterion)s' is not a criterion of %(definition)s (%(criteria)s)"),
                                  criterion=criterion_id, definition=definition.id,
                                  criteria=", ".join(definition.criterion_ids()))
        if finding == "excepted":
            exclusion = next((e for e in definition.exclusions if e.id == criterion_id), None)
            if exclusion is None:
                raise InvalidInput.of(N_("'excepted' applies to exclusions only; '%(criterion)s' is not one"),
                                      criterion=criterion_id)
            if not note.strip():
                raise InvalidInput.of(N_("say which exception applies (%(exceptions)s)"), exceptions=CatalogText(
                    {lang: "; ".join(exclusion.exceptions_in(lang)) or "-" for lang in TEXT_LANGUAGES}))
        old = conn.execute(select(assessment_findings).where(
            assessment_findings.c.assessment_id == assessment_id,
            assessment_findings.c.criterion_id == criterion_id)).mappings().first()
        if old is None:
            finding_id = int(conn.execute(insert(assessment_findings).returning(assessment_findings.c.id).values(
                assessment_id=assessment_id, criterion_id=criterion_id, finding=finding, note=note)).scalar_one())
        else:
            finding_id = int(old["id"])
            conn.execute(update(assessment_findings).where(assessment_findings.c.id == finding_id)
                         .values(finding=finding, note=note))
            conn.execute(delete(citations).where(citations.c.entity_type == "finding",
                                                 citations.c.entity_id == finding_id))
        urls = _cite(conn, "finding", finding_id, refs, actor)
        audit.log_event(conn, entity="assessment", entity_id=assessment_id, action="finding", actor=actor,
                        field=criterion_id,
                        before=None if old is None else {"finding": old["finding"], "note": old["note"]},
                        after={"finding": finding, "note": note, "sources": urls})
    return finding_id


def cite_source(engine: Engine, *, assessment_id: int, source: SourceRef, actor: str) -> None:
    """Cite a source for the assessment as a whole (e.g. the NGO statement the decision follows)."""
    with engine.begin() as conn:
        _require_state(_load(conn, assessment_id), "draft", "submitted")
        urls = _cite(conn, "assessment", assessment_id, [source], actor)
        audit.log_event(conn, entity="assessment", entity_id=assessment_id, action="cite", actor=actor,
                        after={"sources": urls})


def _deprived_of_liberty(conn: Connection, person_id: int) -> bool | None:
    """None when there are no custody records; else whether any shows deprivation of liberty."""
    states = {r[0] for r in conn.execute(select(custody.c.state).where(custody.c.person_id == person_id,
                                                                        custody.c.deleted_at.is_(None)))}
    return None if not states else bool(states - NOT_DEPRIVED)


def _check_decision(definition: Definition, decision: str, findings: dict[str, str],
                    deprived: bool | None = None) -> None:
    status = definition.status(decision)
    if status is None:
        raise InvalidInput.of(N_("'%(decision)s' is not a status of %(definition)s (%(statuses)s)"), decision=decision,
                              definition=definition.id, statuses=", ".join(s.id for s in definition.statuses))
    if not findings:
        raise InvalidInput.of(N_("record at least one finding before submitting"))
    if status.counts_as != "recognised":
        return
    if definition.precondition == "deprived_of_liberty" and deprived is False:
        raise InvalidInput.of(N_("%(definition)s applies to persons deprived of liberty; the custody records show "
                                 "none (only %(states)s)"), definition=definition.id,
                              states=", ".join(sorted(NOT_DEPRIVED)))
    criteria = [c.id for c in definition.criteria]
    motive_met = not definition.motive_condition or findings.get(definition.motive_condition) == "met"
    needs_motive = {c.id for c in definition.criteria if c.political_motive_required}
    met = [c for c in criteria if findings.get(c) == "met" and (c not in needs_motive or motive_met)]
    if definition.motive_condition and not motive_met and any(findings.get(c) == "met" for c in needs_motive) \
            and not met:
        raise InvalidInput.of(N_("%(definition)s: %(criteria)s need the political motive (%(motive)s) found 'met'"),
                              definition=definition.id,
                              criteria=", ".join(sorted(c for c in needs_motive if findings.get(c) == "met")),
                              motive=definition.motive_condition)
    if definition.combine == "all_of" and len(met) != len(criteria):
        raise InvalidInput.of(N_("%(definition)s needs every criterion met to recognise (missing: %(missing)s)"),
                              definition=definition.id, missing=", ".join(c for c in criteria if c not in met))
    if definition.combine == "any_of" and not met:
        raise InvalidInput.of(N_("%(definition)s: recognising needs at least one criterion found 'met'"),
                              definition=definition.id)
    applied = [e.id for e in definition.exclusions if findings.get(e.id) == "met"]
    if applied:
        raise InvalidInput.of(N_("an exclusion was found to apply (%(exclusions)s); it cannot be recognised"),
                              exclusions=", ".join(applied))


def submit_assessment(engine: Engine, *, assessment_id: int, decision: str, actor: str,
                      rationale: str | None = None) -> None:
    """Propose ``decision`` for review: draft -> submitted."""
    with engine.begin() as conn:
        row = _load(conn, assessment_id)
        _require_state(row, "draft")
        findings = {r[0]: r[1] for r in conn.execute(
            select(assessment_findings.c.criterion_id, assessment_findings.c.finding)
            .where(assessment_findings.c.assessment_id == assessment_id))}
        _check_decision(get_definition(row["definition_id"]), decision, findings,
                        _deprived_of_liberty(conn, row["person_id"]))
        values: dict[str, Any] = {"state": "submitted", "decision": decision}
        if rationale is not None:
            values["rationale"] = rationale
        audit.update_record(conn, assessments, "assessment", assessment_id, values, actor=actor,
                            expected_version=row["version"])
        audit.log_event(conn, entity="assessment", entity_id=assessment_id, action="submit", actor=actor,
                        after={"decision": decision})


def contributors(conn: Connection, assessment_id: int) -> set[str]:
    """Who wrote the assessment: its creator, whoever recorded findings and whoever submitted it."""
    rows = conn.execute(select(audit_log.c.actor).where(
        audit_log.c.entity_type == "assessment", audit_log.c.entity_id == assessment_id,
        audit_log.c.action.in_(("create", "finding", "submit"))).distinct())
    return {r[0] for r in rows}


def approve_assessment(engine: Engine, *, assessment_id: int, actor: str, note: str = "") -> None:
    """The second person's approval: submitted -> decided. Authors cannot approve their own work."""
    with engine.begin() as conn:
        row = _load(conn, assessment_id)
        _require_state(row, "submitted")
        authors = contributors(conn, assessment_id) | {row["author"]}
        if actor in authors:
            raise Forbidden.of(N_("%(actor)s wrote assessment #%(id)s; a second person must approve it"), actor=actor,
                               id=assessment_id)
        audit.update_record(conn, assessments, "assessment", assessment_id, {
            "state": "decided", "reviewer": actor, "decided_on": dt.date.today().isoformat()},
            actor=actor, expected_version=row["version"])
        audit.log_event(conn, entity="assessment", entity_id=assessment_id, action="approve", actor=actor,
                        after={"decision": row["decision"], "note": note})


def return_assessment(engine: Engine, *, assessment_id: int, actor: str, note: str) -> None:
    """The reviewer sends a submitted assessment back to its author: submitted -> draft."""
    if not note.strip():
        raise InvalidInput.of(N_("say why the assessment goes back (note)"))
    with engine.begin() as conn:
        row = _load(conn, assessment_id)
        _require_state(row, "submitted")
        audit.update_record(conn, assessments, "assessment", assessment_id, {"state": "draft"},
                            actor=actor, expected_version=row["version"])
        audit.log_event(conn, entity="assessment", entity_id=assessment_id, action="return", actor=actor,
                        after={"note": note})


# --- reading assessments ---------------------------------------------------------------------

def _cited(conn: Connection, entity: str, ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in ids}
    stmt = (select(citations.c.entity_id, citations.c.note, sources.c.id, sources.c.url, sources.c.title)
            .join(sources, sources.c.id == citations.c.source_id)
            .where(citations.c.entity_type == entity, citations.c.entity_id.in_(ids)).order_by(citations.c.id))
    for r in conn.execute(stmt).mappings():
        out[r["entity_id"]].append({"source_id": r["id"], "url": r["url"], "title": r["title"], "note": r["note"]})
    return out


def get_assessment(engine: Engine, assessment_id: int) -> AssessmentView:
    with engine.connect() as conn:
        row = _load(conn, assessment_id)
        ext = conn.execute(select(persons.c.ext_id).where(persons.c.id == row["person_id"])).scalar_one()
        frows = [dict(r) for r in conn.execute(select(assessment_findings).where(
            assessment_findings.c.assessment_id == assessment_id).order_by(assessment_findings.c.id)).mappings()]
        fsources = _cited(conn, "finding", [f["id"] for f in frows])
        findings = [FindingView(f["criterion_id"], f["finding"], f["note"], fsources[f["id"]]) for f in frows]
        history = [dict(r) for r in conn.execute(select(audit_log).where(
            audit_log.c.entity_type == "assessment", audit_log.c.entity_id == assessment_id)
            .order_by(audit_log.c.id)).mappings()]
        return AssessmentView(row, str(ext), findings, _cited(conn, "assessment", [assessment_id])[assessment_id],
                              history)


def list_assessments(engine: Engine, *, person: str | int | None = None, definition_id: str | None = None,
                     state: str | None = None, limit: int = 500,
                     sensitivities: Collection[str] | None = None) -> list[dict[str, Any]]:
    """The newest ``limit`` assessments; with ``sensitivities`` (access.visible_sensitivities of a reader), only
    those of live persons held at one of them, the limit counting only those (a list cut first and filtered
    after came out short by the hidden persons' assessments: a viewer asking for the newest one got none when
    it was a confidential person's, and so learnt of it)."""
    if state is not None and state not in STATES:
        raise InvalidInput.of(N_("'%(state)s' is not a state (use %(states)s)"), state=state, states=", ".join(STATES))
    with engine.connect() as conn:
        stmt = (select(assessments, persons.c.ext_id.label("person_ext_id"))
                .join(persons, persons.c.id == assessments.c.person_id)
                .where(assessments.c.deleted_at.is_(None)).order_by(assessments.c.id.desc()).limit(limit))
        if person is not None:
            stmt = stmt.where(assessments.c.person_id == resolve_person_id(conn, person))
        if definition_id is not None:
            stmt = stmt.where(assessments.c.definition_id == definition_id)
        if state is not None:
            stmt = stmt.where(assessments.c.state == state)
        if sensitivities is not None:
            stmt = stmt.where(persons.c.deleted_at.is_(None), persons.c.sensitivity.in_(list(sensitivities)))
        return [dict(r) for r in conn.execute(stmt).mappings()]
