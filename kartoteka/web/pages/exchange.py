"""Sharing and verifying on the web: verify an upload against its signature and the organisation's public
key; download a vetting report with its signature (a ZIP of both) when the server has a signing key;
merge a person imported from another organisation into the registry person it was held for review against."""

from __future__ import annotations

from typing import Annotated

from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Path, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from kartoteka.errors import N_, InvalidInput, NotFound
from kartoteka.reports import exporter
from kartoteka.services import access, runs, signing
from kartoteka.services.auditlog import record_event
from kartoteka.services.signed_reports import signed_report_zip
from kartoteka.services.statements import merge_persons
from kartoteka.web.deps import EngineDep, PagePrincipal, SettingsDep, check_csrf, get_language
from kartoteka.web.render import render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
MAX_BYTES = 50 * 1024 * 1024


async def _read(upload: UploadFile) -> bytes:
    data = await upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise InvalidInput.of(N_("'%(file)s' is larger than %(limit)d MB"), file=str(upload.filename),
                              limit=MAX_BYTES // 1024 // 1024)
    return data


@router.get("/verify")
def verify_form(request: Request) -> Response:
    """Open without signing in: whoever received a signed list (a negotiator, a government) can check it."""
    return render(request, "verify.html", {"result": None, "failure": None})


@router.post("/verify")
async def verify_upload(request: Request, file: Annotated[UploadFile, File()],
                        signature: Annotated[UploadFile, File()],
                        public_key: Annotated[UploadFile | None, File()] = None) -> Response:
    key_bytes = await _read(public_key) if public_key is not None and public_key.filename else b""
    pub = signing.parse_public(key_bytes) if key_bytes else None
    try:
        result = signing.verify_bytes(await _read(file), file.filename or "file", await _read(signature),
                                      public_key=pub)
    except signing.VerificationFailed as exc:
        return render(request, "verify.html", {"result": None, "failure": exc}, status_code=422)
    return render(request, "verify.html", {"result": result, "failure": None})


@router.get("/vetting/runs/{run_id}/signed/report.{fmt}.zip")
def signed_download(engine: EngineDep, principal: PagePrincipal, settings: SettingsDep,
                    lang: Annotated[str, Depends(get_language)], run_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
                    fmt: Annotated[str, Path(pattern="^(html|csv|xlsx|pdf)$")]) -> Response:
    """The report exactly as downloaded, and its signature, in one ZIP (the bytes the signature covers)."""
    if settings.signing_key is None:
        raise NotFound.of(N_("this server has no signing key (KARTOTEKA_SIGNING_KEY)"))
    report = access.redact_report(engine, principal, runs.get_run(engine, run=run_id))
    record_event(engine, actor=principal.username, action="download", entity="vetting_run", entity_id=run_id,
                 detail={"format": fmt, "via": "page", "signed": True})
    name = f"vetting-run-{run_id}{exporter(fmt).suffix}"
    data = signed_report_zip(report, fmt=fmt, lang=lang, key=settings.signing_key, name=name)
    return Response(data, media_type="application/zip",
                    headers={"content-disposition": f"attachment; filename=\"{name}.signed.zip\""})


@router.post("/persons/{ref}/merge")
def merge_into(engine: EngineDep, principal: PagePrincipal, ref: str,
               keep: Annotated[str, Form(min_length=1, max_length=120)]) -> Response:
    """A reviewer's verdict on an import's review pair: ``ref`` is the same person as ``keep``."""
    access.require(principal, "review")
    access.view_person(engine, principal, keep, via="page")   # both must be visible to the reviewer
    access.view_person(engine, principal, ref, via="page")
    merge_persons(engine, keep=keep, other=ref, actor=principal.username, principal=principal)
    return RedirectResponse(f"/persons/{quote(keep, safe='')}?merged={quote(ref, safe='')}", status_code=303)
