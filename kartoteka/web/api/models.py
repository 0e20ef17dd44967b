"""Response and request bodies shared by the API routers."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, BaseModel, Field


class Problem(BaseModel):
    detail: str
    errors: list[dict[str, Any]] = Field(default_factory=list)


ERRORS: dict[int | str, dict[str, Any]] = {
    401: {"model": Problem, "description": "Not signed in / bad token"},
    403: {"model": Problem, "description": "Not allowed for this role"},
    404: {"model": Problem, "description": "Not found (or not visible to you)"},
}

MAX_ID = 2**31 - 1   # database ids are 32-bit integers
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]


def _printable(value: str) -> str:
    """Refuse NUL and other control characters (tabs and line breaks are fine)."""
    if any(ord(c) < 32 and c not in "\t\n\r" for c in value):
        raise ValueError("control characters are not allowed")
    return value


Text = Annotated[str, AfterValidator(_printable)]

EDIT_ERRORS: dict[int | str, dict[str, Any]] = {
    409: {"model": Problem, "description": "Changed by someone else since you read it"},
    422: {"description": "Invalid field values, each listed in 'errors'"},
}
