"""Fresh PostgreSQL databases for the tests, made ready by a thread while the tests run.

Every test that takes ``db`` still gets a database in exactly the state of the migrated template, used
by that test alone. What changes is how: instead of a CREATE DATABASE before every test and a DROP
DATABASE after it, a database a test is done with is emptied and used again under a new name.

Why: on PostgreSQL 15 each DROP DATABASE makes the server checkpoint, which writes and syncs every file
made since the last one, and every new copy of the template is some 600 files (9 MB). On this 2-core
machine the copy and the drop took 0.5-1.5 s per PostgreSQL test (under 0.1 s each on an idle server),
some 300 s of the workers' time per suite, mostly waiting for the disk.

How a used database is made fresh again (in this thread, while the next test runs on another one):
1. its connections are ended (as DROP ... WITH (FORCE) did) and it is renamed to a new unique name, so
   no process of the old test reaches it and no cache keyed by the URL (engines, chain state, matchers)
   carries over to the next test;
2. in one transaction: every row of every table is deleted (foreign keys not checked meanwhile), the
   rows the migrations wrote are put back and every sequence is set back where the template has it;
3. it is compared with the template: the whole schema (tables, columns, types, defaults, constraints,
   indexes, triggers, functions, views, sequences, enums, extensions, grants, database settings), the
   number of rows of every table and every sequence's position. A database that differs in anything
   (a test changed the schema, or a step failed) is dropped and a new copy is made instead.
"""

from __future__ import annotations

import json
import queue
import threading
import time
import uuid
from typing import Any

from sqlalchemy import Connection, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

AHEAD = 2   # databases kept ready: a test takes one while the thread prepares the next

_USER = "(SELECT oid FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema')"
SCHEMA = f"""
SELECT md5(coalesce(string_agg(x, E'\\n' ORDER BY x), '')) FROM (
  SELECT format('n %s %s %s', nspname, nspowner::regrole, nspacl) AS x FROM pg_namespace WHERE oid IN {_USER}
  UNION ALL SELECT format('c %s %s %s %s %s', oid::regclass, relkind, relpersistence, reloptions, relacl)
    FROM pg_class WHERE relnamespace IN {_USER}
  UNION ALL SELECT format('a %s %s %s %s %s %s %s %s', a.attrelid::regclass, a.attnum, a.attname,
                          format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity, a.attgenerated,
                          pg_get_expr(d.adbin, d.adrelid))
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relnamespace IN {_USER} AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL SELECT format('k %s %s %s', conrelid::regclass, conname, pg_get_constraintdef(oid))
    FROM pg_constraint WHERE connamespace IN {_USER}
  UNION ALL SELECT format('i %s', pg_get_indexdef(i.indexrelid))
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relnamespace IN {_USER}
  UNION ALL SELECT format('t %s %s %s %s', tgrelid::regclass, tgname, tgenabled, tgfoid::regprocedure)
    FROM pg_trigger WHERE NOT tgisinternal
  UNION ALL SELECT format('f %s %s', oid::regprocedure, md5(prosrc)) FROM pg_proc WHERE pronamespace IN {_USER}
  UNION ALL SELECT format('v %s %s', oid::regclass, pg_get_viewdef(oid))
    FROM pg_class WHERE relkind IN ('v', 'm') AND relnamespace IN {_USER}
  UNION ALL SELECT format('r %s %s %s', ev_class::regclass, rulename, ev_enabled)
    FROM pg_rewrite WHERE rulename <> '_RETURN'
      AND ev_class IN (SELECT oid FROM pg_class WHERE relnamespace IN {_USER})
  UNION ALL SELECT format('p %s %s %s', polrelid::regclass, polname, pg_get_expr(polqual, polrelid))
    FROM pg_policy
  UNION ALL SELECT format('q %s.%s %s %s %s %s %s %s', schemaname, sequencename, data_type, start_value,
                          min_value, max_value, increment_by, cycle) FROM pg_sequences
  UNION ALL SELECT format('y %s %s', enumtypid::regtype, string_agg(enumlabel, ',' ORDER BY enumsortorder))
    FROM pg_enum GROUP BY enumtypid
  UNION ALL SELECT format('T %s %s', oid::regtype, typtype) FROM pg_type
    WHERE typnamespace IN {_USER} AND typtype IN ('c', 'd', 'e', 'r', 'm') AND typrelid = 0
  UNION ALL SELECT format('e %s %s', extname, extversion) FROM pg_extension
  UNION ALL SELECT format('d %s', setconfig) FROM pg_db_role_setting
    WHERE setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())
  UNION ALL SELECT format('D %s %s', datacl, datconnlimit) FROM pg_database WHERE datname = current_database()
) parts
"""
TABLES = f"""SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE c.relkind IN ('r', 'p') AND c.relnamespace IN {_USER} ORDER BY 1"""
SEQUENCES = "SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences ORDER BY 1"
COLUMNS = """SELECT string_agg(format('%I', attname), ', ' ORDER BY attnum) FROM pg_attribute
             WHERE attrelid = CAST(:table AS regclass) AND attnum > 0 AND NOT attisdropped AND attgenerated = ''"""


