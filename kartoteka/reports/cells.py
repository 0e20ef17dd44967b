"""Cells for exported spreadsheets and CSV: formula injection neutralised, numbers kept as numbers.

The rule itself (which leading characters make a formula, and the apostrophe that disarms them) lives
in kartoteka/tabular/cells.py so that imports can undo it; this module applies it to report cells.
"""

from __future__ import annotations

from collections.abc import Iterable

from kartoteka.tabular.cells import neutralise

Cell = str | int | float


def safe_cell(value: object) -> Cell:
    """A value safe to put in a CSV or XLSX cell: text that a spreadsheet would run as a formula
    (``=``, ``+``, ``-``, ``@``, tab, carriage return) gets a leading apostrophe; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return value
    return neutralise(str(value))


def safe_text(value: object) -> str:
    """Like :func:`safe_cell`, always as text (CSV)."""
    return str(safe_cell(value))


def safe_row(values: Iterable[object]) -> list[Cell]:
    return [safe_cell(v) for v in values]
