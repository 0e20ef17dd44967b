"""name_keys computed again: a Latin name of a person who also has a Cyrillic one is filed under its
transliteration keys only (as the in-memory index files it), and every surname key a person carries has
a mark of its own (what the matcher reads as "the registry has this surname"). No table changes: the
mark -1 makes the next search (or `kartoteka index rebuild`) compute every person's keys.

Revision ID: 0023
Revises: 0021
"""

from __future__ import annotations

from alembic import op

revision = "0023"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE name_keys_state SET seq = -1")


def downgrade() -> None:
    op.execute("UPDATE name_keys_state SET seq = -1")
