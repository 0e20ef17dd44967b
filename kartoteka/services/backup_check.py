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
from kartoteka.errors import N_, InvalidInput, Message

DUMP_FORMAT = 2     # 2: header with tables, manifest with row counts and checksum at the end


def expected_columns() -> dict[str, set[str]]:
    return {t.name: {c.name for c in t.columns} for t in metadata.sorted_tables}


def check_sqlite_file(source: Path) -> dict[str, int]:
    """Row counts per table of a SQLite backup; InvalidInput when it is not one this code can restore."""
    try:
        probe = sqlite3.connect(f"file:{source}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise InvalidInput.of(N_("%(file)s: not a readable SQLite file (%(error)s)"), file=source.name,
                              error=str(exc)) from None
    try:
        ok = probe.execute("PRAGMA integrity_check").fetchall()
        if ok != [("ok",)]:
            raise InvalidInput.of(N_("%(file)s: the backup fails SQLite's integrity check (%(error)s)"),
                                  file=source.name, error=str(ok[0][0]))
        tables = {r[0] for r in probe.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables:
            raise InvalidInput.of(N_("%(file)s: not a Kartoteka database (no schema revision)"), file=source.name)
        revs = sorted(str(r[0]) for r in probe.execute("SELECT version_num FROM alembic_version"))
        _check_revision(source, "+".join(revs) or None)
        for name, columns in expected_columns().items():
            if name not in tables:
                raise InvalidInput.of(N_("%(file)s: not a Kartoteka database (table '%(table)s' is missing)"),
                                      file=source.name, table=name)
            found = {r[1] for r in probe.execute(f'PRAGMA table_info("{name}")')}
            if found != columns:
                raise InvalidInput.of(N_("%(file)s: table '%(table)s' has other columns than Kartoteka's "
                                         "(missing %(missing)s, extra %(extra)s)"), file=source.name, table=name,
                                      missing=str(sorted(columns - found)), extra=str(sorted(found - columns)))
        return {name: int(probe.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0])
                for name in expected_columns()}
    except sqlite3.DatabaseError as exc:
        raise InvalidInput.of(N_("%(file)s: not a readable Kartoteka database (%(error)s)"), file=source.name,
                              error=str(exc)) from None
    finally:
        probe.close()


def _check_revision(source: Path, revision: object) -> None:
    if revision != head_revision():
        raise InvalidInput.of(N_("%(file)s: backup schema %(revision)s differs from %(head)s; restore it with the "
                                 "Kartoteka version that made it"), file=source.name,
                              revision=str(revision) if revision else Message(N_("unknown")), head=head_revision())


def coerce_row(table: str, row: dict[str, Any], where: str) -> dict[str, Any]:
    out = dict(row)
    for col in metadata.tables[table].columns:
        value = out.get(col.name)
        if isinstance(col.type, DateTime) and isinstance(value, str):
            try:
                out[col.name] = dt.datetime.fromisoformat(value)
            except ValueError:
                raise InvalidInput.of(N_("%(where)s: '%(column)s' is not a date and time"), where=where,
                                      column=col.name) from None
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
                raise InvalidInput.of(N_("%(file)s: not a Kartoteka dump of format %(format)d"), file=source.name,
                                      format=DUMP_FORMAT)
            _check_revision(source, head.get("revision"))
            if sorted(head.get("tables") or []) != sorted(columns):
                raise InvalidInput.of(N_("%(file)s: the dump's tables differ from Kartoteka's"), file=source.name)
            for line_no, line in enumerate(fh, start=2):
                if manifest is not None:
                    raise InvalidInput.of(N_("%(file)s: line %(line)d: data after the manifest"), file=source.name,
                                          line=line_no)
                item = _json(line, source, line_no)
                if isinstance(item, dict) and "manifest" in item:
                    manifest = item["manifest"]
                    continue
                where = Message(N_("%(file)s: line %(line)d"), file=source.name, line=line_no)
                if not isinstance(item, dict) or item.get("t") not in rows or not isinstance(item.get("r"), dict):
                    raise InvalidInput.of(N_("%(where)s: not a row of a Kartoteka table"), where=where)
                extra = set(item["r"]) - columns[item["t"]]
                if extra:
                    raise InvalidInput.of(N_("%(where)s: table '%(table)s' has no column %(column)s"), where=where,
                                          table=item["t"], column=repr(sorted(extra)[0]))
                digest.update(line)
                rows[item["t"]].append(coerce_row(item["t"], item["r"], where))
    except (OSError, EOFError, zlib.error) as exc:
        raise InvalidInput.of(N_("%(file)s: unreadable or truncated dump (%(error)s)"), file=source.name,
                              error=str(exc)) from None
    if not isinstance(manifest, dict):
        raise InvalidInput.of(N_("%(file)s: the dump has no manifest at its end: it is cut short or was not "
                                 "written by `kartoteka backup`"), file=source.name)
    counts = {name: len(r) for name, r in rows.items()}
    if manifest.get("rows") != counts:
        raise InvalidInput.of(N_("%(file)s: the manifest's row counts differ from the rows in the dump"),
                              file=source.name)
    if manifest.get("sha256") != digest.hexdigest():
        raise InvalidInput.of(N_("%(file)s: the dump's checksum does not match its manifest (changed or damaged)"),
                              file=source.name)
    return rows


def _json(line: bytes, source: Path, line_no: int) -> Any:
    try:
        return json.loads(line)
    except (ValueError, RecursionError):
        raise InvalidInput.of(N_("%(file)s: line %(line)d: not valid JSON (a damaged dump)"), file=source.name,
                              line=line_no) from None
