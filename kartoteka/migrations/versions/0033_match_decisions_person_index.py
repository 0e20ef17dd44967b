"""match_decisions.person_id is indexed (ix_match_decisions_person_id)

A person's stored judgements were found by reading every decision: the respelled-name check
(services/respelled.py) and the duplicates review (services/duplicate_review.py) ask for the decisions of
some persons, a merge (services/person_merge.py) moves a person's decisions to the person kept, and
PostgreSQL reads the decisions of a person row that is deleted, for the foreign key. Only query_key had
an index (0001). Nothing else changes.

Revision ID: 0033
Revises: 0032
"""

from __future__ import annotations

from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_match_decisions_person_id", "match_decisions", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_match_decisions_person_id", table_name="match_decisions")
