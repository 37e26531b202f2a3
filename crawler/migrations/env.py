"""Alembic environment: migrations run on the connection crawler.sqldata hands over, inside its
transaction (SQLite: BEGIN IMMEDIATE; PostgreSQL: under an advisory lock), so two processes that
open the same history at once migrate it once."""
from alembic import context

context.configure(connection=context.config.attributes["connection"])
with context.begin_transaction():
    context.run_migrations()
