"""A person's custody as a reader may see it: the person must be visible to them, and a source
(custody, proof of life, category) whose record is hidden from their role is left out."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import Engine, select

from kartoteka.db.tables import sources
from kartoteka.services.access import Principal, view_person, visible_clause, visible_sensitivities
from kartoteka.services.custody import PersonCustody, person_custody


def view_custody(engine: Engine, principal: Principal, ref: str | int, *, via: str) -> PersonCustody:
    d = view_person(engine, principal, ref, via=via)
    found = person_custody(engine, person=d.person["id"])
    if len(visible_sensitivities(principal)) == 3:
        return found
    urls = {u for c in found.history for u in (c.source, c.confirmed_source) if u} | \
        {c.source for c in found.categories if c.source}
    with engine.connect() as conn:
        shown = {r[0] for r in conn.execute(select(sources.c.url).where(
            sources.c.url.in_(urls), sources.c.deleted_at.is_(None), visible_clause(principal, sources.c.sensitivity)))}

    def keep(url: str) -> str:
        return url if url in shown else ""
    return PersonCustody([replace(c, source=keep(c.source), confirmed_source=keep(c.confirmed_source))
                          for c in found.history],
                         [replace(c, source=keep(c.source)) for c in found.categories], found.recognitions)
