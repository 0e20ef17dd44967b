"""Open CSV, XLSX or JSON Lines as one stream of rows with a header, whatever the format.

Nothing is guessed silently: the encoding is detected or asked for (tabular/encoding.py), a bad byte
is reported with its line and byte, duplicate headers and nested JSON values are errors, and a hidden
first sheet is refused rather than imported; a sheet's hidden rows and columns are read and named (or, asked
to, its hidden rows left out, and named). Every input is bounded (tabular/limits.py) before the work is done: file size, unpacked size, rows, columns, cell length, JSON depth and number size.
"""

from __future__ import annotations

import csv
import itertools
import json
import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from kartoteka.errors import InvalidInput, Message, N_, RowError, reason_of
from kartoteka.tabular.columns import column_aliases, header_forms, normalise_header
from kartoteka.tabular.encoding import decode_strict, detect
from kartoteka.tabular.hidden import hidden_in
from kartoteka.tabular.list_lines import not_a_row, numbered_title, stated_total
from kartoteka.tabular.limits import Limits, broken_text, cell_problem, check_file, check_shape, check_zip, current_limits, \
    json_depth

MAX_FIELD = 20_000
FORMATS = ("csv", "xlsx", "jsonl")


@dataclass
class RawTable:
    """A file's header and its rows; ``rows`` yields ``(row_number, {header: text})``.

    Row numbers are those a user sees: in CSV and XLSX the header is row 1, so data starts at row 2;
    in JSON Lines the line number.
    """

    path: Path
    format: str
    headers: list[str]
    rows: Iterator[tuple[int, dict[str, str]]]
    encoding: str = ""
    delimiter: str = ""
    total: int | None = None
    problems: list[RowError] = field(default_factory=list)
    header_row: int = 1   # the row holding the header; rows above it were a title, a date, blank lines
    header_rows: int = 1  # rows the header takes: 2 when merged cells head a second header row
    other_sheets: list[str] = field(default_factory=list)   # a workbook's other visible sheets with data: not read
    skipped: list[tuple[int, str]] = field(default_factory=list)   # rows that are a caption or signature
    sheets: list[SheetPart] = field(default_factory=list)   # a list read over several sheets: each, in order
    not_lists: list[str] = field(default_factory=list)      # visible sheets with data but no list (a cover page)
    hidden_sheets: list[str] = field(default_factory=list)  # hidden sheets: never read
    # notes on single rows, by row number (a row hidden in the sheet, a name joined from two lines of a document):
    # each a Message, kept with the row when it is read as a person and said among the reading problems
    row_notes: dict[int, list[str]] = field(default_factory=dict)
    hidden_columns: list[tuple[str, str]] = field(default_factory=list)   # (sheet, header) of a sheet's hidden columns
    # a workbook's rows hidden in their sheet (by hand, in a collapsed group, of zero height), each as
    # {row number: (sheet, row in the sheet)}: those read (a row holding data), and those left out (``skip_hidden``)
    hidden_rows: dict[int, tuple[str, int]] = field(default_factory=dict)
    hidden_skipped: dict[int, tuple[str, int]] = field(default_factory=dict)
    # the hidden rows under the header of the sheets read, as (sheet, row), known when the file is opened (before
    # its rows are read: a preview names them); a hidden row with nothing in it is among them
    hidden_found: list[tuple[str, int]] = field(default_factory=list)
    # the cells of some columns, read again from the start (before or after ``rows``) in one pass, each column's
    # cells in a list; only the rows with a cell that ``holding`` finds (a CSV file, whose text is in memory);
    # None where a second reading costs more (a workbook, read from its file)
    columns: Callable[[list[str], re.Pattern[str]], list[list[str]]] | None = None


def lone_caption(table: RawTable, row_no: int, cells: list[str]) -> bool:
    """A sheet row whose only filled cell is a caption, a note or a signature line ("Составил: ____
    И. И. Иванов", "Всего: 42"), or a section title beside a row number ("1 | Крым", "2 | Херсонська обл.":
    list_lines.numbered_title), is not a list row; it is noted in ``table.skipped``, not imported."""
    filled: list[str] = []
    for cell in cells:   # every row passes here: stop at its third filled cell
        if cell.strip():
            if len(filled) == 2:
                return False
            filled.append(cell)
    lone = filled[0].strip() if len(filled) == 1 and not_a_row(filled[0], lone_cell=True) else numbered_title(filled)
    if lone:
        table.skipped.append((row_no, lone[:200]))
        return True
    return False


