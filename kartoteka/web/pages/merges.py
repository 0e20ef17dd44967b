"""Merge two records from the duplicates page, choosing each field's value; undo a merge."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from kartoteka.services.declassify import lowers
from kartoteka.services.person_merge import FIELDS, merge_records, merge_sides, unmerge
from kartoteka.web.deps import EngineDep, PagePrincipal, check_csrf
from kartoteka.web.render import render
from kartoteka.web.vocabulary import N_

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
Ref = Annotated[str, Query(max_length=120)]
LABELS = {"name": N_("Name"), "gender": N_("Gender"), "birth_date": N_("Birth date"), "citizenship": N_("Citizenship"),
          "region": N_("Region"), "sensitivity": N_("Sensitivity"), "notes": N_("Notes")}


@router.get("/duplicates/merge")
def merge_form(request: Request, engine: EngineDep, principal: PagePrincipal, first: Ref, second: Ref) -> Response:
    a, b = merge_sides(engine, principal, first, second)
    # the sensitivity offered is the stricter one: the merged record carries both records' names
    strict = b if lowers(b.values["sensitivity"], a.values["sensitivity"]) else a
    return render(request, "merge.html", {"a": a, "b": b, "fields": LABELS, "strict": strict.ext_id})


@router.post("/duplicates/merge")
async def merge_submit(request: Request, engine: EngineDep, principal: PagePrincipal,
                       keep: Annotated[str, Form(max_length=120)], first: Annotated[str, Form(max_length=120)],
                       second: Annotated[str, Form(max_length=120)]) -> Response:
    form = await request.form()
    other = second if keep == first else first
    # per field, the radio names the record whose value stays: the survivor ("keep") or the other one
    choices = {f: "other" if form.get(f"field_{f}") == other else "keep" for f in FIELDS}
    merge_records(engine, principal, keep=keep, other=other, choices=choices)
    return RedirectResponse(f"/persons/{keep}?merged={other}", status_code=303)


@router.post("/merges/{merge_id}/undo")
def undo_merge(engine: EngineDep, principal: PagePrincipal, merge_id: int) -> Response:
    restored = unmerge(engine, principal, merge_id=merge_id)
    return RedirectResponse(f"/persons/{restored}?unmerged=1", status_code=303)
