"""PDF via fpdf2 with DejaVu Sans (Unicode TTF, so Cyrillic and Latin both render and extract back).

fpdf2 ships no font: DejaVu comes from the system (Debian's fonts-dejavu-core, installed by
`make`), or from the directory named in KARTOTEKA_FONT_DIR.
"""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from kartoteka.errors import KartotekaError
from kartoteka.settings import get_settings
from kartoteka.reports import common
from kartoteka.services.vetting_model import VetReport, VetRow

MEDIA_TYPE = "application/pdf"
SUFFIX = ".pdf"
FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu", "/usr/local/share/fonts",
             "/Library/Fonts", "C:/Windows/Fonts")
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}
# (header, width in mm, value) for the rows table on A4 landscape (277 mm usable).
ROW_COLUMNS = [("id", 14), ("name", 58), ("person", 22), ("match", 16), ("score", 12), ("status", 26),
               ("flags", 40), ("dup. of", 14), ("explanation", 75)]


def font_dir() -> Path:
    configured = get_settings().font_dir
    dirs = [str(configured)] if configured else []
    for d in [*dirs, *FONT_DIRS]:
        if (Path(d) / FONT_FILES[""]).is_file():
            return Path(d)
    raise KartotekaError("PDF reports need the DejaVu Sans font (DejaVuSans.ttf, DejaVuSans-Bold.ttf): install "
                         "Debian's fonts-dejavu-core (`make install` does) or set KARTOTEKA_FONT_DIR to a "
                         "directory that holds them")


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return int(hex_colour[0:2], 16), int(hex_colour[2:4], 16), int(hex_colour[4:6], 16)


class _Pdf(FPDF):
    def __init__(self, heading: str) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.heading = heading
        directory = font_dir()
        for style, name in FONT_FILES.items():
            path = directory / name
            self.add_font("DejaVu", style, str(path if path.is_file() else directory / FONT_FILES[""]))
        self.set_auto_page_break(auto=True, margin=12)
        self.set_margins(10, 10, 10)

    def footer(self) -> None:
        self.set_y(-9)
        self.set_font("DejaVu", "", 7)
        self.cell(0, 4, f"{self.heading} · page {self.page_no()}/{{nb}}", align="C")

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


def _row_values(r: VetRow) -> list[str]:
    return [r.id, r.name, r.person_id, r.match, f"{r.score:.2f}", r.status, "; ".join(r.flags), r.duplicate_of,
            r.explanation[:300]]


def render(report: VetReport) -> bytes:
    heading = common.title(report)
    pdf = _Pdf(heading)
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font("DejaVu", "B", 14)
    pdf.multi_cell(0, 7, heading, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 8.5)
    for label, value in common.run_lines(report):
        pdf.multi_cell(0, 4.5, f"{label}: {value}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font("DejaVu", "", 7.5)
    pdf.multi_cell(0, 4, common.DISCLAIMER, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.h2("Summary")
    counts = common.count_lines(report)
    _table(pdf, [("", 70), ("count", 20)], [[label, str(n)] for label, n, _ in counts],
           [{0: common.STATUS_COLOURS[s]} if s else {} for _, _, s in counts])
    s = report.summary
    if s.flagged:
        pdf.h2(f"Flagged rows ({len(s.flagged)})")
        _table(pdf, [("id", 14), ("name", 60), ("person", 22), ("status", 26), ("flags", 45), ("articles", 110)],
               [[r.id, r.name, r.person_id, r.status, "; ".join(r.flags), ", ".join(r.flag_articles)]
                for r in s.flagged], [{4: common.FLAG_COLOUR} for _ in s.flagged])
    if s.duplicates:
        pdf.h2(f"Listed twice ({len(s.duplicates)})")
        _table(pdf, [("id", 14), ("name", 80), ("same as row", 25), ("person", 25)],
               [[r.id, r.name, r.duplicate_of, r.person_id] for r in s.duplicates])
    if s.unknown:
        pdf.h2(f"Not in the registry ({len(s.unknown)})")
        _table(pdf, [("id", 14), ("name", 90), ("birth date", 25)], [[r.id, r.name, r.birth_date] for r in s.unknown])
    pdf.h2(f"Recognised political prisoners not on the list ({len(report.missing)})")
    if report.missing:
        _table(pdf, [("person", 25), ("name", 90), ("birth date", 25), ("possibly row", 30)],
               [[m.person_id, m.name, m.birth_date, ", ".join(m.possible_rows)] for m in report.missing])
    if report.outcomes:
        pdf.h2("Outcomes recorded")
        _table(pdf, [("person", 25), ("name", 80), ("outcome", 25), ("date", 25), ("note", 100)],
               [[o.person_id, o.name, o.kind, o.date, o.note] for o in report.outcomes])
    pdf.add_page()
    pdf.h2(f"Every row ({len(report.rows)})")
    _table(pdf, ROW_COLUMNS, [_row_values(r) for r in report.rows],
           [{5: common.STATUS_COLOURS[r.status], **({6: common.FLAG_COLOUR} if r.flags else {})} for r in report.rows])
    return bytes(pdf.output())
