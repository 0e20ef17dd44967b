"""Open CSV, XLSX or JSON Lines as one stream of rows with a header, whatever the format."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kartoteka.errors import InvalidInput, RowError
from kartoteka.tabular.encoding import detect_encoding

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


def guess_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix in ("csv", "tsv", "txt"):
        return "csv"
    if suffix in ("xlsx", "xlsm"):
        return "xlsx"
    if suffix in ("jsonl", "ndjson", "json"):
        return "jsonl"
    raise InvalidInput(f"{path.name}: unknown format '.{suffix}' (use .csv, .xlsx or .jsonl)")


def open_table(path: Path, fmt: str | None = None) -> RawTable:
    """Open ``path``; raises InvalidInput naming the file when it cannot be read at all."""
    if not path.exists():
        raise InvalidInput(f"{path}: no such file")
    kind = fmt or guess_format(path)
    if kind == "csv":
        return _open_csv(path)
    if kind == "xlsx":
        return _open_xlsx(path)
    if kind == "jsonl":
        return _open_jsonl(path)
    raise InvalidInput(f"{path.name}: unknown format '{kind}'")


def _sniff_delimiter(text: str) -> str:
    head = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(head, delimiters=",;\t|").delimiter
    except csv.Error:
        first = text.splitlines()[0] if text else ""
        counts = {d: first.count(d) for d in ",;\t|"}
        return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


def _open_csv(path: Path) -> RawTable:
    data = path.read_bytes()
    encoding = detect_encoding(data)
    text = data.decode(encoding)
    if "\x00" in text:
        raise InvalidInput(f"{path.name}: the file contains NUL bytes; is it really a CSV text file?")
    delimiter = _sniff_delimiter(text)
    csv.field_size_limit(max(csv.field_size_limit(), 10 * MAX_FIELD))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration:
        raise InvalidInput(f"{path.name}: the file is empty") from None
    table = RawTable(path, "csv", headers, iter(()), encoding, delimiter, text.count("\n"))

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        row_no = 1
        while True:
            row_no += 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                table.problems.append(RowError(path.name, row_no, "*", f"unreadable CSV: {exc}"))
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(headers) and any(c.strip() for c in cells[len(headers):]):
                table.problems.append(RowError(path.name, row_no, "*",
                                               f"{len(cells)} cells but the header has {len(headers)}"))
            yield row_no, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers)}

    table.rows = rows()
    return table


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime") and hasattr(value, "year"):
        return value.strftime("%Y-%m-%d")  # type: ignore[no-any-return]
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _open_xlsx(path: Path) -> RawTable:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise InvalidInput(f"{path.name}: not a readable XLSX workbook ({exc})") from None
    ws = wb.worksheets[0]
    it = ws.iter_rows(values_only=True)
    try:
        headers = [_cell_text(h).strip() for h in next(it)]
    except StopIteration:
        raise InvalidInput(f"{path.name}: the first sheet is empty") from None
    while headers and not headers[-1]:
        headers.pop()

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        for row_no, values in enumerate(it, start=2):
            cells = [_cell_text(v) for v in values]
            if not any(c.strip() for c in cells):
                continue
            yield row_no, {h: (cells[i] if i < len(cells) else "") for i, h in enumerate(headers)}
        wb.close()

    return RawTable(path, "xlsx", headers, rows(), "", "", max((ws.max_row or 1) - 1, 0))


def _open_jsonl(path: Path) -> RawTable:
    data = path.read_bytes()
    text = data.decode(detect_encoding(data))
    lines = text.splitlines()
    headers: list[str] = []
    seen: set[str] = set()
    parsed: list[tuple[int, dict[str, str]]] = []
    problems: list[RowError] = []
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(RowError(path.name, line_no, "*", f"not valid JSON: {exc.msg}"))
            continue
        if not isinstance(obj, dict):
            problems.append(RowError(path.name, line_no, "*", "each line must be a JSON object"))
            continue
        row: dict[str, str] = {}
        for k, v in obj.items():
            if k not in seen:
                seen.add(k)
                headers.append(k)
            if isinstance(v, list):
                row[k] = "; ".join(str(x) for x in v)
            else:
                row[k] = "" if v is None else str(v)
        parsed.append((line_no, row))
    return RawTable(path, "jsonl", headers, iter(parsed), "utf-8", "", len(parsed), problems)
