"""Typed models of the catalogs in kartoteka/data: definitions, criminal codes and screening rules.

Every item that comes from general knowledge rather than a checked source says so in ``certainty``,
and a verified item must name its sources, so the uncertainty stays visible in the data.
"""

from __future__ import annotations

import re
from enum import Enum

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

BASE_STATUSES = ("recognised", "not_recognised", "under_review")
# Criminal codes, administrative-offence codes (КоАП РФ, КоАП РБ) and the occupation-era codes of the
# "ДНР"/"ЛНР" (2014-2022): each a catalog of its own in data/codes/<code lower-case>.yaml.
CODES = ("RU", "BY", "UA", "RU-ADM", "BY-ADM", "DNR", "LNR")
CODE_KINDS = ("criminal", "administrative", "occupation")


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

def _in(lang: str, english: str, uk: str, ru: str) -> str:
    """The text in ``lang`` (en, uk or ru): the English one where no translation is given."""
    return {"uk": uk, "ru": ru}.get(lang, "") or english


class Criterion(_Sourced):
    id: str
    key: str
    summary: str
    summary_uk: str = ""   # our summary rendered in Ukrainian / Russian (a paraphrase, as the English one)
    summary_ru: str = ""
    political_motive_required: bool
    note: str = ""

    def summary_in(self, lang: str) -> str:
        """The summary in ``lang`` (en, uk or ru): the English one where no translation is given."""
        return _in(lang, self.summary, self.summary_uk, self.summary_ru)


class Exclusion(_Sourced):
    id: str
    key: str
    summary: str
    summary_uk: str = ""
    summary_ru: str = ""
    exceptions: list[str] = Field(default_factory=list)
    exceptions_uk: list[str] = Field(default_factory=list)   # the exceptions in the same order, translated
    exceptions_ru: list[str] = Field(default_factory=list)
    note: str = ""

    @model_validator(mode="after")
    def _exceptions_match(self) -> Exclusion:
        for lang, texts in (("uk", self.exceptions_uk), ("ru", self.exceptions_ru)):
            if texts and len(texts) != len(self.exceptions):
                raise ValueError(f"{self.id}: exceptions_{lang} must translate every exception, in order")
        return self

    def summary_in(self, lang: str) -> str:
        """The summary in ``lang`` (en, uk or ru): the English one where no translation is given."""
        return _in(lang, self.summary, self.summary_uk, self.summary_ru)

    def exceptions_in(self, lang: str) -> list[str]:
        """The exceptions in ``lang`` (en, uk or ru): the English ones where no translation is given."""
        return list({"uk": self.exceptions_uk, "ru": self.exceptions_ru}.get(lang) or self.exceptions)


class StatusValue(_Strict):
    id: str = Field(max_length=20)
    counts_as: str
    label: str
    label_uk: str = ""
    label_ru: str = ""

    def label_in(self, lang: str) -> str:
        """The label in ``lang`` (en, uk or ru): the English one where no translation is given."""
        return _in(lang, self.label, self.label_uk, self.label_ru)

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
    title_uk: str = ""   # the title as published in Ukrainian / Russian, where there is one (else the English)
    title_ru: str = ""
    issuer: str
    issuer_uk: str = ""
    issuer_ru: str = ""
    adopted: str
    based_on: str = ""
    adopted_by: list[str] = Field(default_factory=list)
    notes: str = ""
    combine: str = Field(pattern=r"^(any_of|all_of)$")
    criteria: list[Criterion]
    # conditions: findings that are not grounds of their own, e.g. the Guidelines' "political motive",
    # which criteria with political_motive_required need met before they can recognise anyone
    conditions: list[Criterion] = Field(default_factory=list)
    motive_condition: str = ""
    # precondition: "deprived_of_liberty" (PACE 1900): refused when custody records exist and show none
    precondition: str = Field(default="", pattern=r"^(deprived_of_liberty)?$")
    exclusions: list[Exclusion] = Field(default_factory=list)
    statuses: list[StatusValue]

    def title_in(self, lang: str) -> str:
        """The title in ``lang`` (en, uk or ru): the English one where no other is given."""
        return _in(lang, self.title, self.title_uk, self.title_ru)

    def issuer_in(self, lang: str) -> str:
        """The issuer in ``lang`` (en, uk or ru): the English name where no other is given."""
        return _in(lang, self.issuer, self.issuer_uk, self.issuer_ru)

    @model_validator(mode="after")
    def _consistent(self) -> Definition:
        if self.motive_condition and self.motive_condition not in {c.id for c in self.conditions}:
            raise ValueError(f"{self.id}: motive_condition must be one of its conditions")
        ids = [c.id for c in self.criteria] + [c.id for c in self.conditions] + [e.id for e in self.exclusions]
        if len(ids) != len(set(ids)):
            raise ValueError(f"{self.id}: criterion and exclusion ids must be unique")
        status_ids = {s.id for s in self.statuses}
        missing = set(BASE_STATUSES) - status_ids
        if missing:
            raise ValueError(f"{self.id}: statuses must include {', '.join(sorted(missing))}")
        return self

    def criterion_ids(self) -> list[str]:
        return [c.id for c in self.criteria] + [c.id for c in self.conditions] + [e.id for e in self.exclusions]

    def status(self, status_id: str) -> StatusValue | None:
        return next((s for s in self.statuses if s.id == status_id), None)


