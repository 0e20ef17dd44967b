"""Import in steps: upload, preview of the column mapping, dry run, commit."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import Response

from kartoteka.errors import InvalidInput
from kartoteka.services.access import require
from kartoteka.services.import_preview import preview_import
from kartoteka.services.imports import KINDS, import_file
from kartoteka.web.deps import EngineDep, PagePrincipal, SettingsDep, check_csrf
from kartoteka.web.render import render
from kartoteka.web.uploads import discard, save_upload, upload_path

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
Kind = Annotated[str, Form(pattern="^(persons|cases|assessments)$")]


@router.get("/import")
def import_form(request: Request, principal: PagePrincipal) -> Response:
    require(principal, "import")
    return render(request, "import.html", {"kinds": KINDS})


def _mapping_from_form(fields: list[str], headers: list[str]) -> dict[str, str]:
    """The preview form sends, per header, the field chosen for it ('' = ignore)."""
    return {h: f for h, f in zip(headers, fields) if f}


@router.post("/import/preview")
async def upload(request: Request, principal: PagePrincipal, settings: SettingsDep, kind: Kind,
                 file: Annotated[UploadFile, File()]) -> Response:
    require(principal, "import")
    token = await save_upload(settings.media_dir, file)
    preview = preview_import(kind, upload_path(settings.media_dir, token))
    return render(request, "import_preview.html", {"p": preview, "token": token, "report": None, "error": None})


@router.post("/import/run")
def run(request: Request, engine: EngineDep, principal: PagePrincipal, settings: SettingsDep, kind: Kind,
        token: Annotated[str, Form(max_length=40)], action: Annotated[str, Form(pattern="^(preview|dry_run|commit)$")],
        header: Annotated[list[str] | None, Form()] = None, field: Annotated[list[str] | None, Form()] = None,
        ) -> Response:
    require(principal, "import")
    path = upload_path(settings.media_dir, token)
    mapping = _mapping_from_form(field or [], header or [])
    report, error, errors, preview = None, None, [], None
    try:
        preview = preview_import(kind, path, mapping=mapping)
        if action != "preview":
            report = import_file(engine, kind, path, actor=principal.username, mapping=mapping,
                                 dry_run=action == "dry_run")
    except InvalidInput as exc:
        error, errors = str(exc).split("\n")[0], exc.errors[:500]
        preview = preview or preview_import(kind, path)
    if action == "commit" and report is not None:
        discard(settings.media_dir, token)
    return render(request, "import_preview.html", {"p": preview, "token": token, "report": report,
                                                   "error": error, "errors": errors},
                  status_code=422 if error else 200)