def total_row(table: RawTable, row_no: int, cells: list[str]) -> bool:
    """A totals row whose number stands in a cell of its own ("Разом по розділу: | 3", "Итого: | | 2 чел."): not a
    person; noted in ``table.skipped`` (as one text, so that its number is compared with the rows read)."""
    count = 0
    for cell in cells:   # every row passes here: stop at its fourth filled cell (a person's row)
        if cell.strip():
            count += 1
            if count > 3:
                return False
    filled = [c.strip() for c in cells if c.strip()]
    if not 2 <= len(filled) <= 3:
        return False
    text = " ".join(filled)
    if stated_total(text) is None or stated_total(filled[0] + " 1") is None:   # the first cell says "total"
        return False
    table.skipped.append((row_no, text[:200]))
    return True


def _filled(cells: list[str]) -> list[str]:
    out = [c.strip() for c in cells]
    while out and not out[-1]:
        out.pop()
    return out


def header_again(table: RawTable, row_no: int, cells: list[str], header: list[list[str]]) -> bool:
    """A row that repeats the header (or its row of column numbers) further down: a sheet printed with its header
    on every page, two lists pasted one under the other. Noted in ``table.skipped``, not read as a person."""
    first = cells[0].strip() if cells else ""
    if not any((h[0].strip() if h else "") == first for h in header):   # (every row passes here: a repeat
        return False                                                     # begins as a header row begins)
    filled = _filled(cells)
    if len([c for c in filled if c]) < 2 or not any(filled == _filled(h) for h in header):
        return False
    table.skipped.append((row_no, " | ".join(c for c in filled if c)[:200]))
    return True


HEAD_ROWS = 20   # how far down a sheet its header row is looked for


@lru_cache(maxsize=1)
def _known_headers() -> frozenset[str]:
    """Every header the column vocabulary knows, of every kind, normalised."""
    return frozenset(normalise_header(a) for fields in column_aliases().values()
                     for f, names in fields.items() for a in (f, *names))


def header_index(rows: list[list[str]]) -> int:
    """Which of a sheet's first rows is its header.

    Real sheets often open with a title ("Список политзаключённых, обновлено 01.11.2026"), a date or
    blank lines above the header. The first row stays the header when it holds a known column name
    (or when no row does: then ``--map`` names the columns); otherwise the first row that holds two
    known column names is the header (or, when none does, the first that names the name column: "ПІБ |
    Примітка"), and the rows above it are not data.
    """
    known = _known_headers()

    def hits(row: list[str]) -> int:
        return sum(1 for c in row if c.strip() and any(f in known for f in header_forms(c)))

    if not rows or hits(rows[0]):
        return 0
    names = _name_headers()   # else a row naming the name column alone ("ПІБ | Примітка") under a title
    return next((i for i, row in enumerate(rows) if hits(row) >= 2), None) \
        or next((i for i, row in enumerate(rows) if any(c.strip() and _is_in(c, names) for c in row)), 0)


def _numbering_row(cells: list[str]) -> bool:
    """A row of column numbers under an official table's header ("1 | 2 | 3 | 4")."""
    filled = [c.strip().rstrip(".") for c in cells if c.strip()]
    return len(filled) >= 2 and filled == [str(i) for i in range(1, len(filled) + 1)]


def header_block(rows: list[list[str]], at: int) -> tuple[list[str], int]:
    """The header that starts at ``rows[at]`` and how many rows it takes.

    An annex's header is often two rows: merged cells ("Місце утримання" over "Установа | Область",
    "№" and "ПІБ" merged down over both rows). The row under the header is a second header row when it
    names columns the first leaves empty (or holds known column names), and leaves empty the name
    column (unless it splits the name into its parts: "ФИО" over "Фамилия | Имя | Отчество") and every cell
    with a digit (a list row has a name, a number or a date). A column takes
    the lower name when it is a known column name or the upper is empty, else the upper one
    ("Місце утримання: Установа" when neither is known). A row of column numbers ("1 | 2 | 3")
    under the header is part of it too.
    """
    known = _known_headers()
    top = [c.strip() for c in rows[at]]
    used = 1
    if at + 1 < len(rows):
        sub = [c.strip() for c in rows[at + 1]]
        width = max(len(top), len(sub))
        top += [""] * (width - len(top))
        sub += [""] * (width - len(sub))
        # a DOCX table repeats a merged cell's text in every cell it covers: down (the same text in both
        # rows) and across (the same text in the next column)
        sub = ["" if c == top[j] else c for j, c in enumerate(sub)]
        upper = ["" if j and c and c == top[j - 1] and sub[j] else c for j, c in enumerate(top)]

        def is_known(text: str) -> bool:
            return bool(text) and normalise_header(text) in known

        filled = [j for j, c in enumerate(sub) if c]
        names = [j for j, c in enumerate(upper) if normalise_header(c) in _name_headers()]
        parts = _name_part_headers()   # "ФИО" merged over "Фамилия | Имя | Отчество": the name's own columns
        second = bool(filled) and not any(any(ch.isdigit() for ch in sub[j]) for j in filled) \
            and not any(sub[j] and normalise_header(sub[j]) not in parts for j in names) \
            and (any(not upper[j] for j in filled) or any(is_known(sub[j]) for j in filled))
        if second:
            merged: list[str] = []
            parent = ""
            for j in range(width):
                parent = upper[j] or parent
                low = sub[j]
                if not low:
                    merged.append(upper[j])
                elif is_known(low) or not parent:
                    merged.append(low)
                elif upper[j] and is_known(upper[j]):
                    merged.append(upper[j])
                else:
                    merged.append(f"{parent}: {low}")
            top, used = merged, 2
    if at + used < len(rows) and _numbering_row(rows[at + used]):
        used += 1
    return top, used


