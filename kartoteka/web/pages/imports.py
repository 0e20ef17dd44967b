"""Import in steps: upload, preview of the column mapping, dry run, commit."""

from __future__ import annotations

from typing import Annotated

from starlette.concurrency import run_in_threadpool
from fastapi import APIRouter, Depends, File, Form, Path, Request, UploadFile
from fastapi.responses import FileResponse, RedirectResponse, Response

from kartoteka.errors import InvalidInput, KartotekaError, RowError
from kartoteka.services.access import require
from kartoteka.services.imports import KINDS
from kartoteka.services.registry_import import SheetOptions
from kartoteka.services.value_mappings import form_value_map, recall
from kartoteka.tabular.vocab import status_values
from kartoteka.web.custody_imports import CUSTODY_KINDS, check_kind
from kartoteka.web.deps import EngineDep, PagePrincipal, SettingsDep, check_csrf
from kartoteka.web.job_tasks import ImportRequest, ImportResult, import_upload, preview_file
from kartoteka.web.jobs import jobs, limits_of
from kartoteka.web.pages.mappings import value_step_context
from kartoteka.web.render import error_text, render
from kartoteka.web.vocabulary import N_
from kartoteka.web.rejected import rejected_path, rejected_target
from kartoteka.web.uploads import discard, save_upload, upload_path

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
Kind = Annotated[str, Form(pattern="^(persons|cases|assessments|registry|custody|recognitions)$")]
Texts = Annotated[list[str] | None, Form()]
WORDS = (N_("registry"),)   # the import kind, shown translated
WAIT_SECONDS = 8.0   # a job done this soon after it started shows its report at once; a longer one its progress
REFRESH_WAIT = 1.0   # each later view waits this long for the end before it shows the progress again


@router.get("/import")
def import_form(request: Request, principal: PagePrincipal) -> Response:
    require(principal, "import")
    return render(request, "import.html", {"kinds": (*KINDS, *CUSTODY_KINDS)})


def _mapping_from_form(fields: list[str], headers: list[str]) -> dict[str, str]:
    """The preview form sends, per header, the field chosen for it ('' = ignore)."""
    return {h: f for h, f in zip(headers, fields) if f}


def _pairs(left: list[str] | None, right: list[str] | None) -> dict[str, str]:
    """Parallel form lists (status spelling / value, row / decision) as a dict; empty choices dropped."""
    return {a: b for a, b in zip(left or [], right or []) if a and b}


@router.post("/import/preview")
async def upload(request: Request, engine: EngineDep, principal: PagePrincipal, settings: SettingsDep, kind: Kind,
                 file: Annotated[UploadFile, File()]) -> Response:
    require(principal, "import")
    check_kind(kind, principal)
    token = await save_upload(settings.media_dir, file)
    try:
        preview = await run_in_threadpool(preview_file, kind, upload_path(settings.media_dir, token),
                                          limits=limits_of(settings))
    except KartotekaError:   # a file that cannot be previewed is not kept
        discard(settings.media_dir, token)
        raise
    values = await run_in_threadpool(value_step_context, request, engine, kind=kind,   # custody, category
                                     path=upload_path(settings.media_dir, token), mapping=None, options=SheetOptions())
    return render(request, "import_preview.html", {"p": preview, "token": token, "report": None, "error": None,
                                                   "options": SheetOptions(), "status_values": status_values(),
                                                   **values})


