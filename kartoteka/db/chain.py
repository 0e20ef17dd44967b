"""The audit log as a hash chain: each entry holds the hash of the one before it.

An entry's hash is ``sha256(prev_hash + "\\n" + canonical(entry))`` where ``canonical`` is the JSON
array ``[seq, at, actor, entity_type, entity_id, action, field, before, after, batch]`` (UTF-8,
no spaces, no ASCII escaping; ``at`` as UTC ``YYYY-MM-DDTHH:MM:SS.ffffffZ``). ``seq`` numbers the
entries 1, 2, 3 ... without gaps; the first entry's ``prev_hash`` is 64 zeros. The single row of
``audit_head`` holds the newest ``seq`` and hash: a writer updates that row before it appends (SQLite's
one write lock, a PostgreSQL row lock held to commit), so two concurrent writers can never both
append after the same entry.

On SQLite a write transaction holds the database's only write lock from its start, so entries are
chained as they are written. On PostgreSQL they are inserted at once and chained when the transaction
commits (``install``: a commit hook): the head's lock is then the last lock a transaction takes and is
held only while it commits, so a long import neither blocks other writers' audit entries for its whole
length nor deadlocks with a transaction that locked a record it will touch later.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter
from typing import Any

from sqlalchemy import ARRAY, Connection, Engine, Integer, any_, bindparam, event, insert, select, update

from kartoteka.db.tables import audit_head, audit_log, name_keys_state
from kartoteka.errors import N_, Message

GENESIS = "0" * 64
# Entries that record an act but change no data: caches keyed on the registry's state ignore them
# (``audit_head.changed_seq`` moves only for the others).
NO_CHANGE = frozenset({"read", "login", "login_failed", "login_locked", "logout", "bad_password", "download",
                       "export", "backup", "publish", "judge", "verify"})
FIELDS = ("seq", "at", "actor", "entity_type", "entity_id", "action", "field", "before", "after", "batch")
_LOCK = update(audit_head).where(audit_head.c.id == 1).values(seq=audit_head.c.seq).returning(
    audit_head.c.seq, audit_head.c.hash, audit_head.c.changed_seq)


def utc(at: dt.datetime) -> dt.datetime:
    """The same instant in UTC; a naive time (SQLite gives those back) is taken to be UTC already."""
    return at.replace(tzinfo=dt.timezone.utc) if at.tzinfo is None else at.astimezone(dt.timezone.utc)


_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


@lru_cache(maxsize=256)   # the entries of one write share their time
def _at_text(at: dt.datetime) -> str:
    return utc(at).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def canonical(entry: Mapping[str, Any]) -> bytes:
    get = entry.get
    return _canonical(entry["seq"], (entry["at"], get("actor"), get("entity_type"), get("entity_id"), get("action"),
                                     get("field"), get("before"), get("after"), get("batch")))


def _canonical(seq: int, fields: Sequence[Any]) -> bytes:
    """The canonical form of entry ``seq`` whose other FIELDS (at, actor ... batch, in order) are ``fields``.

    Written item by item, as the encoder writes the list (``_ENCODER.encode([seq, at, *fields[1:]])``,
    which ``_canonical_slow`` is, byte for byte): each text through the encoder's string function, each int
    as its repr, None as null. The texts an import's entries share (actor, entity type, action, batch) are
    encoded once (``_text_json``). Any other type of value takes the encoder's own way."""
    items = [str(seq), _at_json(fields[0])]
    for value in fields[1:]:
        kind = type(value)
        if kind is str:
            items.append(_text_json(value) if len(value) <= 64 else _encode_text(value))
        elif value is None:
            items.append("null")
        elif kind is int:
            items.append(int.__repr__(value))
        else:
            return _canonical_slow(seq, fields)
    return ("[" + ",".join(items) + "]").encode()


def _canonical_slow(seq: int, fields: Sequence[Any]) -> bytes:
    return _ENCODER.encode([seq, _at_text(fields[0]), *fields[1:]]).encode()


_encode_text = json.encoder.encode_basestring   # what _ENCODER (ensure_ascii=False) writes a text with


@lru_cache(maxsize=1024)
def _text_json(text: str) -> str:
    return _encode_text(text)


@lru_cache(maxsize=256)
def _at_json(at: dt.datetime) -> str:
    return _encode_text(_at_text(at))


def entry_hash(prev_hash: str, entry: Mapping[str, Any]) -> str:
    return _link(prev_hash, canonical(entry))


