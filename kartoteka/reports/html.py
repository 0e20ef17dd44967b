"""HTML: one self-contained page (inline CSS, no scripts, no external files) that prints well."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape

from kartoteka.reports import common
from kartoteka.services.vetting_model import VetReport

MEDIA_TYPE = "text/html; charset=utf-8"
SUFFIX = ".html"


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=PackageLoader("kartoteka.reports", "templates"),
                       autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def render_text(report: VetReport) -> str:
    return _env().get_template("report.html").render(
        report=report, summary=report.summary, title=common.title(report), run_lines=common.run_lines(report),
        counts=common.count_lines(report), status_labels=common.STATUS_LABELS, match_labels=common.MATCH_LABELS,
        colours=common.STATUS_COLOURS, flag_reasons=common.flag_reasons(report), flag_colour=common.FLAG_COLOUR, disclaimer=common.DISCLAIMER)


def render(report: VetReport) -> bytes:
    return render_text(report).encode("utf-8")
