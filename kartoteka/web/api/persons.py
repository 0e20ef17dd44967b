"""/api/persons: search, one person, edit with optimistic locking, history."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, ConfigDict, Field

from kartoteka.services import access
from kartoteka.services.browse import PersonFilters, PersonRow, search
from kartoteka.services import persons_patch
from kartoteka.web.adapters import flag_details, flag_tags
from kartoteka.web.api.models import ERRORS, Text
from kartoteka.web.cpu import on_cpu_threads, threads_for
from kartoteka.web.deps import ApiPrincipal, EngineDep, check_csrf

router = APIRouter(prefix="/persons", tags=["persons"], dependencies=[Depends(check_csrf)], responses=ERRORS)


class PersonOut(BaseModel):
    person: dict[str, Any]
    names: list[dict[str, Any]]
    cases: list[dict[str, Any]] = Field(description="each with its 'charges'")
    events: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    assessments: list[dict[str, Any]]
    flags: list[dict[str, Any]]


class PersonEditIn(BaseModel):
    """Only the fields sent change; the others keep their stored values (an empty string clears one)."""

    model_config = ConfigDict(extra="forbid")

    version: int = Field(description="the version you read; a newer one on the server gives 409")
    primary_name: Text | None = Field(default=None, min_length=1, max_length=400)
    gender: Text | None = Field(default=None, max_length=20)
    birth_date: Text | None = Field(default=None, max_length=40)
    citizenship: Text | None = Field(default=None, max_length=200)
    region: Text | None = Field(default=None, max_length=200)
    sensitivity: Text | None = Field(default=None, max_length=20,
                                     description="lowering it is audited as a 'declassify' act")
    notes: Text | None = Field(default=None, max_length=4000)


class Version(BaseModel):
    version: int


async def filters(q: Annotated[str, Query(max_length=300, description="a name in any script")] = "",
            status: Annotated[str, Query(max_length=60)] = "", code: Annotated[str, Query(max_length=8)] = "",
            article: Annotated[str, Query(max_length=20)] = "", region: Annotated[str, Query(max_length=200)] = "",
            facility: Annotated[str, Query(max_length=200)] = "", flag: Annotated[str, Query(max_length=40)] = "",
            transliterate: bool = True) -> PersonFilters:
    return PersonFilters(q, status, code, article, region, facility, flag, transliterate)


@router.get("", response_model=list[PersonRow], summary="Search persons across scripts, with filters")
async def search_persons(engine: EngineDep, principal: ApiPrincipal, f: Annotated[PersonFilters, Depends(filters)],
                         limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[PersonRow]:
    # answers kept while no record changes, per reader's sensitivities (services/search_results.py); on the
    # few threads of kartoteka/web/cpu.py
    return await on_cpu_threads(lambda: search(engine, principal, f, limit=limit, flags_for=flag_tags(principal),
                                                cache_as="flag_tags"), threads=threads_for(engine))


def person_out(engine: EngineDep, principal: access.Principal, ref: str, via: str) -> PersonOut:
    d = access.view_person(engine, principal, ref, via=via)
    with engine.connect() as conn:
        flags = flag_details(conn, principal, [d.person["id"]]).get(d.person["id"], [])
    return PersonOut(person=d.person, names=d.names,
                     cases=[{**c, "charges": d.charges.get(c["id"], [])} for c in d.cases],
                     events=d.events, sources=d.sources, assessments=d.assessments, flags=flags)


@router.get("/{ref}", response_model=PersonOut, summary="One person: names, cases, charges, timeline, sources")
def get_person(ref: str, engine: EngineDep, principal: ApiPrincipal) -> PersonOut:
    return person_out(engine, principal, ref, "api")


@router.patch("/{ref}", response_model=Version, summary="Edit a person (409 when the version is stale)",
              responses={409: {"description": "Changed by someone else since you read it"},
                         422: {"description": "Invalid field values"}})
def patch_person(ref: str, body: PersonEditIn, engine: EngineDep, principal: ApiPrincipal) -> Version:
    changes = {k: v for k, v in body.model_dump(exclude_unset=True).items() if k != "version" and v is not None}
    return Version(version=persons_patch.patch_person(engine, principal, ref, version=body.version, changes=changes))


@router.get("/{ref}/history", response_model=list[dict[str, Any]], summary="Every recorded change")
def get_history(ref: str, engine: EngineDep, principal: ApiPrincipal) -> list[dict[str, Any]]:
    return access.view_history(engine, principal, ref)
