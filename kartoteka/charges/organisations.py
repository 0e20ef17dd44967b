"""Designated organisations a case is about, recognised from its charges text or its ``organisations``
column (ids, names or aliases of data/organisations.yaml)."""

from __future__ import annotations

import re
from functools import lru_cache

from kartoteka.catalogs import Organisation, load_organisations


@lru_cache(maxsize=1)
def _patterns() -> list[tuple[Organisation, re.Pattern[str]]]:
    return [(org, re.compile(r"(?<!\w)(?:" + "|".join([re.escape(org.id), *org.aliases]) + r")(?!\w)",
                             re.IGNORECASE))
            for org in load_organisations().values()]


_META = re.compile(r"[\\.^$*+?{}\[\]|()]")


@lru_cache(maxsize=1)
def _literals() -> tuple[str, ...] | None:
    """The literal opening of every id and alias ("хизб" of 'хизб\\W*ут...'): a text containing none of
    them names no organisation, which a substring test shows far faster than the regexes. None when
    some alias opens with a pattern, so every text must be searched."""
    found: set[str] = set()
    for org in load_organisations().values():
        for alias in [re.escape(org.id), *org.aliases]:
            text = alias.replace("\\-", "-")
            meta = _META.search(text)
            literal = text if meta is None else text[:meta.start()]
            if meta is not None and meta.group() in "?*{":   # the last literal character is optional
                literal = literal[:-1]
            literal = literal.casefold()
            if len(literal) < 2:
                return None
            found.add(literal)
    return tuple(sorted(found))


@lru_cache(maxsize=1)
def _quick() -> re.Pattern[str] | None:
    literals = _literals()
    return None if literals is None else re.compile("|".join(re.escape(lit) for lit in literals))


def find_organisations(*texts: str) -> list[Organisation]:
    """Every catalogued organisation named in any of ``texts``, in catalog order."""
    joined = "\n".join(t for t in texts if t)
    if not joined.strip():
        return []
    quick = _quick()
    if quick is not None and not quick.search(joined.casefold()):
        return []
    return [org for org, pattern in _patterns() if pattern.search(joined)]
