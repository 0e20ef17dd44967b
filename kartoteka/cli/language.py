"""The language of the CLI's messages: ``kartoteka --lang uk|ru|en``, else ``KARTOTEKA_LANG``, else the
terminal's locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``: ``ru_RU.UTF-8`` reads as Russian), else English.

English is the source language; uk and ru come from the same catalogs as the web (kartoteka/locale, merged by
kartoteka/web/i18n.py). Error messages, import reports, the vetting summary and the commands' help pages
(kartoteka.cli.help_translation) follow it.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextvars import ContextVar

LANGUAGES = ("en", "uk", "ru")
CHOSEN: ContextVar[str | None] = ContextVar("kartoteka_cli_lang", default=None)   # --lang, set per run


def _code(text: str | None) -> str | None:
    lang = (text or "").strip().lower()[:2]
    return lang if lang in LANGUAGES else None


def cli_language() -> str:
    return language_of(CHOSEN.get())


def language_of(chosen: str | None) -> str:
    """The language for a ``--lang`` value ``chosen`` (None: not given): it, else KARTOTEKA_LANG, else the locale."""
    code = _code(chosen)
    if code:
        return code
    named = os.environ.get("KARTOTEKA_LANG", "").strip()
    if named:
        return _code(named) or "en"
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "").strip()
        if value:   # the first one set decides, as gettext does
            return _code(value) or "en"
    return "en"


def cli_gettext(lang: str | None = None) -> Callable[[str], str]:
    """``gettext`` of ``lang``, by default the CLI's language (the identity for English)."""
    lang = lang or cli_language()
    if lang == "en":
        return lambda text: text
    from kartoteka.web.i18n import translations   # babel only when a translation is asked for
    return translations(lang).gettext
