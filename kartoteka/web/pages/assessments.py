"""The assessment review queue: submitted assessments waiting for a second person."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from kartoteka.errors import KartotekaError
from kartoteka.services import access
from kartoteka.services import assessments as svc
from kartoteka.web.api.assessments import visible_assessment
from kartoteka.web.deps import EngineDep, PagePrincipal, check_csrf
from kartoteka.web.render import render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.get("/assessments/queue")
def queue(request: Request, engine: EngineDep, principal: PagePrincipal) -> Response:
    rows = access.only_visible_persons(engine, principal, svc.list_assessments(engine, state="submitted"))
    return render(request, "assessments_queue.html", {"rows": rows})


@router.get("/assessments/{assessment_id}")
def detail(request: Request, engine: EngineDep, principal: PagePrincipal, assessment_id: Id,
           error: str | None = None) -> Response:
    view = visible_assessment(engine, principal, assessment_id)
    return render(request, "assessment.html", {"a": view, "error": error})


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
        view = visible_assessment(engine, principal, assessment_id)
        return render(request, "assessment.html", {"a": view, "error": str(exc)}, status_code=409)
    return RedirectResponse("/assessments/queue", status_code=303)
