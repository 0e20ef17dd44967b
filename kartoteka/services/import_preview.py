"""What an import would do before it runs: the file's columns, how they map to fields, a few rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from kartoteka.errors import N_, InvalidInput
from kartoteka.services.imports import KINDS, REQUIRED
from kartoteka.tabular.columns import column_aliases, map_columns
from kartoteka.tabular.reader import open_table
from kartoteka.tabular.vocab import normalise_status

SAMPLE_ROWS = 5
MAX_STATUS_ROWS = 100_000   # rows scanned for case statuses the vocabulary does not know


@dataclass
class ImportPreview:
    kind: str
    headers: list[str]
    fields: dict[str, str]                 # field -> header
    known_fields: list[str]
    sample: list[dict[str, str]] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)   # required fields with no column
    unknown_statuses: list[str] = field(default_factory=list)   # case statuses that need a mapping step
    hidden: list[tuple[str, int]] = field(default_factory=list)   # (sheet, row) hidden under a workbook's header

    @property
    def unmapped(self) -> list[str]:
        used = set(self.fields.values())
        return [h for h in self.headers if h not in used]


def preview_import(kind: str, path: Path, *, mapping: dict[str, str] | None = None,
                   status_map: dict[str, str] | None = None) -> ImportPreview:
    if kind not in KINDS:
        raise InvalidInput.of(N_("unknown import kind '%(kind)s' (use %(kinds)s)"), kind=kind, kinds=", ".join(KINDS))
    table = open_table(path)
    fields = map_columns(kind, table.headers, mapping, filename=path.name)
    sample = [row for _, row in islice(table.rows, SAMPLE_ROWS)]
    missing = [" / ".join(opts) for opts in REQUIRED[kind] if not any(o in fields for o in opts)]
    unknown: list[str] = []
    if "status" in fields and kind in ("cases", "registry"):
        for row in [*sample, *(r for _, r in islice(table.rows, MAX_STATUS_ROWS))]:
            text = row.get(fields["status"], "").strip()
            if text and text not in unknown and normalise_status(text, status_map) is None:
                unknown.append(text)
    return ImportPreview(kind, table.headers, fields, list(column_aliases()[kind]), sample, missing,
                         unknown[:50], table.hidden_found)
