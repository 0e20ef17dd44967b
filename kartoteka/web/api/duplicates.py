"""/api/duplicates: likely duplicate persons in the registry, and human judgements on them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from kartoteka.services.duplicate_pairs import ScanNeeded, ScanStatus
from kartoteka.services.duplicate_review import DuplicateView, judge_pair, list_duplicates
from kartoteka.web.duplicate_jobs import ensure_pairs
from kartoteka.web.api.models import ERRORS, MAX_ID
from kartoteka.web.deps import ApiPrincipal, EngineDep, check_csrf
from kartoteka.web.render import request_gettext

router = APIRouter(prefix="/duplicates", tags=["duplicates"], dependencies=[Depends(check_csrf)], responses=ERRORS)


class JudgementIn(BaseModel):
    person_id: int = Field(ge=1, le=MAX_ID, description="internal id of one person of the pair")
    other_person_id: int = Field(ge=1, le=MAX_ID)
    judgement: Literal["same", "different", "unsure"]
    score: float | None = Field(default=None, ge=0, le=1, description="the score shown when judging")


class JudgementOut(BaseModel):
    id: int


class ScanOut(BaseModel):
    status: Literal["running", "needed"] = Field(description="running: the registry is being scored; needed: "
                                                             "not scored (a failed scan is tried again later)")
    done: int = Field(description="persons scored so far")
    total: int = Field(description="persons to score (0: not known yet)")
    error: str = Field(description="why the last scan failed, if it did")


def _scan_out(status: ScanStatus) -> JSONResponse:
    body = ScanOut(status="running" if status.state == "running" else "needed", done=status.done,
                   total=status.total, error=status.error)
    return JSONResponse(body.model_dump(), status_code=202, headers={"Retry-After": "10"})


@router.get("", response_model=list[DuplicateView],
            responses={202: {"model": ScanOut, "description": "No pairs yet: the registry is being scored; ask again"}},
            summary="Likely duplicate pairs with explanations and the latest human judgement (editors)")
def get_duplicates(request: Request, engine: EngineDep, principal: ApiPrincipal,
                   limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[DuplicateView] | JSONResponse:
    """The stored pairs, explained in the reader's language (the user's, else Accept-Language); 202 with the
    progress while the registry is being scored (web/duplicate_jobs.py)."""
    status = ensure_pairs(request, engine, principal)
    if status.state == "ready":
        try:
            return list_duplicates(engine, principal=principal, limit=limit, scan=False,
                                   gettext=request_gettext(request))
        except ScanNeeded:
            pass
    return _scan_out(status)


@router.post("/judgements", response_model=JudgementOut, status_code=201,
             summary="Judge a pair same / different / unsure; it overrides the scorer from then on")
def post_judgement(body: JudgementIn, engine: EngineDep, principal: ApiPrincipal) -> JudgementOut:
    return JudgementOut(id=judge_pair(engine, principal=principal, person_id=body.person_id,
                                      other_person_id=body.other_person_id, judgement=body.judgement,
                                      score=body.score))
