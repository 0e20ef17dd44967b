"""The assessment review queue: submitted assessments waiting for a second person."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from kartoteka.catalogs.loader import get_definition
from kartoteka.errors import KartotekaError
from kartoteka.services import access
from kartoteka.services import assessments as svc
from kartoteka.web.api.assessments import visible_assessment
from kartoteka.web.deps import EngineDep, PagePrincipal, check_csrf
from kartoteka.web.render import error_text, render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/assessments/queue")
def queue(request: Request, engine: EngineDep, principal: PagePrincipal) -> Response:
    rows = access.only_visible_persons(engine, principal, svc.list_assessments(
        engine, state="submitted", sensitivities=access.visible_sensitivities(principal)))
    return render(request, "assessments_queue.html", {"rows": rows})


def _page(request: Request, view: svc.AssessmentView, error: str | None = None, status_code: int = 200) -> Response:
    definition = get_definition(view.assessment["definition_id"])
    return render(request, "assessment.html", {"a": view, "error": error, "definition": definition},
                  status_code=status_code)


@router.get("/assessments/{assessment_id}")
def detail(request: Request, engine: EngineDep, principal: PagePrincipal, assessment_id: Id) -> Response:
    return _page(request, visible_assessment(engine, principal, assessment_id))


@router.post("/assessments")
def start(request: Request, engine: EngineDep, principal: PagePrincipal, person: Annotated[str, Form(max_length=120)],
          definition_id: Annotated[str, Form(max_length=60)]) -> Response:
    """A new draft assessment of a person, from the person page."""
    access.require(principal, "edit")
    access.view_person(engine, principal, person, via="assessment")
    aid = svc.create_assessment(engine, person=person, definition_id=definition_id, actor=principal.username)
    return RedirectResponse(f"/assessments/{aid}", status_code=303)


@router.post("/assessments/{assessment_id}/findings")
def finding(request: Request, engine: EngineDep, principal: PagePrincipal, assessment_id: Id,
            criterion_id: Annotated[str, Form(max_length=60)], finding: Annotated[str, Form(max_length=12)],
            note: Annotated[str, Form(max_length=8000)] = "", source_url: Annotated[str, Form(max_length=2000)] = "",
            source_title: Annotated[str, Form(max_length=500)] = "") -> Response:
    access.require(principal, "edit")
    visible_assessment(engine, principal, assessment_id)
    cited = [svc.SourceRef(source_url.strip(), source_title.strip())] if source_url.strip() else []
    try:
        svc.record_finding(engine, assessment_id=assessment_id, criterion_id=criterion_id, finding=finding,
                           actor=principal.username, note=note, cited=cited)
    except KartotekaError as exc:
        return _page(request, visible_assessment(engine, principal, assessment_id), error_text(request, exc)[0], 422)
    return RedirectResponse(f"/assessments/{assessment_id}#findings", status_code=303)


@router.post("/assessments/{assessment_id}/submit")
def submit(request: Request, engine: EngineDep, principal: PagePrincipal, assessment_id: Id,
           decision: Annotated[str, Form(max_length=60)], rationale: Annotated[str, Form(max_length=8000)] = "") -> Response:
    access.require(principal, "edit")
    visible_assessment(engine, principal, assessment_id)
    try:
        svc.submit_assessment(engine, assessment_id=assessment_id, decision=decision, actor=principal.username,
                              rationale=rationale or None)
    except KartotekaError as exc:
        return _page(request, visible_assessment(engine, principal, assessment_id), error_text(request, exc)[0], 422)
    return RedirectResponse(f"/assessments/{assessment_id}", status_code=303)


@router.post("/assessments/{assessment_id}/decide")
def decide(request: Request, engine: EngineDep, principal: PagePrincipal, assessment_id: Id,
           action: Annotated[str, Form(pattern="^(approve|return)$")],
           note: Annotated[str, Form(max_length=8000)] = "") -> Response:
    access.require(principal, "review")
    visible_assessment(engine, principal, assessment_id)
    try:
        if action == "approve":
            svc.approve_assessment(engine, assessment_id=assessment_id, actor=principal.username, note=note)
        else:
            svc.return_assessment(engine, assessment_id=assessment_id, actor=principal.username, note=note)
    except KartotekaError as exc:
        return _page(request, visible_assessment(engine, principal, assessment_id), error_text(request, exc)[0], 409)
    return RedirectResponse("/assessments/queue", status_code=303)
