"""Connecting: the database URL, the engine's rules, migrations, and transactions that fail as
StoreError.

Where the database is: --db or KINERJA_DATABASE_URL (any SQLAlchemy URL; "postgresql://" is
read as psycopg 3), else the SQLite file kinerja.db in KINERJA_DATA_DIR, else in data/ under
the current working directory: the checkout, where the README's quick start runs. Never the
package's own folder, which for an installed wheel is inside site-packages. An empty
database takes its agency from instansi.toml in that same folder, else from the checkout's
data/instansi.toml (instansi.init).

SQLite: a 60 s busy_timeout, WAL (switching a new file to it is retried for up to 60 s too:
SQLite refuses that switch at once, without waiting, while another connection holds the file),
foreign keys on, synchronous=FULL, and every write takes the lock up front (BEGIN IMMEDIATE),
so concurrent writers queue instead of failing. PostgreSQL: psycopg 3 with pre-ping; writers
of one agency serialise on a row lock (instansi.lock).

Every transaction goes through write() or read(): a database or driver error rolls the
transaction back and leaves the store as StoreError with an Indonesian message, never as a
raw SQLAlchemy or driver exception.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


class StoreError(Exception):
    """A refusal or a problem a person can act on; the message is Indonesian and final."""


class DatabaseRefused(StoreError):
    """The database refused a value the store's own checks let through (too long, a duplicate
    key, a value of the wrong kind); the transaction was rolled back."""


def data_dir() -> Path:
    """KINERJA_DATA_DIR, else data/ under the current working directory."""
    own = os.environ.get("KINERJA_DATA_DIR")
    return Path(own) if own else Path.cwd() / "data"


def default_url() -> str:
    """KINERJA_DATABASE_URL, else the SQLite file kinerja.db in data_dir()."""
    url = os.environ.get("KINERJA_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{data_dir() / 'kinerja.db'}"


def _normalize_url(url: str) -> str:
    # "postgresql://" would pick psycopg2, which is not installed.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


_SQLITE_BUSY_TIMEOUT_MS = 60_000


def _set_wal(cur: sqlite3.Cursor) -> None:
    """PRAGMA journal_mode=WAL, retried for as long as busy_timeout would wait.

    Turning a new (rollback-journal) file into WAL rewrites its header, and SQLite takes that
    write lock while the pragma already holds a read lock: when another connection holds the
    file at that moment (several processes opening a new database at once), it answers
    "database is locked" at once instead of waiting on busy_timeout, to avoid a deadlock.
    The pragma holds nothing after failing, so trying again is safe; once the file is WAL the
    pragma only reads its header and no longer conflicts with anyone.
    """
    deadline = time.monotonic() + _SQLITE_BUSY_TIMEOUT_MS / 1000
    pause = 0.002
    while True:
        try:
            cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            left = deadline - time.monotonic()
            # "database is locked" (SQLITE_BUSY and its extended codes); anything else is real.
            if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY or left <= 0:
                raise
        # Random, so that processes that collided do not collide again in step.
        time.sleep(min(left, random.uniform(pause / 2, pause)))
        pause = min(pause * 2, 0.1)


def make_engine(url: str) -> Engine:
    """An engine with this app's connection rules (see the module docstring)."""
    url = _normalize_url(url)
    if url.startswith("sqlite"):
        parsed = sa.make_url(url)
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": _SQLITE_BUSY_TIMEOUT_MS / 1000})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
            # Own the transactions: pysqlite's implicit BEGIN would defer the write lock.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            # busy_timeout first (sqlite3's timeout already set it), then WAL: see _set_wal.
            cur.execute(f"PRAGMA busy_timeout={_SQLITE_BUSY_TIMEOUT_MS}")
            _set_wal(cur)
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=FULL")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            # Writers take the lock up front, so concurrent writers queue on busy_timeout
            # instead of failing with "database is locked" on lock upgrade.
            if conn.get_execution_options().get("kinerja_tulis"):
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                conn.exec_driver_sql("BEGIN")

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


