"""Free-text values remembered per organisation: a spelling an organisation uses for a case status, a custody
state or a category, mapped once by a user and applied on that organisation's next import without asking."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import delete, select
from sqlalchemy.engine import Connection, Engine

from kartoteka.db import audit
from kartoteka.db.tables import value_mappings
from kartoteka.errors import N_, InvalidInput, Message
from kartoteka.tabular.vocab import case_statuses, normalise_value

if TYPE_CHECKING:
    from kartoteka.services.import_report import ImportReport
    from kartoteka.services.registry_import import SheetOptions

VOCABULARIES = ("case_status", "custody", "category")
_REMEMBERED = {"case_status": N_("remembered status spellings of %(org)s: %(pairs)s"),
               "custody": N_("remembered custody spellings of %(org)s: %(pairs)s"),
               "category": N_("remembered category spellings of %(org)s: %(pairs)s")}


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
        raise InvalidInput.of(N_("unknown vocabulary '%(vocabulary)s' (use %(vocabularies)s)"), vocabulary=vocabulary,
                              vocabularies=", ".join(VOCABULARIES))
    org = organisation.strip()
    if not org:
        raise InvalidInput.of(N_("a remembered mapping needs an organisation (--source)"))
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
    """Run an import with the organisation's remembered spellings of case statuses, custody states and
    categories (the user's own mapping wins); after a successful import (not a dry run) the user's
    confirmed spellings are remembered."""
    org = options.source.strip()
    confirmed = {"case_status": dict(options.status_map or {}),
                 **{v: dict((options.value_map or {}).get(v, {})) for v in ("custody", "category")}}
    check_value_map(confirmed)
    stored = {v: recall(engine, organisation=org, vocabulary=v) for v in VOCABULARIES}
    merged = {v: {**stored[v], **confirmed[v]} for v in VOCABULARIES}
    report = run(replace(options, status_map=merged["case_status"], remembered=True,
                         value_map={v: merged[v] for v in ("custody", "category")}))
    for vocabulary in VOCABULARIES:
        used = sorted(raw for raw in stored[vocabulary] if raw not in confirmed[vocabulary])
        if used:
            report.notes.append(Message(_REMEMBERED[vocabulary], org=org, pairs="; ".join(
                f"'{raw}' = {stored[vocabulary][raw]}" for raw in used)))
    if not dry_run:
        with engine.begin() as conn:
            for vocabulary, pairs in confirmed.items():
                if pairs:
                    remember(conn, organisation=org, vocabulary=vocabulary, mapping=pairs, actor=actor)
    return report


def check_value_map(maps: dict[str, dict[str, str]]) -> None:
    """Refuse an unknown vocabulary or a confirmed spelling whose value is not in its vocabulary."""
    for vocabulary, pairs in maps.items():
        if vocabulary not in VOCABULARIES:
            raise InvalidInput.of(N_("unknown vocabulary '%(vocabulary)s' (use %(known)s)"), vocabulary=vocabulary,
                                  known=", ".join(VOCABULARIES))
        check_values(vocabulary, pairs)


def parse_value_map(items: list[str], option: str = "--value-map") -> dict[str, dict[str, str]]:
    """``['custody:в СИЗО=pretrial', 'category:полонений=prisoner_of_war']`` as {vocabulary: {spelling: value}}."""
    maps: dict[str, dict[str, str]] = {}
    for item in items:
        vocabulary, _, pair = item.partition(":")
        if "=" not in pair:
            raise InvalidInput.of(N_("%(option)s '%(item)s' must look like VOCABULARY:SPELLING=VALUE"),
                                  option=option, item=item)
        raw, value = pair.split("=", 1)
        maps.setdefault(vocabulary.strip(), {})[raw.strip()] = value.strip()
    check_value_map(maps)
    return maps


@dataclass
class ValueStep:
    """The import preview's mapping step for custody states and categories: the file's spellings that
    neither the catalog nor a mapping knows (they need a value), and the organisation's remembered ones."""

    unknown: dict[str, list[str]]
    remembered: dict[str, dict[str, str]]
    confirmed: dict[str, dict[str, str]]


def form_value_map(vocabularies: list[str] | None, spellings: list[str] | None, values: list[str] | None
                   ) -> dict[str, dict[str, str]]:
    """The preview form's parallel lists (vocabulary, spelling, chosen value) as {vocabulary: {spelling: value}};
    unchosen spellings are left out."""
    out: dict[str, dict[str, str]] = {}
    for vocabulary, raw, value in zip(vocabularies or [], spellings or [], values or []):
        if vocabulary in ("custody", "category") and raw and value:
            out.setdefault(vocabulary, {})[raw] = value
    return out


MAX_STEP_ROWS = 100_000   # rows scanned for spellings the vocabularies do not know


def value_step(engine: Engine, *, kind: str, path: Path, mapping: dict[str, str] | None, organisation: str,
               confirmed: dict[str, dict[str, str]]) -> ValueStep:
    """The custody and category spellings of a registry or custody file that still need a value."""
    from kartoteka.catalogs.custody import load_custody_vocabulary
    from kartoteka.tabular.columns import map_columns, normalise_header
    from kartoteka.tabular.reader import open_table
    step = ValueStep({}, {}, confirmed)
    if kind not in ("registry", "custody"):
        return step
    table = open_table(path)
    if kind == "registry":
        fields = map_columns("registry", table.headers, mapping, filename=path.name)
    else:
        aliases = load_custody_vocabulary().import_columns["custody"]
        fields = {f: h for h, f in (mapping or {}).items() if h in table.headers and f in aliases}
        lookup = {normalise_header(a): f for f, names in aliases.items() for a in [f, *names]}
        for header in table.headers:
            found = lookup.get(normalise_header(header))
            if found and found not in fields and header not in fields.values():
                fields[found] = header
    columns = {v: fields[v] for v in ("custody", "category") if v in fields}
    step.remembered = {v: recall(engine, organisation=organisation, vocabulary=v) for v in columns}
    for vocabulary in columns:
        step.unknown[vocabulary] = []
    for i, (_, row) in enumerate(table.rows):
        if i >= MAX_STEP_ROWS:
            break
        for vocabulary, header in columns.items():
            text, seen = row.get(header, "").strip(), step.unknown[vocabulary]
            known = {**step.remembered[vocabulary], **confirmed.get(vocabulary, {})}
            if text and text not in seen and len(seen) < 50 and normalise_value(vocabulary, text, known) is None:
                seen.append(text)
    return step


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
        raise InvalidInput.of(N_("%(vocabulary)s mapping %(bad)s: the value must be one of %(known)s"),
                              vocabulary=vocabulary, bad=", ".join(bad), known=", ".join(sorted(known)))


_UNKNOWN = {"custody": N_("'%(text)s' is not a custody state the vocabulary knows: choose its value in the "
                          "import's mapping step or give --value-map 'custody:%(text)s=VALUE'"),
            "category": N_("'%(text)s' is not a category the vocabulary knows: choose its value in the import's "
                           "mapping step or give --value-map 'category:%(text)s=VALUE'")}


def unknown_value(vocabulary: str, text: str) -> Message:
    """The row error of a custody or category spelling that neither the catalog nor a mapping knows."""
    return Message(_UNKNOWN[vocabulary], text=text)


def controlled(vocabulary: str, text: str, mapping: dict[str, str]) -> str:
    """``text`` as a custody state or category id ('' for an empty cell); raises InvalidInput when unknown."""
    value = normalise_value(vocabulary, text, mapping)
    if value is None:
        raise InvalidInput(unknown_value(vocabulary, text))
    return value


def mapped(mapping: dict[str, str], text: str) -> str:
    """``text`` through a spelling -> value mapping (spellings compared without case and outer spaces)."""
    key = text.strip().casefold()
    for raw, value in mapping.items():
        if raw.strip().casefold() == key:
            return value
    return text
