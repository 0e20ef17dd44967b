"""Spreadsheet formula injection: neutralise cells on export, and undo it on import.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be run as a
formula by Excel or LibreOffice. Exports prefix such a cell with an apostrophe (the spreadsheet
convention for "text"); imports strip that apostrophe again, so an export imports back unchanged.
"""

from __future__ import annotations

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    if value.startswith(TRIGGERS) or (value.startswith("'") and value[1:].startswith(TRIGGERS)):
        return "'" + value
    return value


def unneutralise(value: str) -> str:
    if value.startswith("'") and value[1:].startswith(TRIGGERS + ("'",)):
        return value[1:]
    return value
