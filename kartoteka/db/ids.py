"""Allocate primary keys in bulk, so large imports can insert without a round trip per row."""

from __future__ import annotations

from sqlalchemy import Connection, Table, func, select, text


class IdAllocator:
    """Hands out fresh ids for one table inside one write transaction.

    SQLite: the transaction holds the write lock, so ``max(id) + 1`` onwards is ours.
    PostgreSQL: ids come from the table's own sequence, so other writers never collide.
    """

    def __init__(self, conn: Connection, table: Table):
        self.conn, self.table = conn, table
        self.sqlite = conn.dialect.name == "sqlite"
        self._next = 0
        self._seq: str | None = None
        if self.sqlite:
            self._next = int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()) + 1

    def take(self, n: int) -> list[int]:
        if n <= 0:
            return []
        if self.sqlite:
            start, self._next = self._next, self._next + n
            return list(range(start, start + n))
        if self._seq is None:
            self._seq = str(self.conn.execute(text("SELECT pg_get_serial_sequence(:t, 'id')"),
                                              {"t": self.table.name}).scalar_one())
        # through the driver's cursor: a million values through SQLAlchemy's rows cost about 2 s of the
        # importing process (the sequence itself 0.3 s of the server's)
        cursor = self.conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", (self._seq, n))
            return sorted(int(r[0]) for r in cursor.fetchall())
        finally:
            cursor.close()
