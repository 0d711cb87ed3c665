"""The migrations build the same schema as the models, on SQLite and on PostgreSQL."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from db.models import Base
from db.session import make_engine, upgrade


def schema_diff(engine) -> list:
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def test_migrations_create_the_model_schema_on_sqlite(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'k.sqlite'}")
    upgrade(engine)
    upgrade(engine)  # safe to run again
    assert set(Base.metadata.tables) <= set(inspect(engine).get_table_names())
    assert schema_diff(engine) == []


def test_migrations_match_the_models_on_the_test_database(engine):
    if engine.dialect.name == "sqlite":
        # SQLite tests build the schema from the models; PostgreSQL ones from the migrations.
        engine = make_engine("sqlite://")
        upgrade(engine)
    assert schema_diff(engine) == []
