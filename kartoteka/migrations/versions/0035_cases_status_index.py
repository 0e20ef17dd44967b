"""cases.status is indexed (ix_cases_status)

The search page offers the case statuses and criminal codes of the cases its reader may see
(services/browse.py filter_choices), and asks on every load. It read every case with its person, and every
charge: 13 s at a million persons on SQLite, 3 s on PostgreSQL, 0.7-1.3 s at 100,000. It now finds the
distinct values through an index, one seek each, and keeps a value when one case that shows it exists:
codes had an index (ix_charges_code_article), statuses get this one. Nothing else changes.

Revision ID: 0035
Revises: 0034
"""

from __future__ import annotations

from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_cases_status", "cases", ["status"])


def downgrade() -> None:
    op.drop_index("ix_cases_status", table_name="cases")
