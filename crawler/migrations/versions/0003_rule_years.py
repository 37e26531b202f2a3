"""Provisional rule packs, and each item's code(s) of the year before."""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    op.add_column("site_results", sa.Column("rules_provisional", sa.Integer, nullable=False, server_default="0"))
    op.add_column("item_results", sa.Column("previous", sa.Text))
