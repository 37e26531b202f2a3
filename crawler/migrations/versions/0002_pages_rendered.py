"""Pages opened by the browser, per site."""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    op.add_column("site_results", sa.Column("pages_rendered", sa.Integer, nullable=False, server_default="0"))