_REVISION = re.compile(r"^revision\b[^=]*=\s*['\"]([^'\"]+)['\"]", re.MULTILINE)
_DOWN_REVISION = re.compile(r"^down_revision\b[^=]*=(.*)$", re.MULTILINE)


def head_revision() -> str | None:
    """The newest revision in the migrations' versions/, read from the files without importing
    Alembic (half a second of every start); None when the files do not say plainly."""
    revisions: set[str] = set()
    downs: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        rev, down = _REVISION.search(text), _DOWN_REVISION.search(text)
        if rev is None or down is None:
            return None
        revisions.add(rev[1])
        downs.update(re.findall(r"['\"]([^'\"]+)['\"]", down[1]))
    heads = revisions - downs
    return heads.pop() if len(heads) == 1 else None


def migrate(engine: Engine) -> None:
    """Upgrade the database to the newest migration (safe when many processes start at once).

    A database already at head costs one query: Alembic is imported only to upgrade.
    """
    head = head_revision()
    with engine.connect() as conn:
        try:
            current = conn.exec_driver_sql("SELECT version_num FROM alembic_version").all()
        except sa.exc.DBAPIError:
            current = []  # a new database: no alembic_version yet
    if head is not None and [r[0] for r in current] == [head]:
        return

    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    with engine.connect() as conn:
        if MigrationContext.configure(conn).get_current_revision() == head:
            return
    with engine.connect() as conn:
        conn.execution_options(kinerja_tulis=True)
        with conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7285401)")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")


# --- transactions -------------------------------------------------------------------------


@contextmanager
def write(engine: Engine) -> Iterator[Connection]:
    """A write transaction (on SQLite: BEGIN IMMEDIATE); committed on leaving, rolled back on
    any error. Database errors leave as StoreError (DatabaseRefused when the data was at
    fault)."""
    try:
        with engine.connect() as conn:
            conn.execution_options(kinerja_tulis=True)
            with conn.begin():
                yield conn
    except sa.exc.SQLAlchemyError as exc:
        raise _store_error(exc) from exc


@contextmanager
def read(engine: Engine) -> Iterator[Connection]:
    """A read transaction (one snapshot); database errors leave as StoreError."""
    try:
        with engine.connect() as conn, conn.begin():
            yield conn
    except sa.exc.SQLAlchemyError as exc:
        raise StoreError(f"Basis data tidak dapat dibaca: {short(exc)}") from exc


def _store_error(exc: sa.exc.SQLAlchemyError) -> StoreError:
    detail = f" (Rincian: {short(exc)})"
    if isinstance(exc, sa.exc.DataError):
        return DatabaseRefused(
            "Basis data menolak data ini: ada nilai yang terlalu panjang atau tidak sesuai "
            "jenisnya. Tidak ada yang diubah." + detail
        )
    if isinstance(exc, sa.exc.IntegrityError):
        return DatabaseRefused(
            "Basis data menolak data ini karena bertentangan dengan data yang sudah ada "
            "(misalnya data ganda). Tidak ada yang diubah." + detail
        )
    if isinstance(exc, sa.exc.OperationalError):
        return StoreError(
            "Basis data tidak dapat dihubungi atau sedang sibuk; tidak ada yang diubah. "
            "Coba lagi sebentar lagi." + detail
        )
    return StoreError("Basis data gagal menyimpan; tidak ada yang diubah." + detail)


def driver_error(conn: Connection, statement: str, exc: Exception) -> Exception:
    """A driver exception raised outside SQLAlchemy (psycopg's COPY) as SQLAlchemy's own, so
    that write() turns it into a StoreError like any other; other exceptions unchanged."""
    dbapi = conn.dialect.loaded_dbapi
    if isinstance(exc, dbapi.Error):
        return sa.exc.DBAPIError.instance(statement, None, exc, dbapi.Error)
    return exc


def short(exc: BaseException) -> str:
    """The first line of a database error (the driver's, when there is one)."""
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__
