"""Reading the audit log (administrators only): newest first, filtered, paged by id; verifying its hash
chain; entries for acts that change no record (exports, downloads, backups)."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Engine, select

from kartoteka.db.audit import drain_spool, event_row, log_reads
from kartoteka.db.chain import ChainState, verify_chain
from kartoteka.db.spool import pending
from kartoteka.db.tables import audit_head, audit_log
from kartoteka.services.access import Principal, require


@dataclass(frozen=True)
class AuditQuery:
    entity_type: str = ""
    entity_id: int | None = None
    actor: str = ""
    action: str = ""
    before_id: int | None = None
    limit: int = 100


def list_audit(engine: Engine, principal: Principal, query: AuditQuery) -> list[dict[str, Any]]:
    require(principal, "admin")
    drain_spool(engine)   # readers' spooled entries (db/spool.py) show as soon as no long write runs
    stmt = select(audit_log).order_by(audit_log.c.id.desc()).limit(max(1, min(query.limit, 1000)))
    if query.entity_type:
        stmt = stmt.where(audit_log.c.entity_type == query.entity_type)
    if query.entity_id is not None:
        stmt = stmt.where(audit_log.c.entity_id == query.entity_id)
    if query.actor:
        stmt = stmt.where(audit_log.c.actor == query.actor)
    if query.action:
        stmt = stmt.where(audit_log.c.action == query.action)
    if query.before_id is not None:
        stmt = stmt.where(audit_log.c.id < query.before_id)
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(stmt).mappings()]


VERIFY_WAIT = 30.0   # seconds `audit verify` waits for a long write to end before it moves the spool
PAGE_WAIT = 0.2      # the audit page's wait: entries still spooled are shown as waiting


def verify_audit(engine: Engine, *, wait: float = VERIFY_WAIT) -> ChainState:
    """Check the audit log's hash chain in one consistent snapshot (db/chain.py), after moving readers'
    spooled entries (db/spool.py) into it (waiting up to ``wait`` seconds for a long write to end)."""
    drain_spool(engine, wait=wait)
    opts = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**opts) as conn, conn.begin():
        state = verify_chain(conn)
    return replace(state, spooled=pending(engine))   # a long write still held the lock: counted, not lost


_CHAIN_CACHE: dict[str, tuple[float, tuple[int, str], ChainState]] = {}
CHAIN_CACHE_SECONDS = 60.0


def chain_state(engine: Engine) -> ChainState:
    """The chain's state for the audit page: verified again when the head moves or after a minute."""
    with engine.connect() as conn:
        head = conn.execute(select(audit_head.c.seq, audit_head.c.hash)).first()
    key, mark = str(engine.url), (int(head.seq), str(head.hash)) if head else (0, "")
    cached = _CHAIN_CACHE.get(key)
    if cached and cached[1] == mark and cached[0] > time.monotonic():
        return cached[2]
    state = verify_audit(engine, wait=PAGE_WAIT)   # a page never waits for a long import: spooled entries are counted
    _CHAIN_CACHE[key] = (time.monotonic() + CHAIN_CACHE_SECONDS, mark, state)
    return state


def record_event(engine: Engine, *, actor: str, action: str, entity: str, entity_id: int = 0,
                 detail: dict[str, Any] | None = None) -> None:
    """One audit entry for an act that changes no record: an export, a download, a backup, a sign-out."""
    log_reads(engine, [event_row(entity=entity, entity_id=entity_id, action=action, actor=actor, after=detail)])
