"""/api/cases and /api/sources: edit a case or a source with optimistic locking (send the version you read).

Only the fields you send change; an empty string clears a field; an unknown field answers 422.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from kartoteka.services.records_edit import update_case, update_source
from kartoteka.web.api.models import EDIT_ERRORS, ERRORS, IdPath, Text
from kartoteka.web.api.persons import Version
from kartoteka.web.deps import ApiPrincipal, EngineDep, check_csrf

cases = APIRouter(prefix="/cases", tags=["cases"], dependencies=[Depends(check_csrf)], responses=ERRORS)
sources = APIRouter(prefix="/sources", tags=["sources"], dependencies=[Depends(check_csrf)], responses=ERRORS)
DATE = "YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY"
SENSITIVITY = "public, internal or confidential"


class EditIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    version: int = Field(description="the version you read; a newer one on the server gives 409")


class CaseEditIn(EditIn):
    jurisdiction: Text = Field(default="", max_length=8, description="RU, BY or UA")
    case_number: Text = Field(default="", max_length=200)
    articles_text: Text = Field(default="", max_length=4000, description="the charges as written; parsed again")
    court: Text = Field(default="", max_length=4000)
    detained_on: Text = Field(default="", max_length=40, description=DATE)
    verdict_on: Text = Field(default="", max_length=40, description=DATE)
    sentence: Text = Field(default="", max_length=4000)
    facility: Text = Field(default="", max_length=4000)
    status: Text = Field(default="", max_length=60)
    sensitivity: Text = Field(default="internal", max_length=20, description=SENSITIVITY)


class SourceEditIn(EditIn):
    url: Text = Field(default="", max_length=2000, description="an http:// or https:// address")
    title: Text = Field(default="", max_length=1000)
    publisher: Text = Field(default="", max_length=300)
    accessed_on: Text = Field(default="", max_length=40, description=DATE)
    sensitivity: Text = Field(default="internal", max_length=20, description=SENSITIVITY)


def _changes(body: EditIn) -> dict[str, str]:
    return body.model_dump(exclude_unset=True, exclude={"version"})


@cases.patch("/{case_id}", response_model=Version, summary="Edit a case (409 when the version is stale)",
             responses=EDIT_ERRORS)
def patch_case(case_id: IdPath, body: CaseEditIn, engine: EngineDep, principal: ApiPrincipal) -> Version:
    return Version(version=update_case(engine, principal=principal, case_id=case_id, values=_changes(body),
                                       expected_version=body.version))


@sources.patch("/{source_id}", response_model=Version, summary="Edit a source (409 when the version is stale)",
               responses=EDIT_ERRORS)
def patch_source(source_id: IdPath, body: SourceEditIn, engine: EngineDep, principal: ApiPrincipal) -> Version:
    return Version(version=update_source(engine, principal=principal, source_id=source_id, values=_changes(body),
                                         expected_version=body.version))
