"""Shared fixtures: database URLs for SQLite and for a throwaway PostgreSQL server, the
skip-or-fail rule for missing services, and store workers in other processes."""

from __future__ import annotations

import os
import shutil
import sys
import threading
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import psycopg
import pytest
from hypothesis import settings
from psycopg import sql
from sqlalchemy.engine import make_url

from tests.store_worker import Workers

POSTGRES_URL_ENV = "KINERJA_TEST_POSTGRES_URL"

# Hypothesis fails an example that takes over 200 ms by default: a test that asserts on
# elapsed time, which a busy two-core machine fails for no fault of the code.
settings.register_profile("kinerja", deadline=None, print_blob=True)
settings.load_profile("kinerja")


# pytest runs on several processes (pytest-xdist: `-n auto --dist loadgroup` in pyproject's
# addopts; `-n0` runs in this process alone, as --pdb does). Tests that use one of these
# session-wide helpers go to one worker together, so that a session starts each helper once:
# fixture -> xdist group.
WORKER_GROUPS = {
    "browser": "browser",  # Chromium (tests/browser/conftest.py)
    "_streamlit_zygote": "browser",  # the process that forks streamlit servers
    "_store_zygote": "store-workers",  # the process that forks store workers
}
MIN_WORKERS, MAX_WORKERS = 2, 8


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist, absent under -p no:xdist
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """How many workers `-n auto` starts: one per CPU this process may use, at least 2 (most
    of a browser or store test is waiting for another process) and at most 8 (each worker
    collects the suite and imports the libraries again). PYTEST_XDIST_AUTO_NUM_WORKERS=N
    asks for N (pytest-xdist reads it)."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cpus = os.cpu_count() or 1
    return max(MIN_WORKERS, min(cpus, MAX_WORKERS))


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the groups
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        groups = [WORKER_GROUPS[f] for f in fixtures if f in WORKER_GROUPS]
        if groups and not item.get_closest_marker("xdist_group"):
            item.add_marker(pytest.mark.xdist_group(groups[0]))


MAIN_MODULE = sys.modules["__main__"]


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """After each test: put back this process's __main__, and warn about a thread the test
    left running (a browser kept for the next test aside).

    While a second thread runs, kinerja.isolate reads every spreadsheet through its fork
    server instead of forking this process; a fork-server child first runs __main__'s file
    again, and Streamlit's script runner (AppTest) leaves the page script (app.py) there.
    Together they made every read of every later test take over a second instead of a few
    hundredths (minutes for the suite)."""
    try:
        return (yield)
    finally:
        sys.modules["__main__"] = MAIN_MODULE
        left = [t.name for t in threading.enumerate() if t is not threading.main_thread()]
        if left and nextitem is not None and "browser" not in getattr(nextitem, "fixturenames", ()):
            item.warn(pytest.PytestWarning(f"threads left running after this test: {left}"))


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def skip_or_fail(reason: str) -> NoReturn:
    """Skip a test whose service is missing, saying why; in CI a missing service is a failure."""
    if in_ci():
        pytest.fail(
            f"{reason} (in CI a missing server, program or browser is a failure)", pytrace=False
        )
    pytest.skip(reason)


def require(what: str, why: str) -> str:
    """What a test needs from the machine, or skip_or_fail(why) when it is missing.

    `what` is a program ("pg_dump", "chromium": its path is returned) or, spelled in capitals,
    an environment variable (KINERJA_TEST_POSTGRES_URL: its value is returned). `why` says
    what is missing and how to get it.
    """
    found = os.environ.get(what) if what.isupper() else shutil.which(what)
    if not found:
        skip_or_fail(why)
    return found


@pytest.fixture(scope="session", name="require")
def require_fixture() -> Callable[[str, str], str]:
    """`require` for test modules and the fixtures of sub-folders (conftest modules are not
    imported): `require("pg_dump", "pg_dump is missing: run ...")` in a test body."""
    return require


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """SQLAlchemy URL of the server's `kinerja_test` database (scripts/with-postgres.sh)."""
    return require(
        POSTGRES_URL_ENV,
        f"{POSTGRES_URL_ENV} is not set: run under scripts/with-postgres.sh (scripts/test.sh does)",
    )


@pytest.fixture(scope="session")
def _store_zygote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workers]:
    with Workers(tmp_path_factory.mktemp("workers") / "workers.log") as workers:
        yield workers


@pytest.fixture
def store_workers(_store_zygote: Workers) -> Iterator[Workers]:
    """Processes that store submissions (tests/store_worker.py), shared by the session;
    whatever a test leaves running is killed after it."""
    yield _store_zygote
    _store_zygote.kill_all()


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
