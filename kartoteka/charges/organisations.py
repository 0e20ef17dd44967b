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


@lru_cache(maxsize=1)
def _any() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p.pattern})" for _org, p in _patterns()), re.IGNORECASE)


def find_organisations(*texts: str) -> list[Organisation]:
    """Every catalogued organisation named in any of ``texts``, in catalog order."""
    joined = "\n".join(t for t in texts if t)
    if not joined.strip() or not _any().search(joined):
        return []
    return [org for org, pattern in _patterns() if pattern.search(joined)]
