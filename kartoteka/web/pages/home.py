"""The dashboard and the API documentation page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from kartoteka.services.dashboard import dashboard
from kartoteka.web.charts import bar_chart, stacked_columns
from kartoteka.web.deps import EngineDep, PagePrincipal, check_csrf
from kartoteka.web.render import render

router = APIRouter(dependencies=[Depends(check_csrf)], include_in_schema=False)


@router.get("/")
def home(request: Request, engine: EngineDep, principal: PagePrincipal) -> Response:
    return render(request, "dashboard.html", {"d": dashboard(engine, principal), "bar_chart": bar_chart,
                                              "stacked_columns": stacked_columns})


@router.get("/docs")
def api_docs(request: Request) -> Response:
    """The API reference, drawn from the OpenAPI schema (also at /openapi.json)."""
    spec = request.app.openapi()
    ops = [(path, method.upper(), op.get("summary", ""), [p["name"] for p in op.get("parameters", [])])
           for path, methods in spec["paths"].items() for method, op in methods.items()]
    return render(request, "docs.html", {"ops": ops, "info": spec["info"]})
