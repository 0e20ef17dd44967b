"""A vetting report downloaded in Ukrainian or Russian has no English word a reader reads, in HTML, PDF and in the
XLSX sheets for people (Summary, Flagged, Missing, with their names); the CSV and the XLSX "Rows" sheet keep their documented
column names and codes for other tools (tests/reports/test_reports.py), their explanations in the language."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from kartoteka.services.custody import record_custody
from tests.web.conftest import Web, csrf
from tests.web.test_pages_translated import english_left
from tests.web.test_vetting import _vet

ROW_TEXT = 8   # the explanation's column in the CSV
FORMATS = {"csv", "xlsx", "docx", "pdf", "jsonl"}   # the list's format, as in "list.csv (csv, sha256 ...)"


@pytest.mark.parametrize("lang", ["uk", "ru"])
def test_no_english_left_in_a_translated_report(web: Web, lang: str) -> None:
    c = web.client("admin")
    c.post("/language", data={"lang": lang, "csrf_token": csrf(c.get("/").text)})
    record_custody(web.db.engine, person="P2", held_by="RU", state="serving_sentence", actor="test",
                   since="2025-05-23")
    run = _vet(c, "first")
    get = {fmt: c.get(f"/vetting/runs/{run}/report.{fmt}").content for fmt in ("html", "csv", "xlsx", "pdf")}
    found = {}
    found["html"] = english_left(re.sub(r"[0-9a-f]{4}( [0-9a-f]{4}){4}", " ", get["html"].decode()))
    pdf = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(get["pdf"])).pages)
    pdf = re.sub(r"[0-9a-f]{4}( [0-9a-f]{4}){4}", " ", pdf)   # the fingerprint in every page's footer
    found["pdf"] = english_left(pdf.replace("-\n", "").replace("\n", " "))
    book = load_workbook(io.BytesIO(get["xlsx"]))
    assert "Rows" in book.sheetnames   # the machine-read sheet keeps its name; the others are for people
    found["xlsx sheet names"] = english_left(" ".join(n for n in book.sheetnames if n != "Rows"))
    for sheet in (n for n in book.sheetnames if n != "Rows"):
        cells = " ".join(str(v) for row in book[sheet].iter_rows(values_only=True) for v in row if v is not None)
        found[f"xlsx {sheet}"] = english_left(cells)
    assert len(book.sheetnames) >= 4   # a summary, the rows, the flagged and the missing at least
    rows = list(csv.reader(io.StringIO(get["csv"].decode("utf-8-sig"))))
    found["csv explanations"] = english_left(" ".join(r[ROW_TEXT] for r in rows[1:]))
    found = {k: v - FORMATS for k, v in found.items() if v - FORMATS}
    assert not found, f"{lang}: English left in the report: {found}"
    assert "RU 205.2" in pdf and "RU 275" in pdf      # the flagged articles stay codes
