"""The language of the CLI's messages (signing, verify, FollowTheMoney): ``KARTOTEKA_LANG`` = en, uk or ru.

English is the source language; uk and ru come from the same catalogs as the web (kartoteka/locale, merged by
kartoteka/web/i18n.py). An unset or unknown value means English.
"""

from __future__ import annotations

import os
from collections.abc import Callable

LANGUAGES = ("en", "uk", "ru")


def cli_language() -> str:
    lang = os.environ.get("KARTOTEKA_LANG", "").strip().lower()[:2]
    return lang if lang in LANGUAGES else "en"


def cli_gettext() -> Callable[[str], str]:
    """``gettext`` of the CLI's language (the identity for English)."""
    lang = cli_language()
    if lang == "en":
        return lambda text: text
    from kartoteka.web.i18n import translations   # babel only when a translation is asked for
    return translations(lang).gettext
