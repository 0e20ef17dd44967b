"""/api/sources: edit a source with optimistic locking (send the version you read)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from kartoteka.services.records_edit import update_source
from kartoteka.web.api.models import EDIT_ERRORS, ERRORS, IdPath, Text
from kartoteka.web.api.persons import Version
from kartoteka.web.deps import ApiPrincipal, EngineDep, check_csrf

router = APIRouter(prefix="/sources", tags=["sources"], dependencies=[Depends(check_csrf)], responses=ERRORS)


class SourceEditIn(BaseModel):
    """Only the fields you send change; an empty string clears a field."""

    model_config = ConfigDict(extra="forbid")
    version: int = Field(description="the version you read; a newer one on the server gives 409")
    url: Text = Field(default="", max_length=2000, description="http:// or https:// address")
    title: Text = Field(default="", max_length=1000)
    publisher: Text = Field(default="", max_length=300)
    accessed_on: Text = Field(default="", max_length=40, description="YYYY, YYYY-MM, YYYY-MM-DD or DD.MM.YYYY")
    sensitivity: Text = Field(default="internal", max_length=20, description="public, internal or confidential")


@router.patch("/{source_id}", response_model=Version, summary="Edit a source (409 when the version is stale)",
              responses=EDIT_ERRORS)
def patch_source(source_id: IdPath, body: SourceEditIn, engine: EngineDep, principal: ApiPrincipal) -> Version:
    values = body.model_dump(exclude_unset=True, exclude={"version"})
    return Version(version=update_source(engine, principal=principal, source_id=source_id, values=values,
                                         expected_version=body.version))
