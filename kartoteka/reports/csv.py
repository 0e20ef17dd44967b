"""CSV: the nine columns id, name, person_id, match, score, status, flags, duplicate_of, explanation
first, unchanged, so other tools can read it; then category, held_by, custody, warnings, all_flags,
recognised_by, claimed and one ``status:<definition>`` column per requested definition. Formula
injection neutralised."""

from __future__ import annotations

import csv
import io

from kartoteka.reports.cells import safe_text
from kartoteka.reports.common import explanation_text, tr
from kartoteka.services.vetting_model import CSV_COLUMNS, VetReport, csv_header

MEDIA_TYPE = "text/csv; charset=utf-8"
SUFFIX = ".csv"


def render(report: VetReport, lang: str = "en") -> bytes:
    """The columns and their codes stay as documented whatever ``lang`` (other tools read them); the
    explanation, written for people, is in ``lang``."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    definitions = report.run.definitions or [report.run.definition_id]
    writer.writerow(csv_header(definitions))
    _ = tr(lang)
    for row in report.rows:
        values = row.csv_values()
        values[CSV_COLUMNS.index("explanation")] = explanation_text(row, _)   # words for people, not a code
        writer.writerow([safe_text(v) for v in values + row.csv_extra_values(definitions)])
    return buf.getvalue().encode("utf-8")