def _is_in(header: str, known: frozenset[str]) -> bool:
    """Whether a header is one of ``known`` (normalised), as it is or without a remark in parentheses."""
    return any(f in known for f in header_forms(header))


@lru_cache(maxsize=1)
def _name_part_headers() -> frozenset[str]:
    """The headers of a name's parts (Фамилия, Имя, Отчество; Прізвище ...), normalised."""
    fields = column_aliases()["persons"]
    return frozenset(normalise_header(a) for f in ("surname", "given_name", "patronymic") for a in (f, *fields[f]))


@lru_cache(maxsize=1)
def _name_headers() -> frozenset[str]:
    """The headers of a list's name columns (ПІБ, ФИО, прізвище ...), normalised."""
    fields = column_aliases()["persons"]
    return frozenset(normalise_header(a) for f in ("name", "surname") for a in (f, *fields[f]))


def guess_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("csv", "tsv", "txt"):
        return "csv"
    if suffix in ("xlsx", "xlsm"):
        return "xlsx"
    if suffix in ("jsonl", "ndjson", "json"):
        return "jsonl"
    raise InvalidInput.of(N_("%(file)s: unknown format '.%(format)s' (use .csv, .xlsx or .jsonl)"),
                          file=path.name, format=suffix)


def open_table(path: Path, fmt: str | None = None, *, encoding: str | None = None,
               limits: Limits | None = None, all_sheets: bool = False, skip_hidden: bool = False) -> RawTable:
    """Open ``path``; raises InvalidInput naming the file when it cannot be read at all.

    ``encoding`` names a text file's encoding when detection cannot tell (``--encoding``). ``all_sheets``:
    a workbook's list may continue on its other sheets (a list to vet; an import reads the first sheet).
    A workbook's hidden rows are read and named in ``hidden_rows``; with ``skip_hidden`` they are left out and
    named in ``hidden_skipped`` instead (CSV and JSON Lines hide nothing).
    """
    if not path.exists():
        raise InvalidInput.of(N_("%(file)s: no such file"), file=str(path))
    kind = fmt or guess_format(path)
    lim = limits or current_limits()
    if kind == "csv":
        return _open_csv(path, read_text(path, encoding, lim), lim)
    if kind == "xlsx":
        return _open_xlsx(path, lim, all_sheets=all_sheets, skip_hidden=skip_hidden)
    if kind == "jsonl":
        return _open_jsonl(path, read_text(path, encoding, lim), lim)
    raise InvalidInput.of(N_("%(file)s: unknown format '%(format)s'"), file=path.name, format=kind)


_NOT_TEXT = ((b"PK\x03\x04", N_("an Excel workbook or a Word document (.xlsx, .docx)")),
             (b"%PDF", N_("a PDF document")),
             (b"\xd0\xcf\x11\xe0", N_("an old Excel or Word file (.xls, .doc)")))


def read_text(path: Path, encoding: str | None, limits: Limits) -> tuple[str, str]:
    """The file's text and encoding: the named encoding strictly, else the detected one."""
    check_file(path, limits)
    data = path.read_bytes()
    for magic, what in _NOT_TEXT:   # a workbook or a PDF renamed .csv: not an encoding to guess
        if data.startswith(magic):
            raise InvalidInput.of(N_("%(file)s: not a text file: it begins as %(what)s does; give the file its real "
                                     "extension, or save it as CSV (UTF-8) from the program that made it"),
                                  file=path.name, what=Message(what))
    if encoding:
        text, used = decode_strict(data, encoding, name=path.name), encoding
    else:
        decoded = detect(data, name=path.name)
        text, used = decoded.text, decoded.encoding
    if "\x00" in text:
        raise InvalidInput.of(N_("%(file)s: the file contains NUL bytes; is it really a text file?"), file=path.name)
    return text, used


