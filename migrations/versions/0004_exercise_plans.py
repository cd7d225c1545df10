"""Exercise plans: what each guided exercise ended with, for "show my plan" and the follow-up.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "exercise_plans",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("exercise", sa.String(64), nullable=False),
        sa.Column("choices", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True)),
        sa.Column("outcome", sa.String(16)),
    )
    op.create_index("ix_exercise_plans_sender_id", "exercise_plans", ["sender_id"])


def downgrade() -> None:
    op.drop_index("ix_exercise_plans_sender_id", table_name="exercise_plans")
    op.drop_table("exercise_plans")
