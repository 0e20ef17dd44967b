"""CSV: exactly the columns id, name, person_id, match, score, status, flags, duplicate_of,
explanation, in that order, so other tools can read it; formula injection neutralised."""

from __future__ import annotations

import csv
import io

from kartoteka.reports.cells import safe_text
from kartoteka.services.vetting_model import CSV_COLUMNS, VetReport

MEDIA_TYPE = "text/csv; charset=utf-8"
SUFFIX = ".csv"


def render(report: VetReport) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in report.rows:
        writer.writerow([safe_text(v) for v in row.csv_values()])
    return buf.getvalue().encode("utf-8")
