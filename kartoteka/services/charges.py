"""Parsed charges of a case: stored in table ``charges`` whenever a case is written, re-parsed on demand.

The charges are derived data: the case's ``articles_text`` (audited with the case) stays the source
of truth, so re-parsing after a parser or catalog change rewrites them without touching the case.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select

from kartoteka.catalogs import article_index
from kartoteka.charges import ParsedCharge, parse_text
from kartoteka.charges.codes import decide_code
from kartoteka.db import audit
from kartoteka.db.tables import cases, charges
from kartoteka.errors import Message, N_


@dataclass
class ReparseReport:
    cases: int = 0
    charges: int = 0
    not_in_catalog: dict[str, int] = field(default_factory=dict)   # "RU 999" -> how many charges
    unreadable: int = 0                                            # cases with text left unparsed


def charge_rows(case_id: int, parsed: list[ParsedCharge]) -> list[dict[str, Any]]:
    index = article_index()
    return [{"case_id": case_id, "code": c.code, "article": c.article, "part": c.part[:10],
             "point": c.point[:10], "raw": c.raw, "in_catalog": (c.code, c.article) in index}
            for c in parsed]


def default_code(jurisdiction: str | None, court: str | None = None, verdict_on: str | None = None, *,
                 file_code: str | None = None) -> str | None:
    """The code for charges written without one: ``file_code`` (a file-wide ``--code``), else the case's
    jurisdiction in any common spelling, else what its court shows (kartoteka.charges.codes)."""
    return decide_code(jurisdiction=jurisdiction, court=court, verdict_on=verdict_on, file_code=file_code).code


def undecided_message(rows: list[dict[str, Any]]) -> str | None:
    """Per-row import message when some charges got no code (their flags would be lost), else None."""
    missing = [r["raw"] or r["article"] for r in rows if not r["code"]]
    if not missing:
        return None
    return Message(N_("no code could be decided for %(charges)s, so it raises no flags: give the case a "
                      "jurisdiction (RU/BY/UA), name the code in the text (УК РФ, КК України, КоАП РФ ...) or "
                      "import with --code"), charges=", ".join(missing))


def parsed_charge_rows(case_id: int, values: dict[str, Any], *, file_code: str | None = None) -> list[dict[str, Any]]:
    """The charge rows of a case parsed from ``values['articles_text']`` (nothing written)."""
    code = default_code(values.get("jurisdiction"), values.get("court"), values.get("verdict_on"),
                        file_code=file_code)
    return charge_rows(case_id, parse_text(values.get("articles_text") or "", default_code=code).charges)


def store_charges(conn: Connection, case_id: int, values: dict[str, Any], *,
                  file_code: str | None = None) -> list[dict[str, Any]]:
    """Replace the parsed charges of one case from ``values['articles_text']``; returns the rows (a row
    whose ``code`` is "" had none written and none could be decided: see ``undecided_message``)."""
    rows = parsed_charge_rows(case_id, values, file_code=file_code)
    conn.execute(delete(charges).where(charges.c.case_id == case_id))
    if rows:
        conn.execute(insert(charges), rows)
    return rows


def reparse_all_charges(engine: Engine, *, actor: str) -> ReparseReport:
    """Parse every case's charges again (after a parser or catalog change), in one transaction."""
    report = ReparseReport()
    with engine.begin() as conn:
        case_rows = conn.execute(select(cases.c.id, cases.c.articles_text, cases.c.jurisdiction, cases.c.court,
                                        cases.c.verdict_on)
                                 .where(cases.c.deleted_at.is_(None)).order_by(cases.c.id)).all()
        conn.execute(delete(charges))
        batch: list[dict[str, Any]] = []
        for row in case_rows:
            result = parse_text(row.articles_text or "",
                                default_code=default_code(row.jurisdiction, row.court, row.verdict_on))
            rows = charge_rows(row.id, result.charges)
            report.cases += 1
            report.charges += len(rows)
            report.unreadable += bool(result.leftovers)
            for r in rows:
                if not r["in_catalog"]:
                    label = f"{r['code'] or '?'} {r['article']}"
                    report.not_in_catalog[label] = report.not_in_catalog.get(label, 0) + 1
            batch.extend(rows)
            if len(batch) >= 5000:
                conn.execute(insert(charges), batch)
                batch = []
        if batch:
            conn.execute(insert(charges), batch)
        audit.log_event(conn, entity="charges", entity_id=0, action="reparse", actor=actor,
                        after={"cases": report.cases, "charges": report.charges})
    return report
