"""XLSX: the rows with an autofilter, frozen header and colours per status, plus summary, flagged and
missing sheets; every text cell neutralised against formula injection."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from kartoteka.errors import N_, translate
from kartoteka.reports import common
from kartoteka.reports.cells import safe_row
from kartoteka.services.vetting_model import CSV_COLUMNS, VetReport, csv_header

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SUFFIX = ".xlsx"
# the sheets people read are named in the report's language; "Rows" keeps its name (tools read it by name)
SUMMARY, FLAGGED, MISSING, DUPLICATES, PROBLEMS = (N_("Summary"), N_("Flagged"), N_("Missing"), N_("Duplicates"),
                                                   N_("Problems"))
WIDTHS = {"id": 8, "name": 34, "person_id": 12, "match": 10, "score": 7, "status": 15, "flags": 26,
          "duplicate_of": 12, "explanation": 80}


def _fill(colour: str) -> PatternFill:
    return PatternFill(start_color=colour, end_color=colour, fill_type="solid")


def _sheet(wb: Workbook, title: str, headers: Sequence[str], rows: Iterable[Sequence[object]],
           widths: Sequence[int]) -> object:
    ws = wb.create_sheet(title)
    ws.append(list(headers))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    n = 1
    for row in rows:
        ws.append(safe_row(row))
        n += 1
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{max(n, 1)}"
    return ws


def render(report: VetReport, lang: str = "en") -> bytes:
    """The Rows sheet's name, header and codes stay as documented (other tools read them); the other sheets'
    names, titles, labels, notices, explanations, headers and values are in ``lang``."""
    _ = common.tr(lang)
    wb = Workbook()
    summary = wb.active
    summary.title = _(SUMMARY)
    summary.append([common.title(report, _)])
    summary["A1"].font = Font(bold=True, size=14)
    for notice in report.run.notices:
        summary.append(safe_row([_("Notice"), common.notice_text(notice, _)]))
    for label, value in common.run_lines(report, _):
        summary.append(safe_row([label, value]))
    summary.append([])
    for label, n, status in common.count_lines(report, _):
        summary.append(safe_row([label, n]))
        if status:
            summary.cell(summary.max_row, 1).fill = _fill(common.STATUS_COLOURS[status])
    summary.append([])
    summary.append([_(common.DISCLAIMER)])
    summary.column_dimensions["A"].width = 34
    summary.column_dimensions["B"].width = 90

    definitions = report.run.definitions or [report.run.definition_id]
    header = csv_header(definitions)
    ws = _sheet(wb, "Rows", header, (
        [r.id, r.name, r.person_id, r.match, r.score, r.status, ";".join(r.flags), r.duplicate_of,
         common.explanation_text(r, _),
         *r.csv_extra_values(definitions)] for r in report.rows), [WIDTHS.get(c, 16) for c in header])
    status_col, flags_col = CSV_COLUMNS.index("status") + 1, CSV_COLUMNS.index("flags") + 1
    flag_fill = _fill(common.FLAG_COLOUR)
    fills = {k: _fill(v) for k, v in common.STATUS_COLOURS.items()}
    for i, r in enumerate(report.rows, start=2):
        ws.cell(i, status_col).fill = fills[r.status]  # type: ignore[attr-defined]
        if r.flags:
            ws.cell(i, flags_col).fill = flag_fill  # type: ignore[attr-defined]
        ws.cell(i, CSV_COLUMNS.index("score") + 1).number_format = "0.00"  # type: ignore[attr-defined]

    s = report.summary
    _sheet(wb, _(FLAGGED), [_("id"), _("name"), _("person"), _("status"), _("flags"), _("articles"), _("reasons")], (
        [r.id, r.name, r.person_id, common.status_text(r.status, _), common.flags_text(r.flags, _),
         ", ".join(r.flag_articles),
         " | ".join(f"{common.flags_text([f.tag], _)}: {common.flag_reason_text(f.reason, _)}" for f in r.flag_detail if f.tag in r.flags)]
        for r in s.flagged),
        [8, 34, 12, 15, 26, 30, 90])
    headings = dict(common.missing_sections(report, _))
    _sheet(wb, _(MISSING), [_("person"), _("name"), _("birth date"), _("possibly row"), _("section"), _("custody"),
                           _("category")], (
        [m.person_id, m.name, m.birth_date, ", ".join(m.possible_rows), headings.get(m.section, m.section),
         common.custody_text(m, _), common.category_text(m.category, _)] for m in report.missing),
        [12, 40, 12, 16, 40, 30, 30])
    if s.duplicates:
        _sheet(wb, _(DUPLICATES), [_("id"), _("name"), _("same as row"), _("person")], (
            [r.id, r.name, r.duplicate_of, r.person_id] for r in s.duplicates), [8, 40, 12, 12])
    if report.problems:   # rows not vetted (a section title, a total) and rows read in part: each named
        _sheet(wb, _(PROBLEMS), [_("Problems reading the list")],
               ([translate(p, _)] for p in report.problems), [140])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