# --- criminal codes --------------------------------------------------------------------------

class Title(_Strict):
    en: str
    ru: str | None = None
    uk: str | None = None


class Part(_Strict):
    """One part of an article that differs in kind from the article as a whole. Tags and violence
    left out are inherited from the article."""
    tags: list[str] | None = None
    violence: Violence | None = None
    notes: str = ""


class Article(_Sourced):
    article: str
    title: Title
    tags: list[str]
    violence: Violence
    added: str | None = None
    notes: str = ""
    parts: dict[str, Part] = Field(default_factory=dict)

    def tags_for(self, part: str = "") -> list[str]:
        """The tags of ``part`` (``"1"``, or ``"1,2"`` for several parts), else the article's."""
        rules = [self.parts[p] for p in part.split(",") if p in self.parts]
        if not rules:
            return list(self.tags)
        found: list[str] = []
        for rule in rules:
            for tag in (self.tags if rule.tags is None else rule.tags):
                if tag not in found:
                    found.append(tag)
        return found

    def violence_for(self, part: str = "") -> Violence:
        order = list(Violence)
        levels = [self.parts[p].violence or self.violence for p in part.split(",") if p in self.parts]
        return max(levels, key=order.index) if levels else self.violence


_DOTS = re.compile(r"^\d{1,3}(\.\d{1,2})?$")
_HYPHENS = re.compile(r"^\d{1,3}(-\d{1,2})?$")
_ADMIN = re.compile(r"^\d{1,2}\.\d{1,2}(\.\d{1,2})?$")
_ARTICLE_FORM = {"RU": _DOTS, "BY": _HYPHENS, "UA": _HYPHENS, "RU-ADM": _ADMIN, "BY-ADM": _ADMIN,
                 "DNR": _DOTS, "LNR": _DOTS}


class CodeCatalog(_Strict):
    code: str
    kind: str = Field(default="criminal", pattern=r"^(criminal|administrative|occupation)$")
    jurisdiction: str = Field(default="", pattern=r"^([A-Z]{2})?$")   # ISO code of the state whose law it is
    in_force: str = ""                                                 # e.g. "2014-2022" for occupation codes
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
    kind: str = Field(pattern=r"^(risk|supports|context|caveat|modifier)$")
    reason: str


class CourtCaveat(_Sourced):
    id: str
    citizenship: list[str]                       # ISO codes; ["*"]: anyone
    not_citizenship: list[str] = Field(default_factory=list)   # ... except citizens of these
    jurisdictions: list[str]                     # ISO jurisdictions or codes of the convicting side
    court_patterns: list[str]
    tags: list[str]
    reason: str


class CourtCode(_Strict):
    """A court whose name shows which code it applies: fills in charges that name no code."""
    pattern: str
    code: str
    until: str = ""      # ISO date: the code applies to verdicts before it (occupation-era codes)


class ScreeningRules(_Strict):
    tags: dict[str, TagRule]
    court_caveats: list[CourtCaveat]
    court_codes: list[CourtCode] = Field(default_factory=list)
    in_absentia_patterns: list[str] = Field(default_factory=list)
    countries: dict[str, list[str]] = Field(default_factory=dict)

    def country(self, value: str) -> str:
        """The ISO code (or DNR/LNR) of a country as written in any common spelling; "" if unknown."""
        return _country_index(self.countries).get(_fold(value), "")


def _fold(value: str) -> str:
    return re.sub(r"[\s«»\"'().]+", " ", value).strip().casefold()


_COUNTRY_CACHE: dict[int, dict[str, str]] = {}


def _country_index(countries: dict[str, list[str]]) -> dict[str, str]:
    key = id(countries)
    if key not in _COUNTRY_CACHE:
        _COUNTRY_CACHE[key] = {_fold(v): iso for iso, spellings in countries.items() for v in [iso, *spellings]}
    return _COUNTRY_CACHE[key]

    @model_validator(mode="after")
    def _known_tags(self) -> ScreeningRules:
        for caveat in self.court_caveats:
            unknown = set(caveat.tags) - set(self.tags)
            if unknown:
                raise ValueError(f"court caveat {caveat.id}: unknown tags {', '.join(sorted(unknown))}")
        return self


# --- designated organisations ----------------------------------------------------------------

class Designation(_Sourced):
    by: str                                      # RU / BY / UA ...: the state that designated it
    status: str = Field(pattern=r"^(extremist|terrorist|undesirable|extremist_formation)$")
    date: str                                    # ISO date (or year) of the decision
    authority: str = ""


class Organisation(_Sourced):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: Title
    kind: str = Field(pattern=r"^(religious|political|civic|media|armed|volunteer_unit)$")
    tags: list[str]
    aliases: list[str]                           # regular expressions, matched case-insensitively
    designations: list[Designation]
    notes: str = ""


class OrganisationCatalog(_Strict):
    organisations: list[Organisation]

    @model_validator(mode="after")
    def _unique(self) -> OrganisationCatalog:
        ids = [o.id for o in self.organisations]
        if len(ids) != len(set(ids)):
            raise ValueError("organisation ids must be unique")
        for o in self.organisations:
            for alias in o.aliases:
                re.compile(alias)
        return self
