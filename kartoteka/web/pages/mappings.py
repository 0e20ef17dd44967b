"""Remembered value mappings on the web: an organisation's confirmed spellings of case statuses, custody
states and categories (services/value_mappings.py), listed per vocabulary with removal (reviewers and
administrators; each removal is in the audit log). ``value_choices`` gives the import preview the
controlled values of a vocabulary with their labels in the reader's language, ``value_step_context``
its custody and category mapping step."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import Engine

from kartoteka.catalogs.custody import category_label, load_categories, load_custody_vocabulary, state_label
from kartoteka.errors import N_, InvalidInput, NotFound
from kartoteka.services.access import require
from kartoteka.services.registry_import import SheetOptions
from kartoteka.services.value_mappings import VOCABULARIES, ValueStep, list_mappings, remove, value_step
from kartoteka.tabular.vocab import status_values
from kartoteka.web.deps import EngineDep, PagePrincipal, check_csrf
from kartoteka.web.render import render, request_gettext, request_language

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
TITLES = {"case_status": N_("Case statuses"), "custody": N_("Custody states"), "category": N_("Categories")}
Text = Annotated[str, Form(max_length=300)]


def value_choices(request: Request, vocabulary: str) -> list[tuple[str, str]]:
    """(value, label) of each controlled value of ``vocabulary``, labelled in the reader's language."""
    lang = request_language(request)
    if vocabulary == "custody":
        return [(s, state_label(s, lang)) for s in load_custody_vocabulary().states]
    if vocabulary == "category":
        return [(c, category_label(c, lang)) for c in load_categories()]
    gettext = request_gettext(request)
    return [(v, gettext(v)) for v in status_values()]


def remembered_by_vocabulary(request: Request, engine: Engine, organisation: str
                             ) -> dict[str, list[tuple[str, str, str]]]:
    """An organisation's remembered spellings per vocabulary: (spelling, value, label)."""
    labels = {v: dict(value_choices(request, v)) for v in VOCABULARIES}
    out: dict[str, list[tuple[str, str, str]]] = {v: [] for v in VOCABULARIES}
    for m in list_mappings(engine, organisation=organisation):
        if m.organisation == organisation.strip():
            out[m.vocabulary].append((m.raw, m.value, labels[m.vocabulary].get(m.value, m.value)))
    return out


@router.get("/import/mappings")
def mappings_page(request: Request, engine: EngineDep, principal: PagePrincipal,
                  source: Annotated[str, Query(max_length=300)] = "",
                  removed: Annotated[str, Query(max_length=300)] = "") -> Response:
    require(principal, "review")
    organisations = sorted({m.organisation for m in list_mappings(engine)})
    org = source.strip() or (organisations[0] if len(organisations) == 1 else "")
    return render(request, "mappings.html", {
        "organisations": organisations, "org": org, "removed": removed, "titles": TITLES,
        "by_vocabulary": remembered_by_vocabulary(request, engine, org) if org else {}})


@router.post("/import/mappings/remove")
def remove_mapping(engine: EngineDep, principal: PagePrincipal, organisation: Text,
                   vocabulary: Annotated[str, Form(pattern="^(case_status|custody|category)$")], raw: Text) -> Response:
    require(principal, "review")
    if not remove(engine, organisation=organisation, vocabulary=vocabulary, raw=raw, actor=principal.username):
        raise NotFound.of(N_("%(org)s has no remembered spelling '%(raw)s'"), org=organisation, raw=raw)
    return RedirectResponse(f"/import/mappings?source={quote(organisation)}&removed={quote(raw)}", status_code=303)


def value_step_context(request: Request, engine: Engine, *, kind: str, path: Path, mapping: dict[str, str] | None,
                       options: SheetOptions) -> dict[str, Any]:
    """What the import preview's custody and category mapping step shows (templates/import_values.html):
    the file's unknown spellings, the organisation's remembered ones, and the values to choose from."""
    try:
        step = value_step(engine, kind=kind, path=path, mapping=mapping, organisation=options.source,
                          confirmed=options.value_map or {})
    except InvalidInput:   # the preview itself reports a file it cannot read
        step = ValueStep({}, {}, options.value_map or {})
    return {"values": step, "value_choices": {v: value_choices(request, v) for v in ("custody", "category")}}
