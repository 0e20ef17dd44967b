"""The stored name index (tables name_keys, surname_variants): kept current, rebuilt, checked.

Every write that changes a person's names, birth date or aliases writes an audit entry for that person
(db/audit.py), and the audit chain numbers committed entries in commit order (db/chain.py). The index
records the chain position it reflects (name_keys_state.seq); ``sync_name_index`` re-keys exactly the
persons audited since then, in one transaction, before a search reads it. So the next search after any
write (an edit, an import, a merge, a delete, an FtM import, in any process) sees it, without rebuilding
anything else. That sync is a safety net: the write paths call ``refresh_persons`` inside their own
transaction, and the chain then moves the mark with their entries (db/chain.py ``keys_refreshed``), so a
search after them finds nothing to do.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
import weakref
from operator import itemgetter
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import Connection, Engine, delete, func, select, update

from kartoteka.db.bulk import bulk_insert, column_types, copy_rows, indexes_after, vacuum_analyze
from kartoteka.db.chain import keys_refreshed
from kartoteka.db.tables import audit_head, audit_log, name_keys, name_keys_state, surname_variants
from kartoteka.matching.engine import PersonRecord
from kartoteka.matching.records import chunks as _chunks, load_records
from kartoteka.matching.stored_keys import (
    person_hashes, person_kin, stable_hash, surname_marks, token_variants,
)
from kartoteka.matching.tokens import PreparedName, Token, prepare_name

MAX_VARIANT = 200   # surname_variants' column width; longer spellings are not typo-searched


def record_keys(rec: PersonRecord) -> tuple[set[int], set[tuple[str, str]]]:
    """A person's stored blocks (name blocks as CandidateIndex.build files them, kin blocks, first given
    name's classes, a mark per surname key) and surname variants."""
    keys, surnames = record_blocks(rec)
    return keys, token_variants(surnames)


def record_blocks(rec: PersonRecord) -> tuple[set[int], list[Token]]:
    """``record_keys`` with the person's surname tokens instead of their variants (``token_variants`` of
    many persons' surnames together gives their variants)."""
    names: list[PreparedName] = [prepare_name(*n) for n in rec.names]
    keys = person_hashes(names)
    pairs: set[tuple[str, ...]] = set(person_kin(rec.birth, names)) | surname_marks(names)
    first = names[0].given if names else None
    pairs |= {("given", "c%d" % c) for c in (first.classes if first is not None else ())}
    return keys | {stable_hash(p) for p in pairs}, [n.surname for n in names if n.surname is not None]


def refresh_persons(conn: Connection, ids: Iterable[int], *, new: bool = False) -> int:
    """Re-key these persons (deleted ones lose their keys) inside the caller's transaction, after it wrote
    their audit entries, and mark the keys current up to those entries (``new``: the persons were created
    in this transaction and have no keys yet).

    The mark moves (db/chain.py) only when the keys reflected every change before this transaction's
    entries and it re-keyed every person it wrote an entry for; otherwise the search-time sync catches up."""
    wanted = set(ids)
    n = _refresh(conn, wanted, new=new)
    keys_refreshed(conn, wanted)
    return n


def write_new_keys(conn: Connection, keyed: list[tuple[int, Collection[int]]], variants: set[tuple[str, str]], *,
                   indexed: bool = True) -> int:
    """``refresh_persons(ids, new=True)`` for persons created in this transaction, from the keys and
    surname variants (``storable`` ones) ``record_keys`` gave for their records as the caller wrote them
    (no read back): the bulk imports. ``indexed=False``: the key table's indexes are built after the
    import (db/bulk.py ``indexes_after``), so the rows need no order."""
    rows = [(pid, k) for pid, keys in keyed for k in keys]
    if indexed:
        rows.sort(key=itemgetter(1))   # in key order: the key index's pages are written in sequence
    _write_keys(conn, rows)
    _add_variants(conn, variants)
    keys_refreshed(conn, {pid for pid, _ in keyed})
    return len(keyed)


