"""/api/imports: upload a file of persons, cases or assessments; preview, dry run or import it (in a
memory-limited job: waited for, or with background=true answered 202 and polled at /api/imports/jobs/ID)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from starlette.concurrency import run_in_threadpool
from fastapi import APIRouter, Depends, File, Form, Path, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel

from kartoteka.services.value_mappings import parse_value_map
from kartoteka.errors import N_, InvalidInput
from kartoteka.services.access import require
from kartoteka.services.registry_import import SheetOptions
from kartoteka.tabular.columns import parse_mapping
from kartoteka.web.api.models import ERRORS
from kartoteka.web.custody_imports import check_kind
from kartoteka.web.deps import ApiPrincipal, EngineDep, SettingsDep, check_csrf
from kartoteka.web.job_tasks import ImportRequest, ImportResult, import_upload, preview_file
from kartoteka.web.jobs import Job, jobs, limits_of
from kartoteka.web.rejected import rejected_path, rejected_target
from kartoteka.web.uploads import discard, save_upload, upload_path

router = APIRouter(prefix="/imports", tags=["imports"], dependencies=[Depends(check_csrf)], responses=ERRORS)


class ImportOut(BaseModel):
    kind: str
    rows: int
    created: int
    updated: int
    unchanged: int
    dry_run: bool
    import_id: str
    columns: dict[str, str]
    ignored: list[str] = []
    notes: list[str] = []
    warnings: list[str] = []   # rows (and columns) hidden in a workbook: imported, or left out with skip_hidden
    changes: list[dict[str, Any]] = []
    renames: list[dict[str, Any]] = []
    reviews: list[dict[str, Any]] = []
    cases_created: int = 0
    cases_updated: int = 0
    cases_unchanged: int = 0
    rejected: int = 0
    rejected_url: str = ""   # skip_bad_rows: the rejected rows with their errors (the importing user only)


def mapping_of(text: str) -> dict[str, str]:
    """``"ФИО=name; Born=birth_date"`` (or one pair a line) as {header: field}."""
    pairs = [p for p in text.replace("\n", ";").split(";") if p.strip()]
    return parse_mapping(pairs)


@router.post("/preview", response_model=dict[str, Any], summary="Columns found and how they map to fields")
async def preview(engine: EngineDep, settings: SettingsDep, principal: ApiPrincipal,
                  kind: Annotated[str, Form(pattern="^(persons|cases|assessments|registry|custody|recognitions)$")],
                  file: Annotated[UploadFile, File()], mapping: Annotated[str, Form(max_length=4000)] = "",
                  ) -> dict[str, Any]:
    require(principal, "import")
    check_kind(kind, principal)
    token = await save_upload(settings.media_dir, file)
    try:
        p = await run_in_threadpool(preview_file, kind, upload_path(settings.media_dir, token),
                                    limits=limits_of(settings), mapping=mapping_of(mapping))
        return {**asdict(p), "unmapped": p.unmapped}
    finally:
        discard(settings.media_dir, token)


class JobOut(BaseModel):
    id: str
    finished: bool
    done: int
    total: int
    seconds_left: int | None
    status_url: str


@router.post("", response_model=ImportOut, summary="Import a file (all rows or none); dry_run validates only",
             responses={202: {"model": JobOut, "description": "background=true: the job; poll its status_url"},
                        422: {"description": "Every bad row, with file, row, column and reason"}})
async def run_import(request: Request, engine: EngineDep, settings: SettingsDep, principal: ApiPrincipal,
                     kind: Annotated[str, Form(pattern="^(persons|cases|assessments|registry|custody|recognitions)$")],
                     file: Annotated[UploadFile, File()], dry_run: Annotated[bool, Form()] = False,
                     mapping: Annotated[str, Form(max_length=4000)] = "",
                     confirm_renames: Annotated[bool, Form()] = False,
                     decisions: Annotated[str, Form(max_length=20000, description="'ROW=PERSON_ID; ROW=new'")] = "",
                     status_map: Annotated[str, Form(max_length=4000, description="'в СИЗО=detained; ...'")] = "",
                     source: Annotated[str, Form(max_length=300, description="assessments: the organisation "
                                                 "whose decisions the file records (rows without one); persons, "
                                                 "registry: the organisation whose names and birth dates these "
                                                 "are (kept as its statements)")] = "",
                     skip_bad_rows: Annotated[bool, Form(description="import the good rows; the rejected ones "
                                                         "with their errors at rejected_url")] = False,
                     value_map: Annotated[str, Form(max_length=4000, description="custody and category spellings: "
                                                    "'custody:СИЗО-2=pretrial; category:полонений=prisoner_of_war'"
                                                    )] = "",
                     code: Annotated[str, Form(max_length=20, description="the file-wide code or jurisdiction of "
                                               "charges and cases that name none (RU, BY, UA, RU-ADM ...)")] = "",
                     skip_hidden: Annotated[bool, Form(description="leave out the rows hidden in an XLSX sheet "
                                                       "(named in warnings); by default they are imported and "
                                                       "named in warnings")] = False,
                     background: Annotated[bool, Form(description="answer 202 at once with the job; its "
                                                      "status_url answers the result when it is done")] = False,
                     ) -> Response | ImportOut:
    """The import runs in a memory-limited process of its own (KARTOTEKA_JOB_MEMORY_MB); by default the
    call waits for it and answers its report."""
    require(principal, "import")
    check_kind(kind, principal)   # imported decisions and recognitions: reviewers and administrators only
    decided = mapping_of(decisions)
    if any(not row.isdigit() for row in decided):
        raise InvalidInput.of(N_("decisions: each entry is ROW=PERSON_ID or ROW=new, ROW a row number"))
    options = SheetOptions(confirm_renames=confirm_renames, status_map=mapping_of(status_map),
                           decisions={int(r): c for r, c in decided.items()}, source=source,
                           value_map=parse_value_map([p for p in value_map.split(";") if p.strip()],
                                                     option="value_map"),
                           jurisdiction=code.strip().upper(), skip_hidden=skip_hidden)
    options.skip_bad_rows = skip_bad_rows
    rejected_token, target = rejected_target(settings.media_dir, principal.username) if skip_bad_rows else ("", None)
    options.rejected_path = target
    token = await save_upload(settings.media_dir, file)
    req = ImportRequest(db_url=engine.url.render_as_string(hide_password=False), media_dir=settings.media_dir,
                        token=token, path=upload_path(settings.media_dir, token), kind=kind, principal=principal,
                        mapping=mapping_of(mapping), status_map={}, options=options,
                        action="dry_run" if dry_run else "commit", rejected_token=rejected_token, for_page=False)
    limits = limits_of(settings)
    job = jobs(request).start_child(principal.username, import_upload, (req,), limits=limits,
                                    on_end=lambda: discard(settings.media_dir, token))
    if background:
        return JSONResponse(_status(job).model_dump(), status_code=202)
    await run_in_threadpool(job.wait, limits.seconds + 60)
    return _result(job)


def _status(job: Job) -> JobOut:
    return JobOut(id=job.id, finished=job.finished, done=job.done, total=job.total, seconds_left=job.seconds_left,
                  status_url=f"/api/imports/jobs/{job.id}")


def _result(job: Job) -> ImportOut:
    """The finished job's report, or its error raised (answered as the synchronous call answers it)."""
    if job.exception is not None:
        raise job.exception
    out: ImportResult = job.result
    if out.error is not None:
        raise out.error
    assert out.report is not None
    report = ImportOut(**{k: v for k, v in asdict(out.report).items() if k in ImportOut.model_fields})
    report.rejected_url = f"/api/imports/rejected/{out.rejected_token}" if out.rejected_token else ""
    return report


@router.get("/jobs/{job_id}", response_model=ImportOut, summary="An import started with background=true: 202 "
            "with its progress while it runs, then what the synchronous call answers (the report, or the error)",
            responses={202: {"model": JobOut, "description": "still running"}})
def job_status(request: Request, principal: ApiPrincipal, job_id: Annotated[str, Path(max_length=40)],
               ) -> Response | ImportOut:
    job = jobs(request).get(job_id, principal.username)   # another user's job: 404
    if not job.finished:
        return JSONResponse(_status(job).model_dump(), status_code=202)
    return _result(job)


@router.get("/rejected/{token}", summary="The rejected rows of your own import with skip_bad_rows (CSV)",
            response_class=FileResponse)
def rejected_download(settings: SettingsDep, principal: ApiPrincipal, token: str) -> FileResponse:
    require(principal, "import")
    return FileResponse(rejected_path(settings.media_dir, token, principal.username), media_type="text/csv",
                        filename="rejected-rows.csv")