@router.post("/import/run")
def run(request: Request, engine: EngineDep, principal: PagePrincipal, settings: SettingsDep, kind: Kind,
        token: Annotated[str, Form(max_length=40)], action: Annotated[str, Form(pattern="^(preview|dry_run|commit)$")],
        header: Texts = None, field: Texts = None, status_text: Texts = None, status_value: Texts = None,
        decide_row: Texts = None, decide_choice: Texts = None,
        value_vocab: Texts = None, value_text: Texts = None, value_choice: Texts = None,
        confirm_renames: Annotated[bool, Form()] = False,
        source: Annotated[str, Form(max_length=300)] = "",
        skip_bad_rows: Annotated[bool, Form()] = False, skip_hidden: Annotated[bool, Form()] = False) -> Response:
    """The preview again (a changed mapping) answers at once; a dry run or an import is a job in a
    memory-limited process (web/job_process.py) whose page shows its progress, then the report."""
    require(principal, "import")
    check_kind(kind, principal)   # imported decisions and recognitions: reviewers and administrators only
    path = upload_path(settings.media_dir, token)
    mapping = _mapping_from_form(field or [], header or [])
    status_map = _pairs(status_text, status_value)
    decisions = {int(r): c for r, c in _pairs(decide_row, decide_choice).items() if r.isdigit()}
    options = SheetOptions(confirm_renames=confirm_renames, decisions=decisions, status_map=status_map,
                           source=source, skip_bad_rows=skip_bad_rows, skip_hidden=skip_hidden,
                           value_map=form_value_map(value_vocab, value_text, value_choice))
    remembered = recall(engine, organisation=source, vocabulary="case_status") \
        if kind in ("cases", "registry") else {}   # this organisation's confirmed spellings
    context = {"token": token, "options": options, "remembered": remembered,
               **value_step_context(request, engine, kind=kind, path=path, mapping=mapping, options=options)}
    if action == "preview":
        error: str | None = None
        errors: list[RowError] = []
        try:
            preview = preview_file(kind, path, limits=limits_of(settings), mapping=mapping,
                                   status_map={**remembered, **status_map})
        except InvalidInput as exc:
            error, errors = error_text(request, exc)   # in the reader's language
            preview = preview_file(kind, path, limits=limits_of(settings))
        return render(request, "import_preview.html", {**context, "p": preview, "report": None, "error": error,
                                                       "errors": errors, "status_values": status_values(),
                                                       "rejected_token": ""}, status_code=422 if error else 200)
    rejected_token, target = rejected_target(settings.media_dir, principal.username) if skip_bad_rows else ("", None)
    options.rejected_path = target
    req = ImportRequest(db_url=engine.url.render_as_string(hide_password=False), media_dir=settings.media_dir,
                        token=token, path=path, kind=kind, principal=principal, mapping=mapping,
                        status_map={**remembered, **status_map}, options=options, action=action,
                        rejected_token=rejected_token)
    job = jobs(request).start_child(principal.username, import_upload, (req,), limits=limits_of(settings),
                                    context=context)
    return RedirectResponse(f"/import/jobs/{job.id}", status_code=303)


@router.get("/import/jobs/{job_id}")
def job_page(request: Request, principal: PagePrincipal, job_id: Annotated[str, Path(max_length=40)]) -> Response:
    """The import's progress (refreshing itself), then its report as the run page showed it; a short
    import shows its report at once. Another user's job answers 404."""
    require(principal, "import")
    job = jobs(request).get(job_id, principal.username)
    if not job.wait(max(REFRESH_WAIT, WAIT_SECONDS - job.age)) or job.result is None:
        error = error_text(request, job.exception)[0] if job.exception is not None else None
        return render(request, "import_job.html", {"job": job, "finished": job.finished, "error": error},
                      status_code=422 if error else 200)
    out: ImportResult = job.result
    error, errors = error_text(request, out.error) if out.error is not None else (None, [])
    return render(request, "import_preview.html", {**job.context, "p": out.preview, "report": out.report,
                                                   "error": error, "errors": errors, "status_values": status_values(),
                                                   "rejected_token": out.rejected_token},
                  status_code=422 if error else 200)


@router.get("/import/rejected/{token}")
def rejected_download(principal: PagePrincipal, settings: SettingsDep, token: str) -> Response:
    """The rejected rows of the user's own import with "skip bad rows" (404 for anyone else)."""
    require(principal, "import")
    path = rejected_path(settings.media_dir, token, principal.username)
    return FileResponse(path, media_type="text/csv", filename="rejected-rows.csv")
