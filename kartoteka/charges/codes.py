"""Which code a charge written without one belongs to: the case's jurisdiction (any common spelling:
"Україна", "Россия", "UA"), then the court's name (data/screening.yaml ``court_codes``: an occupation
court before 2023 applied the "ДНР"/"ЛНР" code), then the file-wide ``--code`` of the import. When
none decides, the caller says so per row instead of losing the charge's flags."""

from __future__ import annotations

from functools import lru_cache
from dataclasses import dataclass

from kartoteka.catalogs import CODES, load_screening_rules


@dataclass(frozen=True)
class CodeDecision:
    code: str | None     # None: nothing decides
    how: str             # "file" | "jurisdiction" | "court" | "" (undecided)


def jurisdiction_code(jurisdiction: str | None) -> str:
    """The ISO code (RU/BY/UA ...) or DNR/LNR of a jurisdiction as written; "" if unknown."""
    text = (jurisdiction or "").strip()
    return load_screening_rules().country(text) if text else ""


def court_code(court: str | None, verdict_on: str | None = None) -> str:
    """The code a court's name shows, "" when the name does not decide it."""
    name = (court or "").casefold()
    if not name:
        return ""
    for rule in load_screening_rules().court_codes:
        if rule.pattern.casefold() in name:
            if rule.until and (not verdict_on or verdict_on >= rule.until):
                continue
            return rule.code
    return ""


@lru_cache(maxsize=8192)   # a registry repeats its courts and jurisdictions; CodeDecision is immutable
def decide_code(*, jurisdiction: str | None = None, court: str | None = None, verdict_on: str | None = None,
                file_code: str | None = None) -> CodeDecision:
    """The default code for the charges of one case that name none."""
    code = jurisdiction_code(jurisdiction)
    if code in CODES:
        return CodeDecision(code, "jurisdiction")
    code = court_code(court, verdict_on)
    if code in CODES:
        return CodeDecision(code, "court")
    if file_code and file_code.strip().upper() in CODES:
        return CodeDecision(file_code.strip().upper(), "file")
    return CodeDecision(None, "")
