"""The therapy and helpline directory: resources by country, and the kinds each one serves.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "resources",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("how_to_reach", sa.String(300), nullable=False),
        sa.Column("good_for", sa.Text),
        sa.Column("country", sa.String(3), nullable=False),
        sa.Column("checked", sa.Date, nullable=False),
        sa.UniqueConstraint("name", "country", name="uq_resources_name_country"),
    )
    op.create_table(
        "resource_kinds",
        sa.Column(
            "resource_id",
            sa.Integer,
            sa.ForeignKey("resources.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("kind", sa.String(16), primary_key=True),
    )


def downgrade() -> None:
    op.drop_table("resource_kinds")
    op.drop_table("resources")
