"""name_keys computed again after the name data changed: Turkic patronymic words (огълу, къызы, qızı,
огли), a father's name ending in the particle's letter, a compound father's name before oğlu, Искандер =
Эскендер and the Moldovan given names (Ion, Vasile, Gheorghe ...). Persons with such names get other keys
than those stored. As 0023: no table changes; the mark -1 makes the next search (or `kartoteka index
rebuild`) compute every person's keys.

Revision ID: 0029
Revises: 0028
"""

from __future__ import annotations

from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE name_keys_state SET seq = -1")


def downgrade() -> None:
    op.execute("UPDATE name_keys_state SET seq = -1")
