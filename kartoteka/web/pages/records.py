"""Edit forms for cases and sources, with the person form's validation and conflict notice."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from kartoteka.errors import Conflict, InvalidInput
from kartoteka.services.records_edit import (
    RecordForEdit, case_for_edit, case_person, source_for_edit, update_case, update_source,
)
from kartoteka.web.api.models import IdPath
from kartoteka.web.deps import EngineDep, PagePrincipal, check_csrf
from kartoteka.web.render import error_text, render
from kartoteka.web.vocabulary import STATUSES

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
Short = Annotated[str, Form(max_length=400)]
Long = Annotated[str, Form(max_length=8000)]
PersonRef = Annotated[str, Query(max_length=120, description="the person the form was opened from")]


def _page(request: Request, template: str, record: RecordForEdit, values: dict[str, str], *,
          status_code: int = 200, **context: Any) -> Response:
    ctx: dict[str, Any] = {"r": record, "v": values, "error": None, "errors": {}, "conflict": False}
    return render(request, template, ctx | context, status_code=status_code)


def _save(request: Request, template: str, values: dict[str, str], *, save: Callable[[], int],
          reload: Callable[[], RecordForEdit], done: Callable[[], str], **context: Any) -> Response:
    """Save, or show the form again with the typed values: 409 with the conflict notice when the
    record changed since the form was loaded, 422 with a message at every bad field."""
    try:
        save()
    except Conflict as exc:
        return _page(request, template, reload(), values, status_code=409, error=error_text(request, exc)[0],
                     conflict=True,
                     **context)
    except InvalidInput as exc:
        error, rows = error_text(request, exc)   # in the reader's language
        return _page(request, template, reload(), values, status_code=422, error=error,
                     errors={e.column: e.reason for e in rows}, **context)
    return RedirectResponse(done(), status_code=303)


@router.get("/cases/{case_id}/edit")
def case_form(request: Request, engine: EngineDep, principal: PagePrincipal, case_id: IdPath) -> Response:
    r = case_for_edit(engine, principal=principal, case_id=case_id)
    return _page(request, "case_edit.html", r, r.values | {"version": str(r.record["version"])},
                 statuses=STATUSES)


@router.post("/cases/{case_id}/edit")
def case_submit(request: Request, engine: EngineDep, principal: PagePrincipal, case_id: IdPath,
                version: Annotated[int, Form()], jurisdiction: Short = "", case_number: Short = "",
                articles_text: Long = "", court: Long = "", detained_on: Short = "", verdict_on: Short = "",
                sentence: Long = "", facility: Long = "", status: Short = "", sensitivity: Short = "") -> Response:
    values = {"jurisdiction": jurisdiction, "case_number": case_number, "articles_text": articles_text,
              "court": court, "detained_on": detained_on, "verdict_on": verdict_on, "sentence": sentence,
              "facility": facility, "status": status, "sensitivity": sensitivity}
    return _save(request, "case_edit.html", values | {"version": str(version)}, statuses=STATUSES,
                 save=lambda: update_case(engine, principal=principal, case_id=case_id, values=values,
                                          expected_version=version),
                 reload=lambda: case_for_edit(engine, principal=principal, case_id=case_id),
                 done=lambda: f"/persons/{quote(case_person(engine, case_id=case_id), safe='')}?saved=1")


@router.get("/sources/{source_id}/edit")
def source_form(request: Request, engine: EngineDep, principal: PagePrincipal, source_id: IdPath,
                person: PersonRef = "") -> Response:
    r = source_for_edit(engine, principal=principal, source_id=source_id)
    return _page(request, "source_edit.html", r, r.values | {"version": str(r.record["version"])}, person=person)


@router.post("/sources/{source_id}/edit")
def source_submit(request: Request, engine: EngineDep, principal: PagePrincipal, source_id: IdPath,
                  version: Annotated[int, Form()], person: PersonRef = "", url: Long = "", title: Long = "",
                  publisher: Short = "", accessed_on: Short = "", sensitivity: Short = "") -> Response:
    values = {"url": url, "title": title, "publisher": publisher, "accessed_on": accessed_on,
              "sensitivity": sensitivity}
    done = f"/persons/{quote(person, safe='')}?saved=1" if person else f"/sources/{source_id}/edit?saved=1"
    return _save(request, "source_edit.html", values | {"version": str(version)}, person=person,
                 save=lambda: update_source(engine, principal=principal, source_id=source_id, values=values,
                                            expected_version=version),
                 reload=lambda: source_for_edit(engine, principal=principal, source_id=source_id),
                 done=lambda: done)
