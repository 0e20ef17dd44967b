"""HTML: one self-contained page (inline CSS, no scripts, no external files) that prints well, in the
reader's language."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, PackageLoader, select_autoescape

from kartoteka.errors import translate
from kartoteka.reports import common
from kartoteka.services.vetting_model import VetReport

MEDIA_TYPE = "text/html; charset=utf-8"
SUFFIX = ".html"


@lru_cache(maxsize=1)
def _env() -> Environment:
    return Environment(loader=PackageLoader("kartoteka.reports", "templates"),
                       autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)


def render_text(report: VetReport, lang: str = "en") -> str:
    _ = common.tr(lang)
    return _env().get_template("report.html").render(
        report=report, summary=report.summary, title=common.title(report, _),
        run_lines=common.run_lines(report, _), counts=common.count_lines(report, _),
        notices=[common.notice_text(n, _) for n in report.run.notices], match_labels=common.MATCH_LABELS,
        colours=common.STATUS_COLOURS, flag_reasons=common.flag_reasons(report, _), flag_colour=common.FLAG_COLOUR,
        warning_colour=common.WARNING_COLOUR, disclaimer=common.DISCLAIMER, lang=_.lang, _=_,
        warned=[r for r in report.rows if r.context.warnings], fmt=common.Formatter(_),
        missing_sections=common.missing_sections(report, _),
        problems=[translate(p, _) for p in report.problems])


def render(report: VetReport, lang: str = "en") -> bytes:
    return render_text(report, lang).encode("utf-8")
