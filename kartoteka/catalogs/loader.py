"""Load the YAML catalogs under kartoteka/data, validated and cached; nothing is read at import time."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from kartoteka import yamldata
from pydantic import ValidationError

from kartoteka.catalogs.models import (
    CODES, Article, CodeCatalog, Definition, Organisation, OrganisationCatalog, ScreeningRules,
)
from kartoteka.errors import N_, KartotekaError, NotFound


class CatalogError(KartotekaError):
    """A catalog file is missing or does not match its schema."""


def data_dir() -> Path:
    return Path(str(resources.files("kartoteka") / "data"))


def _read(path: Path) -> Any:
    try:
        return yamldata.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogError(f"{path}: {exc}") from exc


def _validate(model: Any, path: Path) -> Any:
    try:
        return model.model_validate(_read(path))
    except ValidationError as exc:
        raise CatalogError(f"{path}: {exc}") from exc


@lru_cache(maxsize=1)
def load_definitions() -> dict[str, Definition]:
    """Every definition in data/definitions, keyed by id; the file name must be the id."""
    found: dict[str, Definition] = {}
    for path in sorted((data_dir() / "definitions").glob("*.yaml")):
        definition: Definition = _validate(Definition, path)
        if definition.id != path.stem:
            raise CatalogError.of(N_("%(file)s: id '%(id)s' does not match the file name"), file=str(path),
                                     id=definition.id)
        found[definition.id] = definition
    return found


def definition_ids() -> set[str]:
    return set(load_definitions())


def get_definition(definition_id: str) -> Definition:
    definitions = load_definitions()
    if definition_id not in definitions:
        raise NotFound.of(N_("unknown definition '%(definition)s' (known: %(known)s)"), definition=definition_id,
                          known=", ".join(sorted(definitions)))
    return definitions[definition_id]


def load_code(code: str) -> CodeCatalog:
    """The catalog of one criminal code (RU, BY or UA); its tags must be known screening tags."""
    return _load_code(code.upper())


@lru_cache(maxsize=None)
def _load_code(code: str) -> CodeCatalog:
    if code not in CODES:
        raise NotFound.of(N_("no catalog for code '%(code)s' (known: %(known)s)"), code=code, known=", ".join(CODES))
    path = data_dir() / "codes" / f"{code.lower()}.yaml"
    catalog: CodeCatalog = _validate(CodeCatalog, path)
    if catalog.code != code:
        raise CatalogError.of(N_("%(file)s: code '%(code)s' does not match the file name"), file=str(path),
                              code=catalog.code)
    known = set(load_screening_rules().tags)
    for article in catalog.articles:
        used = set(article.tags).union(*(p.tags or [] for p in article.parts.values()))
        unknown = used - known
        if unknown:
            raise CatalogError.of(N_("%(file)s: %(code)s %(article)s: unknown tags %(tags)s"), file=str(path),
                                  code=code, article=article.article, tags=", ".join(sorted(unknown)))
    return catalog


def code_kind(code: str) -> str:
    """criminal / administrative / occupation; "" for an unknown code."""
    return load_code(code).kind if code.upper() in CODES else ""


def load_codes() -> dict[str, CodeCatalog]:
    return {code: load_code(code) for code in CODES}


@lru_cache(maxsize=1)
def article_index() -> dict[tuple[str, str], Article]:
    """Every catalogued article keyed by (code, article), for fast bulk lookups."""
    return {(code, a.article): a for code, catalog in load_codes().items() for a in catalog.articles}


@lru_cache(maxsize=1)
def load_screening_rules() -> ScreeningRules:
    result: ScreeningRules = _validate(ScreeningRules, data_dir() / "screening.yaml")
    return result


@lru_cache(maxsize=1)
def load_organisations() -> dict[str, Organisation]:
    """Designated organisations (data/organisations.yaml) keyed by id; their tags must be known tags."""
    path = data_dir() / "organisations.yaml"
    catalog: OrganisationCatalog = _validate(OrganisationCatalog, path)
    known = set(load_screening_rules().tags)
    for org in catalog.organisations:
        unknown = set(org.tags) - known
        if unknown:
            raise CatalogError.of(N_("%(file)s: %(id)s: unknown tags %(tags)s"), file=str(path), id=org.id,
                                  tags=", ".join(sorted(unknown)))
    return {o.id: o for o in catalog.organisations}
