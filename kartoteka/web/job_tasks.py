"""What web jobs do in their child process (web/job_process.py): import a file, vet a list.

Each task takes the progress callback and one picklable request, opens its own engine from the URL
and returns a picklable result. The uploaded file is removed here once it is used up.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kartoteka.db.engine import get_engine
from kartoteka.errors import N_, InvalidInput
from kartoteka.services import access, vetting
from kartoteka.services.access import Principal
from kartoteka.services.import_preview import ImportPreview
from kartoteka.services.import_report import ImportReport
from kartoteka.services.registry_import import SheetOptions
from kartoteka.web.custody_imports import CUSTODY_KINDS, import_any, preview_any
from kartoteka.web.job_process import JobLimits, Progress, run_child
from kartoteka.web.rejected import keep_rejected
from kartoteka.web.uploads import discard


@dataclass(frozen=True)
class ImportRequest:
    db_url: str
    media_dir: Path
    token: str
    path: Path
    kind: str
    principal: Principal
    mapping: dict[str, str]
    status_map: dict[str, str]   # for the preview: the organisation's remembered spellings and the form's
    options: SheetOptions
    action: str                   # dry_run or commit
    rejected_token: str = ""
    for_page: bool = True         # the page shows the preview again and keeps the upload until it is imported


@dataclass
class ImportResult:
    report: ImportReport | None = None
    preview: ImportPreview | None = None
    error: InvalidInput | None = None   # bad rows or a refusal: shown with the preview and the dry run
    rejected_token: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def import_upload(progress: Progress, req: ImportRequest) -> ImportResult:
    """The dry run or the import (one transaction: all rows or none); refused imports come back as
    ``error`` with, when renames or open decisions refused them, the dry run that lists them."""
    engine = get_engine(req.db_url)
    out = ImportResult()
    try:
        if req.for_page:
            out.preview = preview_any(req.kind, req.path, mapping=req.mapping, status_map=req.status_map)
        out.report = import_any(engine, req.kind, req.path, principal=req.principal, mapping=req.mapping,
                                dry_run=req.action == "dry_run", options=req.options, progress=progress)
    except (InvalidInput, UnicodeError, ValueError) as exc:
        out.error = exc if isinstance(exc, InvalidInput) else InvalidInput.of(
            N_("%(file)s: cannot read the file: %(error)s"), file=req.path.name, error=str(exc))
        if req.for_page:
            out.preview = out.preview or preview_any(req.kind, req.path)
            if req.action != "dry_run" and req.kind not in CUSTODY_KINDS:   # no renames or decisions there
                out.report = _dry_report(engine, req)
    finally:
        if req.options.rejected_path is not None:   # offered to the importing user only
            out.rejected_token = keep_rejected(req.rejected_token, req.options.rejected_path, out.report)
        if not req.for_page or (req.action == "commit" and out.error is None):
            discard(req.media_dir, req.token)
    return out


def _dry_report(engine: Any, req: ImportRequest) -> ImportReport | None:
    """When an import is refused for renames or open decisions, the dry run shows what they are."""
    try:
        return import_any(engine, req.kind, req.path, principal=req.principal, mapping=req.mapping, dry_run=True,
                          options=req.options)
    except InvalidInput:
        return None


@dataclass(frozen=True)
class VetRequest:
    db_url: str
    media_dir: Path
    token: str
    path: Path
    principal: Principal
    definition_id: str
    round: str = ""
    side: str = ""
    label: str = ""
    held_by: str = ""
    definitions: tuple[str, ...] = ()


def vet_upload(progress: Progress, req: VetRequest) -> dict[str, Any]:
    """Vet the list and save the run; the run as the principal may see it (its ``id`` opens the report)."""
    engine = get_engine(req.db_url)
    try:
        report = vetting.vet_list(engine, path=req.path, definition_id=req.definition_id,
                                  actor=req.principal.username, round=req.round, side=req.side, label=req.label,
                                  progress=progress, held_by=req.held_by, definitions=list(req.definitions)[:10])
    finally:
        discard(req.media_dir, req.token)
    return asdict(access.redact_report(engine, req.principal, report).run)


def preview_upload(progress: Progress, kind: str, path: Path, mapping: dict[str, str] | None,
                   status_map: dict[str, str] | None) -> ImportPreview:
    """The columns and first rows: opening an XLSX reads its whole shared-strings table, so even the
    preview runs in a job's process."""
    return preview_any(kind, path, mapping=mapping, status_map=status_map)


def preview_file(kind: str, path: Path, *, limits: JobLimits, mapping: dict[str, str] | None = None,
                 status_map: dict[str, str] | None = None) -> ImportPreview:
    """``preview_upload`` in a memory-limited process, waited for (blocking: call it from a worker thread)."""
    out = run_child(preview_upload, (kind, path, mapping, status_map), limits=limits, progress=lambda d, t: None)
    if out.error is not None:
        raise out.error
    found: ImportPreview = out.result
    return found
