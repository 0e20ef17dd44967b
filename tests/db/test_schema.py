from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from kartoteka.db.schema import current_revision, head_revision
from kartoteka.db.tables import metadata
from tests.conftest import Db


def test_migrations_match_the_tables(db: Db) -> None:
    assert current_revision(db.engine) == head_revision()
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), metadata)
    assert diff == [], diff
