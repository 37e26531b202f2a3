"""The first schema: runs, agencies, each run's agency list, site and item results, evidence,
failures."""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None


def upgrade() -> None:
    op.create_table("agencies", sa.Column("id", sa.Text, primary_key=True), sa.Column("name", sa.Text, nullable=False),
                    sa.Column("url", sa.Text, nullable=False), sa.Column("province", sa.Text),
                    sa.Column("district", sa.Text), sa.Column("type", sa.Text), sa.Column("extra", sa.Text))
    op.create_table("runs", sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
                    sa.Column("started", sa.Text, nullable=False), sa.Column("finished", sa.Text),
                    sa.Column("status", sa.Text, nullable=False), sa.Column("rules_year", sa.Integer, nullable=False),
                    sa.Column("as_of", sa.Text, nullable=False), sa.Column("source", sa.Text))
    op.create_table("run_agencies", sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id"), primary_key=True),
                    sa.Column("agency_id", sa.Text, sa.ForeignKey("agencies.id"), primary_key=True),
                    sa.Column("name", sa.Text, nullable=False), sa.Column("url", sa.Text, nullable=False),
                    sa.Column("province", sa.Text), sa.Column("district", sa.Text), sa.Column("type", sa.Text),
                    sa.Column("extra", sa.Text))
    op.create_table("site_results", sa.Column("run_id", sa.Integer, primary_key=True),
                    sa.Column("agency_id", sa.Text, primary_key=True), sa.Column("url", sa.Text, nullable=False),
                    sa.Column("status", sa.Text, nullable=False), sa.Column("pages_fetched", sa.Integer, nullable=False),
                    sa.Column("error", sa.Text), sa.Column("score", sa.Float, nullable=False),
                    sa.Column("band", sa.Text, nullable=False), sa.Column("as_of", sa.Text, nullable=False),
                    sa.Column("rules_items", sa.Integer, nullable=False), sa.Column("finished", sa.Text, nullable=False),
                    sa.ForeignKeyConstraint(["run_id", "agency_id"], ["run_agencies.run_id", "run_agencies.agency_id"]))
    op.create_table("item_results", sa.Column("run_id", sa.Integer, primary_key=True),
                    sa.Column("agency_id", sa.Text, primary_key=True), sa.Column("code", sa.Text, primary_key=True),
                    sa.Column("position", sa.Integer, nullable=False), sa.Column("name", sa.Text, nullable=False),
                    sa.Column("status", sa.Text, nullable=False), sa.Column("reason", sa.Text, nullable=False),
                    sa.Column("years_seen", sa.Text), sa.Column("years_needed", sa.Text), sa.Column("hint", sa.Text))
    op.create_table("evidence", sa.Column("run_id", sa.Integer, primary_key=True),
                    sa.Column("agency_id", sa.Text, primary_key=True), sa.Column("code", sa.Text, primary_key=True),
                    sa.Column("position", sa.Integer, primary_key=True), sa.Column("url", sa.Text, nullable=False),
                    sa.Column("text", sa.Text), sa.Column("years", sa.Text))
    op.create_table("failures", sa.Column("run_id", sa.Integer, nullable=False),
                    sa.Column("agency_id", sa.Text, nullable=False), sa.Column("url", sa.Text, nullable=False),
                    sa.Column("error", sa.Text, nullable=False), sa.Column("http_status", sa.Integer))
    op.create_index("failures_run", "failures", ["run_id", "agency_id"])
