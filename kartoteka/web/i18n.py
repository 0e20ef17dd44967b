"""The interface languages: Babel catalogs (.po) under kartoteka/locale, compiled on first use.

The compiled catalog (.mo) of a language is kept in the user's cache folder with the parsed catalogs
(kartoteka.yamldata.cached), under a hash of the exact .po files it was compiled from: a changed .po
is compiled afresh, never read from a stale copy, and a CLI run in Ukrainian or Russian need not import
Babel or parse some 20 catalogs (~0.2 s) to print a message.
"""

from __future__ import annotations

import gettext
from functools import lru_cache
from importlib.resources import files
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from babel.messages.catalog import Catalog

LANGUAGES = {"en": "English", "uk": "Українська", "ru": "Русский"}
DOMAIN = "messages"


def catalog_path(lang: str) -> str:
    return str(files("kartoteka") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po")


def catalog_paths(lang: str) -> list[Path]:
    """messages.po first, then every other .po of the language (one per part: reports.po, security.po ...)."""
    folder = Path(catalog_path(lang)).parent
    main = folder / f"{DOMAIN}.po"
    return [main] + sorted(p for p in folder.glob("*.po") if p != main)


def load_catalog(lang: str) -> Catalog:
    """All .po files of a language merged into one catalog; a later file never overrides an earlier one."""
    from babel.messages.pofile import read_po

    merged: Catalog | None = None
    for path in catalog_paths(lang):
        with open(path, "rb") as f:
            part = read_po(f, locale=lang)
        if merged is None:
            merged = part
            continue
        for msg in part:
            if msg.id and msg.id not in merged:
                merged[msg.id] = msg
    assert merged is not None
    return merged


@lru_cache(maxsize=8)
def translations(lang: str) -> gettext.NullTranslations:
    """English is the source language (its catalog only names stored words); uk and ru translate all."""
    if lang not in LANGUAGES:
        return gettext.NullTranslations()
    return gettext.GNUTranslations(BytesIO(compiled(lang)))


def compiled(lang: str) -> bytes:
    """The language's merged catalogs compiled (.mo), from the cache when these exact .po files were compiled."""
    from kartoteka.yamldata import cached

    def compile_catalog() -> bytes:
        from babel.messages.mofile import write_mo

        buf = BytesIO()
        write_mo(buf, load_catalog(lang))
        return buf.getvalue()

    sources = [part for path in catalog_paths(lang) for part in (path.name.encode(), path.read_bytes())]
    mo: bytes = cached(f"messages-{lang}", sources, compile_catalog)
    return mo


def pick_language(*candidates: str | None, accept: str = "", default: str = "en") -> str:
    """The first candidate that is a known language, then the browser's Accept-Language, then default."""
    for c in candidates:
        if c in LANGUAGES:
            return c
    for part in accept.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default if default in LANGUAGES else "en"
