"""Limits on every input, checked before the work is done and named in the message.

A hostile file must not take minutes or gigabytes: a zip bomb (DOCX, XLSX) is refused from the sizes
its directory declares, before anything is decompressed (zipfile never inflates a member past its
declared size); a sheet declaring millions of rows is refused from its dimension; cells, names,
JSON nesting and numbers are bounded. Every limit is a setting (kartoteka/settings.py, KARTOTEKA_*).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from kartoteka.errors import InvalidInput, Message, N_

_MB = 1024 * 1024
# the documents check_zip opens, named in the reader's language
_KINDS = {"XLSX workbook": N_("XLSX workbook"), "DOCX document": N_("DOCX document"),
          "DOCX or XLSX document": N_("DOCX or XLSX document")}
_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_SURROGATE = re.compile("[\ud800-\udfff]")   # an unpaired surrogate: text broken on decoding
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


@dataclass(frozen=True)
class Limits:
    file_bytes: int = 50 * _MB
    unzipped_bytes: int = 200 * _MB
    rows: int = 2_000_000
    columns: int = 200
    cell_chars: int = 20_000
    name_words: int = 16
    json_depth: int = 16
    number_digits: int = 40


def current_limits() -> Limits:
    """The limits of the current settings (KARTOTEKA_MAX_* environment variables)."""
    from kartoteka.settings import get_settings

    s = get_settings()
    return Limits(file_bytes=s.max_file_mb * _MB, unzipped_bytes=s.max_unzipped_mb * _MB, rows=s.max_rows,
                  columns=s.max_columns, cell_chars=s.max_cell_chars, name_words=s.max_name_words,
                  json_depth=s.max_json_depth, number_digits=s.max_number_digits)


def check_file(path: Path, limits: Limits) -> int:
    """The file's size; InvalidInput when it is over the limit."""
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise InvalidInput.of(N_("%(file)s: %(size)d MB is over the limit of %(limit)d MB (KARTOTEKA_MAX_FILE_MB)"),
                              file=path.name, size=size // _MB, limit=limits.file_bytes // _MB)
    return size


def check_zip(path: Path, limits: Limits, *, kind: str = "DOCX or XLSX document") -> None:
    """Refuse a DOCX/XLSX whose members would decompress past the limit, from the declared sizes."""
    check_file(path, limits)
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        # zipfile's words ("File is not a zip file") mean nothing to the reader: what the file is, in theirs
        error = Message(N_("the file is damaged (cut short when it was copied or downloaded?) or is another kind "
                           "of file with this name; open it in Excel or Word and save it again")) \
            if isinstance(exc, zipfile.BadZipFile) else str(exc)
        raise InvalidInput.of(N_("%(file)s: not a readable %(kind)s (%(error)s)"),
                              file=path.name, kind=Message(_KINDS.get(kind, kind)), error=error) from None
    total = sum(i.file_size for i in infos)
    if total > limits.unzipped_bytes:
        biggest = max(infos, key=lambda i: i.file_size)
        raise InvalidInput.of(N_("%(file)s: would unpack to %(total)d MB (%(part)s: %(part_size)d MB), over the "
                                 "limit of %(limit)d MB (KARTOTEKA_MAX_UNZIPPED_MB); a compressed bomb or a far "
                                 "too large document"),
                              file=path.name, total=total // _MB, part=biggest.filename,
                              part_size=biggest.file_size // _MB, limit=limits.unzipped_bytes // _MB)
    if len(infos) > 10_000:
        raise InvalidInput.of(N_("%(file)s: %(parts)d parts in the container; not a document Kartoteka reads"),
                              file=path.name, parts=len(infos))


def check_shape(name: str, rows: int, columns: int, limits: Limits) -> None:
    """Refuse a table declaring more rows or columns than the limits, before reading it."""
    if rows > limits.rows:
        raise InvalidInput.of(N_("%(file)s: %(rows)s rows is over the limit of %(limit)s (KARTOTEKA_MAX_ROWS)"),
                              file=name, rows=f"{rows:,}", limit=f"{limits.rows:,}")
    if columns > limits.columns:
        raise InvalidInput.of(N_("%(file)s: %(columns)s columns is over the limit of %(limit)s "
                                 "(KARTOTEKA_MAX_COLUMNS)"),
                              file=name, columns=f"{columns:,}", limit=f"{limits.columns:,}")


def broken_text(value: str) -> bool:
    """True when the text holds an unpaired surrogate (bytes that did not decode)."""
    return _SURROGATE.search(value) is not None


def cell_problem(value: str, limits: Limits) -> str:
    """Why a cell's text cannot be taken ('' when it can)."""
    if len(value) > limits.cell_chars:
        return Message(N_("%(chars)s characters is over the limit of %(limit)s (KARTOTEKA_MAX_CELL_CHARS)"),
                       chars=f"{len(value):,}", limit=f"{limits.cell_chars:,}")
    if _SURROGATE.search(value):
        return Message(N_("contains an unpaired surrogate (broken text)"))
    return ""


def json_depth(line: str) -> int:
    """The deepest nesting of ``[``/``{`` in a JSON text, in linear time (strings are skipped)."""
    depth = deepest = 0
    for c in _NOT_BRACKET.sub("", _STRINGS.sub("", line)):
        depth += 1 if c in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def name_problem(name: str, limits: Limits) -> str:
    """Why a name is too long for the matcher ('' when it is not): its time grows with the words."""
    words = len(name.split())
    if words > limits.name_words:
        return Message(N_("%(words)s words is over the limit of %(limit)d for a name (KARTOTEKA_MAX_NAME_WORDS)"),
                       words=f"{words:,}", limit=limits.name_words)
    return ""
