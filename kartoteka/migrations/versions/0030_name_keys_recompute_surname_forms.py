"""name_keys computed again after the name data changed: classes of listed surname forms (Armenian
Hovhannisyan = Оганесян = Ованесян, Hakobyan = Акопян, Sargsyan = Саркисян; Korean Park = Bak = Пак, Gim = Ким,
Yi = Ли, Choi = Цой, Jeong = Тен), the Armenian reading of an initial Hovh- as Ов-, and Armenian given names
(Гагик, Сурен, Саркис ...; the given-name classes after them are numbered anew). Persons with such names get
other keys than those stored. As 0023 and 0029: no table changes; the mark -1 makes the next search (or
`kartoteka index rebuild`) compute every person's keys.

Revision ID: 0030
Revises: 0029
"""

from __future__ import annotations

from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("UPDATE name_keys_state SET seq = -1")


def downgrade() -> None:
    op.execute("UPDATE name_keys_state SET seq = -1")
