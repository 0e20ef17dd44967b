"""Likely duplicates inside the registry, for editors: pairs with explanations and a judgement form."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from kartoteka.services.access import require
from kartoteka.services.duplicate_review import judge_pair, list_duplicates
from kartoteka.services.matching import duplicates_ready, find_duplicates
from kartoteka.web.api.models import MAX_ID
from kartoteka.web.deps import EngineDep, PagePrincipal, check_csrf
from kartoteka.web.jobs import Job, jobs
from kartoteka.web.render import render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
PersonId = Annotated[int, Form(ge=1, le=MAX_ID)]


WAIT_SECONDS = 5.0   # a small registry is scored within this; a large one shows progress instead


@router.get("/duplicates")
def duplicates_page(request: Request, engine: EngineDep, principal: PagePrincipal) -> Response:
    """The pairs; while they are being scored (minutes for a large registry, once per registry
    state), a page that shows the progress and refreshes itself."""
    require(principal, "edit")
    if not duplicates_ready(engine):
        scan: Job | None = getattr(request.app.state, "duplicate_scan", None)
        if scan is None or scan.finished:
            scan = request.app.state.duplicate_scan = jobs(request).start(
                "duplicates", lambda progress: find_duplicates(engine, progress=progress))
        if not scan.wait(WAIT_SECONDS) or scan.error:
            return render(request, "duplicates_scan.html", {"job": scan})
    return render(request, "duplicates.html", {"pairs": list_duplicates(engine, principal=principal)})


@router.post("/duplicates")
def judge(engine: EngineDep, principal: PagePrincipal, person_id: PersonId, other_person_id: PersonId,
          judgement: Annotated[str, Form(max_length=20)],
          score: Annotated[float | None, Form(ge=0, le=1)] = None) -> Response:
    judge_pair(engine, principal=principal, person_id=person_id, other_person_id=other_person_id,
               judgement=judgement, score=score)
    return RedirectResponse(f"/duplicates?judged={judgement}#pair-{min(person_id, other_person_id)}-"
                            f"{max(person_id, other_person_id)}", status_code=303)
