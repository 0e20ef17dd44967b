"""Export persons and cases in the import formats, so that an export imports back unchanged."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from kartoteka.db.tables import cases, person_names, persons
from kartoteka.errors import N_, InvalidInput
from kartoteka.tabular.cells import neutralise
from kartoteka.services.files import output_file, private_file

PERSON_FIELDS = ["id", "name", "surname", "given_name", "patronymic", "aliases", "birth_date", "gender",
                 "citizenship", "region", "sensitivity"]
CASE_FIELDS = ["case_id", "person_id", "jurisdiction", "case_number", "articles", "court", "detained_on",
               "verdict_on", "sentence", "facility", "status", "sensitivity"]
FORMATS = ("csv", "xlsx", "jsonl")
Progress = Callable[[int, int], None]


def _counted(rows: Iterator[dict[str, str]], total: int, progress: Progress | None) -> Iterator[dict[str, str]]:
    """Report (written, total) every 500 rows and at the end; ``total`` is an upper bound (live records)."""
    n = 0
    for n, row in enumerate(rows, 1):
        if progress and n % 500 == 0:
            progress(n, max(total, n))
        yield row
    if progress:
        progress(n, n)


def count_records(engine: Engine, kind: str) -> int:
    """How many live records an export of ``kind`` reads (before any sensitivity filter)."""
    from sqlalchemy import func

    table = persons if kind == "persons" else cases
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(table).where(table.c.deleted_at.is_(None))) or 0)


def iter_person_rows(engine: Engine, *, sensitivities: set[str] | None = None) -> Iterator[dict[str, str]]:
    """Every live person as an import row; ``sensitivities`` limits which records are written."""
    with engine.connect() as conn:
        names: dict[int, list[Any]] = {}
        for n in conn.execute(select(person_names).order_by(person_names.c.person_id, person_names.c.id)):
            names.setdefault(n.person_id, []).append(n)
        stmt = select(persons).where(persons.c.deleted_at.is_(None)).order_by(persons.c.id)
        for p in conn.execute(stmt):
            if sensitivities is not None and p.sensitivity not in sensitivities:
                continue
            own = names.get(p.id, [])
            primary = next((n for n in own if n.kind == "primary"), None)
            yield {
                "id": p.ext_id, "name": primary.full if primary else "",
                "surname": primary.surname if primary else "", "given_name": primary.given_name if primary else "",
                "patronymic": primary.patronymic if primary else "",
                "aliases": "; ".join(n.full for n in own if n.kind != "primary"),
                "birth_date": p.birth_date or "", "gender": p.gender or "", "citizenship": p.citizenship,
                "region": p.region, "sensitivity": p.sensitivity,
            }


def iter_case_rows(engine: Engine, *, sensitivities: set[str] | None = None) -> Iterator[dict[str, str]]:
    with engine.connect() as conn:
        stmt = (select(cases, persons.c.ext_id.label("person_ext"), persons.c.sensitivity.label("person_sens"))
                .join(persons, persons.c.id == cases.c.person_id)
                .where(cases.c.deleted_at.is_(None), persons.c.deleted_at.is_(None)).order_by(cases.c.id))
        for c in conn.execute(stmt):
            if sensitivities is not None and (c.sensitivity not in sensitivities or c.person_sens not in sensitivities):
                continue
            yield {
                "case_id": c.ext_id, "person_id": c.person_ext, "jurisdiction": c.jurisdiction,
                "case_number": c.case_number, "articles": c.articles_text, "court": c.court,
                "detained_on": c.detained_on or "", "verdict_on": c.verdict_on or "", "sentence": c.sentence,
                "facility": c.facility, "status": c.status, "sensitivity": c.sensitivity,
            }


def write_table(path: Path, fields: list[str], rows: Iterator[dict[str, str]], fmt: str) -> int:
    """Write rows as CSV (UTF-8), XLSX or JSON Lines; spreadsheet formulas are neutralised."""
    n = 0
    if fmt in FORMATS:
        private_file(output_file(path))
    if fmt == "csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fields)
            w.writeheader()
            for row in rows:
                w.writerow({k: neutralise(v) for k, v in row.items()})
                n += 1
    elif fmt == "xlsx":
        from openpyxl import Workbook

        wb = Workbook(write_only=True)
        ws = wb.create_sheet("export")
        ws.append(fields)
        for row in rows:
            ws.append([neutralise(row[f]) for f in fields])
            n += 1
        wb.save(path)
        private_file(path)
    elif fmt == "jsonl":
        with path.open("w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps({k: neutralise(v) for k, v in row.items()}, ensure_ascii=False) + "\n")
                n += 1
    else:
        raise InvalidInput.of(N_("unknown export format '%(format)s' (use %(formats)s)"), format=fmt,
                              formats=", ".join(FORMATS))
    return n


def export_records(engine: Engine, *, kind: str, path: Path, fmt: str,
                   sensitivities: set[str] | None = None, progress: Progress | None = None) -> int:
    total = count_records(engine, kind) if progress and kind in ("persons", "cases") else 0
    if kind == "persons":
        rows = _counted(iter_person_rows(engine, sensitivities=sensitivities), total, progress)
        return write_table(path, PERSON_FIELDS, rows, fmt)
    if kind == "cases":
        return write_table(path, CASE_FIELDS,
                           _counted(iter_case_rows(engine, sensitivities=sensitivities), total, progress), fmt)
    raise InvalidInput.of(N_("unknown export kind '%(kind)s' (use persons or cases)"), kind=kind)