def unique_headers(name: str, headers: list[str], limits: Limits, row: int = 1) -> list[str]:
    """Headers as read, empty ones named by position; a header that appears twice is an error, named with the
    ``row`` the header is in (below a title, a date)."""
    check_shape(name, 0, len(headers), limits)
    out: list[str] = []
    for i, h in enumerate(headers):
        problem = cell_problem(h, limits)
        if problem:
            raise InvalidInput.of(N_("%(file)s: row %(row)d, column %(column)d: the header %(problem)s"),
                                  file=name, row=row, column=i + 1, problem=problem)
        label = h or f"column {i + 1}"   # a header name, as stored: not translated
        if label in out:
            raise InvalidInput.of(N_("%(file)s: row %(row)d: the header '%(header)s' appears twice (columns "
                                     "%(first)d and %(second)d); rename one so that no column is silently dropped"),
                                  file=name, row=row, header=label, first=out.index(label) + 1, second=i + 1)
        out.append(label)
    return out


def _sniff_delimiter(text: str) -> str:
    head = "\n".join(text[:64_000].splitlines()[:20])
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:   # e.g. a title line above the table: the delimiter most lines use
        lines = head.splitlines()
        counts = {d: (sum(1 for ln in lines if d in ln), head.count(d)) for d in ",;\t|"}
        return max(counts, key=lambda d: counts[d]) if any(c for c, _ in counts.values()) else ","


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")


def _lines(text: str) -> Iterator[str]:
    """The text's lines with their endings (\\r\\n, \\r or \\n), as ``io.StringIO(text, newline="")`` gives
    them to the csv module, without its copy of the whole text (four bytes a character: 400 MB for a
    million-person file)."""
    return (m.group() for m in _LINE.finditer(text))


_TOO_LONG = "field larger than field limit"   # the csv module's words for a cell over csv.field_size_limit


def _open_csv(path: Path, decoded: tuple[str, str], limits: Limits) -> RawTable:
    text, encoding = decoded
    delimiter = _sniff_delimiter(text)
    csv.field_size_limit(limits.cell_chars * 10)   # longer cells are named per column below
    # "ПІБ; Дата народження; Місце утримання": a space after every delimiter is no part of the cells
    head_text = "\n".join(text[:64_000].splitlines()[:20])
    spaced = head_text.count(delimiter) >= 2 and head_text.count(delimiter + " ") * 10 >= head_text.count(delimiter) * 8
    reader = csv.reader(_lines(text), delimiter=delimiter, skipinitialspace=spaced)
    head: list[list[str]] = []
    try:
        for _ in range(HEAD_ROWS):
            head.append(next(reader))
    except StopIteration:
        if not head:
            raise InvalidInput.of(N_("%(file)s: the file is empty"), file=path.name) from None
    except csv.Error as exc:
        if _TOO_LONG in str(exc):   # a cell of a row read with the header's (the first 20): not the header's fault
            raise InvalidInput.of(N_("%(file)s: row %(row)d: a cell is over the limit of %(limit)s characters "
                                     "(KARTOTEKA_MAX_CELL_CHARS); shorten it, or check that its quotes are "
                                     "closed"), file=path.name, row=len(head) + 1,
                                  limit=f"{limits.cell_chars:,}") from None
        raise InvalidInput.of(N_("%(file)s: row %(row)d: unreadable header (%(error)s; a cell may be over the "
                                 "limit of %(limit)s characters, KARTOTEKA_MAX_CELL_CHARS)"),
                              file=path.name, row=len(head) + 1, error=str(exc),
                              limit=f"{limits.cell_chars:,}") from None
    at = header_index(head)
    first, used = header_block(head, at)
    while first and not first[-1].strip():
        first.pop()
    headers = unique_headers(path.name, [h.strip() for h in first], limits, at + 1)
    lines = text.count("\n")
    check_shape(path.name, lines, len(headers), limits)
    table = RawTable(path, "csv", headers, iter(()), encoding, delimiter, lines, header_row=at + 1,
                     header_rows=used)
    buffered = iter(head[at + used:])

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        row_no = at + used
        while True:
            row_no += 1
            try:
                cells = next(buffered, None) or next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                table.problems.append(RowError(path.name, row_no, "*", Message(
                    N_("a cell is over the limit of %(limit)s characters (KARTOTEKA_MAX_CELL_CHARS); shorten it, or "
                       "check that its quotes are closed"), limit=f"{limits.cell_chars:,}") if _TOO_LONG in str(exc)
                    else Message(N_("unreadable CSV (%(error)s; the limit is %(limit)s characters a cell, "
                                    "KARTOTEKA_MAX_CELL_CHARS)"), error=str(exc), limit=f"{limits.cell_chars:,}")))
                continue
            if not any(c.strip() for c in cells) or lone_caption(table, row_no, cells) \
                    or header_again(table, row_no, cells, head[at:at + used]) or total_row(table, row_no, cells):
                continue
            if len(cells) > len(headers) and any(c.strip() for c in cells[len(headers):]):
                table.problems.append(RowError(path.name, row_no, "*", Message(
                    N_("%(cells)d cells but the header has %(headers)d"), cells=len(cells), headers=len(headers))))
            yield row_no, _checked(table, row_no, headers, cells, limits)

    def columns(wanted: list[str], holding: re.Pattern[str]) -> list[list[str]]:
        out: list[list[str]] = [[] for _ in wanted]
        if holding.search(text) is None:   # (the usual file: a search of its text, not a second reading)
            return out
        at_cells = [headers.index(h) for h in wanted]
        again = csv.reader(_lines(text), delimiter=delimiter, skipinitialspace=spaced)
        try:
            for _ in range(at + used):
                next(again)
            for cells in again:
                for i, at_cell in enumerate(at_cells):
                    if len(cells) > at_cell:
                        out[i].append(cells[at_cell])
        except (StopIteration, csv.Error):   # said by ``rows``
            pass
        return out

    table.rows = rows()
    table.columns = columns
    return table