class Snapshot:
    """What a fresh copy of the template holds: its schema, its rows (only those the migrations wrote)
    and its sequences' positions."""

    def __init__(self, conn: Connection) -> None:
        self.schema = str(conn.execute(text(SCHEMA)).scalar_one())
        self.tables = [str(t) for t in conn.execute(text(TABLES)).scalars()]
        self.sequences = {str(s): _position(conn, str(s)) for s in conn.execute(text(SEQUENCES)).scalars()}
        self.counts = _counts(conn, self.tables)
        self.rows: dict[str, tuple[str, str]] = {}   # table: (its columns, its rows as JSON)
        for table in self.tables:
            if self.counts[table]:
                columns = str(conn.execute(text(COLUMNS), {"table": table}).scalar_one())
                rows = conn.execute(text(f"SELECT json_agg(t) FROM (SELECT {columns} FROM {table}) t")).scalar_one()
                self.rows[table] = (columns, json.dumps(rows, ensure_ascii=False))

    def restore(self, conn: Connection) -> None:
        """Back to the template's rows and sequences (in the caller's transaction)."""
        conn.execute(text("SET LOCAL session_replication_role = replica"))   # foreign keys: any order
        for table in self.tables:
            conn.execute(text(f"DELETE FROM {table}"))
        for table, (columns, rows) in self.rows.items():
            conn.execute(text(f"INSERT INTO {table} ({columns}) OVERRIDING SYSTEM VALUE SELECT {columns} "
                              f"FROM json_populate_recordset(NULL::{table}, CAST(:rows AS json))"), {"rows": rows})
        for sequence, (value, called) in self.sequences.items():
            conn.execute(text("SELECT setval(CAST(:s AS regclass), :v, :c)"), {"s": sequence, "v": value, "c": called})

    def differences(self, conn: Connection) -> list[str]:
        """What differs from the template (nothing: [])."""
        found = []
        if str(conn.execute(text(SCHEMA)).scalar_one()) != self.schema:
            found.append("schema")
        if [str(t) for t in conn.execute(text(TABLES)).scalars()] != self.tables:
            found.append("tables")
        elif _counts(conn, self.tables) != self.counts:
            found.append("rows")
        for sequence, position in self.sequences.items():
            if _position(conn, sequence) != position:
                found.append(sequence)
        return found


def _position(conn: Connection, sequence: str) -> tuple[int, bool]:
    row = conn.execute(text(f"SELECT last_value, is_called FROM {sequence}")).one()
    return int(row[0]), bool(row[1])


