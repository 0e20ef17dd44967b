"""New persons in the browser (with a first case, a source URL or file, a timeline event), and names
and timeline events added on the person page. A bad field keeps the form and what was typed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import RedirectResponse, Response

from kartoteka.errors import InvalidInput
from kartoteka.services import access
from kartoteka.services.evidence import EVENT_KINDS, add_event
from kartoteka.services.person_create import NAME_KINDS, NewPerson, add_name, create_person
from kartoteka.services.records_edit import CASE_FIELDS
from kartoteka.tabular.vocab import status_values
from kartoteka.web.deps import EngineDep, PagePrincipal, SettingsDep, check_csrf
from kartoteka.web.render import error_text, render
from kartoteka.web.uploads import discard, save_upload, upload_path
from kartoteka.web.vocabulary import N_

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
Short = Annotated[str, Form(max_length=400)]
Long = Annotated[str, Form(max_length=4000)]
Many = Annotated[list[str] | None, Form()]
EVENT_WORDS = (N_("deported"), N_("died"), N_("disappeared"))   # event kinds, shown translated
PERSON_FIELDS = ("name", "birth_date", "gender", "citizenship", "region", "sensitivity", "notes", "source_url",
                 "source_title", "event_kind", "event_date", "event_note")


def _context(values: dict[str, str], aliases: list[tuple[str, str]], errors: dict[str, str],
             error: str | None) -> dict[str, object]:
    return {"v": values, "aliases": aliases + [("alias", "")] * max(1, 3 - len(aliases)), "errors": errors,
            "error": error, "name_kinds": NAME_KINDS[1:], "event_kinds": EVENT_KINDS, "statuses": status_values(),
            "case_fields": CASE_FIELDS}


@router.get("/persons/new")
def new_form(request: Request, principal: PagePrincipal) -> Response:
    access.require(principal, "edit")
    values = {f: "" for f in PERSON_FIELDS} | {f"case_{f}": "" for f in CASE_FIELDS} | {"sensitivity": "internal"}
    return render(request, "person_new.html", _context(values, [], {}, None))


@router.post("/persons/new")
async def new_submit(request: Request, engine: EngineDep, principal: PagePrincipal, settings: SettingsDep,
                     name: Short = "", birth_date: Short = "", gender: Short = "", citizenship: Short = "",
                     region: Short = "", sensitivity: Short = "internal", notes: Long = "",
                     alias_kind: Many = None, alias_name: Many = None,
                     case_jurisdiction: Short = "", case_case_number: Short = "", case_articles_text: Long = "",
                     case_court: Long = "", case_detained_on: Short = "", case_verdict_on: Short = "",
                     case_sentence: Long = "", case_facility: Long = "", case_status: Short = "",
                     source_url: Long = "", source_title: Long = "",
                     source_file: Annotated[UploadFile | None, File()] = None,
                     event_kind: Short = "", event_date: Short = "", event_note: Long = "") -> Response:
    access.require(principal, "edit")
    case = {"jurisdiction": case_jurisdiction, "case_number": case_case_number, "articles_text": case_articles_text,
            "court": case_court, "detained_on": case_detained_on, "verdict_on": case_verdict_on,
            "sentence": case_sentence, "facility": case_facility, "status": case_status}
    aliases = [(k, n) for k, n in zip(alias_kind or [], alias_name or []) if n.strip()]
    form = NewPerson(name, birth_date, gender, citizenship, region, sensitivity, notes, aliases, case, source_url,
                     source_title, event_kind, event_date, event_note)
    token = None
    if source_file is not None and source_file.filename:
        token = await save_upload(settings.media_dir, source_file)
    try:
        ext_id = create_person(engine, principal, form, media_dir=settings.media_dir,
                               source_file=upload_path(settings.media_dir, token) if token else None,
                               source_filename=source_file.filename or "" if source_file else "")
    except InvalidInput as exc:
        values = {f: str(getattr(form, f)) for f in PERSON_FIELDS} | {f"case_{k}": v for k, v in case.items()}
        error, rows = error_text(request, exc)   # in the reader's language
        errors = {e.column: e.reason for e in rows}
        errors = {("name" if k == "primary_name" else k): v for k, v in errors.items()}
        if token:
            errors.setdefault("source_file", "")   # the browser forgets a chosen file: ask for it again
        return render(request, "person_new.html", _context(values, aliases, errors, error),
                      status_code=422)
    finally:
        if token:
            discard(settings.media_dir, token)
    return RedirectResponse(f"/persons/{ext_id}", status_code=303)


@router.post("/persons/{ref}/names")
def add_name_submit(engine: EngineDep, principal: PagePrincipal, ref: str, kind: Short, full: Short) -> Response:
    add_name(engine, principal, ref, kind=kind, full=full)
    return RedirectResponse(f"/persons/{ref}#names", status_code=303)


@router.post("/persons/{ref}/events")
def add_event_submit(engine: EngineDep, principal: PagePrincipal, ref: str, kind: Short, date: Short = "",
                     note: Long = "") -> Response:
    access.require(principal, "edit")
    access.view_person(engine, principal, ref, via="edit")
    add_event(engine, actor=principal.username, person=ref, kind=kind, date=date, note=note)
    return RedirectResponse(f"/persons/{ref}#timeline", status_code=303)