def _link(prev_hash: str, canonical: bytes) -> str:
    return hashlib.sha256(prev_hash.encode() + b"\n" + canonical).hexdigest()


def lock_head(conn: Connection) -> tuple[int, str]:
    """Take the chain's lock (held until the transaction ends); returns the newest (seq, hash)."""
    seq, digest, _ = _lock(conn)
    return seq, digest


def _lock(conn: Connection) -> tuple[int, str, int]:
    row = conn.execute(_LOCK).first()
    if row is None:  # a schema made without the migration's head row
        conn.execute(insert(audit_head).values(id=1, seq=0, hash=GENESIS, changed_seq=0))
        row = conn.execute(_LOCK).one()
    return int(row.seq), str(row.hash), int(row.changed_seq or 0)


# The stored name index's mark (name_keys_state.seq, services/name_index.py) moves with the chain: a
# transaction's entries move it along when the keys reflected every change before them and the transaction
# re-keyed each person it wrote an entry for (``keys_refreshed``). Per transaction, in conn.info:
# the persons written and not re-keyed yet, and where the mark may move from once they are (SQLite: the
# changed_seq before the first of them; elsewhere: how many pending entries are covered).
_KEYS = "kartoteka_name_keys"


@dataclass
class _KeysState:
    transaction: object
    dirty: set[int]
    since: int | None = None   # SQLite: changed_seq before the first dirty entry
    fresh: int = 0             # elsewhere: the pending entries (a prefix) whose persons were re-keyed


def _keys_state(conn: Connection) -> _KeysState:
    state: _KeysState | None = conn.info.get(_KEYS)
    if state is None or state.transaction is not conn.get_transaction():
        state = conn.info[_KEYS] = _KeysState(conn.get_transaction(), set())
    return state


def _persons(entries: Iterable[tuple[Any, Any, Any]]) -> set[int]:
    """The persons that entries given as (entity type, entity id, action) change."""
    return {int(i) for kind, i, action in entries if kind == "person" and action not in NO_CHANGE}


def _move_mark(conn: Connection, before: int, to: int) -> None:
    conn.execute(update(name_keys_state).where(name_keys_state.c.id == 1, name_keys_state.c.seq == before)
                 .values(seq=to))


def keys_refreshed(conn: Connection, person_ids: Iterable[int]) -> None:
    """These persons' name keys were recomputed in this transaction, after their audit entries."""
    state = _keys_state(conn)
    state.dirty -= set(person_ids)
    if state.dirty:
        return
    if conn.dialect.name != "sqlite":
        state.fresh = len(conn.info.get(_PENDING, ()))
    elif state.since is not None:
        _move_mark(conn, state.since, int(conn.execute(select(audit_head.c.changed_seq)).scalar() or 0))
        state.since = None


_PENDING = "kartoteka_audit_pending"   # ids of the transaction's unchained entries (PostgreSQL)
_COLUMNS = ("id", "at", "actor", "entity_type", "entity_id", "action", "field", "before", "after", "batch")
_CHAINED = (*_COLUMNS, "seq", "prev_hash", "hash")   # an entry with its link, as COPY'd at commit
_PENDING_ROWS = select(*(audit_log.c[c] for c in _COLUMNS)).where(
    audit_log.c.id == any_(bindparam("ids", type_=ARRAY(Integer)))).order_by(audit_log.c.id)
_STAGED_ROWS = f"SELECT {', '.join(_COLUMNS)} FROM audit_staged WHERE id = ANY(%s)"
_CHAIN_UPDATE = update(audit_log).where(audit_log.c.id == bindparam("b_id")).values(
    seq=bindparam("b_seq"), prev_hash=bindparam("b_prev"), hash=bindparam("b_hash"))


def append_entries(conn: Connection, rows: Iterable[Mapping[str, Any]]) -> None:
    """Append audit entries: chained now on SQLite, at commit elsewhere."""
    from kartoteka.db.bulk import insert_tuples

    if conn.dialect.name == "sqlite":
        insert_tuples(conn, audit_log, CHAINED, chain_rows(conn, rows))
        return
    entries = [{**{k: row.get(k) for k in FIELDS if k != "seq"}, "at": utc(row["at"])} for row in rows]
    if len(entries) >= _COPY_FROM and conn.dialect.driver == "psycopg":
        ids = _stage_entries(conn, entries)
    else:
        ids = list(conn.execute(insert(audit_log).returning(audit_log.c.id, sort_by_parameter_order=True),
                                entries).scalars())
    pending = conn.info.setdefault(_PENDING, [])
    state = _keys_state(conn)
    if not state.dirty:
        state.fresh = len(pending)
    pending.extend(ids)
    state.dirty |= _persons((e["entity_type"], e["entity_id"], e["action"]) for e in entries)
    if not state.dirty:
        state.fresh = len(pending)


