"""assessments.origin and assessments.statement: an imported decision is a record of another
organisation's decision (issue 10). ``origin`` names that organisation ("" for this organisation's own
workflow decisions, draft -> submitted -> decided by a second person); ``statement`` is its URL or
document reference.

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("assessments", sa.Column("origin", sa.String(300), nullable=False, server_default=""))
    op.add_column("assessments", sa.Column("statement", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("statement")
        batch_op.drop_column("origin")
