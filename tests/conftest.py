"""Shared fixtures: database URLs for SQLite and for a throwaway PostgreSQL server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import psycopg
import pytest
from psycopg import sql
from sqlalchemy.engine import make_url

POSTGRES_URL_ENV = "KINERJA_TEST_POSTGRES_URL"


def skip_or_fail(reason: str) -> NoReturn:
    """Skip a test whose service is missing; in CI a missing service is a failure."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (in CI a missing server or browser is a failure)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def missing_service() -> Callable[[str], NoReturn]:
    """`skip_or_fail` for fixtures in sub-folders (conftest modules are not imported)."""
    return skip_or_fail


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """SQLAlchemy URL of the server's `kinerja_test` database (scripts/with-postgres.sh)."""
    url = os.environ.get(POSTGRES_URL_ENV)
    if not url:
        skip_or_fail(
            f"{POSTGRES_URL_ENV} is not set: run under scripts/with-postgres.sh "
            "(scripts/test.sh does)"
        )
    return url


def _libpq_url(sqlalchemy_url: str, database: str) -> str:
    """The same server as a plain postgresql:// URL for psycopg, on another database."""
    url = make_url(sqlalchemy_url).set(drivername="postgresql", database=database)
    return url.render_as_string(hide_password=False)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A SQLAlchemy URL of an empty database, once on SQLite and once on PostgreSQL.

    The PostgreSQL database is created for the test alone and dropped after it.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/kinerja.db"
        return

    server = request.getfixturevalue("postgres_url")
    name = f"kinerja_test_{uuid.uuid4().hex[:12]}"
    admin = _libpq_url(server, make_url(server).database or "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            # A pooled engine the test forgot to dispose of would block the DROP.
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
