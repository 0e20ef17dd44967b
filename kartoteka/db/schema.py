"""Create or upgrade the schema through Alembic migrations.

Checking the schema (every command does) needs no Alembic: the head revision is read from the migration
files' ``revision`` / ``down_revision`` lines and the database's from ``alembic_version`` (Alembic's
import alone took ~0.4 s of each command's start). Upgrading loads Alembic.
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from kartoteka.errors import N_, KartotekaError

if TYPE_CHECKING:
    from alembic.config import Config

_REV = re.compile(r'^(revision|down_revision)\s*(?::[^=]*)?=\s*(.+)$', re.MULTILINE)


def alembic_config() -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", "kartoteka:migrations")
    return cfg


@lru_cache(maxsize=1)
def head_revision() -> str:
    """The newest revision ("a+b" while branches of parallel work are not yet merged): the revisions no
    migration names as its ``down_revision``."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for f in resources.files("kartoteka").joinpath("migrations/versions").iterdir():
        if not f.name.endswith(".py"):
            continue
        for key, value in _REV.findall(f.read_text("utf-8")):
            names = set(re.findall(r'"([^"]+)"', value))
            (revisions if key == "revision" else parents).update(names)
    heads = revisions - parents
    assert heads
    return "+".join(sorted(heads))


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        heads = [r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))]
    return "+".join(sorted(heads)) if heads else None


def upgrade_schema(engine: Engine) -> tuple[str | None, str]:
    """Bring the database to the newest migration; returns (before, after) revisions."""
    from alembic import command

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
        raise KartotekaError.of(N_("The database %(url)s has no Kartoteka schema yet: run `kartoteka init` first"),
                                 url=engine.url.render_as_string(hide_password=True))
    if rev != head_revision():
        raise KartotekaError.of(N_("The database schema is at %(revision)s, this Kartoteka needs %(head)s: run "
                                    "`kartoteka init` to upgrade"), revision=rev, head=head_revision())
