"""Alembic environment: runs on the connection or URL that kartoteka.db.schema hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from kartoteka.db.tables import metadata


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = create_engine(context.config.get_main_option("sqlalchemy.url") or "sqlite:///kartoteka.db")
    with engine.begin() as conn:
        _run(conn)
