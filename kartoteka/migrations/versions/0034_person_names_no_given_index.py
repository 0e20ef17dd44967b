"""person_names without a given name have a partial index (ix_person_names_no_given)

A one-word search scores first the persons with a name that has no given name (matching/bounded.py): only
they can score above the bound of a surname alone. It asked for them among its candidates by reading every
candidate's names through ix_person_names_person_id and testing the given name: at a million persons, 15 ms
of a 32 ms search for a common surname (3,400 candidates, most of them with a given name). The index holds
only the names whose given name is empty or whitespace (every character str.strip() removes), so the same
question probes a small index. The predicate is written out here as matching/stored.py ``no_given_name``
writes it in the query (both databases use a partial index only for a query that repeats its predicate).
Nothing else changes.

Revision ID: 0034
Revises: 0033
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

# every character str.strip() removes, as of this revision (matching/stored.py WHITESPACE)
WHITESPACE = ("\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007"
              "\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000")


def upgrade() -> None:
    op.create_index("ix_person_names_no_given", "person_names", ["person_id"],
                    sqlite_where=sa.text(f"trim(given_name, '{WHITESPACE}') = ''"),
                    postgresql_where=sa.text(f"btrim(given_name, '{WHITESPACE}') = ''"))


def downgrade() -> None:
    op.drop_index("ix_person_names_no_given", table_name="person_names")
