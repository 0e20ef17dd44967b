"""PDF via fpdf2 with DejaVu Sans (Unicode TTF, so Cyrillic and Latin both render and extract back).

fpdf2 ships no font: DejaVu comes from the system (Debian's fonts-dejavu-core, installed by
`make`), or from the directory named in KARTOTEKA_FONT_DIR.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from kartoteka.errors import N_, KartotekaError, translate
from kartoteka.settings import get_settings
from kartoteka.reports import common
from kartoteka.reports.fingerprint import report_fingerprint
from kartoteka.services.vetting_model import VetReport, VetRow

MEDIA_TYPE = "application/pdf"
SUFFIX = ".pdf"
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts",
             "/Library/Fonts", "C:/Windows/Fonts")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
# (header, width in mm, value) for the rows table on A4 landscape (277 mm usable).
ROW_COLUMNS = [(common.N_("id"), 14), (common.N_("name"), 58), (common.N_("person"), 22), (common.N_("match"), 22),
               (common.N_("score"), 12), (common.N_("status"), 26), (common.N_("flags"), 40),
               (common.N_("dup. of"), 14), (common.N_("explanation"), 69)]


def font_dir() -> Path:
    configured = get_settings().font_dir
    dirs = [str(configured)] if configured else []
    for d in [*dirs, *FONT_DIRS]:
        if (Path(d) / FONT_FILES[""]).is_file():
            return Path(d)
    raise KartotekaError.of(N_("PDF reports need the DejaVu Sans font (DejaVuSans.ttf, DejaVuSans-Bold.ttf): "
                                "install Debian's fonts-dejavu-core (`make install` does) or set "
                                "KARTOTEKA_FONT_DIR to a directory that holds them"))


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[0:2], 16), int(hex_colour[2:4], 16), int(hex_colour[4:6], 16)


class _Pdf(FPDF):
    def __init__(self, heading: str, page: str = "page") -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.heading, self.page_word = heading, page
        self.fingerprint = ""
        directory = font_dir()
        for style, name in FONT_FILES.items():
            path = directory / name
            self.add_font("DejaVu", style, str(path if path.is_file() else directory / FONT_FILES[""]))
        self.set_auto_page_break(auto=True, margin=12)
        self.set_margins(10, 10, 10)

    def footer(self) -> None:
        self.set_y(-9)
        self.set_font("DejaVu", "", 7)
        self.cell(0, 4, f"{self.heading} · {self.fingerprint} · {self.page_word} {self.page_no()}/{{nb}}", align="C")

    def h2(self, text: str) -> None:
        if self.get_y() > self.h - 35:
            self.add_page()
        self.ln(3)
        self.set_font("DejaVu", "B", 11)
        self.cell(0, 7, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("DejaVu", "", 8)


def _line_count(pdf: _Pdf, width: float, text: str, line_h: float) -> int:
    lines = pdf.multi_cell(width, line_h, text, dry_run=True, output="LINES", align="L")
    return max(len(lines), 1) if isinstance(lines, list) else 1


def _table(pdf: _Pdf, columns: list[tuple[str, int]], rows: list[list[str]],
           fills: list[dict[int, str]] | None = None) -> None:
    widths = [w for _, w in columns]
    line_h = 4.0

    def header() -> None:
        pdf.set_font("DejaVu", "B", 7.5)
        pdf.set_fill_color(241, 243, 244)
        for (title, w) in columns:
            pdf.cell(w, 5.5, title, border=1, fill=True)
        pdf.ln()
        pdf.set_font("DejaVu", "", 7.5)

    header()
    for i, values in enumerate(rows):
        height = line_h * max(_line_count(pdf, w, v, line_h) for w, v in zip(widths, values))
        if pdf.get_y() + height > pdf.h - 12:
            pdf.add_page()
            header()
        x, y = pdf.get_x(), pdf.get_y()
        for j, (w, v) in enumerate(zip(widths, values)):
            colour = (fills[i] if fills else {}).get(j)
            if colour:
                pdf.set_fill_color(*_rgb(colour))
            pdf.rect(x, y, w, height, style="DF" if colour else "D")
            pdf.set_xy(x, y)
            pdf.multi_cell(w, line_h, v, border=0, align="L")
            x += w
        pdf.set_xy(pdf.l_margin, y + height)


def _row_values(r: VetRow, fmt: common.Formatter) -> list[str]:
    return [r.id, r.name, r.person_id, fmt.match(r.match), f"{r.score:.2f}", fmt.status(r.status), fmt.flags(r.flags),
            r.duplicate_of, fmt.explanation(r)[:300]]


def _context_values(r: VetRow, fmt: common.Formatter) -> list[str]:
    return [r.id, r.name, fmt.category(r.context.category), fmt.custody(r.context), fmt.warnings(r.context),
            fmt.all_flags(r.all_flags), fmt.fine(r.context), "; ".join(r.context.recognised_by), r.claimed]


def render(report: VetReport, lang: str = "en") -> bytes:
    """The summary on the first page (with the missing count); flagged, warned, duplicated and unknown
    rows; every row; the missing persons in an appendix. In ``lang`` (en/uk/ru)."""
    _ = common.tr(lang)
    fmt = common.Formatter(_)
    heading = common.title(report, _)
    pdf = _Pdf(heading, _("page"))
    pdf.fingerprint = report_fingerprint(report)   # on every page (issue 15)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 7, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for notice in report.run.notices:
        pdf.set_font("DejaVu", "B", 8.5)
        pdf.set_fill_color(*_rgb(common.WARNING_COLOUR))
        pdf.multi_cell(0, 4.5, common.notice_text(notice, _), fill=True, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 8.5)
    for label, value in common.run_lines(report, _):
        pdf.multi_cell(0, 4.5, f"{label}: {value}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 7.5)
    pdf.multi_cell(0, 4, _(common.DISCLAIMER), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.h2(_("Summary"))
    counts = common.count_lines(report, _)
    _table(pdf, [("", 90), (_("count"), 20)], [[label, str(n)] for label, n, _s in counts],
           [{0: common.STATUS_COLOURS[st]} if st else {} for _l, _n, st in counts])
    s = report.summary
    warned = [r for r in report.rows if r.context.warnings]
    if warned:
        pdf.h2(f"{_('Rows with warnings')} ({len(warned)})")
        _table(pdf, [(_("id"), 14), (_("name"), 60), (_("person"), 22), (_("custody"), 55), (_("warnings"), 70),
                     (_("the list's claim"), 40)],
               [[r.id, r.name, r.person_id, fmt.custody(r.context), fmt.warnings(r.context), r.claimed]
                for r in warned], [{4: common.WARNING_COLOUR} for _r in warned])
    if s.flagged:
        pdf.h2(f"{_('Flagged rows')} ({len(s.flagged)})")
        _table(pdf, [(_("id"), 14), (_("name"), 60), (_("person"), 22), (_("status"), 36), (_("flags"), 45),
                     (_("articles"), 100)],
               [[r.id, r.name, r.person_id, fmt.status(r.status), fmt.flags(r.flags), ", ".join(r.flag_articles)]
                for r in s.flagged], [{4: common.FLAG_COLOUR} for _r in s.flagged])
        pdf.h2(_("What the flags ask"))
        _table(pdf, [(_("flags"), 45), (_("reasons"), 232)],
               [[f"{_(tag)} ({s.by_flag.get(tag, 0)})", reason] for tag, reason in common.flag_reasons(report, _).items()])
    if s.duplicates:
        pdf.h2(f"{_('Listed twice')} ({len(s.duplicates)})")
        _table(pdf, [(_("id"), 14), (_("name"), 80), (_("same as row"), 25), (_("person"), 25)],
               [[r.id, r.name, r.duplicate_of, r.person_id] for r in s.duplicates])
    if s.unknown:
        pdf.h2(f"{_('Not in the registry')} ({len(s.unknown)})")
        _table(pdf, [(_("id"), 14), (_("name"), 90), (_("birth date"), 25)],
               [[r.id, r.name, r.birth_date] for r in s.unknown])
    if report.outcomes:
        pdf.h2(_("Outcomes recorded"))
        _table(pdf, [(_("person"), 25), (_("name"), 80), (_("outcome"), 25), (_("date"), 25), (_("note"), 100)],
               [[o.person_id, o.name, _(o.kind), o.date, o.note] for o in report.outcomes])
    pdf.add_page()
    pdf.h2(f"{_('Every row')} ({len(report.rows)})")
    _table(pdf, [(_(label), w) for label, w in ROW_COLUMNS], [_row_values(r, fmt) for r in report.rows],
           [{5: common.STATUS_COLOURS[r.status], **({6: common.FLAG_COLOUR} if r.flags else {})} for r in report.rows])
    pdf.h2(_("What the registry says about each row"))
    _table(pdf, [(_("id"), 12), (_("name"), 40), (_("category"), 30), (_("custody"), 35), (_("warnings"), 35),
                 (_("all flags"), 45), (_("status per definition"), 35), (_("recognised by"), 25),
                 (_("the list's claim"), 20)], [_context_values(r, fmt) for r in report.rows])
    if report.problems:   # rows not vetted (a section title, a total) and rows read in part: each named
        pdf.h2(f"{_('Problems reading the list')} ({len(report.problems)})")
        for problem in report.problems:
            pdf.multi_cell(0, 4, translate(problem, _), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    if report.missing:
        pdf.add_page()
        pdf.h2(_("Appendix: persons not on the list"))
        for section, title in common.missing_sections(report, _):
            people = [m for m in report.missing if m.section == section]
            if not people:
                continue
            pdf.h2(f"{title} ({len(people)})")
            _table(pdf, [(_("person"), 25), (_("name"), 85), (_("birth date"), 25), (_("custody"), 60),
                         (_("category"), 50), (_("possibly row"), 25)],
                   [[m.person_id, m.name, m.birth_date, fmt.custody(m), fmt.category(m.category),
                     ", ".join(m.possible_rows)] for m in people])
    return bytes(pdf.output())
