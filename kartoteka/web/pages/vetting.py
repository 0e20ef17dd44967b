"""Vetting in the browser: upload a list, watch progress, read and filter the report, review rows
inline, download it in every format; rounds of runs and the diff between two runs."""

from __future__ import annotations

import io
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Path, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from kartoteka.catalogs.loader import definition_ids
from kartoteka.errors import N_, InvalidInput, KartotekaError
from kartoteka.reports import FORMATS, exporter
from kartoteka.reports.common import Formatter, notice_text, tr
from kartoteka.services.review_candidates import row_candidates
from kartoteka.services import access, reviews, rounds, runs
from kartoteka.services.vetting_model import DECISIONS, JUDGEMENTS, STATUSES, VetRow
from kartoteka.web.deps import EngineDep, PagePrincipal, SettingsDep, check_csrf
from kartoteka.web.job_tasks import VetRequest, vet_upload
from kartoteka.web.jobs import jobs, limits_of
from kartoteka.web.render import error_text, render, request_gettext
from kartoteka.web.pages.custody import page_of
from kartoteka.web.render import request_language
from kartoteka.web.uploads import discard, save_upload, upload_path

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
RunId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Short = Annotated[str, Query(max_length=200)]


@router.get("/vetting")
def runs_page(request: Request, engine: EngineDep, principal: PagePrincipal) -> Response:
    return render(request, "vetting.html", {"runs": access.view_runs(engine, principal), "definitions": sorted(definition_ids()),
                                            "error": None})


@router.post("/vetting")
async def upload_list(request: Request, engine: EngineDep, settings: SettingsDep, principal: PagePrincipal,
                      definition_id: Annotated[str, Form(max_length=60)],
                      file: Annotated[UploadFile | None, File()] = None,
                      pasted: Annotated[str, Form(max_length=2_000_000)] = "",
                      round: Annotated[str, Form(max_length=120)] = "", side: Annotated[str, Form(max_length=120)] = "",
                      label: Annotated[str, Form(max_length=200)] = "",
                      held_by: Annotated[str, Form(max_length=80)] = "",
                      also: Annotated[list[str] | None, Form(max_length=60)] = None) -> Response:
    access.require(principal, "vet")
    if file is None or not file.filename:   # the paste box: a column of names, as a text file would give
        if not pasted.strip():
            raise InvalidInput.of(N_("choose a file or paste the names, one per line"))
        file = UploadFile(io.BytesIO(pasted.encode("utf-8")), filename="pasted list.txt")
    token = await save_upload(settings.media_dir, file)
    req = VetRequest(db_url=engine.url.render_as_string(hide_password=False), media_dir=settings.media_dir,
                     token=token, path=upload_path(settings.media_dir, token), principal=principal,
                     definition_id=definition_id, round=round, side=side, label=label, held_by=held_by,
                     definitions=tuple(also or ())[:10])
    job = jobs(request).start_child(principal.username, vet_upload, (req,), limits=limits_of(settings),
                                    on_end=lambda: discard(settings.media_dir, token))
    return RedirectResponse(f"/vetting/jobs/{job.id}", status_code=303)


@router.get("/vetting/jobs/{job_id}")
def job_page(request: Request, principal: PagePrincipal, job_id: Annotated[str, Path(max_length=40)]) -> Response:
    job = jobs(request).get(job_id, principal.username)
    finished, exc = job.finished, job.exception   # one snapshot: the job may finish while we render
    if finished and exc is None:
        return RedirectResponse(f"/vetting/runs/{job.result['id']}", status_code=303)
    error = error_text(request, exc)[0] if finished and exc is not None else None   # in the reader's language
    return render(request, "vetting_job.html", {"job": job, "finished": finished, "error": error})


def _filtered(rows: list[VetRow], status: str, match: str, flag: str, q: str) -> list[VetRow]:
    needle = q.casefold()
    return [r for r in rows if (not status or r.status == status) and (not match or r.match == match)
            and (not flag or flag in r.flags) and (not needle or needle in r.name.casefold()
                                                    or needle in r.registry_name.casefold() or needle == r.id.casefold())]


