"""Catalogs: definitions of 'political prisoner', criminal-code articles and screening rules as data."""

from kartoteka.catalogs.loader import (
    CatalogError, article_index, definition_ids, get_definition, load_code, load_codes, load_definitions,
    load_screening_rules,
)
from kartoteka.catalogs.models import (
    BASE_STATUSES, CODES, Article, Certainty, CodeCatalog, Definition, ScreeningRules, Violence,
)

__all__ = ["BASE_STATUSES", "CODES", "Article", "CatalogError", "Certainty", "CodeCatalog", "Definition",
           "ScreeningRules", "Violence", "article_index", "definition_ids", "get_definition", "load_code", "load_codes",
           "load_definitions", "load_screening_rules"]
