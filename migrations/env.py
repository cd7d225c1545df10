"""Alembic environment: runs the migrations on the connection the store hands over, or on the URL."""

from alembic import context
from sqlalchemy import create_engine

from coach.store import Base, database_url

target_metadata = Base.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    with create_engine(database_url(), future=True).connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()


run_migrations()
