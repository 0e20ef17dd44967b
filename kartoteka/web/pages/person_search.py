"""Search results as pages (sorted, 50 a page) and the whole search as CSV or XLSX."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from sqlalchemy import Engine

from kartoteka.services.access import Principal
from kartoteka.services.browse import PersonFilters, filter_choices
from kartoteka.services.person_list import RECOGNITION, SORTS, add_flags, export_csv, export_xlsx, list_persons
from kartoteka.web.adapters import flag_tags
from kartoteka.web.deps import EngineDep, PagePrincipal, check_csrf
from kartoteka.web.vocabulary import FLAGS, N_

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)
Text = Annotated[str, Query(max_length=300)]
PAGE_SIZE = 50
SORT_LABELS = {"relevance": N_("by relevance"), "name": N_("by name"), "id": N_("by id"), "birth": N_("by birth date")}


RECOGNITION_LABELS = {"recognised": N_("recognised"), "not_recognised": N_("not recognised"),
                      "under_review": N_("under review")}


def recognition_filter(status: str, definition: str, recognition: str) -> tuple[str, str]:
    """(case status, recognition status): with a definition, ``status=recognised`` (not_recognised,
    under_review) is the recognition status under it, as in ``?definition=guidelines-2013&status=recognised``."""
    if definition and not recognition and status in RECOGNITION:
        return "", status
    return status, recognition if definition else ""


def search_context(engine: Engine, principal: Principal, f: PersonFilters, *, searched: bool, birth_year: str,
                   sort: str, page: int, definition: str = "", recognition: str = "") -> dict[str, Any]:
    """What search.html shows: one page of the results, with the links to the others and the export."""
    from kartoteka.catalogs import load_definitions

    ctx: dict[str, Any] = {"f": f, "results": None, "flag_tags": FLAGS, "choices": filter_choices(engine, principal),
                           "birth_year": birth_year, "sort": sort, "sorts": {k: SORT_LABELS[k] for k in SORTS}, "page": page, "pages": 1,
                           "total": 0, "truncated": False, "definition": definition, "recognition": recognition,
                           "definitions": list(load_definitions()), "recognitions": RECOGNITION_LABELS}
    if not (searched or not f.empty or birth_year or recognition):
        return ctx
    result = list_persons(engine, principal, f, birth_year=birth_year, sort=sort,
                          flags_for=flag_tags(principal) if f.flag else None,
                          definition=definition, recognition=recognition)
    rows = result.page(page, PAGE_SIZE)
    if not f.flag:
        add_flags(engine, rows, flag_tags(principal))
    ctx.update(results=rows, pages=result.pages(PAGE_SIZE), total=len(result.rows), truncated=result.truncated)
    return ctx


@router.get("/search/export.{fmt}")
def export_search(engine: EngineDep, principal: PagePrincipal, fmt: Annotated[str, Path(pattern="^(csv|xlsx)$")],
                  q: Text = "", status: Text = "", code: Text = "", article: Text = "", region: Text = "",
                  facility: Text = "", flag: Text = "", translit: Text = "", searched: Text = "",
                  birth_year: Text = "", sort: Text = "", definition: Text = "", recognition: Text = "") -> Response:
    """Every result of the search (not only the page shown), with flags, as CSV or XLSX."""
    status, recognition = recognition_filter(status, definition, recognition)
    f = PersonFilters(q, status, code, article, region, facility, flag, transliterate=translit == "on" or not searched)
    result = list_persons(engine, principal, f, birth_year=birth_year, sort=sort, flags_for=flag_tags(principal),
                          definition=definition, recognition=recognition)
    if fmt == "csv":
        return Response(export_csv(result), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="persons.csv"'})
    return Response(export_xlsx(result),
                    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": 'attachment; filename="persons.xlsx"'})
