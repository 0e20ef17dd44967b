"""Custody and recognitions files in the web import and POST /api/imports (services/custody_import.py):
the same preview (columns and how they map), dry run and all-or-nothing import as the other kinds.
Recognitions are other organisations' decisions: reviewers and administrators only, as assessments."""

from __future__ import annotations

from itertools import islice
from pathlib import Path

from sqlalchemy import Engine

from kartoteka.catalogs.custody import load_custody_vocabulary
from kartoteka.errors import Message
from kartoteka.services.access import Principal
from kartoteka.services.custody import check_recognition_role
from kartoteka.services.custody_import import REQUIRED, found_fields, import_custody, import_recognitions
from kartoteka.services.import_preview import SAMPLE_ROWS, ImportPreview, preview_import
from kartoteka.services.import_report import ImportReport
from kartoteka.services.imports import Progress, import_file
from kartoteka.services.registry_import import SheetOptions
from kartoteka.tabular.reader import open_table
from kartoteka.web.vocabulary import N_

CUSTODY_KINDS = ("custody", "recognitions")
WORDS = (N_("custody"), N_("recognitions"))   # the import kinds, shown translated


def check_kind(kind: str, principal: Principal) -> None:
    """Imported recognitions (like imported assessments): reviewers and administrators only."""
    if kind in ("assessments", "recognitions"):
        check_recognition_role(principal.role)


def preview_custody(kind: str, path: Path, *, mapping: dict[str, str] | None = None) -> ImportPreview:
    table = open_table(path)
    fields = found_fields(kind, table.headers, mapping)   # a missing required column is listed, not refused
    sample = [row for _, row in islice(table.rows, SAMPLE_ROWS)]
    missing = [f for f in REQUIRED[kind] if f not in fields]
    return ImportPreview(kind, table.headers, fields, list(load_custody_vocabulary().import_columns[kind]),
                         sample, missing, hidden=table.hidden_found)


def run_custody(engine: Engine, kind: str, path: Path, *, principal: Principal, mapping: dict[str, str],
                dry_run: bool, options: SheetOptions | None = None) -> ImportReport:
    """Import (or dry-run) a custody or recognitions file; the result in the shape of an ImportReport."""
    check_kind(kind, principal)
    if kind == "custody":
        r = import_custody(engine, path, actor=principal.username, mapping=mapping, dry_run=dry_run,
                           source=options.source if options else "", value_map=options.value_map if options else None,
                           skip_hidden=bool(options and options.skip_hidden))
    else:
        r = import_recognitions(engine, path, actor=principal.username, role=principal.role, mapping=mapping,
                                dry_run=dry_run, skip_hidden=bool(options and options.skip_hidden))
    table = open_table(path)
    fields = found_fields(kind, table.headers, mapping)
    report = ImportReport(kind, path.name, rows=r.rows, created=r.created, unchanged=r.unchanged, dry_run=dry_run,
                          columns=fields, ignored=[h for h in table.headers if h not in fields.values()],
                          warnings=r.warnings)
    if r.categories:
        report.notes.append(Message(N_("categories recorded: %(n)d"), n=r.categories))
    return report


def preview_any(kind: str, path: Path, *, mapping: dict[str, str] | None = None,
                status_map: dict[str, str] | None = None) -> ImportPreview:
    """The preview of any kind the web import takes."""
    if kind in CUSTODY_KINDS:
        return preview_custody(kind, path, mapping=mapping)
    return preview_import(kind, path, mapping=mapping, status_map=status_map)


def import_any(engine: Engine, kind: str, path: Path, *, principal: Principal, mapping: dict[str, str],
               dry_run: bool, options: SheetOptions, progress: Progress | None = None) -> ImportReport:
    """Import a file of any kind the web import takes, as ``principal``."""
    if kind in CUSTODY_KINDS:
        return run_custody(engine, kind, path, principal=principal, mapping=mapping, dry_run=dry_run, options=options)
    return import_file(engine, kind, path, actor=principal.username, mapping=mapping, dry_run=dry_run,
                       options=options, progress=progress)
