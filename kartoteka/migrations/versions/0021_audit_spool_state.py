"""audit_spool_state: how far the SQLite audit spool (db/spool.py) has been moved into the audit log.

One row: the spool's epoch (a random id its file was made with) and the id of the last spooled entry
chained into ``audit_log``; it changes in the same transaction as the entries it covers.

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_spool_state",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("epoch", sa.String(32), nullable=False),
        sa.Column("drained", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("audit_spool_state")
