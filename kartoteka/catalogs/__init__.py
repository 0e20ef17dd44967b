"""Catalogs: definitions of 'political prisoner', criminal and administrative codes, designated
organisations and screening rules as data."""

from kartoteka.catalogs.loader import (
    CatalogError, article_index, code_kind, definition_ids, get_definition, load_code, load_codes, load_definitions,
    load_organisations, load_screening_rules,
)
from kartoteka.catalogs.models import (
    BASE_STATUSES, CODES, Article, Certainty, CodeCatalog, Definition, Organisation, ScreeningRules, Violence,
)

__all__ = ["BASE_STATUSES", "CODES", "Article", "CatalogError", "Certainty", "CodeCatalog", "Definition",
           "Organisation", "ScreeningRules", "Violence", "article_index", "code_kind", "definition_ids",
           "get_definition", "load_code", "load_codes", "load_definitions", "load_organisations",
           "load_screening_rules"]
