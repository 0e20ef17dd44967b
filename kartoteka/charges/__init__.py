"""Charges: parse charge texts as written into (code, article, part, point)."""

from kartoteka.charges.parser import ParsedCharge, ParseResult, normalise_article, parse_charges, parse_text

__all__ = ["ParseResult", "ParsedCharge", "normalise_article", "parse_charges", "parse_text"]
