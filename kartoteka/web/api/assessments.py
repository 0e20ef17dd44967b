"""/api/assessments: the draft -> submitted -> decided workflow, with a second person approving."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from kartoteka.errors import no_record
from kartoteka.services import access
from kartoteka.services import assessments as svc
from kartoteka.web.api.models import ERRORS, IdPath, Text
from kartoteka.web.deps import ApiPrincipal, EngineDep, check_csrf

router = APIRouter(prefix="/assessments", tags=["assessments"], dependencies=[Depends(check_csrf)],
                   responses=ERRORS)


class NewAssessment(BaseModel):
    person: Text = Field(min_length=1, max_length=120, description="the person's id")
    definition_id: Text = Field(min_length=1, max_length=60)
    rationale: Text = Field(default="", max_length=8000)


class FindingIn(BaseModel):
    criterion_id: Text = Field(min_length=1, max_length=60)
    finding: Text = Field(pattern="^(met|not_met|unclear|excepted)$")
    note: Text = Field(default="", max_length=8000)
    source_url: Text = Field(default="", max_length=2000)
    source_title: Text = Field(default="", max_length=500)


class SubmitIn(BaseModel):
    decision: Text = Field(min_length=1, max_length=60, description="a status id of the definition")
    rationale: Text | None = Field(default=None, max_length=8000)


class NoteIn(BaseModel):
    note: Text = Field(default="", max_length=8000)


class Created(BaseModel):
    id: int


def visible_assessment(engine: EngineDep, principal: access.Principal, assessment_id: int) -> svc.AssessmentView:
    """The assessment if its person is visible, without the sources the principal may not see."""
    view = svc.get_assessment(engine, assessment_id)
    if not access.visible_person_ids(engine, principal, [view.assessment["person_id"]]):
        raise no_record("assessment", assessment_id)   # the very answer of an absent assessment
    access.log_person_reads(engine, principal, {view.assessment["person_id"]}, via=f"assessment {assessment_id}")
    cited = [s["source_id"] for s in view.sources] + [s["source_id"] for f in view.findings for s in f.sources]
    shown = access.visible_source_ids(engine, principal, cited)
    view.sources = [s for s in view.sources if s["source_id"] in shown]
    for f in view.findings:
        f.sources = [s for s in f.sources if s["source_id"] in shown]
    return view


@router.get("", response_model=list[dict[str, Any]], summary="Assessments, newest first (state=submitted: the queue)")
def list_all(engine: EngineDep, principal: ApiPrincipal,
             state: Annotated[str, Query(pattern="^(|draft|submitted|decided)$")] = "",
             definition_id: Annotated[str, Query(max_length=60)] = "",
             limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[dict[str, Any]]:
    rows = svc.list_assessments(engine, state=state or None, definition_id=definition_id or None, limit=limit,
                                sensitivities=access.visible_sensitivities(principal))
    return access.only_visible_persons(engine, principal, rows)


@router.get("/{assessment_id}", response_model=dict[str, Any], summary="One assessment with findings and history")
def get_one(assessment_id: IdPath, engine: EngineDep,
            principal: ApiPrincipal) -> dict[str, Any]:
    return asdict(visible_assessment(engine, principal, assessment_id))


@router.post("", response_model=Created, status_code=201, summary="Start a draft assessment")
def create(body: NewAssessment, engine: EngineDep, principal: ApiPrincipal) -> Created:
    access.require(principal, "edit")
    access.view_person(engine, principal, body.person, via="assessment")
    return Created(id=svc.create_assessment(engine, person=body.person, definition_id=body.definition_id,
                                            actor=principal.username, rationale=body.rationale))


@router.post("/{assessment_id}/findings", response_model=Created, summary="Record a finding on a criterion")
def finding(assessment_id: IdPath, body: FindingIn, engine: EngineDep, principal: ApiPrincipal) -> Created:
    access.require(principal, "edit")
    visible_assessment(engine, principal, assessment_id)
    cited = [svc.SourceRef(body.source_url, body.source_title)] if body.source_url else []
    return Created(id=svc.record_finding(engine, assessment_id=assessment_id, criterion_id=body.criterion_id,
                                         finding=body.finding, actor=principal.username, note=body.note,
                                         cited=cited))


@router.post("/{assessment_id}/submit", status_code=204, summary="Propose a decision: draft -> submitted")
def submit(assessment_id: IdPath, body: SubmitIn, engine: EngineDep, principal: ApiPrincipal) -> None:
    access.require(principal, "edit")
    visible_assessment(engine, principal, assessment_id)
    svc.submit_assessment(engine, assessment_id=assessment_id, decision=body.decision, actor=principal.username,
                          rationale=body.rationale)


@router.post("/{assessment_id}/approve", status_code=204, summary="Second-person approval: submitted -> decided")
def approve(assessment_id: IdPath, body: NoteIn, engine: EngineDep, principal: ApiPrincipal) -> None:
    access.require(principal, "review")
    visible_assessment(engine, principal, assessment_id)
    svc.approve_assessment(engine, assessment_id=assessment_id, actor=principal.username, note=body.note)


@router.post("/{assessment_id}/return", status_code=204, summary="Send back to the author: submitted -> draft")
def send_back(assessment_id: IdPath, body: NoteIn, engine: EngineDep, principal: ApiPrincipal) -> None:
    access.require(principal, "review")
    visible_assessment(engine, principal, assessment_id)
    svc.return_assessment(engine, assessment_id=assessment_id, actor=principal.username, note=body.note)
