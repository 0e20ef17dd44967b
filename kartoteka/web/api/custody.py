"""/api/persons/{ref}/custody, /category, /recognitions and /api/rounds/{round}/summary."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel, ConfigDict, Field

from kartoteka.services import access
from kartoteka.services import custody as svc
from kartoteka.services.custody_view import view_custody
from kartoteka.services.round_summary import round_summary
from kartoteka.web.api.models import ERRORS
from kartoteka.web.deps import ApiPrincipal, EngineDep, check_csrf

router = APIRouter(tags=["custody"], dependencies=[Depends(check_csrf)], responses=ERRORS)


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CustodyIn(_In):
    held_by: str = Field(max_length=80, description="RU, BY, UA, OCC:<region> or another state's code")
    state: str = Field(max_length=30, description="a state of data/custody.yaml, e.g. serving_sentence")
    place: str = Field(default="", max_length=2000)
    since: str = Field(default="", max_length=40)
    confirmed_on: str = Field(default="", max_length=40, description="proof of life")
    source: str = Field(default="", max_length=2000)
    confirmed_source: str = Field(default="", max_length=2000)
    note: str = Field(default="", max_length=2000)


class CategoryIn(_In):
    category: str = Field(max_length=40, description="an id of data/categories.yaml")
    definition_id: str = Field(default="", max_length=60)
    source: str = Field(default="", max_length=2000)
    note: str = Field(default="", max_length=2000)


class RecognitionIn(_In):
    organisation: str = Field(max_length=300)
    statement: str = Field(max_length=2000, description="URL or document of the statement")
    stated_on: str = Field(max_length=40)
    definition_id: str = Field(default="", max_length=60)
    note: str = Field(default="", max_length=2000)


class Created(BaseModel):
    id: int


@router.get("/persons/{ref}/custody", response_model=dict[str, Any], summary="Custody history, category, recognitions")
def get_custody(engine: EngineDep, principal: ApiPrincipal, ref: Annotated[str, Path(max_length=120)]) -> dict[str, Any]:
    return asdict(view_custody(engine, principal, ref, via="api"))


@router.post("/persons/{ref}/custody", response_model=Created, status_code=201, summary="Record custody now")
def post_custody(engine: EngineDep, principal: ApiPrincipal, ref: Annotated[str, Path(max_length=120)],
                 body: CustodyIn) -> Created:
    access.require(principal, "edit")
    d = access.view_person(engine, principal, ref, via="api")
    return Created(id=svc.record_custody(engine, person=d.person["id"], actor=principal.username, **body.model_dump()))


@router.post("/persons/{ref}/category", response_model=Created, status_code=201, summary="Set the category")
def post_category(engine: EngineDep, principal: ApiPrincipal, ref: Annotated[str, Path(max_length=120)],
                  body: CategoryIn) -> Created:
    access.require(principal, "edit")
    d = access.view_person(engine, principal, ref, via="api")
    return Created(id=svc.set_category(engine, person=d.person["id"], actor=principal.username, **body.model_dump()))


@router.post("/persons/{ref}/recognitions", response_model=Created, status_code=201,
             summary="Record another organisation's recognition (reviewer or admin; never a decision)")
def post_recognition(engine: EngineDep, principal: ApiPrincipal, ref: Annotated[str, Path(max_length=120)],
                     body: RecognitionIn) -> Created:
    d = access.view_person(engine, principal, ref, via="api")
    return Created(id=svc.add_recognition(engine, person=d.person["id"], actor=principal.username,
                                          role=principal.role, **body.model_dump()))


@router.get("/rounds/{round}/summary", response_model=dict[str, Any], summary="Negotiation summary of a round")
def get_round_summary(engine: EngineDep, principal: ApiPrincipal,
                      round: Annotated[str, Path(max_length=120)]) -> dict[str, Any]:
    access.require(principal, "vet")
    return asdict(round_summary(engine, round=round))