def storable(variants: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """The variants that fit the table's columns (longer spellings are not typo-searched)."""
    if all(len(v) <= MAX_VARIANT and len(k) <= MAX_VARIANT for v, k in variants):
        return variants
    return {(v, k) for v, k in variants if len(v) <= MAX_VARIANT and len(k) <= MAX_VARIANT}


def _insert(conn: Connection, recs: Iterable[PersonRecord]) -> None:
    rows: list[tuple[int, int]] = []
    surnames: set[Token] = set()
    for rec in recs:
        keys, tokens = record_blocks(rec)
        rows.extend((rec.id, k) for k in keys)
        surnames.update(tokens)
        if len(rows) >= 100_000:
            _write_keys(conn, rows)
            rows = []
    _write_keys(conn, rows)
    _add_variants(conn, storable(token_variants(surnames)))


def _write_keys(conn: Connection, rows: list[tuple[int, int]]) -> None:
    """(person_id, key) rows: COPY on PostgreSQL, the DBAPI's executemany on SQLite."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        copy_rows(conn, "name_keys", ("person_id", "key"), rows, types=column_types(name_keys, ("person_id", "key")))
        return
    conn.exec_driver_sql("INSERT INTO name_keys (person_id, key) VALUES (?, ?)", rows)


_WRITTEN: weakref.WeakKeyDictionary[object, set[tuple[str, str]]] = weakref.WeakKeyDictionary()


def _written_variants(conn: Connection) -> set[tuple[str, str]]:
    """The surname variants this transaction has already written or found present: later chunks of an
    import skip them (variants are only ever added; the set goes with the transaction object)."""
    txn = conn.get_transaction()
    if txn is None:
        return set()
    return _WRITTEN.setdefault(txn, set())


def _add_variants(conn: Connection, wanted_variants: set[tuple[str, str]]) -> None:
    done = _written_variants(conn)
    variants = wanted_variants - done
    if not variants:
        return
    done |= variants   # written below, or found present
    have: set[tuple[str, str]] = set()
    wanted = sorted({v for v, _ in variants}) if conn.dialect.name != "postgresql" else []
    for i in range(0, len(wanted), 500):
        have |= {(r.variant, r.key) for r in conn.execute(select(surname_variants).where(
            surname_variants.c.variant.in_(wanted[i:i + 500])))}
    rows = [{"variant": v, "key": k} for v, k in sorted(variants - have)]
    if conn.dialect.name == "postgresql" and rows:
        # write transactions re-key concurrently there: another may add the same variant first (sorted
        # order: two never wait on each other's rows the other way round); COPY into a temporary table,
        # then one INSERT ... ON CONFLICT DO NOTHING
        conn.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS new_variants (variant text, key text) "
                             "ON COMMIT DELETE ROWS")
        copy_rows(conn, "new_variants", ("variant", "key"), [(r["variant"], r["key"]) for r in rows],
                  types=("text", "text"))
        conn.exec_driver_sql("INSERT INTO surname_variants (variant, key) SELECT variant, key FROM new_variants "
                             "ORDER BY variant, key ON CONFLICT DO NOTHING")
        conn.exec_driver_sql("DELETE FROM new_variants")
        return
    bulk_insert(conn, surname_variants, rows)


def changed_persons(conn: Connection, since: int, head: int) -> set[int]:
    """Persons with an audit entry after chain position ``since`` up to ``head``."""
    # the entity type is filtered here, not in SQL: SQLite would then pick ix_audit_entity and scan every
    # person's entries instead of the few since ``since`` on the seq index
    rows = conn.execute(select(audit_log.c.entity_type, audit_log.c.entity_id).where(
        audit_log.c.seq > since, audit_log.c.seq <= head))
    return {eid for etype, eid in rows if etype == "person"}


def changed_head(conn: Connection) -> int:
    """The audit chain position of the newest committed change (0 on an empty log)."""
    return _head(conn)


def _head(conn: Connection) -> int:
    return int(conn.execute(select(audit_head.c.changed_seq).where(audit_head.c.id == 1)).scalar() or 0)


# the chain position of the newest change, the keys' mark, and the hash of the entry at that position
_STATE = ("SELECT (SELECT changed_seq FROM audit_head WHERE id = 1), (SELECT seq FROM name_keys_state WHERE id = 1), "
          "(SELECT hash FROM audit_log WHERE seq = (SELECT changed_seq FROM audit_head WHERE id = 1))")


def _state(conn: Connection) -> tuple[int, int, str | None]:
    head, done, chain_hash = conn.exec_driver_sql(_STATE).one()
    return int(head or 0), int(done), chain_hash


class Head(NamedTuple):
    seq: int              # the chain position of the newest committed change
    hash: str | None      # the hash of its entry (tells one history from another)
    current: bool         # the keys reflect every change up to it


def synced_head(conn: Connection) -> Head:
    """The newest committed change, read on ``conn`` after the keys were brought up to it
    (sync_name_index, in transactions of its own): what ``conn`` reads next is at least that new. One
    query when the keys are current."""
    for _ in range(3):
        head, done, chain_hash = _state(conn)
        if done >= head and done >= 0:
            return Head(head, chain_hash, True)
        conn.rollback()   # end this read (SQLite keeps a read's snapshot): the sync writes elsewhere
        sync_name_index(conn.engine)
    head, done, chain_hash = _state(conn)   # writers keep outrunning the sync: the keys may lag
    return Head(head, chain_hash, done >= head and done >= 0)


def sync_name_index(engine: Engine) -> int:
    """Bring the stored keys up to the newest committed change; the number of persons re-keyed (0 when
    they were current: one read of two one-row tables)."""
    with engine.connect() as conn:
        head, done, _ = _state(conn)
        if done >= head and done >= 0:
            return 0
        if done >= 0 and not changed_persons(conn, done, head):
            todo: set[int] | None = set()   # only changes to other records since: just move the mark
        else:
            todo = None
    with engine.begin() as conn:
        claimed = conn.execute(update(name_keys_state).where(name_keys_state.c.id == 1, name_keys_state.c.seq == done)
                               .values(seq=head)).rowcount
        if claimed != 1:   # another process caught up first (its transaction held the row)
            return 0
        if done < 0:
            return _rebuild(conn)
        if todo is not None:
            return 0
        return _refresh(conn, changed_persons(conn, done, head))


def _refresh(conn: Connection, wanted: set[int], *, new: bool = False) -> int:
    for chunk in ([] if new else _chunks(wanted)):
        conn.execute(delete(name_keys).where(name_keys.c.person_id.in_(chunk or [])))
    recs = load_records(conn, wanted)
    _insert(conn, recs.values())
    return len(recs)


def _rebuild(conn: Connection) -> int:
    conn.execute(delete(name_keys))
    conn.execute(delete(surname_variants))
    recs = load_records(conn, None)
    with indexes_after(conn, (name_keys,), rows=len(recs), existing=0):
        _insert(conn, recs.values())
    return len(recs)


def rebuild_name_index(engine: Engine) -> int:
    """Compute every person's keys from scratch (`kartoteka index rebuild`); the number of persons."""
    with engine.begin() as conn:
        head = _head(conn)
        conn.execute(update(name_keys_state).where(name_keys_state.c.id == 1).values(seq=head))
        n = _rebuild(conn)
    vacuum_analyze(engine, "name_keys, surname_variants")   # as after a large import (services/imports.py)
    return n


@dataclass
class IndexCheck:
    persons: int
    wrong: list[int]            # persons whose stored keys differ from keys computed now
    missing_variants: int       # surname variants a person needs and the table lacks

    @property
    def ok(self) -> bool:
        return not self.wrong and not self.missing_variants


def check_name_index(engine: Engine, *, sync: bool = True) -> IndexCheck:
    """Compare the stored keys with keys computed from scratch (`kartoteka index check`)."""
    if sync:
        sync_name_index(engine)
    with engine.connect() as conn:
        recs = load_records(conn, None)
        stored: dict[int, set[int]] = {}
        for pid, key in conn.execute(select(name_keys.c.person_id, name_keys.c.key)):
            stored.setdefault(pid, set()).add(key)
        have = {(r.variant, r.key) for r in conn.execute(select(surname_variants))}
        n_stored = conn.execute(select(func.count(func.distinct(name_keys.c.person_id)))).scalar_one()
    wrong, missing = [], 0
    for pid, rec in recs.items():
        keys, variants = record_keys(rec)
        if stored.get(pid, set()) != keys:
            wrong.append(pid)
        missing += len(variants - have)
    wrong += sorted(set(stored) - set(recs))   # keys of deleted or vanished persons
    return IndexCheck(max(len(recs), n_stored), wrong, missing)
