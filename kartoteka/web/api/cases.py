"""/api/cases: edit a case with optimistic locking (send the version you read)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from kartoteka.services.records_edit import update_case
from kartoteka.web.api.models import EDIT_ERRORS, ERRORS, IdPath, Text
from kartoteka.web.api.persons import Version
from kartoteka.web.deps import ApiPrincipal, EngineDep, check_csrf

router = APIRouter(prefix="/cases", tags=["cases"], dependencies=[Depends(check_csrf)], responses=ERRORS)


class CaseEditIn(BaseModel):
    """Only the fields you send change; an empty string clears a field."""

    model_config = ConfigDict(extra="forbid")
    version: int = Field(description="the version you read; a newer one on the server gives 409")
    jurisdiction: Text = Field(default="", max_length=8, description="RU, BY or UA")
    case_number: Text = Field(default="", max_length=200)
    articles_text: Text = Field(default="", max_length=4000, description="the charges as written; parsed again")
    court: Text = Field(default="", max_length=4000)
    detained_on: Text = Field(default="", max_length=40, description="YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY")
    verdict_on: Text = Field(default="", max_length=40)
    sentence: Text = Field(default="", max_length=4000)
    facility: Text = Field(default="", max_length=4000)
    status: Text = Field(default="", max_length=60)
    sensitivity: Text = Field(default="internal", max_length=20, description="public, internal or confidential")


@router.patch("/{case_id}", response_model=Version, summary="Edit a case (409 when the version is stale)",
              responses=EDIT_ERRORS)
def patch_case(case_id: IdPath, body: CaseEditIn, engine: EngineDep, principal: ApiPrincipal) -> Version:
    values = body.model_dump(exclude_unset=True, exclude={"version"})
    return Version(version=update_case(engine, principal=principal, case_id=case_id, values=values,
                                       expected_version=body.version))
