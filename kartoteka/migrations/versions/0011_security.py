"""security: the audit log as a hash chain (seq, prev_hash, hash, audit_head), two-factor sign-in
(users.totp_*, recovery_codes) and per-role policies

Existing audit entries are chained in id order, so an upgraded log verifies from its first entry.

Revision ID: 0011
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.add_column(sa.Column("seq", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("prev_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("hash", sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint("uq_audit_log_seq", ["seq"])
    op.create_table("audit_head",
                    sa.Column("id", sa.Integer(), nullable=False),
                    sa.Column("seq", sa.Integer(), nullable=False),
                    sa.Column("hash", sa.String(length=64), nullable=False),
                    sa.Column("changed_seq", sa.Integer(), nullable=False, server_default="0"),
                    sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")))
    op.create_table("role_policies",
                    sa.Column("role", sa.String(length=12), nullable=False),
                    sa.Column("require_totp", sa.Boolean(), nullable=False),
                    sa.PrimaryKeyConstraint("role", name=op.f("pk_role_policies")))
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("totp_enabled", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("totp_last_step", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("recovery_codes", sa.Text(), nullable=False, server_default="[]"))
    _chain_existing()


def _chain_existing() -> None:
    from kartoteka.db.chain import GENESIS, entry_hash

    conn = op.get_bind()
    log = sa.table("audit_log", sa.column("at", sa.DateTime(timezone=True)), *(sa.column(c) for c in (
        "id", "actor", "entity_type", "entity_id", "action", "field", "before", "after", "batch",
        "seq", "prev_hash", "hash")))
    prev, seq = GENESIS, 0
    rows = conn.execute(sa.select(log).order_by(log.c.id)).mappings().all()
    for row in rows:
        seq += 1
        entry = {**row, "seq": seq}
        digest = entry_hash(prev, entry)
        conn.execute(sa.update(log).where(log.c.id == row["id"]).values(seq=seq, prev_hash=prev, hash=digest))
        prev = digest
    conn.execute(sa.table("audit_head", sa.column("id"), sa.column("seq"), sa.column("hash"),
                          sa.column("changed_seq")).insert().values(id=1, seq=seq, hash=prev, changed_seq=seq))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("recovery_codes")
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_enabled")
        batch_op.drop_column("totp_secret")
    op.drop_table("role_policies")
    op.drop_table("audit_head")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_constraint("uq_audit_log_seq", type_="unique")
        batch_op.drop_column("hash")
        batch_op.drop_column("prev_hash")
        batch_op.drop_column("seq")
