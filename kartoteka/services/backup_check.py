"""What restore checks before it replaces anything: the input is a Kartoteka database or dump of the
schema this code knows, complete and intact.

A SQLite file must pass SQLite's integrity check, hold exactly Kartoteka's tables with their columns,
and be at this code's schema revision. A logical dump (gzipped JSON Lines) must open with a header
naming the revision and the tables, hold only rows of those tables with their columns, and close with
a manifest whose row counts and SHA-256 of the row lines match what was read; a dump cut short has no
manifest and is refused.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import sqlite3
import zlib
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime

from kartoteka.db.schema import head_revision
from kartoteka.db.tables import metadata
from kartoteka.errors import InvalidInput

DUMP_FORMAT = 2     # 2: header with tables, manifest with row counts and checksum at the end


def expected_columns() -> dict[str, set[str]]:
    return {t.name: {c.name for c in t.columns} for t in metadata.sorted_tables}


def check_sqlite_file(source: Path) -> dict[str, int]:
    """Row counts per table of a SQLite backup; InvalidInput when it is not one this code can restore."""
    try:
        probe = sqlite3.connect(f"file:{source}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise InvalidInput(f"{source.name}: not a readable SQLite file ({exc})") from None
    try:
        ok = probe.execute("PRAGMA integrity_check").fetchall()
        if ok != [("ok",)]:
            raise InvalidInput(f"{source.name}: the backup fails SQLite's integrity check ({ok[0][0]})")
        tables = {r[0] for r in probe.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables:
            raise InvalidInput(f"{source.name}: not a Kartoteka database (no schema revision)")
        revs = sorted(str(r[0]) for r in probe.execute("SELECT version_num FROM alembic_version"))
        _check_revision(source, "+".join(revs) or None)
        for name, columns in expected_columns().items():
            if name not in tables:
                raise InvalidInput(f"{source.name}: not a Kartoteka database (table '{name}' is missing)")
            found = {r[1] for r in probe.execute(f'PRAGMA table_info("{name}")')}
            if found != columns:
                raise InvalidInput(f"{source.name}: table '{name}' has other columns than Kartoteka's "
                                   f"(missing {sorted(columns - found)}, extra {sorted(found - columns)})")
        return {name: int(probe.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
                for name in expected_columns()}
    except sqlite3.DatabaseError as exc:
        raise InvalidInput(f"{source.name}: not a readable Kartoteka database ({exc})") from None
    finally:
        probe.close()


def _check_revision(source: Path, revision: object) -> None:
    if revision != head_revision():
        raise InvalidInput(f"{source.name}: backup schema {revision or 'unknown'} differs from {head_revision()}; "
                           "restore it with the Kartoteka version that made it")


def coerce_row(table: str, row: dict[str, Any], where: str) -> dict[str, Any]:
    out = dict(row)
    for col in metadata.tables[table].columns:
        value = out.get(col.name)
        if isinstance(col.type, DateTime) and isinstance(value, str):
            try:
                out[col.name] = dt.datetime.fromisoformat(value)
            except ValueError:
                raise InvalidInput(f"{where}: '{col.name}' is not a date and time") from None
    return out


def read_dump(source: Path) -> dict[str, list[dict[str, Any]]]:
    """Every row of a logical dump, checked against its header and manifest before anything changes."""
    columns = expected_columns()
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in columns}
    digest = hashlib.sha256()
    manifest: dict[str, Any] | None = None
    try:
        with gzip.open(source, "rb") as fh:
            head = _json(fh.readline(), source, 1)
            if not isinstance(head, dict) or head.get("kartoteka_backup") != DUMP_FORMAT:
                raise InvalidInput(f"{source.name}: not a Kartoteka dump of format {DUMP_FORMAT}")
            _check_revision(source, head.get("revision"))
            if sorted(head.get("tables") or []) != sorted(columns):
                raise InvalidInput(f"{source.name}: the dump's tables differ from Kartoteka's")
            for line_no, line in enumerate(fh, start=2):
                if manifest is not None:
                    raise InvalidInput(f"{source.name}: line {line_no}: data after the manifest")
                item = _json(line, source, line_no)
                if isinstance(item, dict) and "manifest" in item:
                    manifest = item["manifest"]
                    continue
                where = f"{source.name}: line {line_no}"
                if not isinstance(item, dict) or item.get("t") not in rows or not isinstance(item.get("r"), dict):
                    raise InvalidInput(f"{where}: not a row of a Kartoteka table")
                extra = set(item["r"]) - columns[item["t"]]
                if extra:
                    raise InvalidInput(f"{where}: table '{item['t']}' has no column {sorted(extra)[0]!r}")
                digest.update(line)
                rows[item["t"]].append(coerce_row(item["t"], item["r"], where))
    except (OSError, EOFError, zlib.error) as exc:
        raise InvalidInput(f"{source.name}: unreadable or truncated dump ({exc})") from None
    if not isinstance(manifest, dict):
        raise InvalidInput(f"{source.name}: the dump has no manifest at its end: it is cut short or was not "
                           "written by `kartoteka backup`")
    counts = {name: len(r) for name, r in rows.items()}
    if manifest.get("rows") != counts:
        raise InvalidInput(f"{source.name}: the manifest's row counts differ from the rows in the dump")
    if manifest.get("sha256") != digest.hexdigest():
        raise InvalidInput(f"{source.name}: the dump's checksum does not match its manifest (changed or damaged)")
    return rows


def _json(line: bytes, source: Path, line_no: int) -> Any:
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        raise InvalidInput(f"{source.name}: line {line_no}: not valid JSON (a damaged dump)") from None