@router.get("/vetting/runs/{run_id}")
def run_page(request: Request, engine: EngineDep, principal: PagePrincipal, run_id: RunId, status: Short = "",
             match: Short = "", flag: Short = "", q: Short = "",
             missing_page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    report = access.redact_report(engine, principal, runs.get_run(engine, run=run_id))
    rows = _filtered(report.rows, status, match, flag, q)
    missing = page_of(report.missing, missing_page)
    return render(request, "vetting_run.html", {
        "r": report, "rows": rows, "summary": report.summary, "formats": FORMATS, "judgements": JUDGEMENTS,
        "statuses": STATUSES, "decisions": DECISIONS, "f": {"status": status, "match": match, "flag": flag, "q": q},
        "flags": sorted({t for row in report.rows for t in row.flags}), "error": None, "missing": missing,
        "fmt": Formatter(tr(request_language(request))),
        "candidates": row_candidates(engine, principal, rows) if access.can(principal, "vet") else {},
        "notices": [notice_text(n, tr(request_language(request))) for n in report.run.notices]})


@router.get("/vetting/runs/{run_id}/report.{fmt}")
def download(request: Request, engine: EngineDep, principal: PagePrincipal, run_id: RunId,
             fmt: Annotated[str, Path(pattern="^(html|csv|xlsx|pdf)$")]) -> Response:
    report = access.redact_report(engine, principal, runs.get_run(engine, run=run_id))
    exp = exporter(fmt)
    name = f"vetting-run-{run_id}{exp.suffix}"
    return Response(exp.render(report, lang=request_language(request)), media_type=exp.media_type,
                    headers={"content-disposition": f"attachment; filename=\"{name}\""})


@router.post("/vetting/runs/{run_id}/review")
def review_row(request: Request, engine: EngineDep, principal: PagePrincipal, run_id: RunId,
               row: Annotated[str, Form(max_length=120)], judgement: Annotated[str, Form(max_length=10)],
               back: Annotated[str, Form(max_length=500)] = "", person: Annotated[str, Form(max_length=120)] = "",
               other_person: Annotated[str, Form(max_length=120)] = "") -> Response:
    access.require(principal, "vet")
    report = access.redact_report(engine, principal, runs.get_run(engine, run=run_id))
    if not any(r.id == row and r.internal_id is not None for r in report.rows):
        return render(request, "error.html", {"status": 404, "message": f"no reviewable row '{row}'",
                                              "errors": []}, status_code=404)
    chosen = other_person.strip() or person.strip()   # another candidate than the row's own (review --person)
    if chosen:
        access.view_person(engine, principal, chosen, via="review")
    reviews.record_review(engine, run=run_id, row=row, judgement=judgement, actor=principal.username,
                          person=chosen or None)
    target = back if back.startswith(f"/vetting/runs/{run_id}") else f"/vetting/runs/{run_id}"
    return RedirectResponse(f"{target}#row-{quote(row)}", status_code=303)


@router.post("/vetting/outcomes")
def outcome(request: Request, engine: EngineDep, principal: PagePrincipal,
            person: Annotated[str, Form(max_length=120)], kind: Annotated[str, Form(max_length=20)],
            date: Annotated[str, Form(max_length=40)], run_id: Annotated[int, Form(ge=1, le=2**31 - 1)],
            note: Annotated[str, Form(max_length=2000)] = "") -> Response:
    access.require(principal, "vet")
    access.view_person(engine, principal, person, via="outcome")
    rounds.record_outcome(engine, person=person, kind=kind, date=date, actor=principal.username, run=run_id,
                          note=note)
    return RedirectResponse(f"/vetting/runs/{run_id}#outcomes", status_code=303)


@router.get("/vetting/diff")
def diff_page(request: Request, engine: EngineDep, principal: PagePrincipal,
              a: Annotated[int, Query(ge=1, le=2**31 - 1)], b: Annotated[int, Query(ge=1, le=2**31 - 1)]) -> Response:
    try:
        diff = access.view_diff(engine, principal, run_a=a, run_b=b)
    except KartotekaError as exc:
        return render(request, "error.html", {"status": 404, "message": error_text(request, exc)[0], "errors": []},
                      status_code=404)
    gettext = request_gettext(request)
    return render(request, "vetting_diff.html", {"d": diff, "change": lambda delta: rounds.change_text(delta, gettext),
                                           "entry": lambda e: rounds.entry_text(e, gettext)})
