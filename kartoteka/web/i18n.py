"""The interface languages: Babel catalogs (.po) under kartoteka/locale, compiled in memory on first use."""

from __future__ import annotations

import gettext
from functools import lru_cache
from importlib.resources import files
from io import BytesIO

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LANGUAGES = {"en": "English", "uk": "Українська", "ru": "Русский"}
DOMAIN = "messages"


def catalog_path(lang: str) -> str:
    return str(files("kartoteka") / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po")


@lru_cache(maxsize=8)
def translations(lang: str) -> gettext.NullTranslations:
    """English is the source language (its catalog only names stored words); uk and ru translate all."""
    if lang not in LANGUAGES:
        return gettext.NullTranslations()
    with open(catalog_path(lang), "rb") as f:
        catalog = read_po(f, locale=lang)
    buf = BytesIO()
    write_mo(buf, catalog)
    buf.seek(0)
    return gettext.GNUTranslations(buf)


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
