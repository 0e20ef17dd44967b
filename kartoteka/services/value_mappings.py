"""Free-text values remembered per organisation: a spelling an organisation uses for a case status, a custody
state or a category, mapped once by a user and applied on that organisation's next import without asking."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection, Engine

from kartoteka.db import audit
from kartoteka.db.tables import value_mappings
from kartoteka.errors import InvalidInput
from kartoteka.tabular.vocab import case_statuses

if TYPE_CHECKING:
    from kartoteka.services.import_report import ImportReport
    from kartoteka.services.registry_import import SheetOptions

VOCABULARIES = ("case_status", "custody", "category")


@dataclass(frozen=True)
class ValueMapping:
    organisation: str
    vocabulary: str
    raw: str
    value: str
    at: datetime
    actor: str


def _check(organisation: str, vocabulary: str) -> str:
    if vocabulary not in VOCABULARIES:
        raise InvalidInput(f"unknown vocabulary '{vocabulary}' (use {', '.join(VOCABULARIES)})")
    org = organisation.strip()
    if not org:
        raise InvalidInput("a remembered mapping needs an organisation (--source)")
    return org


def recall(engine: Engine, *, organisation: str, vocabulary: str) -> dict[str, str]:
    """The organisation's remembered spellings -> values ({} without an organisation)."""
    if not organisation.strip():
        return {}
    org = _check(organisation, vocabulary)
    with engine.connect() as conn:
        rows = conn.execute(select(value_mappings.c.raw, value_mappings.c.value).where(
            value_mappings.c.organisation == org, value_mappings.c.vocabulary == vocabulary))
        return {r.raw: r.value for r in rows}


def remember(conn: Connection, *, organisation: str, vocabulary: str, mapping: dict[str, str],
             actor: str) -> int:
    """Store (or replace) confirmed spellings inside the caller's transaction; returns how many changed."""
    org = _check(organisation, vocabulary)
    changed = 0
    for raw, value in sorted(mapping.items()):
        raw, value = raw.strip(), value.strip()
        if not raw or not value:
            continue
        key = (value_mappings.c.organisation == org, value_mappings.c.vocabulary == vocabulary,
               value_mappings.c.raw == raw)
        old = conn.execute(select(value_mappings.c.value).where(*key)).scalar_one_or_none()
        if old == value:
            continue
        if old is not None:
            conn.execute(delete(value_mappings).where(*key))
        conn.execute(value_mappings.insert().values(organisation=org, vocabulary=vocabulary, raw=raw,
                                                    value=value, at=audit.now(), actor=actor))
        audit.log_event(conn, entity="value_mapping", entity_id=0, action="remember", actor=actor,
                        field=f"{org}/{vocabulary}/{raw}", before=old, after=value)
        changed += 1
    return changed


def list_mappings(engine: Engine, *, organisation: str = "") -> list[ValueMapping]:
    query = select(value_mappings).order_by(value_mappings.c.organisation, value_mappings.c.vocabulary,
                                            value_mappings.c.raw)
    if organisation.strip():
        query = query.where(value_mappings.c.organisation == organisation.strip())
    with engine.connect() as conn:
        return [ValueMapping(r.organisation, r.vocabulary, r.raw, r.value, r.at, r.actor)
                for r in conn.execute(query)]


def remove(engine: Engine, *, organisation: str, vocabulary: str, raw: str, actor: str) -> bool:
    """Forget one remembered spelling; False when there was none."""
    org = _check(organisation, vocabulary)
    with engine.begin() as conn:
        gone = conn.execute(delete(value_mappings).where(
            value_mappings.c.organisation == org, value_mappings.c.vocabulary == vocabulary,
            value_mappings.c.raw == raw.strip()).returning(value_mappings.c.value)).scalar_one_or_none()
        if gone is None:
            return False
        audit.log_event(conn, entity="value_mapping", entity_id=0, action="forget", actor=actor,
                        field=f"{org}/{vocabulary}/{raw.strip()}", before=gone)
        return True


def with_remembered(engine: Engine, options: SheetOptions, run: Callable[[SheetOptions], ImportReport], *,
                    actor: str, dry_run: bool) -> ImportReport:
    """Run an import with the organisation's remembered case-status spellings (the user's own mapping wins);
    after a successful import (not a dry run) the user's confirmed spellings are remembered."""
    org = options.source.strip()
    confirmed = dict(options.status_map or {})
    check_values("case_status", confirmed)
    stored = recall(engine, organisation=org, vocabulary="case_status")
    report = run(replace(options, status_map={**stored, **confirmed}, remembered=True))
    used = sorted(raw for raw in stored if raw not in confirmed)
    if used:
        report.notes.append(f"remembered status spellings of {org}: "
                            + "; ".join(f"'{raw}' = {stored[raw]}" for raw in used))
    if not dry_run and confirmed:
        with engine.begin() as conn:
            remember(conn, organisation=org, vocabulary="case_status", mapping=confirmed, actor=actor)
    return report


def _allowed(vocabulary: str) -> set[str]:
    from kartoteka.catalogs.custody import load_categories, load_custody_vocabulary
    if vocabulary == "custody":
        return set(load_custody_vocabulary().states)
    if vocabulary == "category":
        return set(load_categories())
    return set(case_statuses().values())


def check_values(vocabulary: str, mapping: dict[str, str]) -> None:
    """Refuse a confirmed spelling whose value is not in the vocabulary (nothing is remembered then)."""
    known = _allowed(vocabulary)
    bad = sorted(f"'{raw}={value}'" for raw, value in mapping.items() if value.strip() not in known)
    if bad:
        raise InvalidInput(f"{vocabulary} mapping {', '.join(bad)}: the value must be one of "
                           f"{', '.join(sorted(known))}")


def mapped(mapping: dict[str, str], text: str) -> str:
    """``text`` through a spelling -> value mapping (spellings compared without case and outer spaces)."""
    key = text.strip().casefold()
    for raw, value in mapping.items():
        if raw.strip().casefold() == key:
            return value
    return text
