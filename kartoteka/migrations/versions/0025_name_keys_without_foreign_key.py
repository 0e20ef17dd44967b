"""name_keys without its foreign key to persons: the keys are derived data, kept by the write paths

On PostgreSQL a foreign key is checked by a trigger per inserted row: a 100k persons import wrote 1.2M
key rows and the server spent 6 of its 11 s of CPU on those checks (10 of 20 s wall). Persons are
never deleted (only marked deleted), nothing relied on the cascade, the writes that add keys write
their persons in the same transaction, and `kartoteka index check` compares every person's stored keys
with keys computed afresh.

Revision ID: 0025
Revises: 0024
"""

from __future__ import annotations

from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None

FK = "fk_name_keys_person_id_persons"


def upgrade() -> None:
    with op.batch_alter_table("name_keys") as batch:
        batch.drop_constraint(FK, type_="foreignkey")


def downgrade() -> None:
    with op.batch_alter_table("name_keys") as batch:
        batch.create_foreign_key(FK, "persons", ["person_id"], ["id"], ondelete="CASCADE")
