"""Looking after the database: a consistent backup, the integrity check, row counts."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from kinerja.store.engine import StoreError, read, short
from kinerja.store.tables import Audit, Base, Kiriman, Rekaman


def backup(engine: Engine, path: str | Path) -> Path:
    """A consistent copy of the database at path.

    SQLite: the online backup API (safe while the app runs). PostgreSQL: pg_dump in its
    custom format (restore with pg_restore); needs pg_dump on PATH. The password goes to
    pg_dump in its environment (PGPASSWORD), never on its command line, which any user of
    the machine can read in the process list.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    if engine.dialect.name == "sqlite":
        if target.exists():
            target.unlink()
        try:
            raw = engine.raw_connection()
            try:
                src = raw.driver_connection
                dst = sqlite3.connect(target)
                try:
                    src.backup(dst)  # type: ignore[union-attr]
                finally:
                    dst.close()
            finally:
                raw.close()
        except (sa.exc.SQLAlchemyError, sqlite3.Error) as exc:
            raise StoreError(f"Cadangan gagal: {short(exc)}") from exc
        return target
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise StoreError(
            "Cadangan PostgreSQL memerlukan program pg_dump (paket postgresql-client); "
            "pasang lalu ulangi, atau gunakan pencadangan server."
        )
    url, env = engine.url, dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    # The same URL without its password (URL.set cannot clear a field).
    url = sa.URL.create(
        "postgresql", url.username, None, url.host, url.port, url.database, url.query
    )
    proc = subprocess.run(
        [
            pg_dump,
            "--format=custom",
            "--file",
            str(target),
            url.render_as_string(hide_password=False),
        ],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )
    if proc.returncode != 0:
        last = (proc.stderr or "").strip().splitlines()[-1:] or [f"kode keluar {proc.returncode}"]
        raise StoreError(f"pg_dump gagal: {last[0]}")
    return target


def check(engine: Engine) -> list[str]:
    """Integrity problems found ([] when sound): the engine's own check and the invariants.

    - SQLite: PRAGMA integrity_check and foreign_key_check;
    - a submission that was accepted (or later superseded) holds jumlah_rekaman records;
    - a superseded submission names the one that replaced it;
    - current records belong to an accepted submission.
    """
    problems: list[str] = []
    with read(engine) as conn:
        if engine.dialect.name == "sqlite":
            res = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").all()]
            if res != ["ok"]:
                problems += [f"integrity_check: {r}" for r in res]
            fk = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
            problems += [f"foreign_key_check: {tuple(r)}" for r in fk]
        count = (
            select(func.count(Rekaman.id)).where(Rekaman.kiriman_id == Kiriman.id).scalar_subquery()
        )
        bad = conn.scalars(
            select(Kiriman.id)
            .where(Kiriman.status != "refused", Kiriman.jumlah_rekaman != count)
            .order_by(Kiriman.id)
        ).all()
        problems += [f"kiriman #{k}: jumlah rekaman tidak cocok" for k in bad]
        bad = conn.scalars(
            select(Kiriman.id)
            .where(Kiriman.status == "superseded", Kiriman.digantikan_oleh.is_(None))
            .order_by(Kiriman.id)
        ).all()
        problems += [f"kiriman #{k}: diganti tanpa pengganti" for k in bad]
        bad = conn.scalars(
            select(Rekaman.kiriman_id)
            .join(Kiriman, Kiriman.id == Rekaman.kiriman_id)
            .where(Rekaman.kini == sa.true(), Kiriman.status != "accepted")
            .distinct()
            .order_by(Rekaman.kiriman_id)
        ).all()
        problems += [f"kiriman #{k}: data kini pada kiriman yang tidak aktif" for k in bad]
    return problems


def counts(engine: Engine) -> dict[str, int]:
    """Row counts per table (tests and the crash check compare them)."""
    with read(engine) as conn:
        return {
            t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0)
            for t in Base.metadata.sorted_tables
        }


def version(engine: Engine) -> int:
    """A number that grows with every change the store makes (the newest audit line's id):
    screens key their caches on it, one indexed query per rerun instead of re-reading."""
    with read(engine) as conn:
        return int(conn.scalar(select(func.max(Audit.id))) or 0)
