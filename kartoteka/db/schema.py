"""Create or upgrade the schema through Alembic migrations."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, text

from kartoteka.errors import KartotekaError


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", "kartoteka:migrations")
    return cfg


def head_revision() -> str:
    """The newest revision ("a+b" while branches of parallel work are not yet merged)."""
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert heads
    return "+".join(sorted(heads))


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        heads = MigrationContext.configure(conn).get_current_heads()
    return "+".join(sorted(heads)) if heads else None


def upgrade_schema(engine: Engine) -> tuple[str | None, str]:
    """Bring the database to the newest migration; returns (before, after) revisions."""
    before = current_revision(engine)
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "heads")
        # an empty registry's stored name keys (none) are current: mark them so, or the mark would stay
        # "never built" (-1) through the first imports and the first search would re-key everything
        conn.execute(text("UPDATE name_keys_state SET seq = COALESCE((SELECT MAX(changed_seq) FROM audit_head), 0) "
                          "WHERE seq = -1 AND NOT EXISTS (SELECT 1 FROM persons)"))
    return before, head_revision()


def require_current(engine: Engine) -> None:
    """Refuse to work on a database whose schema is missing or older than this code."""
    rev = current_revision(engine)
    if rev is None:
        raise KartotekaError(f"The database {engine.url.render_as_string(hide_password=True)} has no "
                             "Kartoteka schema yet: run `kartoteka init` first")
    if rev != head_revision():
        raise KartotekaError(f"The database schema is at {rev}, this Kartoteka needs {head_revision()}: "
                             "run `kartoteka init` to upgrade")
