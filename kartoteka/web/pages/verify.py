"""Verify a signed file: upload the file, its signature and (optionally) the organisation's public key."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Request, UploadFile
from fastapi.responses import Response

from kartoteka.errors import InvalidInput
from kartoteka.services import signing
from kartoteka.web.deps import PagePrincipal, check_csrf
from kartoteka.web.render import render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
MAX_BYTES = 50 * 1024 * 1024


async def _read(upload: UploadFile) -> bytes:
    data = await upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidInput(f"'{upload.filename}' is larger than {MAX_BYTES // 1024 // 1024} MB")
    return data


@router.get("/verify")
def verify_form(request: Request, principal: PagePrincipal) -> Response:
    return render(request, "verify.html", {"result": None, "failure": None})


@router.post("/verify")
async def verify_upload(request: Request, principal: PagePrincipal, file: Annotated[UploadFile, File()],
                        signature: Annotated[UploadFile, File()],
                        public_key: Annotated[UploadFile | None, File()] = None) -> Response:
    key_bytes = await _read(public_key) if public_key is not None and public_key.filename else b""
    pub = signing.parse_public(key_bytes) if key_bytes else None
    try:
        result = signing.verify_bytes(await _read(file), file.filename or "file", await _read(signature),
                                      public_key=pub)
    except signing.VerificationFailed as exc:
        return render(request, "verify.html", {"result": None, "failure": str(exc)}, status_code=422)
    return render(request, "verify.html", {"result": result, "failure": None})
