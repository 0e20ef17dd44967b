"""Likely duplicates inside the registry, for editors: pairs with explanations and a judgement form."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from kartoteka.services.duplicate_pairs import ScanNeeded
from kartoteka.services.duplicate_review import judge_pair, list_duplicates
from kartoteka.web.api.models import MAX_ID
from kartoteka.web.deps import EngineDep, PagePrincipal, check_csrf
from kartoteka.web.duplicate_jobs import ensure_pairs
from kartoteka.web.render import render, request_gettext

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
PersonId = Annotated[int, Form(ge=1, le=MAX_ID)]


@router.get("/duplicates")
def duplicates_page(request: Request, engine: EngineDep, principal: PagePrincipal) -> Response:
    """The stored pairs; while no pairs can be read (the registry is being scored, minutes for a large
    one), a page that shows the progress and refreshes itself (web/duplicate_jobs.py)."""
    status = ensure_pairs(request, engine, principal)
    if status.state == "ready":
        try:
            pairs = list_duplicates(engine, principal=principal, scan=False, gettext=request_gettext(request))
            return render(request, "duplicates.html", {"pairs": pairs})
        except ScanNeeded:   # much changed since the status was read: scored again at the next refresh
            pass
    return render(request, "duplicates_scan.html", {"job": status})


@router.post("/duplicates")
def judge(engine: EngineDep, principal: PagePrincipal, person_id: PersonId, other_person_id: PersonId,
          judgement: Annotated[str, Form(max_length=20)],
          score: Annotated[float | None, Form(ge=0, le=1)] = None) -> Response:
    judge_pair(engine, principal=principal, person_id=person_id, other_person_id=other_person_id,
               judgement=judgement, score=score)
    return RedirectResponse(f"/duplicates?judged={judgement}#pair-{min(person_id, other_person_id)}-"
                            f"{max(person_id, other_person_id)}", status_code=303)
