"""The steps each person chose to try, for following up when they return.

Revision ID: 0001
Revises:
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chosen_steps",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("step", sa.String(64), nullable=False),
        sa.Column("pattern", sa.String(32)),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True)),
        sa.Column("outcome", sa.String(16)),
    )
    op.create_index("ix_chosen_steps_sender_id", "chosen_steps", ["sender_id"])


def downgrade() -> None:
    op.drop_index("ix_chosen_steps_sender_id", table_name="chosen_steps")
    op.drop_table("chosen_steps")