_COPY_FROM = 50   # PostgreSQL: this many entries or more take their ids in one query and go by COPY
_STAGED = "kartoteka_audit_staged"   # conn.info: how many of the transaction's entries wait in ``audit_staged``
_STAGE_SQL = ("CREATE TEMPORARY TABLE IF NOT EXISTS audit_staged (LIKE audit_log, PRIMARY KEY (id)) "
              "ON COMMIT DROP")


def _stage_entries(conn: Connection, entries: list[dict[str, Any]]) -> list[int]:
    """Entries with ids drawn from audit_log's sequence (in order), COPY'd into a temporary table of the
    connection, where they wait for the commit; returns the ids. The commit chains them and writes each
    once, with its link (``_chain_pending``). Before, they went into audit_log and the commit rewrote every
    one of them to set its link: at a million persons' import, 50 s of a 272 s import, and each entry's
    row written twice. A temporary table writes no WAL, and nothing reads an entry before it is chained
    (every reader of the chain reads by ``seq``, which an unchained entry has not got)."""
    from kartoteka.db.bulk import insert_rows

    from kartoteka.db.ids import IdAllocator

    ids = IdAllocator(conn, audit_log).take(len(entries))
    conn.exec_driver_sql(_STAGE_SQL)   # each time: a rolled-back savepoint may have taken it
    conn.info[_STAGED] = conn.info.get(_STAGED, 0) + len(ids)
    insert_rows(conn, audit_log, [{"id": i, **e} for i, e in zip(ids, entries)], into="audit_staged")
    return ids


def _write_links(conn: Connection, updates: list[tuple[int, int, str, str]]) -> None:
    """(id, seq, prev_hash, hash) of chained entries: one UPDATE from a COPY'd temporary table for many
    (psycopg), an executemany otherwise."""
    if len(updates) >= _COPY_FROM and conn.dialect.driver == "psycopg":
        from kartoteka.db.bulk import copy_rows

        conn.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS audit_links (id integer, seq integer, "
                             "prev_hash text, hash text) ON COMMIT DELETE ROWS")
        copy_rows(conn, "audit_links", ("id", "seq", "prev_hash", "hash"), updates, types=("int4", "int4", "text", "text"))
        conn.exec_driver_sql("UPDATE audit_log SET seq = l.seq, prev_hash = l.prev_hash, hash = l.hash "
                             "FROM audit_links l WHERE audit_log.id = l.id")
        conn.exec_driver_sql("DELETE FROM audit_links")
        return
    conn.execute(_CHAIN_UPDATE, [{"b_id": i, "b_seq": q, "b_prev": p, "b_hash": h} for i, q, p, h in updates])


def install(engine: Engine) -> None:
    """Chain a transaction's pending entries when it commits (engines other than SQLite)."""
    if engine.dialect.name != "sqlite" and not event.contains(engine, "commit", _chain_pending):
        event.listen(engine, "commit", _chain_pending)
        event.listen(engine, "rollback", _forget_pending)


def _forget_pending(conn: Connection) -> None:
    conn.info.pop(_PENDING, None)
    conn.info.pop(_KEYS, None)
    conn.info.pop(_STAGED, None)


def _pending_rows(conn: Connection, ids: list[int], staged: int) -> Iterator[list[tuple[bool, Sequence[Any]]]]:
    """The transaction's pending entries in id order (their order of writing), 5,000 at a time, each as
    (in audit_log already, its _COLUMNS). When every one was staged, the temporary table is read once in
    its key's order through a server-side cursor, instead of 5,000 ids looked up at a time."""
    if staged >= len(ids):
        cursor = conn.connection.driver_connection.cursor(name="kartoteka_audit_staged")  # type: ignore[union-attr]
        try:
            cursor.execute(f"SELECT {', '.join(_COLUMNS)} FROM audit_staged ORDER BY id")
            while batch := cursor.fetchmany(5000):
                yield [(False, r) for r in batch]
        finally:
            cursor.close()
        return
    for start in range(0, len(ids), 5000):
        chunk = ids[start:start + 5000]
        rows: list[tuple[bool, Sequence[Any]]] = [(True, r) for r in conn.execute(_PENDING_ROWS, {"ids": chunk})]
        if staged:   # and those waiting in audit_staged (written once, with their links, by the caller)
            rows += [(False, r) for r in conn.exec_driver_sql(_STAGED_ROWS, (chunk,))]
            rows.sort(key=lambda row: int(row[1][0]))
        yield rows


