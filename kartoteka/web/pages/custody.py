"""Custody in the browser: a person's custody history, category and recognitions with forms to add
them, and the negotiation summary of a round."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Generic, TypeVar
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from kartoteka.catalogs import definition_ids
from kartoteka.catalogs.custody import load_categories, load_custody_vocabulary
from kartoteka.errors import InvalidInput
from kartoteka.reports.common import N_, Formatter, tr
from kartoteka.services import access
from kartoteka.services import custody as svc
from kartoteka.services.custody_view import view_custody
from kartoteka.services.round_summary import GROUPS, round_summary
from kartoteka.web.deps import EngineDep, PagePrincipal, check_csrf
from kartoteka.web.render import error_text, render, request_language

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
T = TypeVar("T")
PAGE_SIZE = 50
GROUP_LABELS = {"asked": N_("asked for"), "offered": N_("offered"), "agreed": N_("agreed (on both sides' lists)"),
                "exchanged": N_("exchanged"), "released": N_("released"), "outstanding": N_("outstanding")}
Text = Annotated[str, Form(max_length=2000)]


@dataclass
class Page(Generic[T]):
    items: list[T]
    page: int
    pages: int
    total: int


def page_of(items: list[T], page: int, size: int = PAGE_SIZE) -> Page[T]:
    pages = max(1, -(-len(items) // size))
    page = min(max(page, 1), pages)
    return Page(items[(page - 1) * size:page * size], page, pages, len(items))


def custody_context(request: Request, engine: EngineDep, principal: PagePrincipal, person_id: int) -> dict[str, object]:
    """What the person page's custody section needs (kartoteka/web/templates/_custody.html)."""
    return {"custody": view_custody(engine, principal, person_id, via="page"),
            "fmt": Formatter(tr(request_language(request)))}


def _context(request: Request, engine: EngineDep, principal: PagePrincipal, ref: str,
             error: str | None = None) -> dict[str, object]:
    d = access.view_person(engine, principal, ref, via="custody")
    return {"d": d, "c": view_custody(engine, principal, d.person["id"], via="custody"), "error": error,
            "states": list(load_custody_vocabulary().states), "categories": list(load_categories()),
            "definitions": sorted(definition_ids()), "fmt": Formatter(tr(request_language(request)))}


@router.get("/persons/{ref}/custody")
def custody_page(request: Request, engine: EngineDep, principal: PagePrincipal, ref: str) -> Response:
    return render(request, "custody.html", _context(request, engine, principal, ref))


def _done(request: Request, engine: EngineDep, principal: PagePrincipal, ref: str, action: object) -> Response:
    try:
        if callable(action):
            action()
    except InvalidInput as exc:
        return render(request, "custody.html", _context(request, engine, principal, ref, error_text(request, exc)[0]),
                      status_code=422)
    return RedirectResponse(f"/persons/{quote(ref, safe='')}/custody", status_code=303)


@router.post("/persons/{ref}/custody")
def add_custody(request: Request, engine: EngineDep, principal: PagePrincipal, ref: str,
                held_by: Annotated[str, Form(max_length=80)], state: Annotated[str, Form(max_length=30)],
                place: Text = "", since: Annotated[str, Form(max_length=40)] = "",
                confirmed_on: Annotated[str, Form(max_length=40)] = "", source: Text = "",
                confirmed_source: Text = "", note: Text = "") -> Response:
    access.require(principal, "edit")
    d = access.view_person(engine, principal, ref, via="custody")
    return _done(request, engine, principal, ref, lambda: svc.record_custody(
        engine, person=d.person["id"], held_by=held_by, state=state, actor=principal.username, place=place,
        since=since, confirmed_on=confirmed_on, source=source, confirmed_source=confirmed_source, note=note))


@router.post("/persons/{ref}/category")
def add_category(request: Request, engine: EngineDep, principal: PagePrincipal, ref: str,
                 category: Annotated[str, Form(max_length=40)], definition_id: Annotated[str, Form(max_length=60)] = "",
                 source: Text = "", note: Text = "") -> Response:
    access.require(principal, "edit")
    d = access.view_person(engine, principal, ref, via="custody")
    return _done(request, engine, principal, ref, lambda: svc.set_category(
        engine, person=d.person["id"], category=category, actor=principal.username, definition_id=definition_id,
        source=source, note=note))


@router.post("/persons/{ref}/recognitions")
def add_recognition(request: Request, engine: EngineDep, principal: PagePrincipal, ref: str,
                    organisation: Annotated[str, Form(max_length=300)], statement: Text,
                    stated_on: Annotated[str, Form(max_length=40)], definition_id: Annotated[str, Form(max_length=60)] = "",
                    note: Text = "") -> Response:
    d = access.view_person(engine, principal, ref, via="custody")
    return _done(request, engine, principal, ref, lambda: svc.add_recognition(
        engine, person=d.person["id"], organisation=organisation, statement=statement, stated_on=stated_on,
        actor=principal.username, role=principal.role, definition_id=definition_id, note=note))


@router.get("/vetting/rounds/{round}")
def round_page(request: Request, engine: EngineDep, principal: PagePrincipal,
               round: Annotated[str, Path(max_length=120)]) -> Response:
    access.require(principal, "vet")     # names and custody of everyone on the round's lists
    summary = round_summary(engine, round=round)
    return render(request, "round_summary.html", {"s": summary, "groups": GROUPS, "group_labels": GROUP_LABELS,
                                                  "fmt": Formatter(tr(request_language(request)))})
