"""The custody vocabulary (data/custody.yaml) and the person categories (data/categories.yaml),
validated and cached on first use."""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, model_validator

from kartoteka.catalogs.loader import _validate, data_dir
from kartoteka.catalogs.models import _Sourced
from kartoteka.errors import N_, Message


class _Labels(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    en: str
    uk: str
    ru: str

    def label(self, lang: str) -> str:
        return str(getattr(self, lang, self.en)) if lang in ("en", "uk", "ru") else self.en


class CustodyState(_Labels):
    in_custody: bool
    warning: str = ""


class Category(_Sourced, _Labels):
    """A category: labels per language, legal references; certainty and sources as every catalog item."""
    legal: list[str] = Field(default_factory=list)
    needs_definition: bool = False


class CustodyVocabulary(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    parties: dict[str, _Labels]
    states: dict[str, CustodyState]
    claim_headers: list[str]
    import_columns: dict[str, dict[str, list[str]]]


@lru_cache(maxsize=1)
def load_custody_vocabulary() -> CustodyVocabulary:
    return _validate(CustodyVocabulary, data_dir() / "custody.yaml")  # type: ignore[no-any-return]


@lru_cache(maxsize=1)
def load_categories() -> dict[str, Category]:
    wrapped = _validate(_CategoryFile, data_dir() / "categories.yaml")
    return dict(wrapped.root)


class _CategoryFile(BaseModel):
    """categories.yaml is a mapping of id -> Category at its top level."""
    model_config = ConfigDict(frozen=True)
    root: dict[str, Category]

    @model_validator(mode="before")
    @classmethod
    def _wrap(cls, data: object) -> object:
        return {"root": data}


PARTY = re.compile(r"^(?:[A-Z]{2}|OCC:[^\s].{0,60})$")


def normalise_party(text: str) -> str:
    """``ru`` -> ``RU``; ``occ: Zaporizhzhia`` -> ``OCC:Zaporizhzhia``; raises ValueError otherwise."""
    raw = text.strip()
    head, _, region = raw.partition(":")
    value = f"OCC:{region.strip()}" if head.strip().upper() == "OCC" and region.strip() else raw.upper()
    if not PARTY.match(value):
        raise ValueError(Message(N_("'%(text)s' is not a detaining party (a two-letter state code such as RU, BY, UA, "
                                    "or OCC:<region> for an occupation authority)"), text=text))
    return value


def party_label(code: str, lang: str = "en") -> str:
    parties = load_custody_vocabulary().parties
    head, _, region = code.partition(":")
    if head in parties:
        return parties[head].label(lang) + (f" ({region})" if region else "")
    return code


def state_label(state: str, lang: str = "en") -> str:
    found = load_custody_vocabulary().states.get(state)
    return found.label(lang) if found else state


def category_label(category: str, lang: str = "en") -> str:
    found = load_categories().get(category)
    return found.label(lang) if found else category
