"""/api/duplicates: likely duplicate persons in the registry, and human judgements on them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from kartoteka.services.duplicate_review import DuplicateView, judge_pair, list_duplicates
from kartoteka.web.api.models import ERRORS, MAX_ID
from kartoteka.web.deps import ApiPrincipal, EngineDep, check_csrf

router = APIRouter(prefix="/duplicates", tags=["duplicates"], dependencies=[Depends(check_csrf)], responses=ERRORS)


class JudgementIn(BaseModel):
    person_id: int = Field(ge=1, le=MAX_ID, description="internal id of one person of the pair")
    other_person_id: int = Field(ge=1, le=MAX_ID)
    judgement: Literal["same", "different", "unsure"]
    score: float | None = Field(default=None, ge=0, le=1, description="the score shown when judging")


class JudgementOut(BaseModel):
    id: int


@router.get("", response_model=list[DuplicateView],
            summary="Likely duplicate pairs with explanations and the latest human judgement (editors)")
def get_duplicates(engine: EngineDep, principal: ApiPrincipal,
                   limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> list[DuplicateView]:
    return list_duplicates(engine, principal=principal, limit=limit)


@router.post("/judgements", response_model=JudgementOut, status_code=201,
             summary="Judge a pair same / different / unsure; it overrides the scorer from then on")
def post_judgement(body: JudgementIn, engine: EngineDep, principal: ApiPrincipal) -> JudgementOut:
    return JudgementOut(id=judge_pair(engine, principal=principal, person_id=body.person_id,
                                      other_person_id=body.other_person_id, judgement=body.judgement,
                                      score=body.score))
