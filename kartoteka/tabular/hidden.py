"""Which rows and columns of a worksheet are hidden: hidden by hand, by a collapsed outline group (Excel marks
each row of a collapsed group hidden) or by a height or width of zero.

openpyxl's read-only mode, which lists are read in (a list may be large), streams cell values only and drops
the rows' and columns' attributes, so the sheet's XML is scanned for them here: ``<col>`` elements (before the
rows) and the ``<row>`` start tags. A sheet without a hidden row costs one pass of ``bytes.find`` over its XML.

A sheet whose ``<sheetFormatPr zeroHeight="1">`` hides its rows by default (Excel writes it when most rows are
hidden) shows only the rows its ``<row>`` tags give a height above zero (``ht``, with ``customHeight``); a row
written without a height, and every row without a tag, is hidden there.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from typing import IO, Any

_PREFIX = rb"<(?:[A-Za-z_][\w.-]*:)?"          # a namespace prefix some writers use ("<x:row")
_ROW = re.compile(_PREFIX + rb"row\b([^>]*)>")   # not <rowBreaks>: \b needs a non-word character after "row"
_COL = re.compile(_PREFIX + rb"col\b([^>]*)>")   # not <cols>
_SHEET_DATA = re.compile(_PREFIX + rb"sheetData\b")
_FORMAT = re.compile(_PREFIX + rb"sheetFormatPr\b([^>]*)>")
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_MARKS = (b"hidden", b'ht="0', b"ht='0", b'ht=".', b"ht='.")   # what a piece with a hidden row must hold
_CHUNK = 1 << 20


@dataclass
class Hidden:
    """A sheet's hidden rows and columns, numbered from 1 as the sheet shows them."""

    rows: set[int] = field(default_factory=set)
    columns: set[int] = field(default_factory=set)
    by_default: bool = False   # <sheetFormatPr zeroHeight="1">: every row is hidden but those in ``shown``
    shown: set[int] = field(default_factory=set)

    def row_hidden(self, row: int) -> bool:
        """Whether the sheet's row ``row`` is hidden to the eye."""
        return row in self.rows or (self.by_default and row not in self.shown)


def _attrs(tag: bytes) -> dict[bytes, bytes]:
    return {m.group(1).split(b":")[-1]: m.group(2) if m.group(2) is not None else m.group(3)
            for m in _ATTR.finditer(tag)}


def _is_hidden(attrs: dict[bytes, bytes], size: bytes, *, by_default: bool = False) -> bool:
    """Hidden by hand, or of zero height or width; in a sheet hiding its rows by default, a row not given a
    height above zero."""
    if attrs.get(b"hidden", b"").strip().lower() in (b"1", b"true"):
        return True
    try:
        if size in attrs:
            return float(attrs[size]) <= 0.0   # zero height or width: hidden to the eye
    except ValueError:
        return by_default
    return by_default


def _chunks(source: IO[bytes]) -> Iterator[bytes]:
    """The XML in pieces that never cut a tag in two."""
    carry = b""
    while True:
        block = source.read(_CHUNK)
        if not block:
            if carry:
                yield carry
            return
        buf = carry + block
        cut = buf.rfind(b"<")
        if cut >= 0 and buf.find(b">", cut) == -1:   # a tag goes on in the next block
            buf, carry = buf[:cut], buf[cut:]
        else:
            carry = b""
        if buf:
            yield buf


def scan(source: IO[bytes]) -> Hidden:
    """The hidden rows and columns of a worksheet's XML."""
    found = Hidden()
    in_data = False
    counted: bool | None = None   # rows without their number ("r"): counted from the previous row, as openpyxl does
    row = 0
    for buf in _chunks(source):
        start = 0
        if not in_data:
            data = _SHEET_DATA.search(buf)
            head_end = data.start() if data else len(buf)
            fmt = _FORMAT.search(buf, 0, head_end)
            if fmt is not None and _attrs(fmt.group(1)).get(b"zeroHeight", b"").strip().lower() in (b"1", b"true"):
                found.by_default = True
            for m in _COL.finditer(buf, 0, data.start() if data else len(buf)):
                attrs = _attrs(m.group(1))
                if _is_hidden(attrs, b"width"):
                    try:
                        first, last = int(attrs.get(b"min", b"0")), int(attrs.get(b"max", b"0"))
                    except ValueError:
                        continue
                    found.columns.update(range(max(first, 1), min(last, 16_384) + 1))
            if data is None:
                continue
            in_data, start = True, data.end()
        if counted is None:
            first_row = _ROW.search(buf, start)
            if first_row is None:
                continue
            counted = b"r" not in _attrs(first_row.group(1))
        if not counted and not found.by_default and not any(mark in buf for mark in _MARKS):
            continue   # the usual piece: no row in it is hidden, and every row says its number
        for m in _ROW.finditer(buf, start):
            attrs = _attrs(m.group(1))
            try:
                row = int(float(attrs[b"r"])) if b"r" in attrs else row + 1
            except ValueError:
                row += 1
            if _is_hidden(attrs, b"ht", by_default=found.by_default):
                found.rows.add(row)
            elif found.by_default:
                found.shown.add(row)
    return found


def hidden_in(ws: Any) -> Hidden:
    """The hidden rows and columns of an openpyxl read-only worksheet (nothing when its XML cannot be opened
    again: a worksheet of another kind, or a broken file, which reading its cells reports)."""
    opener = getattr(ws, "_get_source", None)   # ReadOnlyWorksheet: its XML in the workbook's archive
    if opener is None:
        return Hidden()
    try:
        with closing(opener()) as source:
            return scan(source)
    except Exception:  # zipfile and XML errors of a broken sheet: its cells are read, and fail, with their row
        return Hidden()
