"""Typed models of the catalogs in kartoteka/data: definitions, criminal codes and screening rules.

Every item that comes from general knowledge rather than a checked source says so in ``certainty``,
and a verified item must name its sources, so the uncertainty stays visible in the data.
"""

from __future__ import annotations

import re
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

BASE_STATUSES = ("recognised", "not_recognised", "under_review")
CODES = ("RU", "BY", "UA")


class Certainty(str, Enum):
    verified = "verified"
    memory = "memory"
    uncertain = "uncertain"


class Violence(str, Enum):
    none = "none"
    possible = "possible"
    inherent = "inherent"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Sourced(_Strict):
    certainty: Certainty
    sources: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _verified_needs_source(self) -> _Sourced:
        if self.certainty is Certainty.verified and not self.sources:
            raise ValueError("a verified item must name at least one source")
        return self


# --- definitions -----------------------------------------------------------------------------

class Criterion(_Sourced):
    id: str
    key: str
    summary: str
    political_motive_required: bool
    note: str = ""


class Exclusion(_Sourced):
    id: str
    key: str
    summary: str
    exceptions: list[str] = Field(default_factory=list)
    note: str = ""


class StatusValue(_Strict):
    id: str = Field(max_length=20)
    counts_as: str
    label: str

    @field_validator("counts_as")
    @classmethod
    def _base(cls, value: str) -> str:
        if value not in BASE_STATUSES:
            raise ValueError(f"counts_as must be one of {', '.join(BASE_STATUSES)}")
        return value


class Definition(_Sourced):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)
    version: str
    title: str
    issuer: str
    adopted: str
    based_on: str = ""
    adopted_by: list[str] = Field(default_factory=list)
    notes: str = ""
    combine: str = Field(pattern=r"^(any_of|all_of)$")
    criteria: list[Criterion]
    exclusions: list[Exclusion] = Field(default_factory=list)
    statuses: list[StatusValue]

    @model_validator(mode="after")
    def _consistent(self) -> Definition:
        ids = [c.id for c in self.criteria] + [e.id for e in self.exclusions]
        if len(ids) != len(set(ids)):
            raise ValueError(f"{self.id}: criterion and exclusion ids must be unique")
        status_ids = {s.id for s in self.statuses}
        missing = set(BASE_STATUSES) - status_ids
        if missing:
            raise ValueError(f"{self.id}: statuses must include {', '.join(sorted(missing))}")
        return self

    def criterion_ids(self) -> list[str]:
        return [c.id for c in self.criteria] + [e.id for e in self.exclusions]

    def status(self, status_id: str) -> StatusValue | None:
        return next((s for s in self.statuses if s.id == status_id), None)


# --- criminal codes --------------------------------------------------------------------------

class Title(_Strict):
    en: str
    ru: str | None = None
    uk: str | None = None


class Article(_Sourced):
    article: str
    title: Title
    tags: list[str]
    violence: Violence
    added: str | None = None
    notes: str = ""


_ARTICLE_FORM = {"RU": re.compile(r"^\d{1,3}(\.\d{1,2})?$"), "BY": re.compile(r"^\d{1,3}(-\d{1,2})?$"),
                 "UA": re.compile(r"^\d{1,3}(-\d{1,2})?$")}


class CodeCatalog(_Strict):
    code: str
    name: Title
    articles: list[Article]

    @model_validator(mode="after")
    def _consistent(self) -> CodeCatalog:
        if self.code not in CODES:
            raise ValueError(f"code must be one of {', '.join(CODES)}")
        seen: set[str] = set()
        for a in self.articles:
            if not _ARTICLE_FORM[self.code].match(a.article):
                raise ValueError(f"{self.code} {a.article}: not written the way this code numbers articles")
            if a.article in seen:
                raise ValueError(f"{self.code} {a.article} appears twice")
            seen.add(a.article)
        return self

    def article(self, number: str) -> Article | None:
        return self.index().get(number)

    def index(self) -> dict[str, Article]:
        return {a.article: a for a in self.articles}


# --- screening rules -------------------------------------------------------------------------

class TagRule(_Strict):
    label: str
    kind: str = Field(pattern=r"^(risk|supports|context|modifier)$")
    reason: str


class CourtCaveat(_Sourced):
    id: str
    citizenship: list[str]
    jurisdictions: list[str]
    court_patterns: list[str]
    tags: list[str]
    reason: str


class ScreeningRules(_Strict):
    tags: dict[str, TagRule]
    court_caveats: list[CourtCaveat]

    @model_validator(mode="after")
    def _known_tags(self) -> ScreeningRules:
        for caveat in self.court_caveats:
            unknown = set(caveat.tags) - set(self.tags)
            if unknown:
                raise ValueError(f"court caveat {caveat.id}: unknown tags {', '.join(sorted(unknown))}")
        return self
