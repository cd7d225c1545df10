"""Practice rounds: the situation and the response the reply leaned toward, for "how am I doing".

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "practice_attempts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("sender_id", sa.String(255), nullable=False),
        sa.Column("scenario", sa.String(64), nullable=False),
        sa.Column("pattern", sa.String(32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reply_text", sa.Text),
    )
    op.create_index("ix_practice_attempts_sender_id", "practice_attempts", ["sender_id"])


def downgrade() -> None:
    op.drop_index("ix_practice_attempts_sender_id", table_name="practice_attempts")
    op.drop_table("practice_attempts")