def _chain_pending(conn: Connection) -> None:
    from kartoteka.db.bulk import column_types, copy_rows

    ids: list[int] | None = conn.info.pop(_PENDING, None)
    state: _KeysState | None = conn.info.pop(_KEYS, None)
    staged: int = conn.info.pop(_STAGED, 0)
    if not ids:
        return
    seq, prev, before = _lock(conn)
    fresh = set(ids[:state.fresh]) if state is not None else set()
    changed = fresh_changed = None   # fresh_changed: the newest change among the re-keyed prefix
    for rows in _pending_rows(conn, ids, staged):
        updates: list[tuple[int, int, str, str]] = []
        chained: list[tuple[Any, ...]] = []
        for written, r in rows:
            seq += 1
            if r[5] not in NO_CHANGE:
                changed = seq
            if r[0] in fresh:
                fresh_changed = changed
            digest = _link(prev, _canonical(seq, r[1:]))
            if written:
                updates.append((r[0], seq, prev, digest))
            else:
                chained.append((*r, seq, prev, digest))
            prev = digest
        if updates:
            _write_links(conn, updates)
        if chained:
            # (values read back from the database: of their columns' types)
            copy_rows(conn, "audit_log", _CHAINED, chained, types=column_types(audit_log, _CHAINED))
    values: dict[str, Any] = {"seq": seq, "hash": prev}
    if changed is not None:
        values["changed_seq"] = changed
    conn.execute(update(audit_head).where(audit_head.c.id == 1).values(**values))
    if fresh_changed is not None:
        _move_mark(conn, before, fresh_changed)


CHAINED = (*FIELDS[1:], "seq", "prev_hash", "hash")   # chain_rows' columns
_KIND_ID_ACTION = itemgetter(CHAINED.index("entity_type"), CHAINED.index("entity_id"), CHAINED.index("action"))


def chain_rows(conn: Connection, rows: Iterable[Mapping[str, Any]]) -> list[tuple[Any, ...]]:
    """The rows with ``seq``, ``prev_hash`` and ``hash`` filled in, as tuples of the CHAINED columns,
    appended after the current head; the head moves with them, so the caller must insert them in the same
    transaction. Readers' entries waiting in the SQLite spool (db/spool.py) come first, in the order they
    were spooled."""
    from kartoteka.db.spool import take

    seq, prev, before = _lock(conn)
    rows = [*take(conn), *rows]
    out: list[tuple[Any, ...]] = []
    changed = None
    zoned: dict[int, dt.datetime] = {}   # one UTC time per time object: a bulk write's entries share theirs
    for row in rows:
        seq += 1
        get = row.get
        action = get("action")
        if action not in NO_CHANGE:
            changed = seq
        at = row["at"]
        at = zoned[id(at)] if id(at) in zoned else zoned.setdefault(id(at), utc(at))
        fields = (at, get("actor"), get("entity_type"), get("entity_id"), action, get("field"), get("before"),
                  get("after"), get("batch"))   # FIELDS after seq: what entry_hash hashes
        digest = _link(prev, _canonical(seq, fields))
        out.append((*fields, seq, prev, digest))
        prev = digest
    if out:
        values: dict[str, Any] = {"seq": seq, "hash": prev}
        if changed is not None:
            values["changed_seq"] = changed
        conn.execute(update(audit_head).where(audit_head.c.id == 1).values(**values))
        state = _keys_state(conn)
        written = _persons(map(_KIND_ID_ACTION, out))
        if not state.dirty and not written and changed is not None:
            _move_mark(conn, before, changed)   # no person changed: the keys stay as current as they were
        elif not state.dirty:
            state.since = before
        state.dirty |= written
    return out


@dataclass(frozen=True)
class ChainState:
    ok: bool
    entries: int
    head_hash: str
    problem: str = ""          # what is wrong, naming the first bad entry
    entry_id: int | None = None
    seq: int | None = None
    spooled: int = 0           # readers' entries still in the SQLite spool (db/spool.py), not chained yet
    walked_at: float | None = None   # time.time() of the whole walk this state builds on (the audit page's)
    walking: bool = False      # the audit page's first whole walk runs in the background: nothing checked yet


