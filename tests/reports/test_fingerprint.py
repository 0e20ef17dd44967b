"""Every page of a PDF report carries the report's fingerprint; a changed row changes it."""

from __future__ import annotations

import dataclasses
import io

from pypdf import PdfReader

from kartoteka.reports import exporter
from kartoteka.reports.fingerprint import report_fingerprint
from kartoteka.services.vetting_model import VetReport


def test_fingerprint_on_every_pdf_page(report: VetReport) -> None:
    fp = report_fingerprint(report)
    pages = PdfReader(io.BytesIO(exporter("pdf").render(report))).pages
    assert len(pages) >= 2
    for page in pages:
        assert fp in page.extract_text().replace("\n", " ")
    changed = dataclasses.replace(report, rows=[dataclasses.replace(report.rows[0], status="not_recognised"),
                                                *report.rows[1:]])
    assert report_fingerprint(changed) != fp and report_fingerprint(report) == fp
