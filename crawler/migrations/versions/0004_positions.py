"""Order kept in columns, not in SQLite's rowid (a server database has none); the schema version
of the first files (table meta) gives way to Alembic's."""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in ("run_agencies", "failures"):
        op.add_column(table, sa.Column("position", sa.Integer, nullable=False, server_default="0"))
        if sqlite:  # rows written before keep the order they were written in
            op.execute(f"UPDATE {table} SET position = rowid")
    op.execute("DROP TABLE IF EXISTS meta")