def verify_chain(conn: Connection, *, batch_size: int = 5000, since: tuple[int, str] | None = None) -> ChainState:
    """Walk the chain in ``seq`` order and report the first entry that was changed, removed or inserted.

    With ``since`` ((seq, hash) of an entry a walk found intact before), only the entries after it are walked,
    once that entry is read again and found unchanged with that hash. Anything amiss there: the whole chain is
    walked to name what; when it holds together, it was written anew (its hashes made again) from that entry
    or an earlier one, which no walk from the start can tell, and that is what is said. An entry before it
    changed alone is found by the next whole walk (services/auditlog.py runs one in the background)."""
    unchained = conn.execute(select(audit_log.c.id).where(audit_log.c.seq.is_(None))
                             .order_by(audit_log.c.id).limit(1)).scalar()
    head = conn.execute(select(audit_head.c.seq, audit_head.c.hash).where(audit_head.c.id == 1)).first()
    prev, expected, last_seq = GENESIS, 1, 0
    before_prev: tuple[str, int] | None = None   # (hash, id) of the entry before the previous one
    if unchained is not None:
        return ChainState(False, 0, prev, Message(N_("entry #%(id)s was inserted outside the chain (no seq)"),
                                                  id=unchained), unchained)
    query = select(audit_log).order_by(audit_log.c.seq)
    after, last_id = 0, 0
    if since is not None and since[0] > 0:
        known = [dict(r) for r in conn.execute(select(audit_log).where(audit_log.c.seq == since[0])).mappings()]
        if len(known) != 1 or known[0]["hash"] != since[1] or entry_hash(known[0]["prev_hash"], known[0]) != since[1]:
            whole = verify_chain(conn, batch_size=batch_size)
            if not whole.ok:
                return whole
            # a chain that holds together again: written anew, its hashes made again, from that entry or before
            return ChainState(False, whole.entries, whole.head_hash, Message(N_(
                "the entry at seq %(seq)s is not the one checked before: the chain was written again from it or "
                "an earlier entry"), seq=since[0]), known[0]["id"] if known else None, since[0])
        prev, expected, last_seq, last_id = since[1], since[0] + 1, since[0], known[0]["id"]
        before_prev, after = (known[0]["prev_hash"], 0), since[0]
    while True:
        rows = conn.execute(query.where(audit_log.c.seq > after).limit(batch_size)).mappings().all()
        if not rows:
            break
        for r in rows:
            bad = _check(r, prev, expected)
            if bad and before_prev is not None and r["prev_hash"] == before_prev[0]:
                return ChainState(False, expected - 2, before_prev[0], Message(N_(
                    "entry #%(id)s (seq %(seq)s) was inserted: the entry after it follows the one before it"),
                    id=last_id, seq=last_seq), last_id, last_seq)
            if bad:
                return ChainState(False, expected - 1, prev, bad, r["id"], r["seq"])
            before_prev = (prev, last_id) if expected > 1 else (GENESIS, 0)
            prev, expected, last_seq, last_id = r["hash"], expected + 1, r["seq"], r["id"]
        after = rows[-1]["seq"]
    if head is None:
        if last_seq:
            return ChainState(False, last_seq, prev, Message(N_("the chain's head record is missing")))
        return ChainState(True, 0, prev)
    if head.seq > last_seq:
        return ChainState(False, last_seq, prev, Message(N_("entries %(first)s..%(last)s at the end of the chain "
                                                            "were removed"), first=last_seq + 1, last=head.seq),
                          None, last_seq + 1)
    if head.seq < last_seq or head.hash != prev:
        return ChainState(False, last_seq, prev, Message(N_(
            "the chain's head (entry %(head)s) does not match its last entry %(last)s: entries were inserted or "
            "changed at the end"), head=head.seq, last=last_seq), None, head.seq + 1)
    return ChainState(True, last_seq, prev)


def _check(r: Any, prev: str, expected: int) -> str:
    seq, eid = r["seq"], r["id"]
    if seq > expected:
        return Message(N_("entries %(first)s..%(last)s were removed before entry #%(id)s (seq %(seq)s)"),
                       first=expected, last=seq - 1, id=eid, seq=seq)
    if r["prev_hash"] != prev:
        return Message(N_("entry #%(id)s (seq %(seq)s) does not follow the entry before it: an entry was inserted "
                          "or removed here"), id=eid, seq=seq)
    if entry_hash(prev, r) != r["hash"]:
        return Message(N_("entry #%(id)s (seq %(seq)s) was changed after it was written"), id=eid, seq=seq)
    return ""
