"""name_keys computed again after the name data changed: a word typed with Latin and Cyrillic look-alike
letters (Caxaрова with a Latin C, x and a) is read in the script most of its letters are in (names/keys.py
one_script); the Armenian surname class of Петросян (Bedrosian); Georgian patronymic particles (Nodaris dze,
Zurabis asuli); new given names and diminutives (Кетеван with Кети and Кето; Гоги for Георгий: the given-name
classes after them are numbered anew). Persons with such names get other keys than those stored. As 0023 and
0029-0031: no table changes; the mark -1 makes the next search (or `kartoteka index rebuild`) compute every
person's keys.

Revision ID: 0032
Revises: 0031
"""

from __future__ import annotations

from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE name_keys_state SET seq = -1")


def downgrade() -> None:
    op.execute("UPDATE name_keys_state SET seq = -1")
