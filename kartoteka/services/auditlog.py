"""Reading the audit log (administrators only): newest first, filtered, paged by id; verifying its hash
chain; entries for acts that change no record (exports, downloads, backups)."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Engine, select

from kartoteka.db.audit import drain_spool, event_row, log_reads
from kartoteka.db.chain import ChainState, verify_chain
from kartoteka.db.spool import pending
from kartoteka.db.tables import audit_head, audit_log
from kartoteka.services import background
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


def verify_audit(engine: Engine, *, wait: float = VERIFY_WAIT, since: tuple[int, str] | None = None) -> ChainState:
    """Check the audit log's hash chain in one consistent snapshot (db/chain.py), after moving readers'
    spooled entries (db/spool.py) into it (waiting up to ``wait`` seconds for a long write to end); with
    ``since``, only the entries after that one (``verify_chain``)."""
    drain_spool(engine, wait=wait)
    opts = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**opts) as conn, conn.begin():
        state = verify_chain(conn, since=since)
    return replace(state, spooled=pending(engine))   # a long write still held the lock: counted, not lost


_CHAIN_CACHE: dict[str, tuple[float, tuple[int, str], ChainState]] = {}
CHAIN_CACHE_SECONDS = 60.0


@dataclass
class _Walked:
    """The last whole walk of a database's chain in this process: where it ended (and where the entries walked
    since end), when it ran, and what it found wrong (None: nothing)."""
    seq: int
    hash: str
    at: float                      # time.time() of the last whole walk
    broken: ChainState | None = None


_WALKED: dict[str, _Walked] = {}
_WALK_LOCK = threading.Lock()
WALK_EVERY = 600.0   # seconds: the audit page walks the whole chain again (in the background) when older
WALK_NOW_MAX = 200_000   # entries: a longer chain's first walk runs in the background (2.1 million: 38 s)


def chain_state(engine: Engine) -> ChainState:
    """The chain's state for the audit page, checked again when the head moves or after a minute. The whole
    chain is walked on the first look (in this process; in the background for a chain longer than WALK_NOW_MAX
    entries, and the state says so: ``walking``), then in the background when that walk is older than
    WALK_EVERY; the page walks only the entries written since (2.1 million entries at a million persons took
    38-107 s to walk). The state says when the whole chain was last walked (``walked_at``)."""
    with engine.connect() as conn:
        head = conn.execute(select(audit_head.c.seq, audit_head.c.hash)).first()
    key, mark = str(engine.url), (int(head.seq), str(head.hash)) if head else (0, "")
    cached = _CHAIN_CACHE.get(key)
    walked = _WALKED.get(key)
    if cached and cached[1] == mark and cached[0] > time.monotonic() and not (walked and walked.broken):
        return cached[2]
    if walked is None and mark[0] > WALK_NOW_MAX:
        _walk_later(engine, key)
        return ChainState(True, mark[0], mark[1], walking=True)   # (not kept: the next load looks again)
    if walked is None:
        state = _walk(engine, key)   # a page never waits for a long import: spooled entries are counted
    else:
        if walked.broken is not None:
            state = walked.broken   # what the last whole walk found, until the next one
        else:
            state = verify_audit(engine, wait=PAGE_WAIT, since=(walked.seq, walked.hash))
            if state.ok:
                walked.seq, walked.hash = state.entries, state.head_hash
            state = replace(state, walked_at=walked.at)
        if time.time() - walked.at > WALK_EVERY:
            _walk_later(engine, key)
    _CHAIN_CACHE[key] = (time.monotonic() + CHAIN_CACHE_SECONDS, mark, state)
    return state


def _walk(engine: Engine, key: str) -> ChainState:
    """The whole chain walked now; what it found kept for the next pages."""
    at = time.time()
    state = replace(verify_audit(engine, wait=PAGE_WAIT), walked_at=at)
    with _WALK_LOCK:
        walked = _WALKED.setdefault(key, _Walked(state.entries, state.head_hash, at))
        walked.seq, walked.hash, walked.at = state.entries, state.head_hash, at
        walked.broken = None if state.ok else state
    return state


def _walk_later(engine: Engine, key: str) -> None:
    """A whole walk in a background thread (one at a time per database): a long chain's first, or one older than
    WALK_EVERY; its finding shows on the next page."""
    background.start_once(("audit-walk", key), lambda: _walk(engine, key),
                          what=f"the audit chain's walk of {engine.url.render_as_string(hide_password=True)}")


def walking(engine: Engine) -> bool:
    """A whole walk of this database's chain runs in the background now."""
    return background.running(("audit-walk", str(engine.url)))


def record_event(engine: Engine, *, actor: str, action: str, entity: str, entity_id: int = 0,
                 detail: dict[str, Any] | None = None) -> None:
    """One audit entry for an act that changes no record: an export, a download, a backup, a sign-out."""
    log_reads(engine, [event_row(entity=entity, entity_id=entity_id, action=action, actor=actor, after=detail)])
