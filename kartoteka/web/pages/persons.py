"""Search, the person page, history, and the edit form with conflict detection."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from kartoteka.catalogs.loader import definition_ids
from kartoteka.errors import Conflict, InvalidInput
from kartoteka.services import access
from kartoteka.services.browse import PersonFilters
from kartoteka.services.person_merge import merges_into
from kartoteka.services.persons_edit import PersonEdit, edit_person
from kartoteka.services.statements import visible_claims
from kartoteka.web.adapters import flag_details
from kartoteka.web.deps import EngineDep, PagePrincipal, check_csrf
from kartoteka.web.pages.custody import custody_context
from kartoteka.web.pages.person_search import recognition_filter, search_context
from kartoteka.web.cpu import on_cpu_threads, threads_for
from kartoteka.web.render import error_text, render
from kartoteka.web.pages.exchange import router as exchange_router

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
Text = Annotated[str, Query(max_length=300)]


@router.get("/persons")
async def search_page(request: Request, engine: EngineDep, principal: PagePrincipal, q: Text = "", status: Text = "",
                code: Text = "", article: Text = "", region: Text = "", facility: Text = "", flag: Text = "",
                translit: Text = "", searched: Text = "", birth_year: Text = "", sort: Text = "",
                page: Annotated[int, Query(ge=1, le=100_000)] = 1, definition: Text = "",
                recognition: Text = "") -> Response:
    # an unticked checkbox sends nothing: after a search, a missing 'translit' means off
    status, recognition = recognition_filter(status, definition, recognition)
    f = PersonFilters(q, status, code, article, region, facility, flag,
                      transliterate=translit == "on" or not searched)
    return await on_cpu_threads(lambda: render(request, "search.html", search_context(   # kartoteka/web/cpu.py
        engine, principal, f, searched=bool(searched), birth_year=birth_year, sort=sort, page=page,
        definition=definition, recognition=recognition)), threads=threads_for(engine))


@router.get("/persons/{ref}")
def person_page(request: Request, engine: EngineDep, principal: PagePrincipal, ref: str) -> Response:
    d = access.view_person(engine, principal, ref, via="page")
    with engine.connect() as conn:
        flags = flag_details(conn, principal, [d.person["id"]]).get(d.person["id"], [])
        claims = visible_claims(conn, principal, d.person["id"])   # each organisation's statements, disagreements marked
    return render(request, "person.html", {"d": d, "flags": flags, "definitions": sorted(definition_ids()),
                                           "claims": claims,
                                           "history": access.view_history(engine, principal, ref),
                                           "merges": merges_into(engine, d.person["id"], principal),
                                           **custody_context(request, engine, principal, d.person["id"])})


def _edit_context(d: object, values: dict[str, str], error: str | None = None,
                  errors: dict[str, str] | None = None) -> dict[str, object]:
    return {"d": d, "v": values, "error": error, "errors": errors or {}}


@router.get("/persons/{ref}/edit")
def edit_form(request: Request, engine: EngineDep, principal: PagePrincipal, ref: str) -> Response:
    access.require(principal, "edit")
    d = access.view_person(engine, principal, ref, via="edit")
    p = d.person
    values = {"version": str(p["version"]), "primary_name": d.primary_name, "gender": p["gender"] or "",
              "birth_date": p["birth_date"] or "", "citizenship": p["citizenship"], "region": p["region"],
              "sensitivity": p["sensitivity"], "notes": p["notes"]}
    return render(request, "edit.html", _edit_context(d, values))


@router.post("/persons/{ref}/edit")
def edit_submit(request: Request, engine: EngineDep, principal: PagePrincipal, ref: str,
                version: Annotated[int, Form()], primary_name: Annotated[str, Form(max_length=400)],
                gender: Annotated[str, Form(max_length=20)] = "", birth_date: Annotated[str, Form(max_length=40)] = "",
                citizenship: Annotated[str, Form(max_length=200)] = "",
                region: Annotated[str, Form(max_length=200)] = "",
                sensitivity: Annotated[str, Form(max_length=20)] = "internal",
                notes: Annotated[str, Form(max_length=4000)] = "") -> Response:
    edit = PersonEdit(version, primary_name, gender, birth_date, citizenship, region, sensitivity, notes)
    values = {k: str(getattr(edit, k)) for k in edit.__dataclass_fields__}
    try:
        edit_person(engine, principal, ref, edit)
    except Conflict as exc:
        d = access.view_person(engine, principal, ref, via="edit")
        return render(request, "edit.html", _edit_context(d, values, error=error_text(request, exc)[0]) | {"conflict": True,
                      "current_version": d.person["version"]}, status_code=409)
    except InvalidInput as exc:
        d = access.view_person(engine, principal, ref, via="edit")
        error, rows = error_text(request, exc)   # in the reader's language
        return render(request, "edit.html", _edit_context(d, values, error=error,
                                                          errors={e.column: e.reason for e in rows}),
                      status_code=422)
    return RedirectResponse(f"/persons/{quote(ref, safe='')}?saved=1", status_code=303)


router.include_router(exchange_router)   # /verify, signed downloads, merging after review (issue 15)
