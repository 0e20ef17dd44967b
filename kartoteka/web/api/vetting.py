"""/api/vetting: vet a list, saved runs and their reports in every format, reviews, diffs, outcomes."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from starlette.concurrency import run_in_threadpool
from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from kartoteka.errors import N_, NotFound
from kartoteka.reports import exporter
from kartoteka.services import access, reviews, rounds, runs
from kartoteka.services.signed_reports import signed_report_zip
from kartoteka.web.api.models import ERRORS, IdPath, Text
from kartoteka.web.deps import ApiPrincipal, EngineDep, SettingsDep, check_csrf
from kartoteka.web.job_tasks import VetRequest, vet_upload
from kartoteka.web.jobs import jobs, limits_of
from kartoteka.web.uploads import discard, save_upload, upload_path

router = APIRouter(prefix="/vetting", tags=["vetting"], dependencies=[Depends(check_csrf)], responses=ERRORS)


class ReviewIn(BaseModel):
    judgement: str = Field(pattern="^(same|different|unsure)$")
    person: Text | None = Field(default=None, max_length=120, description="another candidate's id")


class OutcomeIn(BaseModel):
    person: Text = Field(min_length=1, max_length=120)
    kind: str = Field(pattern="^(released|exchanged)$")
    date: Text = Field(min_length=4, max_length=40)
    run_id: int | None = Field(default=None, ge=1, le=2**31 - 1)
    note: Text = Field(default="", max_length=2000)


class Created(BaseModel):
    id: int


def _report(engine: EngineDep, principal: access.Principal, run_id: int) -> Any:
    return access.redact_report(engine, principal, runs.get_run(engine, run=run_id))


@router.get("/runs", response_model=list[dict[str, Any]], summary="Saved runs by round and side")
def list_runs(engine: EngineDep, principal: ApiPrincipal, round: Annotated[str | None, Query(max_length=120)] = None,
              side: Annotated[str | None, Query(max_length=120)] = None) -> list[dict[str, Any]]:
    return [asdict(r) for r in access.view_runs(engine, principal, round=round, side=side)]


@router.post("/runs", response_model=dict[str, Any], status_code=201, summary="Vet a list and save the run")
async def vet(request: Request, engine: EngineDep, settings: SettingsDep, principal: ApiPrincipal, file: Annotated[UploadFile, File()],
              definition_id: Annotated[str, Form(max_length=60)], round: Annotated[str, Form(max_length=120)] = "",
              side: Annotated[str, Form(max_length=120)] = "", label: Annotated[str, Form(max_length=200)] = "",
              held_by: Annotated[str, Form(max_length=80, description="whose custody the list concerns")] = "",
              definitions: Annotated[list[str] | None, Form(description="more definitions, a status each")] = None,
              ) -> dict[str, Any]:
    access.require(principal, "vet")
    token = await save_upload(settings.media_dir, file)
    req = VetRequest(db_url=engine.url.render_as_string(hide_password=False), media_dir=settings.media_dir,
                     token=token, path=upload_path(settings.media_dir, token), principal=principal,
                     definition_id=definition_id, round=round, side=side, label=label, held_by=held_by,
                     definitions=tuple(definitions or ())[:10])
    limits = limits_of(settings)   # in a memory-limited process; the event loop keeps answering meanwhile
    job = jobs(request).start_child(principal.username, vet_upload, (req,), limits=limits,
                                    on_end=lambda: discard(settings.media_dir, token))
    await run_in_threadpool(job.wait, limits.seconds + 60)
    if job.exception is not None:
        raise job.exception
    found: dict[str, Any] = job.result
    return found


@router.get("/runs/{run_id}", response_model=dict[str, Any], summary="A run's full report (rows, missing, outcomes)")
def get_run(run_id: IdPath, engine: EngineDep, principal: ApiPrincipal) -> dict[str, Any]:
    report = _report(engine, principal, run_id)
    return {**asdict(report), "summary": {k: v for k, v in asdict(report.summary).items()
                                          if k in ("rows", "by_status", "by_match", "by_flag", "missing")}}


@router.get("/runs/{run_id}/report.{fmt}", summary="The report as html, csv, xlsx or pdf; with signed=1 a ZIP "
            "of the report and its signature (the server's KARTOTEKA_SIGNING_KEY; 404 without one)",
            response_class=Response, responses={200: {"content": {"application/octet-stream": {},
                                                                  "application/zip": {}}}})
def download(run_id: IdPath, fmt: Annotated[str, Path(pattern="^(html|csv|xlsx|pdf)$")], engine: EngineDep,
             principal: ApiPrincipal, settings: SettingsDep,
             lang: Annotated[str, Query(pattern="^(en|uk|ru)$")] = "en", signed: bool = False) -> Response:
    exp = exporter(fmt)
    if signed:   # audited by the download middleware, with "signed" in its detail
        if settings.signing_key is None:
            raise NotFound.of(N_("this server has no signing key (KARTOTEKA_SIGNING_KEY)"))
        name = f"vetting-run-{run_id}{exp.suffix}"
        data = signed_report_zip(_report(engine, principal, run_id), fmt=fmt, lang=lang, key=settings.signing_key,
                                 name=name)
        return Response(data, media_type="application/zip",
                        headers={"content-disposition": f"attachment; filename=\"{name}.signed.zip\""})
    return Response(exp.render(_report(engine, principal, run_id), lang=lang), media_type=exp.media_type,
                    headers={"content-disposition": f"attachment; filename=\"vetting-run-{run_id}{exp.suffix}\""})


@router.post("/runs/{run_id}/rows/{row}/review", response_model=dict[str, Any],
             summary="Record whether a row is the matched person (same / different / unsure)")
def review(run_id: IdPath, row: Annotated[str, Path(max_length=120)], body: ReviewIn, engine: EngineDep,
           principal: ApiPrincipal) -> dict[str, Any]:
    access.require(principal, "vet")
    report = _report(engine, principal, run_id)
    if not any((r.id == row or str(r.row_no) == row) and r.internal_id is not None for r in report.rows) \
            and body.person is None:
        raise NotFound.of(N_("no reviewable row '%(row)s' in run %(run)s"), row=row, run=run_id)
    if body.person is not None:
        access.view_person(engine, principal, body.person, via="review")
    return asdict(reviews.record_review(engine, run=run_id, row=row, judgement=body.judgement,
                                        actor=principal.username, person=body.person))


@router.get("/diff", response_model=dict[str, Any], summary="Persons added, removed and changed between two runs")
def diff(a: Annotated[int, Query(ge=1, le=2**31 - 1)], b: Annotated[int, Query(ge=1, le=2**31 - 1)],
         engine: EngineDep, principal: ApiPrincipal) -> dict[str, Any]:
    return asdict(access.view_diff(engine, principal, run_a=a, run_b=b))


@router.post("/outcomes", response_model=Created, status_code=201, summary="Record a release or exchange")
def outcome(body: OutcomeIn, engine: EngineDep, principal: ApiPrincipal) -> Created:
    access.require(principal, "vet")
    access.view_person(engine, principal, body.person, via="outcome")
    return Created(id=rounds.record_outcome(engine, person=body.person, kind=body.kind, date=body.date,
                                            actor=principal.username, run=body.run_id, note=body.note))