def _counts(conn: Connection, tables: list[str]) -> dict[str, int]:
    if not tables:
        return {}
    query = " UNION ALL ".join(f"SELECT {i}, count(*) FROM {t}" for i, t in enumerate(tables))
    found: dict[int, int] = {int(i): int(n) for i, n in conn.execute(text(query))}
    return {t: int(found[i]) for i, t in enumerate(tables)}


class PgDatabases:
    """Databases as fresh as a copy of ``template``, one per ``take()``; ``give_back`` when done."""

    def __init__(self, server_url: str, template: str) -> None:
        self.server_url = server_url
        self.template = template
        self.admin = create_engine(make_url(server_url).set(database="postgres"), isolation_level="AUTOCOMMIT")
        with self._connect(template) as conn:
            self.snapshot = Snapshot(conn)
        self.ready: queue.Queue[str | Exception] = queue.Queue()
        self.preparing = 0                 # copies being made, or made and not yet taken
        self.returned: list[str] = []
        self.existing: set[str] = set()    # every database this pool made and has not dropped
        self.renewed: dict[str, str] = {}          # used database: its new name, made fresh again
        self.refused: dict[str, list[str]] = {}    # used database: why it was dropped instead
        self.stopping = False
        self.wake = threading.Condition()
        self.thread = threading.Thread(target=self._work, name="pg-databases", daemon=True)
        self.thread.start()

    def url(self, name: str) -> str:
        return make_url(self.server_url).set(database=name).render_as_string(hide_password=False)

    def _connect(self, name: str) -> Connection:
        return create_engine(self.url(name), poolclass=NullPool).connect()

    def _admin(self, sql: str, **params: Any) -> None:
        with self.admin.connect() as conn:
            conn.execute(text(sql), params)

    def take(self) -> str:
        got = self.ready.get(timeout=300)
        with self.wake:
            self.preparing -= 1
            self.wake.notify()
        if isinstance(got, Exception):
            raise got
        return got

    def give_back(self, name: str) -> None:
        """The test is done with it (its own connections closed)."""
        with self.wake:
            self.returned.append(name)
            self.wake.notify()

    def close(self) -> None:
        with self.wake:
            self.stopping = True
            self.wake.notify()
        self.thread.join()
        for name in sorted(self.existing):
            self._drop(name)
        self.admin.dispose()

    def _work(self) -> None:
        while True:
            with self.wake:
                while not self.stopping and not self.returned and self.preparing >= AHEAD:
                    self.wake.wait()
                if self.stopping:
                    return
                used = self.returned.pop(0) if self.returned else None
                self.preparing += 1
            try:
                self.ready.put(self._renew(used) if used is not None else self._copy())
            except Exception as exc:  # the test that takes it fails with the server's error
                self.ready.put(exc)

    def _copy(self) -> str:
        name = f"kt_{uuid.uuid4().hex[:12]}"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        self.existing.add(name)
        return name

    def _drop(self, name: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.existing.discard(name)

    def _renew(self, used: str) -> str:
        """``used`` as fresh as a new copy, under a new name; or a new copy when it cannot be."""
        name = f"kt_{uuid.uuid4().hex[:12]}"
        try:
            self._rename(used, name)
        except Exception:
            self.refused[used] = ["rename"]
            self._drop(used)
            return self._copy()
        try:
            with self._connect(name) as conn:
                with conn.begin():
                    self.snapshot.restore(conn)
                different = self.snapshot.differences(conn)
        except Exception:
            different = ["error"]
        if different:
            self.refused[used] = different
            self._drop(name)
            return self._copy()
        self.renewed[used] = name
        return name

    def _rename(self, old: str, new: str) -> None:
        """Rename ``old`` once nothing is connected to it (what DROP ... WITH (FORCE) would end)."""
        deadline = time.monotonic() + 10
        while True:
            self._admin("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()", name=old)
            try:
                self._admin(f'ALTER DATABASE "{old}" RENAME TO "{new}"')
            except Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)   # an ended backend takes a moment to go
                continue
            self.existing.discard(old)
            self.existing.add(new)
            return