def _checked(table: RawTable, row_no: int, headers: list[str], cells: list[str], limits: Limits, *,
             name: str = "") -> dict[str, str]:
    if len(cells) >= len(headers) and max(map(len, cells), default=0) <= limits.cell_chars \
            and not broken_text("".join(cells)):
        return dict(zip(headers, cells))   # every cell can be taken (the usual row): one check of them all
    row: dict[str, str] = {}
    for i, h in enumerate(headers):
        value = cells[i] if i < len(cells) else ""
        problem = cell_problem(value, limits)
        if problem:
            table.problems.append(RowError(name or table.path.name, row_no, h, problem))
            value = ""
        row[h] = value
    return row


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime") and hasattr(value, "year"):
        return value.strftime("%Y-%m-%d")  # type: ignore[no-any-return]
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""   # NaN / infinity: an empty cell, not a number
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
    return str(value)


@dataclass
class SheetPart:
    """A sheet read as part of a list that continues over a workbook's sheets: its rows are numbered
    ``offset`` + their row in the sheet (0 for the first sheet), so every row of the list has its own number."""

    name: str
    offset: int
    first: int = 0   # the list's first and last row numbers from this sheet (0: none yet)
    last: int = 0


@dataclass
class _Sheet:
    title: str
    head: list[tuple[object, ...]]
    rest: Iterator[tuple[object, ...]]
    at: int
    used: int
    headers: list[str]
    declared_rows: int
    ws: Any = None


def _visible(ws: Any) -> bool:
    return getattr(ws, "sheet_state", "visible") == "visible"


def _read_head(path: Path, ws: Any, limits: Limits) -> _Sheet | None:
    """A sheet's first rows, its header and how far down it is; None for an empty sheet."""
    try:
        declared_rows, declared_cols = int(ws.max_row or 0), int(ws.max_column or 0)
    except (TypeError, ValueError):
        declared_rows = declared_cols = 0
    check_shape(path.name, declared_rows, declared_cols, limits)
    it = _guarded(path, ws.iter_rows(values_only=True))
    head = [values for _, values in zip(range(HEAD_ROWS), it)]
    if not head:
        return None
    texts = [[_cell_text(v) for v in values[:limits.columns + 1]] for values in head]
    at = header_index(texts)
    first, used = header_block(texts, at)
    while first and not first[-1]:
        first.pop()
    return _Sheet(str(ws.title), head, it, at, used, first, declared_rows, ws)


def _holds_list(sheet: _Sheet) -> bool:
    """A sheet holds a list when its header has a name column (ПІБ, ФИО, прізвище ...)."""
    names = _name_headers()
    return any(h.strip() and _is_in(h, names) for h in sheet.headers)


