"""A column written so that SQLite does not read it through an index.

SQLite plans without statistics (Kartoteka never runs ANALYZE on it), so it takes an equality on, or a
grouping by, an indexed column for a reason to read that index: for a status filter among a search's 40
candidates it read every convicted case through ix_cases_status (76% of the cases), and the dashboard grouped
1.4 million charges in the order of ix_charges_code_article, a table look-up per charge in random order (6.8 s
at a million persons, 2.7 s by a plain scan). ``Unindexed(column)`` is ``+column`` on SQLite, which any value
passes through unchanged and which no index serves, and the column itself elsewhere (PostgreSQL plans by its
statistics).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class Unindexed(FunctionElement[str]):
    inherit_cache = True
    type = String()


@compiles(Unindexed)
def _plain(element: Unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return str(compiler.process(list(element.clauses)[0], **kw))


@compiles(Unindexed, "sqlite")
def _sqlite(element: Unindexed, compiler: SQLCompiler, **kw: Any) -> str:
    return "+" + str(compiler.process(list(element.clauses)[0], **kw))
