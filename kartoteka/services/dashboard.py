"""Figures for the dashboard: persons by status over time, by article and by region.

Counts only what the principal may see. A person counts once per status, article or region.

The figures read every case and charge (6 s at a million persons on SQLite, 0.8 s at 100k), and any change to
the registry makes them stale. After a change the page shows the figures computed before it, saying when, while
a background thread computes them again (services/generation.py ``get_or_refresh``); a large registry's first
figures are computed in the background too, and the page says so.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from sqlalchemy import Engine, distinct, func, select

from kartoteka.db.tables import cases, charges, persons
from kartoteka.db.unindexed import Unindexed
from kartoteka.services.access import Principal, visible_clause, visible_sensitivities
from kartoteka.services.generation import GenerationCache, registry_size

TOP = 12
NOW_MAX = 300_000   # persons (the highest id): a larger registry's first figures are computed in the background


@dataclass
class Dashboard:
    total: int
    by_status: list[tuple[str, int]]
    by_article: list[tuple[str, int]]
    by_region: list[tuple[str, int]]
    # year -> status -> persons detained that year (by the case's detention date)
    over_time: dict[str, dict[str, int]] = field(default_factory=dict)
    as_of: str = ""          # when the figures were computed (UTC, ISO 8601)
    current: bool = True     # False: the registry changed since; the current figures are being computed
    computing: bool = False  # no figures yet: the first ones are being computed (a large registry)


_CACHE: GenerationCache[Dashboard] = GenerationCache(judgements=False)   # (reviewers' judgements count nothing here)


def dashboard(engine: Engine, principal: Principal) -> Dashboard:
    """The figures for what ``principal`` may see, computed once per registry state and sensitivity set; after a
    change, the last ones (``current`` False, ``as_of`` says when) while the current ones are computed."""
    kept = _CACHE.get_or_refresh(engine, visible_sensitivities(principal), lambda: _compute(engine, principal),
                                 wait=lambda: _small(engine))
    if kept.value is None:
        return Dashboard(0, [], [], [], current=False, computing=True)
    at = dt.datetime.fromtimestamp(kept.at, dt.timezone.utc).replace(microsecond=0)
    return replace(kept.value, as_of=at.isoformat().replace("+00:00", "Z"), current=kept.current)


def _small(engine: Engine) -> bool:
    """The registry's first figures are computed while the page waits (up to NOW_MAX persons: under a second)."""
    with engine.connect() as conn:
        return registry_size(conn) <= NOW_MAX


def _compute(engine: Engine, principal: Principal) -> Dashboard:
    p_ok = visible_clause(principal, persons.c.sensitivity)
    c_ok = visible_clause(principal, cases.c.sensitivity)
    live = persons.c.deleted_at.is_(None)
    joined = cases.join(persons, persons.c.id == cases.c.person_id)
    case_ok = (cases.c.deleted_at.is_(None), live, p_ok, c_ok)
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(persons).where(live, p_ok)).scalar_one()
        n = func.count(distinct(cases.c.person_id))
        # grouped by a plain scan on SQLite, not in an index's order (a look-up per row: db/unindexed.py)
        st = Unindexed(cases.c.status)
        code_col, article_col = Unindexed(charges.c.code), Unindexed(charges.c.article)
        status = conn.execute(select(st, n).select_from(joined).where(*case_ok).group_by(st).order_by(n.desc()))
        by_status = [(s or "—", int(c)) for s, c in status]
        label = charges.c.code + " " + charges.c.article
        art = conn.execute(select(code_col, article_col, n)
                           .select_from(joined.join(charges, charges.c.case_id == cases.c.id)).where(*case_ok)
                           .group_by(code_col, article_col).order_by(n.desc(), label).limit(TOP))
        by_article = [(f"{code} {article}", int(c)) for code, article, c in art]
        pn = func.count(persons.c.id)
        reg = conn.execute(select(persons.c.region, pn).where(live, p_ok, persons.c.region != "")
                           .group_by(persons.c.region).order_by(pn.desc(), persons.c.region).limit(TOP))
        by_region = [(r, int(c)) for r, c in reg]
        year = func.substr(cases.c.detained_on, 1, 4)
        over: dict[str, dict[str, int]] = {}
        for y, s, c in conn.execute(select(year, st, n).select_from(joined)
                                    .where(*case_ok, cases.c.detained_on.is_not(None))
                                    .group_by(year, st).order_by(year)):
            over.setdefault(str(y), {})[s or "—"] = int(c)
    return Dashboard(int(total), by_status, by_article, by_region, over)