def _open_xlsx(path: Path, limits: Limits, *, all_sheets: bool = False, skip_hidden: bool = False) -> RawTable:
    """The first sheet; with ``all_sheets`` (a list to vet) every visible sheet after it whose header has a
    name column too, in workbook order, as one list (a sheet per category: "Цивільні", "Військовополонені").
    Hidden rows are read like the others and named in ``hidden_rows`` (a list's also noted in ``row_notes``), or
    with ``skip_hidden`` left out and named in ``hidden_skipped``; hidden columns are named in ``hidden_columns``
    (tabular/hidden.py)."""
    from openpyxl import load_workbook

    check_zip(path, limits, kind="XLSX workbook")
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types, in its words, for a broken file
        error = Message(N_("a ZIP archive, not an Excel workbook: perhaps a Word document or another file renamed "
                           ".xlsx; open it in Excel and save it as .xlsx")) if isinstance(exc, KeyError) \
            else Message(N_("the file is damaged (cut short when it was copied or downloaded?) or is another kind "
                            "of file with this name; open it in Excel or Word and save it again"))
        raise InvalidInput.of(N_("%(file)s: not a readable XLSX workbook (%(error)s)"),
                              file=path.name, error=error) from None
    if not wb.worksheets:
        raise InvalidInput.of(N_("%(file)s: the workbook has no sheets"), file=path.name)
    ws = wb.worksheets[0]
    if not _visible(ws):
        names = [s.title for s in wb.worksheets if _visible(s)]
        raise InvalidInput.of(N_("%(file)s: the first sheet '%(sheet)s' is hidden; Kartoteka reads the first sheet, "
                                 "so unhide it or move the sheet to import first (visible: %(visible)s)"),
                              file=path.name, sheet=ws.title, visible=", ".join(names) or Message(N_("none")))
    sheets: list[_Sheet] = []
    not_lists: list[str] = []
    if all_sheets:
        for other in wb.worksheets:
            if not _visible(other):
                continue
            sheet = _read_head(path, other, limits)
            if sheet is not None and _holds_list(sheet):
                sheets.append(sheet)
            elif sheet is not None and any(any(v is not None and str(v).strip() for v in values)
                                           for values in sheet.head):
                not_lists.append(sheet.title)
    found = bool(sheets)   # else no sheet has a known name column: the first sheet, read as before (--map names it)
    if not sheets:
        first_sheet = _read_head(path, ws, limits)
        if first_sheet is None:
            raise InvalidInput.of(N_("%(file)s: the first sheet is empty"), file=path.name)
        sheets = [first_sheet]
    main = sheets[0]
    headers = unique_headers(path.name, main.headers, limits, main.at + 1)
    table = RawTable(path, "xlsx", headers, iter(()), "", "",
                     sum(max(s.declared_rows - s.used - s.at, 0) for s in sheets), header_row=main.at + 1,
                     header_rows=main.used)
    if len(sheets) > 1 or sheets[0].title != ws.title:
        table.sheets = [SheetPart(s.title, 0 if not k else NOT_YET) for k, s in enumerate(sheets)]   # rows name it
    if found:
        table.not_lists = not_lists
    else:
        table.other_sheets = _other_sheets(wb)
    if all_sheets:
        table.hidden_sheets = [str(s.title) for s in wb.worksheets if not _visible(s)]
    hiddens = [hidden_in(s.ws) for s in sheets]   # what each sheet hides: its XML scanned once, before its rows
    table.hidden_found = [(s.title, r) for s, h in zip(sheets, hiddens) for r in sorted(h.rows) if r > s.at + s.used]

    def sheet_rows(k: int, sheet: _Sheet, offset: int, count: list[int],
                   end: list[int]) -> Iterator[tuple[int, dict[str, str]]]:
        own = unique_headers(path.name, sheet.headers, limits, sheet.at + 1) if k else headers
        rename = _same_columns(headers, own)
        name = f"{path.name} › {sheet.title}" if table.sheets else path.name
        hidden = hiddens[k]
        header_texts = [[_cell_text(v) for v in values] for values in sheet.head[sheet.at:sheet.at + sheet.used]]
        table.hidden_columns += [(sheet.title, rename.get(own[j - 1], own[j - 1]))
                                 for j in sorted(hidden.columns) if j <= len(own)]
        for row_no, values in enumerate(itertools.chain(sheet.head[sheet.at + sheet.used:], sheet.rest),
                                        start=sheet.at + sheet.used + 1):
            count[0] += 1
            end[0] = offset + row_no
            if count[0] > limits.rows + 1:
                raise InvalidInput.of(N_("%(file)s: more than %(limit)s rows (KARTOTEKA_MAX_ROWS)"),
                                      file=path.name, limit=f"{limits.rows:,}")
            cells = [_cell_text(v) for v in values[:len(own) + limits.columns]]
            if not any(c.strip() for c in cells) or lone_caption(table, offset + row_no, cells) \
                    or header_again(table, offset + row_no, cells, header_texts) \
                    or total_row(table, offset + row_no, cells):
                continue
            is_hidden = hidden.row_hidden(row_no)
            if is_hidden and skip_hidden:   # left out unread: its cells are neither checked nor imported
                table.hidden_skipped[offset + row_no] = (sheet.title, row_no)
                continue
            row = _checked(table, offset + row_no, own, cells, limits, name=name)
            if rename:
                row = {rename.get(h, h): v for h, v in row.items()}
            if table.sheets:
                part = table.sheets[k]
                part.first = part.first or offset + row_no
                part.last = offset + row_no
            if is_hidden:
                table.hidden_rows[offset + row_no] = (sheet.title, row_no)
                if all_sheets:   # a list to vet: the note is kept with the person read from the row
                    table.row_notes.setdefault(offset + row_no, []).append(hidden_row(sheet.title, row_no, offset))
            yield offset + row_no, row

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        count, end = [0], [0]
        for k, sheet in enumerate(sheets):
            # a later sheet's rows are numbered from the next thousand above the rows before it: row 5 of the
            # second sheet of a short list is row 1005
            offset = (end[0] // SHEET_STEP + 1) * SHEET_STEP if k else 0
            if table.sheets:
                table.sheets[k].offset = offset
            yield from sheet_rows(k, sheet, offset, count, end)
        wb.close()

    table.rows = rows()
    return table


SHEET_STEP = 1000
NOT_YET = 2**62   # the offset of a sheet not reached yet


def hidden_row(sheet: str, row: int, offset: int = 0) -> Message:
    """The note on a row hidden in its sheet (by hand or in a collapsed group): a person the negotiators may have
    taken off the list and left in the file, or one who is on it; either way read and vetted, and said."""
    if offset:
        return Message(N_("row %(row)d of sheet '%(sheet)s' (row %(number)d of the list) is hidden in the file: "
                          "read and vetted; check whether it belongs to the list"),
                       row=row, sheet=sheet, number=offset + row)
    return Message(N_("row %(row)d of sheet '%(sheet)s' is hidden in the file: read and vetted; check whether it "
                      "belongs to the list"), row=row, sheet=sheet)


def _same_columns(headers: list[str], own: list[str]) -> dict[str, str]:
    """``{a later sheet's header: the first sheet's header}`` for the columns both name differently
    ("ПІБ" on one sheet, "Прізвище, ім'я, по батькові" on the next); {} when the headers are the same."""
    if own == headers:
        return {}
    from kartoteka.tabular.columns import map_columns

    first, later = map_columns("persons", headers), map_columns("persons", own)
    return {later[f]: first[f] for f in later if f in first and later[f] != first[f]}


def _other_sheets(wb: Any) -> list[str]:
    """The names of the workbook's visible sheets after the first that hold anything in their first rows (an
    annex with a sheet per category): only the first sheet is read, so the report names the others."""
    names: list[str] = []
    for ws in wb.worksheets[1:]:
        if not _visible(ws):
            continue
        try:
            filled = any(any(v is not None and str(v).strip() for v in values)
                         for _, values in zip(range(HEAD_ROWS), ws.iter_rows(values_only=True)))
        except Exception:  # a broken sheet that is not read anyway: named, so that it is looked at
            filled = True
        if filled:
            names.append(str(ws.title))
    return names


def _guarded(path: Path, it: Iterator[tuple[object, ...]]) -> Iterator[tuple[object, ...]]:
    """openpyxl's rows, with a broken cell (a 'NaN' number, bad XML) as InvalidInput naming the row."""
    row_no = 0
    while True:
        row_no += 1
        try:
            values = next(it)
        except StopIteration:
            return
        except Exception as exc:  # openpyxl raises ValueError, KeyError, XML errors ... for broken sheets
            raise InvalidInput.of(N_("%(file)s: row %(row)d: unreadable cell (%(error)s)"),
                                  file=path.name, row=row_no, error=f"{type(exc).__name__}: {exc}") from None
        yield values


def _open_jsonl(path: Path, decoded: tuple[str, str], limits: Limits) -> RawTable:
    text, encoding = decoded
    if not text.strip():
        raise InvalidInput.of(N_("%(file)s: the file is empty"), file=path.name)
    headers: list[str] = []
    parsed: list[tuple[int, dict[str, str]]] = []
    problems: list[RowError] = []
    for line_no, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        if line_no > limits.rows:
            raise InvalidInput.of(N_("%(file)s: more than %(limit)s lines (KARTOTEKA_MAX_ROWS)"),
                                  file=path.name, limit=f"{limits.rows:,}")
        obj, problem = _json_object(line, limits)
        if obj is None:
            problems.append(RowError(path.name, line_no, "*", problem))
            continue
        row: dict[str, str] = {}
        for k, v in obj.items():
            key_problem = cell_problem(k, limits)
            if key_problem:
                problems.append(RowError(path.name, line_no, k[:60].encode("utf-8", "replace").decode(),
                                         Message(N_("the field name %(problem)s"), problem=key_problem)))
                continue
            if k not in headers:
                if len(headers) >= limits.columns:
                    raise InvalidInput.of(N_("%(file)s: line %(line)d: more than %(limit)d fields "
                                             "(KARTOTEKA_MAX_COLUMNS)"),
                                          file=path.name, line=line_no, limit=limits.columns)
                headers.append(k)
            value, problem = _json_value(v, limits)
            problem = problem or cell_problem(value, limits)
            if problem:
                problems.append(RowError(path.name, line_no, k, problem))
                value = ""   # never passed on: a vetting run notes the row, an import stops
            row[k] = value
        parsed.append((line_no, row))
    return RawTable(path, "jsonl", headers, iter(parsed), encoding, "", len(parsed), problems)


def _json_object(line: str, limits: Limits) -> tuple[dict[str, Any] | None, str]:
    if len(line) > limits.cell_chars * limits.columns:
        return None, Message(N_("the line is over %(limit)s characters"), limit=f"{limits.cell_chars * limits.columns:,}")
    depth = json_depth(line)
    if depth > limits.json_depth:
        return None, Message(N_("nested %(depth)d levels deep, over the limit of %(limit)d (KARTOTEKA_MAX_JSON_DEPTH)"),
                             depth=depth, limit=limits.json_depth)

    def bad_constant(name: str) -> Any:
        raise ValueError(Message(N_("%(name)s is not a number Kartoteka accepts"), name=name))

    def number(text: str) -> str:
        if sum(ch.isdigit() for ch in text) > limits.number_digits:
            raise ValueError(Message(N_("a number of %(chars)s characters is over the limit of %(limit)d digits "
                                        "(KARTOTEKA_MAX_NUMBER_DIGITS)"), chars=f"{len(text):,}",
                                     limit=limits.number_digits))
        return text

    def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        keys = [k for k, _ in pairs]
        twice = next((k for k in keys if keys.count(k) > 1), None) if len(set(keys)) != len(keys) else None
        if twice is not None:
            raise ValueError(Message(N_("the field '%(field)s' appears twice in one object; keep one"), field=twice[:60]))
        return dict(pairs)

    try:
        obj = json.loads(line, parse_int=number, parse_float=number, parse_constant=bad_constant,
                         object_pairs_hook=unique_keys)
    except json.JSONDecodeError as exc:
        return None, Message(N_("not valid JSON: %(error)s at character %(position)d"),
                             error=Message(_JSON_WORDS[exc.msg]) if exc.msg in _JSON_WORDS else exc.msg,
                             position=exc.pos + 1)
    except (ValueError, RecursionError) as exc:
        return None, reason_of(exc)
    if not isinstance(obj, dict):
        return None, Message(N_("each line must be a JSON object"))
    return obj, ""


# the json module's words for a broken line, said in the reader's language
_JSON_WORDS = {
    "Expecting value": N_("a value is missing"), "Expecting ',' delimiter": N_("a comma is missing"),
    "Expecting ':' delimiter": N_("a colon is missing"),
    "Expecting property name enclosed in double quotes": N_("a field name in double quotes is missing"),
    "Unterminated string starting at": N_("the quotes of a text are not closed; the text starts"),
    "Invalid control character at": N_("a line break or a tab inside quotes"),
    "Extra data": N_("more text after the object"), "Invalid \\escape": N_("a backslash that escapes nothing"),
}


def _json_value(v: Any, limits: Limits) -> tuple[str, str]:
    """A field's text: scalars as written, a list of scalars joined with '; '; nesting is an error."""
    if v is None:
        return "", ""
    if isinstance(v, bool):
        return ("true" if v else "false"), ""
    if isinstance(v, str):
        return v, ""
    if isinstance(v, list):
        if any(isinstance(x, (dict, list)) for x in v):
            return "", Message(N_("a list holding objects or lists; give each value its own field"))
        parts = [_json_value(x, limits) for x in v]
        problem = next((p for _, p in parts if p), "")
        return "; ".join(t for t, _ in parts), problem
    if isinstance(v, dict):
        return "", Message(N_("a nested object; give each value its own field (nested values are not stored as text)"))
    return str(v), ""
