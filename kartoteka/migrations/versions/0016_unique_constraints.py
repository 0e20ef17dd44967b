"""unique constraints where the model says "one": one assessment in progress per person and definition

Two concurrent "create draft" requests (or imports) could both find no assessment in progress and both
insert one. A partial unique index makes the second insert fail; services report it as a Conflict.
Persons' and cases' ``ext_id`` were unique from the start.

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

IN_PROGRESS = sa.text("state IN ('draft', 'submitted') AND deleted_at IS NULL")


def upgrade() -> None:
    op.create_index("uq_assessments_in_progress", "assessments", ["person_id", "definition_id"], unique=True,
                    sqlite_where=IN_PROGRESS, postgresql_where=IN_PROGRESS)


def downgrade() -> None:
    op.drop_index("uq_assessments_in_progress", table_name="assessments")
