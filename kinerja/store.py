"""The database (SQLAlchemy 2): agencies, PK indicators, rounds, submissions, records, audit.

One module on purpose: the tables, the connection rules (SQLite WAL + BEGIN IMMEDIATE, or
PostgreSQL through psycopg 3) and the few operations the pages and the CLI call.

Rules kept here:
- one submission is one transaction; a refused file changes no record, only adds a refused
  submission (with its report) and an audit line;
- records are current per slot (instansi, bidang, tahun, periode): an accepted submission
  makes its slots' older records non-current (they stay readable) and records what changed;
- a verified slot is locked until someone unverifies it with a reason;
- the audit table is append-only, enforced by database triggers on SQLite and PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import os
import re
import shutil
import subprocess
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kinerja import schema
from kinerja.pk import PK_COLUMNS

if TYPE_CHECKING:
    from kinerja.capaian import Settings

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

STATUS_KIRIMAN = ("accepted", "refused", "superseded")
STATUS_VERIFIKASI = ("draft", "submitted", "verified", "returned")
# The SOP steps (DOMAIN.md), in order, as they are recorded on a round.
LANGKAH: dict[str, str] = {
    "disposisi": "Disposisi Kepala Dinas",
    "format_dibuat": "Format data kinerja dibuat",
    "format_dikirim": "Format dikirim ke bidang",
    "batas_waktu": "Batas waktu pengisian",
    "data_terkumpul": "Data terkumpul",
    "dievaluasi": "Data dianalisis dan dievaluasi",
    "disusun": "Data kinerja disusun",
}
# Columns of the PK (indikator master) besides instansi, tahun and id.
_FLOAT_COLUMNS = frozenset({"target", "realisasi", "capaian", "pagu", "realisasi_anggaran"})
# Record columns kept per stored record, in output order.
STORED_COLUMNS: list[str] = [
    *schema.RECORD_COLUMNS,
    *schema.ANGGARAN_COLUMNS,
    "capaian_catatan",
    "baris",
]


class StoreError(Exception):
    """A refusal or a problem a person can act on; the message is Indonesian and final."""


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class UtcDateTime(sa.types.TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> Any:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


# --- tables -----------------------------------------------------------------------------


class Base(DeclarativeBase):
    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Instansi(Base):
    """An agency; every other row belongs to one."""

    __tablename__ = "instansi"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kode: Mapped[str] = mapped_column(String(64), unique=True)
    nama: Mapped[str] = mapped_column(String(300))
    # nama, bidang (list), kepala_dinas {nama, nip}, capaian (capaian.Settings.to_dict()).
    pengaturan: Mapped[dict[str, Any]] = mapped_column(JSON)
    dibuat: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class Indikator(Base):
    """The indicator master for one year: the Perjanjian Kinerja and its Rencana Aksi."""

    __tablename__ = "indikator"
    __table_args__ = (UniqueConstraint("instansi_id", "tahun", "bidang", "indikator"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instansi_id: Mapped[int] = mapped_column(ForeignKey("instansi.id"))
    tahun: Mapped[int] = mapped_column(Integer)
    kode: Mapped[str | None] = mapped_column(String(64))
    bidang: Mapped[str] = mapped_column(String(200))
    sasaran: Mapped[str | None] = mapped_column(Text)
    indikator: Mapped[str] = mapped_column(Text)
    satuan: Mapped[str | None] = mapped_column(String(100))
    arah: Mapped[str] = mapped_column(String(10), default="naik")
    agregasi: Mapped[str] = mapped_column(String(20), default="akhir")
    target: Mapped[float | None] = mapped_column(Double)
    target_tw1: Mapped[float | None] = mapped_column(Double)
    target_tw2: Mapped[float | None] = mapped_column(Double)
    target_tw3: Mapped[float | None] = mapped_column(Double)
    target_tw4: Mapped[float | None] = mapped_column(Double)
    target_renstra: Mapped[float | None] = mapped_column(Double)
    tahun_renstra: Mapped[int | None] = mapped_column(Integer)
    program: Mapped[str | None] = mapped_column(Text)
    pagu: Mapped[float | None] = mapped_column(Double)
    diubah: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class Putaran(Base):
    """A collection round: one tahun + periode of one agency."""

    __tablename__ = "putaran"
    __table_args__ = (UniqueConstraint("instansi_id", "tahun", "periode"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instansi_id: Mapped[int] = mapped_column(ForeignKey("instansi.id"))
    tahun: Mapped[int] = mapped_column(Integer)
    periode: Mapped[str] = mapped_column(String(20))
    dibuat: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class Langkah(Base):
    """An SOP step of a round, dated: who did it and when (or, for batas_waktu, when due)."""

    __tablename__ = "langkah"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    putaran_id: Mapped[int] = mapped_column(ForeignKey("putaran.id"), index=True)
    langkah: Mapped[str] = mapped_column(String(30))
    waktu: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    oleh: Mapped[str] = mapped_column(String(200))
    catatan: Mapped[str | None] = mapped_column(Text)
    dicatat: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class Kiriman(Base):
    """A submitted file: accepted, refused (with its report) or superseded; never deleted."""

    __tablename__ = "kiriman"
    __table_args__ = (Index(None, "instansi_id", "tahun", "bidang"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instansi_id: Mapped[int] = mapped_column(ForeignKey("instansi.id"))
    # Labels for lists; the exact coverage is in cakupan (a file may hold several periods).
    bidang: Mapped[str | None] = mapped_column(String(500))
    tahun: Mapped[int | None] = mapped_column(Integer)
    periode: Mapped[str | None] = mapped_column(String(100))
    nama_file: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    ukuran: Mapped[int] = mapped_column(BigInteger)
    isi: Mapped[bytes] = mapped_column(LargeBinary)
    pengguna: Mapped[str] = mapped_column(String(200))
    waktu: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(20))
    digantikan_oleh: Mapped[int | None] = mapped_column(ForeignKey("kiriman.id"))
    jumlah_rekaman: Mapped[int] = mapped_column(Integer)
    # {"errors": [...], "warnings": [...], "pesan": "..."}: the validation report.
    laporan: Mapped[dict[str, Any]] = mapped_column(JSON)


class Cakupan(Base):
    """The slots (bidang in a round) a submission covers."""

    __tablename__ = "cakupan"
    __table_args__ = (Index(None, "putaran_id", "bidang"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kiriman_id: Mapped[int] = mapped_column(ForeignKey("kiriman.id"), index=True)
    putaran_id: Mapped[int] = mapped_column(ForeignKey("putaran.id"))
    bidang: Mapped[str] = mapped_column(String(200))


class Rekaman(Base):
    """A record of an accepted submission; `kini` marks the current one of its key."""

    __tablename__ = "rekaman"
    __table_args__ = (
        # The read path (instansi + tahun [+ bidang [+ periode]]) and the guarantee that a key
        # has at most one current record.
        Index(
            "uq_rekaman_kini",
            "instansi_id",
            "tahun",
            "bidang",
            "periode",
            "indikator",
            unique=True,
            sqlite_where=sa.text("kini = 1"),
            postgresql_where=sa.text("kini"),
        ),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kiriman_id: Mapped[int] = mapped_column(ForeignKey("kiriman.id"), index=True)
    instansi_id: Mapped[int] = mapped_column(ForeignKey("instansi.id"))
    kini: Mapped[bool] = mapped_column(Boolean)
    baris: Mapped[int | None] = mapped_column(Integer)
    bidang: Mapped[str] = mapped_column(String(200))
    sasaran: Mapped[str | None] = mapped_column(Text)
    indikator: Mapped[str] = mapped_column(Text)
    satuan: Mapped[str | None] = mapped_column(String(100))
    arah: Mapped[str] = mapped_column(String(10))
    tahun: Mapped[int] = mapped_column(Integer)
    periode: Mapped[str] = mapped_column(String(20))
    target: Mapped[float | None] = mapped_column(Double)
    realisasi: Mapped[float | None] = mapped_column(Double)
    capaian: Mapped[float | None] = mapped_column(Double)
    predikat: Mapped[str | None] = mapped_column(String(50))
    keterangan: Mapped[str | None] = mapped_column(Text)
    pagu: Mapped[float | None] = mapped_column(Double)
    realisasi_anggaran: Mapped[float | None] = mapped_column(Double)
    capaian_catatan: Mapped[str | None] = mapped_column(Text)


class Perubahan(Base):
    """A value changed by a superseding submission: old and new target/realisasi of one key."""

    __tablename__ = "perubahan"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kiriman_id: Mapped[int] = mapped_column(ForeignKey("kiriman.id"), index=True)
    kiriman_lama_id: Mapped[int] = mapped_column(ForeignKey("kiriman.id"))
    bidang: Mapped[str] = mapped_column(String(200))
    indikator: Mapped[str] = mapped_column(Text)
    tahun: Mapped[int] = mapped_column(Integer)
    periode: Mapped[str] = mapped_column(String(20))
    target_lama: Mapped[float | None] = mapped_column(Double)
    target_baru: Mapped[float | None] = mapped_column(Double)
    realisasi_lama: Mapped[float | None] = mapped_column(Double)
    realisasi_baru: Mapped[float | None] = mapped_column(Double)


class Verifikasi(Base):
    """The verification state of one bidang in one round (no row means draft)."""

    __tablename__ = "verifikasi"
    __table_args__ = (UniqueConstraint("putaran_id", "bidang"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    putaran_id: Mapped[int] = mapped_column(ForeignKey("putaran.id"))
    bidang: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20))
    oleh: Mapped[str] = mapped_column(String(200))
    waktu: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    catatan: Mapped[str | None] = mapped_column(Text)


class Catatan(Base):
    """A note on one record's key (it survives resubmission); rekaman_id names the version."""

    __tablename__ = "catatan"
    __table_args__ = (Index(None, "instansi_id", "tahun", "bidang"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instansi_id: Mapped[int] = mapped_column(ForeignKey("instansi.id"))
    rekaman_id: Mapped[int | None] = mapped_column(ForeignKey("rekaman.id"))
    bidang: Mapped[str] = mapped_column(String(200))
    indikator: Mapped[str] = mapped_column(Text)
    tahun: Mapped[int] = mapped_column(Integer)
    periode: Mapped[str] = mapped_column(String(20))
    isi: Mapped[str] = mapped_column(Text)
    oleh: Mapped[str] = mapped_column(String(200))
    waktu: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class Audit(Base):
    """Append-only log: who did what, when, old and new values (UPDATE/DELETE rejected)."""

    __tablename__ = "audit"
    __table_args__ = (Index(None, "instansi_id", "waktu"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    waktu: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    oleh: Mapped[str] = mapped_column(String(200))
    aksi: Mapped[str] = mapped_column(String(50))
    instansi_id: Mapped[int | None] = mapped_column(Integer)
    objek: Mapped[str] = mapped_column(String(50))
    objek_id: Mapped[int | None] = mapped_column(Integer)
    lama: Mapped[Any | None] = mapped_column(JSON)
    baru: Mapped[Any | None] = mapped_column(JSON)


# --- what submit takes and gives ----------------------------------------------------------


class _Report(Protocol):
    @property
    def errors(self) -> Sequence[Any]: ...
    @property
    def warnings(self) -> Sequence[Any]: ...


class IngestLike(Protocol):
    """What Store.submit needs from kinerja.ingest.IngestResult."""

    @property
    def records(self) -> pd.DataFrame: ...
    @property
    def report(self) -> _Report: ...
    @property
    def valid(self) -> bool: ...


@dataclass(frozen=True)
class SubmitOutcome:
    """The result of Store.submit. status: "accepted" or "refused"."""

    status: str
    kiriman_id: int
    message: str
    superseded: tuple[int, ...] = ()
    changes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def accepted(self) -> bool:
        return self.status == "accepted"

    @property
    def superseded_id(self) -> int | None:
        return self.superseded[0] if self.superseded else None

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "kiriman_id": self.kiriman_id,
            "message": self.message,
            "superseded": list(self.superseded),
            "changes": self.changes,
        }


# --- connecting -------------------------------------------------------------------------


def default_url() -> str:
    """KINERJA_DATABASE_URL, else the SQLite file kinerja.db in KINERJA_DATA_DIR (or data/)."""
    url = os.environ.get("KINERJA_DATABASE_URL")
    if url:
        return url
    data_dir = Path(os.environ.get("KINERJA_DATA_DIR") or DATA_DIR)
    return f"sqlite:///{data_dir / 'kinerja.db'}"


def _normalize_url(url: str) -> str:
    # "postgresql://" would pick psycopg2, which is not installed.
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str) -> Engine:
    """An engine with this app's connection rules (see the module docstring)."""
    url = _normalize_url(url)
    if url.startswith("sqlite"):
        parsed = sa.make_url(url)
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = sa.create_engine(url, connect_args={"timeout": 60})

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_conn: Any, _record: Any) -> None:
            # Own the transactions: pysqlite's implicit BEGIN would defer the write lock.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=60000")
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


def migrate(engine: Engine) -> None:
    """Upgrade the database to the newest migration (safe when many processes start at once)."""
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


def connect(url: str | None = None) -> Store:
    """Open the database at url (default: default_url()), migrated to head."""
    engine = make_engine(url or default_url())
    try:
        migrate(engine)
    except sa.exc.OperationalError as exc:
        engine.dispose()
        raise StoreError(f"Basis data tidak dapat dibuka: {_short(exc)}") from exc
    return Store(engine)


def _short(exc: BaseException) -> str:
    text = str(getattr(exc, "orig", None) or exc)
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__


# --- small value helpers ------------------------------------------------------------------


def _clean(value: Any) -> Any:
    """A database-ready scalar: NaN/NaT/pd.NA to None, numpy scalars to Python."""
    if value is None:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        value = value.item()
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def _issue_json(issue: Any) -> dict[str, Any]:
    if isinstance(issue, Mapping):
        return {k: issue.get(k) for k in ("row", "column", "message")}
    return {
        "row": getattr(issue, "row", None),
        "column": getattr(issue, "column", None),
        "message": getattr(issue, "message", str(issue)),
    }


def _periode_key(p: str) -> tuple[int, int]:
    return (
        schema.PERIODE_AKHIR_BULAN.get(p, 99),
        schema.PERIODE.index(p) if p in schema.PERIODE else 99,
    )


def _label(values: Sequence[Any]) -> str | None:
    vals = sorted({str(v) for v in values if v is not None and str(v) != ""})
    return ", ".join(vals) if vals else None


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return bool(abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(a))))


def read_instansi_toml(path: Path) -> dict[str, Any]:
    """Agency settings from a TOML file (data/instansi.toml); {} when absent."""
    if not path.exists():
        return {}
    with path.open("rb") as fh:
        data = tomllib.load(fh)
    return data.get("instansi", data) if isinstance(data.get("instansi"), dict) else data


def settings_from_toml(data: Mapping[str, Any]) -> dict[str, Any]:
    """Agency settings as stored, from data/instansi.toml's shape.

    The TOML writes predikat bounds as a table ([capaian.predikat] sangat_tinggi = 91, ...);
    the database keeps capaian.Settings.to_dict(), checked by Settings.from_dict.
    """
    from kinerja import capaian

    out = {k: v for k, v in data.items() if k != "capaian"}
    cap = dict(data.get("capaian") or {})
    predikat = cap.pop("predikat", None)
    if isinstance(predikat, Mapping):
        bands: list[list[Any]] = [
            [float(bound), str(name).replace("_", " ").title()]
            for name, bound in sorted(predikat.items(), key=lambda kv: -float(kv[1]))
        ]
        bands.append([None, "Sangat Rendah"])
        cap["predikat_bands"] = bands
    try:
        out["capaian"] = capaian.Settings.from_dict(cap).to_dict()
    except (TypeError, ValueError) as exc:
        raise StoreError(f"Pengaturan capaian di instansi.toml tidak sah: {exc}") from exc
    return out


def _bulk_insert(conn: Connection, table: str, columns: Mapping[str, list[Any]]) -> None:
    """Insert equal-length columns through the driver's bulk path, in conn's transaction.

    PostgreSQL: COPY (several times faster than psycopg's pipelined executemany); SQLite:
    sqlite3's executemany. Values must already be plain Python (None for missing).
    """
    names = list(columns)
    rows = list(zip(*columns.values(), strict=True))
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        dbapi = conn.connection.driver_connection
        assert dbapi is not None
        with (
            dbapi.cursor() as cur,
            cur.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" * len(names))
        conn.exec_driver_sql(
            f"INSERT INTO {table} ({', '.join(names)}) VALUES ({marks})",
            rows,  # type: ignore[arg-type]
        )


# --- the store ----------------------------------------------------------------------------


class Store:
    """Operations on one database. Create with connect(); close() when done."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn.execution_options(kinerja_tulis=True)
            with conn.begin():
                yield conn

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn, conn.begin():
            yield conn

    @staticmethod
    def _audit(
        conn: Connection,
        oleh: str,
        aksi: str,
        objek: str,
        objek_id: int | None,
        *,
        instansi_id: int | None,
        lama: Any = None,
        baru: Any = None,
    ) -> None:
        conn.execute(
            insert(Audit).values(
                waktu=_now(),
                oleh=oleh,
                aksi=aksi,
                instansi_id=instansi_id,
                objek=objek,
                objek_id=objek_id,
                lama=lama,
                baru=baru,
            )
        )

    # -- agencies and settings -----------------------------------------------------------

    def create_instansi(
        self,
        kode: str,
        nama: str,
        pengaturan: dict[str, Any] | None = None,
        *,
        user: str = "sistem",
    ) -> int:
        """Add an agency; kode is a short unique name (e.g. "disperinaker")."""
        peng = {"nama": nama, "bidang": [], **(pengaturan or {})}
        with self._write() as conn:
            if conn.scalar(select(Instansi.id).where(Instansi.kode == kode)) is not None:
                raise StoreError(f"Instansi dengan kode {kode!r} sudah ada.")
            iid = conn.execute(
                insert(Instansi)
                .values(kode=kode, nama=nama, pengaturan=peng, dibuat=_now())
                .returning(Instansi.id)
            ).scalar_one()
            self._audit(conn, user, "instansi.buat", "instansi", iid, instansi_id=iid, baru=peng)
        return iid

    def instansi(self) -> pd.DataFrame:
        """Every agency: id, kode, nama."""
        with self._read() as conn:
            rows = conn.execute(
                select(Instansi.id, Instansi.kode, Instansi.nama).order_by(Instansi.id)
            )
            return pd.DataFrame(rows.all(), columns=["id", "kode", "nama"])

    def init(self, toml_path: Path | None = None, *, user: str = "sistem") -> int:
        """Make sure one agency exists (seeded from data/instansi.toml); return its id."""
        with self._read() as conn:
            first = conn.scalar(select(Instansi.id).order_by(Instansi.id).limit(1))
        if first is not None:
            return first
        if toml_path is None:
            # A deployment's own instansi.toml beside its database wins over the demo's.
            own = os.environ.get("KINERJA_DATA_DIR")
            candidates = [Path(own) / "instansi.toml"] if own else []
            candidates.append(DATA_DIR / "instansi.toml")
            toml_path = next((c for c in candidates if c.exists()), candidates[-1])
        data = settings_from_toml(read_instansi_toml(toml_path))
        nama = str(data.get("nama") or "Instansi")
        kode = str(data.get("kode") or re.sub(r"[^a-z0-9]+", "-", nama.lower()).strip("-")[:64])
        try:
            return self.create_instansi(kode or "instansi", nama, data, user=user)
        except (StoreError, sa.exc.IntegrityError):
            # Another process seeded it first.
            return self._default_instansi()

    def _default_instansi(self) -> int:
        with self._read() as conn:
            first = conn.scalar(select(Instansi.id).order_by(Instansi.id).limit(1))
        if first is None:
            raise StoreError("Belum ada instansi: jalankan `kinerja db init` terlebih dahulu.")
        return first

    def _instansi_id(self, instansi_id: int | None) -> int:
        return self._default_instansi() if instansi_id is None else instansi_id

    def settings(self, instansi_id: int | None = None) -> dict[str, Any]:
        """The agency's settings (nama, bidang, kepala_dinas, capaian, ...)."""
        iid = self._instansi_id(instansi_id)
        with self._read() as conn:
            peng = conn.scalar(select(Instansi.pengaturan).where(Instansi.id == iid))
        if peng is None:
            raise StoreError(f"Instansi {iid} tidak ada.")
        return dict(peng)

    def set_settings(
        self, values: Mapping[str, Any], *, user: str, instansi_id: int | None = None
    ) -> dict[str, Any]:
        """Merge values into the agency's settings (top-level keys replaced); audited."""
        iid = self._instansi_id(instansi_id)
        values = dict(values)
        if "capaian" in values:
            from kinerja import capaian

            try:
                values["capaian"] = capaian.Settings.from_dict(values["capaian"] or {}).to_dict()
            except (TypeError, ValueError) as exc:
                raise StoreError(f"Pengaturan capaian tidak sah: {exc}") from exc
        if "bidang" in values and not (
            isinstance(values["bidang"], list)
            and all(isinstance(b, str) and b.strip() for b in values["bidang"])
        ):
            raise StoreError("Daftar bidang harus berupa daftar nama yang tidak kosong.")
        with self._write() as conn:
            old = conn.scalar(select(Instansi.pengaturan).where(Instansi.id == iid))
            if old is None:
                raise StoreError(f"Instansi {iid} tidak ada.")
            new = {**old, **values}
            values_upd: dict[str, Any] = {"pengaturan": new}
            if new.get("nama"):
                values_upd["nama"] = str(new["nama"])
            conn.execute(update(Instansi).where(Instansi.id == iid).values(**values_upd))
            self._audit(
                conn, user, "pengaturan.ubah", "instansi", iid, instansi_id=iid, lama=old, baru=new
            )
        return new

    def capaian_settings(self, instansi_id: int | None = None) -> Settings:
        """The agency's capaian.Settings (defaults where unset)."""
        from kinerja import capaian

        stored = self.settings(instansi_id).get("capaian") or {}
        return capaian.Settings.from_dict(stored) if stored else capaian.Settings()

    # -- rounds and SOP steps ------------------------------------------------------------

    @staticmethod
    def _putaran(conn: Connection, iid: int, tahun: int, periode: str) -> int:
        pid = conn.scalar(
            select(Putaran.id).where(
                Putaran.instansi_id == iid, Putaran.tahun == tahun, Putaran.periode == periode
            )
        )
        if pid is None:
            pid = conn.execute(
                insert(Putaran)
                .values(instansi_id=iid, tahun=tahun, periode=periode, dibuat=_now())
                .returning(Putaran.id)
            ).scalar_one()
        return int(pid)

    def open_round(
        self, tahun: int, periode: str, *, user: str, instansi_id: int | None = None
    ) -> int:
        """The round tahun + periode (created when new); its id."""
        periode = self._check_periode(periode)
        iid = self._instansi_id(instansi_id)
        with self._write() as conn:
            self._lock(conn, iid)
            before = conn.scalar(
                select(Putaran.id).where(
                    Putaran.instansi_id == iid, Putaran.tahun == tahun, Putaran.periode == periode
                )
            )
            pid = self._putaran(conn, iid, tahun, periode)
            if before is None:
                self._audit(
                    conn,
                    user,
                    "putaran.buka",
                    "putaran",
                    pid,
                    instansi_id=iid,
                    baru={"tahun": tahun, "periode": periode},
                )
        return pid

    def add_step(
        self,
        tahun: int,
        periode: str,
        langkah: str,
        *,
        user: str,
        waktu: dt.datetime | None = None,
        catatan: str | None = None,
        instansi_id: int | None = None,
    ) -> int:
        """Record an SOP step (see LANGKAH) of a round; waktu defaults to now."""
        if langkah not in LANGKAH:
            raise StoreError(
                f"Langkah {langkah!r} tidak dikenal; pilih salah satu: {', '.join(LANGKAH)}."
            )
        periode = self._check_periode(periode)
        iid = self._instansi_id(instansi_id)
        with self._write() as conn:
            self._lock(conn, iid)
            pid = self._putaran(conn, iid, tahun, periode)
            when = waktu or _now()
            values = {
                "putaran_id": pid,
                "langkah": langkah,
                "waktu": when,
                "oleh": user,
                "catatan": catatan,
                "dicatat": _now(),
            }
            sid = conn.execute(insert(Langkah).values(**values).returning(Langkah.id)).scalar_one()
            self._audit(
                conn,
                user,
                "langkah.catat",
                "langkah",
                sid,
                instansi_id=iid,
                baru={
                    "tahun": tahun,
                    "periode": periode,
                    "langkah": langkah,
                    "waktu": when.isoformat(),
                    "catatan": catatan,
                },
            )
        return int(sid)

    def rounds(self, *, instansi_id: int | None = None, tahun: int | None = None) -> pd.DataFrame:
        """Rounds with their steps: one row per step (a round without steps has one empty row)."""
        iid = self._instansi_id(instansi_id)
        q = (
            select(
                Putaran.id.label("putaran_id"),
                Putaran.tahun,
                Putaran.periode,
                Langkah.langkah,
                Langkah.waktu,
                Langkah.oleh,
                Langkah.catatan,
            )
            .select_from(Putaran)
            .outerjoin(Langkah, Langkah.putaran_id == Putaran.id)
            .where(Putaran.instansi_id == iid)
            .order_by(Putaran.tahun, Putaran.id, Langkah.waktu, Langkah.id)
        )
        if tahun is not None:
            q = q.where(Putaran.tahun == tahun)
        with self._read() as conn:
            rows = conn.execute(q).all()
        return pd.DataFrame(
            rows, columns=["putaran_id", "tahun", "periode", "langkah", "waktu", "oleh", "catatan"]
        )

    @staticmethod
    def _check_periode(periode: str) -> str:
        p = schema.parse_periode(periode)
        if p is None:
            raise StoreError(
                f"Periode {periode!r} tidak dikenal (contoh: TW I, Semester I, Tahunan)."
            )
        return p

    @staticmethod
    def _lock(conn: Connection, iid: int) -> None:
        """Serialise writers of one agency (PostgreSQL row lock; SQLite already holds its lock)."""
        found = conn.execute(
            select(Instansi.id).where(Instansi.id == iid).with_for_update()
        ).scalar()
        if found is None:
            raise StoreError(f"Instansi {iid} tidak ada.")

    # -- submissions -----------------------------------------------------------------------

    def submit(
        self,
        result: IngestLike,
        *,
        data: bytes,
        filename: str,
        user: str,
        instansi_id: int | None = None,
        bidang: str | None = None,
        tahun: int | None = None,
        periode: str | None = None,
    ) -> SubmitOutcome:
        """Store one checked file in one transaction.

        A valid result is accepted unless one of its slots (bidang + round) is verified;
        its records become current and older records of the same slots are superseded
        (changes recorded). An invalid or locked file is stored as a refused submission
        with its report and changes no record. bidang/tahun/periode (the upload form's
        values) only label a refused file that carries none.
        """
        iid = self._instansi_id(instansi_id)
        errors = [_issue_json(i) for i in result.report.errors]
        warnings = [_issue_json(i) for i in result.report.warnings]
        records = result.records if result.records is not None else schema.empty_records()
        digest = hashlib.sha256(data).hexdigest()
        user = user.strip() or "anonim"

        if result.valid and records.empty:
            errors = [
                *errors,
                {"row": None, "column": None, "message": "Berkas tidak berisi data."},
            ]
        valid = bool(result.valid) and not records.empty

        slots: list[tuple[str, int, str]] = []
        label_b, label_t, label_p = bidang, tahun, periode
        if valid:
            slots = sorted(
                {
                    (str(b), int(t), str(p))
                    for b, t, p in records[["bidang", "tahun", "periode"]].itertuples(index=False)
                },
                key=lambda s: (s[1], _periode_key(s[2]), s[0]),
            )
        elif {"bidang", "tahun", "periode"} <= set(records.columns) and not records.empty:
            label_b = _label(records["bidang"].dropna().tolist()) or bidang
            years = {int(str(y)) for y in records["tahun"].dropna().tolist()}
            label_t = years.pop() if len(years) == 1 else tahun
            label_p = _label(records["periode"].dropna().tolist()) or periode

        with self._write() as conn:
            self._lock(conn, iid)
            base = {
                "instansi_id": iid,
                "nama_file": filename,
                "sha256": digest,
                "ukuran": len(data),
                "isi": data,
                "pengguna": user,
                "waktu": _now(),
            }
            if not valid:
                return self._refuse(
                    conn,
                    base,
                    label_b,
                    label_t,
                    label_p,
                    errors,
                    warnings,
                    "Berkas ditolak: " + (errors[0]["message"] if errors else "tidak sah."),
                )

            putaran = {(t, p): self._putaran(conn, iid, t, p) for _, t, p in slots}
            locked = conn.execute(
                select(Verifikasi.bidang, Putaran.tahun, Putaran.periode)
                .join(Putaran, Putaran.id == Verifikasi.putaran_id)
                .where(
                    Verifikasi.putaran_id.in_(list(putaran.values())),
                    Verifikasi.status == "verified",
                )
            ).all()
            locked_slots = {(b, t, p) for b, t, p in locked} & set(slots)
            if locked_slots:
                names = "; ".join(f"{b} {p} {t}" for b, t, p in sorted(locked_slots))
                msg = (
                    f"Berkas ditolak: data {names} sudah diverifikasi dan dikunci. "
                    "Minta pemverifikasi membuka verifikasi (dengan alasan) sebelum mengirim ulang."
                )
                errors = [*errors, {"row": None, "column": None, "message": msg}]
                return self._refuse(
                    conn,
                    base,
                    _label([s[0] for s in slots]),
                    slots[0][1],
                    _label([s[2] for s in slots]),
                    errors,
                    warnings,
                    msg,
                )

            kid = conn.execute(
                insert(Kiriman)
                .values(
                    **base,
                    bidang=_label([s[0] for s in slots]),
                    tahun=slots[0][1] if len({s[1] for s in slots}) == 1 else None,
                    periode=", ".join(dict.fromkeys(s[2] for s in slots)),
                    status="accepted",
                    jumlah_rekaman=len(records),
                    laporan={"errors": errors, "warnings": warnings},
                )
                .returning(Kiriman.id)
            ).scalar_one()
            conn.execute(
                insert(Cakupan),
                [
                    {"kiriman_id": kid, "putaran_id": putaran[(t, p)], "bidang": b}
                    for b, t, p in slots
                ],
            )

            changes, superseded = self._supersede(conn, iid, kid, slots, records)
            self._insert_records(conn, iid, kid, records)

            for b, t, p in slots:
                self._set_verification(conn, iid, putaran[(t, p)], b, "submitted", user, None, kid)
            self._audit(
                conn,
                user,
                "kiriman.terima",
                "kiriman",
                kid,
                instansi_id=iid,
                baru={
                    "nama_file": filename,
                    "sha256": digest,
                    "jumlah_rekaman": len(records),
                    "menggantikan": superseded,
                    "jumlah_perubahan": len(changes),
                },
            )
        msg = f"Berkas {filename} disimpan: {len(records)} baris data."
        if superseded:
            msg += (
                f" Menggantikan kiriman {', '.join(f'#{s}' for s in superseded)}"
                f" ({len(changes)} nilai berubah)."
            )
        return SubmitOutcome("accepted", kid, msg, tuple(superseded), changes)

    def _refuse(
        self,
        conn: Connection,
        base: dict[str, Any],
        bidang: str | None,
        tahun: int | None,
        periode: str | None,
        errors: list[dict[str, Any]],
        warnings: list[dict[str, Any]],
        message: str,
    ) -> SubmitOutcome:
        kid = conn.execute(
            insert(Kiriman)
            .values(
                **base,
                bidang=bidang,
                tahun=tahun,
                periode=periode,
                status="refused",
                jumlah_rekaman=0,
                laporan={"errors": errors, "warnings": warnings, "pesan": message},
            )
            .returning(Kiriman.id)
        ).scalar_one()
        iid = base["instansi_id"]
        p = schema.parse_periode(periode) if periode else None
        if bidang and tahun and p:
            pid = self._putaran(conn, iid, int(tahun), p)
            conn.execute(insert(Cakupan).values(kiriman_id=kid, putaran_id=pid, bidang=bidang))
        self._audit(
            conn,
            base["pengguna"],
            "kiriman.tolak",
            "kiriman",
            kid,
            instansi_id=iid,
            baru={
                "nama_file": base["nama_file"],
                "sha256": base["sha256"],
                "pesan": message,
                "jumlah_galat": len(errors),
            },
        )
        return SubmitOutcome("refused", kid, message)

    def _supersede(
        self,
        conn: Connection,
        iid: int,
        kid: int,
        slots: list[tuple[str, int, str]],
        records: pd.DataFrame,
    ) -> tuple[list[dict[str, Any]], list[int]]:
        cond = sa.or_(
            *[
                sa.and_(Rekaman.bidang == b, Rekaman.tahun == t, Rekaman.periode == p)
                for b, t, p in slots
            ]
        )
        base = sa.and_(Rekaman.instansi_id == iid, Rekaman.kini == sa.true(), cond)
        key = ["bidang", "indikator", "tahun", "periode"]
        old_cols = ["kiriman_id", *key, "target", "realisasi"]
        old = pd.DataFrame(
            # Plain driver rows: these columns need no result processing, and building
            # 100,000 Row objects costs more than the query.
            conn.execute(
                select(*[getattr(Rekaman, c) for c in old_cols]).where(base)
            ).cursor.fetchall(),
            columns=old_cols,
        )
        if old.empty:
            return [], []
        conn.execute(update(Rekaman).where(base).values(kini=False))
        old_ids = sorted(int(x) for x in old["kiriman_id"].unique())
        # A submission none of whose records is current any more is superseded as a whole.
        still = set(
            conn.execute(
                select(Rekaman.kiriman_id)
                .where(Rekaman.kiriman_id.in_(old_ids), Rekaman.kini == sa.true())
                .distinct()
            ).scalars()
        )
        gone = [k for k in old_ids if k not in still]
        if gone:
            conn.execute(
                update(Kiriman)
                .where(Kiriman.id.in_(gone))
                .values(status="superseded", digantikan_oleh=kid)
            )
        for kl in gone:
            self._audit(
                conn,
                "sistem",
                "kiriman.diganti",
                "kiriman",
                kl,
                instansi_id=iid,
                lama={"status": "accepted"},
                baru={"status": "superseded", "digantikan_oleh": kid},
            )

        new = records[[*key, "target", "realisasi"]].copy()
        for frame in (old, new):
            frame["tahun"] = frame["tahun"].astype("int64")
            frame["bidang"] = frame["bidang"].astype(str)
            frame["indikator"] = frame["indikator"].astype(str)
            for c in ("target", "realisasi"):
                frame[c] = pd.to_numeric(frame[c], errors="coerce").astype("float64")
        both = old.merge(new, on=key, how="outer", suffixes=("_lama", "_baru"))

        def same(a: pd.Series, b: pd.Series) -> pd.Series:
            close = (a - b).abs() <= 1e-9 * a.abs().clip(lower=1.0)
            return (a.isna() & b.isna()) | close.fillna(False)

        changed = (
            both["kiriman_id"].isna()
            | ~same(both["target_lama"], both["target_baru"])
            | ~same(both["realisasi_lama"], both["realisasi_baru"])
        )
        diff = both[changed]
        if diff.empty:
            return [], old_ids
        out: dict[str, list[Any]] = {
            # An indicator new in this file is a change against the file it replaces.
            "kiriman_lama_id": [
                int(x) for x in diff["kiriman_id"].fillna(old_ids[0]).astype("int64")
            ],
            "bidang": diff["bidang"].tolist(),
            "indikator": diff["indikator"].tolist(),
            "tahun": [int(x) for x in diff["tahun"]],
            "periode": diff["periode"].tolist(),
        }
        for c in ("target_lama", "target_baru", "realisasi_lama", "realisasi_baru"):
            out[c] = [None if math.isnan(v) else float(v) for v in diff[c].tolist()]
        changes = [dict(zip(out, row, strict=True)) for row in zip(*out.values(), strict=True)]
        _bulk_insert(conn, Perubahan.__tablename__, {"kiriman_id": [kid] * len(diff), **out})
        return changes, old_ids

    def _insert_records(self, conn: Connection, iid: int, kid: int, records: pd.DataFrame) -> None:
        # Column-wise conversion and the driver's own bulk path: per-row SQLAlchemy parameter
        # processing cost more than the insert itself (100,000 rows: 2.8 s -> under 1 s).
        n = len(records)
        columns: dict[str, list[Any]] = {
            "kiriman_id": [kid] * n,
            "instansi_id": [iid] * n,
            "kini": [True] * n,
        }
        for c in STORED_COLUMNS:
            if c not in records.columns:
                columns[c] = [None] * n
                continue
            col = records[c]
            values = col.astype(object).where(col.notna(), None).tolist()
            if c in ("tahun", "baris"):
                values = [None if v is None else int(v) for v in values]
            elif c in _FLOAT_COLUMNS:
                values = [None if v is None else float(v) for v in values]
            elif c == "arah":
                values = [v or "naik" for v in values]
            columns[c] = values
        _bulk_insert(conn, Rekaman.__tablename__, columns)

    def submission_file(self, kiriman_id: int) -> tuple[str, bytes]:
        """The original file of a submission: (file name, bytes)."""
        with self._read() as conn:
            row = conn.execute(
                select(Kiriman.nama_file, Kiriman.isi).where(Kiriman.id == kiriman_id)
            ).first()
        if row is None:
            raise StoreError(f"Kiriman #{kiriman_id} tidak ada.")
        return str(row[0]), bytes(row[1])

    def submission_report(self, kiriman_id: int) -> dict[str, Any]:
        """The validation report stored with a submission ({"errors", "warnings", ...})."""
        with self._read() as conn:
            rep = conn.scalar(select(Kiriman.laporan).where(Kiriman.id == kiriman_id))
        if rep is None:
            raise StoreError(f"Kiriman #{kiriman_id} tidak ada.")
        return dict(rep)

    # -- reading ---------------------------------------------------------------------------

    def records(
        self,
        *,
        instansi_id: int | None = None,
        tahun: int | None = None,
        bidang: str | None = None,
        periode: str | None = None,
        kiriman_id: int | None = None,
    ) -> pd.DataFrame:
        """Current records (or every record of one submission), RECORD_COLUMNS order first.

        Extra columns: pagu, realisasi_anggaran, capaian_catatan, baris, kiriman_id, id.
        """
        cols = [getattr(Rekaman, c) for c in STORED_COLUMNS] + [Rekaman.kiriman_id, Rekaman.id]
        if kiriman_id is not None:
            q = select(*cols).where(Rekaman.kiriman_id == kiriman_id)
        else:
            iid = self._instansi_id(instansi_id)
            q = select(*cols).where(Rekaman.instansi_id == iid, Rekaman.kini == sa.true())
            if tahun is not None:
                q = q.where(Rekaman.tahun == tahun)
            if bidang is not None:
                q = q.where(Rekaman.bidang == bidang)
            if periode is not None:
                q = q.where(Rekaman.periode == self._check_periode(periode))
        q = q.order_by(Rekaman.tahun, Rekaman.bidang, Rekaman.kiriman_id, Rekaman.baris, Rekaman.id)
        with self._read() as conn:
            # Plain driver rows: no column here needs result processing.
            rows = conn.execute(q).cursor.fetchall()
        frame = pd.DataFrame(rows, columns=[*STORED_COLUMNS, "kiriman_id", "id"])
        for c in ("target", "realisasi", "capaian", "pagu", "realisasi_anggaran"):
            frame[c] = frame[c].astype("float64")
        frame["tahun"] = frame["tahun"].astype("int64")
        frame["baris"] = frame["baris"].astype("Int64")
        return frame

    def history(
        self,
        *,
        instansi_id: int | None = None,
        tahun: int | None = None,
        bidang: str | None = None,
        periode: str | None = None,
    ) -> pd.DataFrame:
        """Every submission (newest first): id, waktu, bidang, tahun, periode, nama_file,
        sha256, ukuran, pengguna, status, digantikan_oleh, jumlah_rekaman, jumlah_galat,
        jumlah_peringatan, pesan."""
        iid = self._instansi_id(instansi_id)
        q = select(
            Kiriman.id,
            Kiriman.waktu,
            Kiriman.bidang,
            Kiriman.tahun,
            Kiriman.periode,
            Kiriman.nama_file,
            Kiriman.sha256,
            Kiriman.ukuran,
            Kiriman.pengguna,
            Kiriman.status,
            Kiriman.digantikan_oleh,
            Kiriman.jumlah_rekaman,
            Kiriman.laporan,
        ).where(Kiriman.instansi_id == iid)
        if tahun is not None or bidang is not None or periode is not None:
            sub = select(Cakupan.kiriman_id).join(Putaran, Putaran.id == Cakupan.putaran_id)
            if tahun is not None:
                sub = sub.where(Putaran.tahun == tahun)
            if periode is not None:
                sub = sub.where(Putaran.periode == self._check_periode(periode))
            if bidang is not None:
                sub = sub.where(Cakupan.bidang == bidang)
            conds: list[sa.ColumnElement[bool]] = [Kiriman.id.in_(sub)]
            # A refused file with no known slot still shows under its labels.
            loose: list[sa.ColumnElement[bool]] = [Kiriman.status == "refused"]
            if tahun is not None:
                loose.append(Kiriman.tahun == tahun)
            if bidang is not None:
                loose.append(Kiriman.bidang == bidang)
            if periode is not None:
                loose.append(Kiriman.periode == self._check_periode(periode))
            conds.append(sa.and_(*loose))
            q = q.where(sa.or_(*conds))
        q = q.order_by(Kiriman.id.desc())
        with self._read() as conn:
            rows = conn.execute(q).all()
        out = []
        for r in rows:
            rep = r.laporan or {}
            d = r._asdict()
            d.pop("laporan")
            d["jumlah_galat"] = len(rep.get("errors") or [])
            d["jumlah_peringatan"] = len(rep.get("warnings") or [])
            d["pesan"] = rep.get("pesan")
            out.append(d)
        cols = [
            "id",
            "waktu",
            "bidang",
            "tahun",
            "periode",
            "nama_file",
            "sha256",
            "ukuran",
            "pengguna",
            "status",
            "digantikan_oleh",
            "jumlah_rekaman",
            "jumlah_galat",
            "jumlah_peringatan",
            "pesan",
        ]
        frame = pd.DataFrame(out, columns=cols)
        frame["digantikan_oleh"] = frame["digantikan_oleh"].astype("Int64")
        frame["tahun"] = frame["tahun"].astype("Int64")
        return frame

    def changes(self, kiriman_id: int) -> pd.DataFrame:
        """Values a submission changed against the one(s) it superseded."""
        cols = [
            "kiriman_lama_id",
            "bidang",
            "indikator",
            "tahun",
            "periode",
            "target_lama",
            "target_baru",
            "realisasi_lama",
            "realisasi_baru",
        ]
        with self._read() as conn:
            rows = conn.execute(
                select(*[getattr(Perubahan, c) for c in cols])
                .where(Perubahan.kiriman_id == kiriman_id)
                .order_by(Perubahan.id)
            ).all()
        return pd.DataFrame(rows, columns=cols)

    # -- verification and notes ------------------------------------------------------------

    @classmethod
    def _set_verification(
        cls,
        conn: Connection,
        iid: int,
        pid: int,
        bidang: str,
        status: str,
        user: str,
        note: str | None,
        kiriman_id: int | None = None,
    ) -> None:
        row = conn.execute(
            select(Verifikasi.id, Verifikasi.status, Verifikasi.catatan).where(
                Verifikasi.putaran_id == pid, Verifikasi.bidang == bidang
            )
        ).first()
        values = {"status": status, "oleh": user, "waktu": _now(), "catatan": note}
        if row is None:
            vid = conn.execute(
                insert(Verifikasi)
                .values(putaran_id=pid, bidang=bidang, **values)
                .returning(Verifikasi.id)
            ).scalar_one()
            lama = {"status": "draft"}
        else:
            vid = row.id
            conn.execute(update(Verifikasi).where(Verifikasi.id == vid).values(**values))
            lama = {"status": row.status, "catatan": row.catatan}
        baru: dict[str, Any] = {"status": status, "catatan": note, "bidang": bidang}
        if kiriman_id is not None:
            baru["kiriman_id"] = kiriman_id
        cls._audit(
            conn,
            user,
            f"verifikasi.{status}",
            "verifikasi",
            vid,
            instansi_id=iid,
            lama=lama,
            baru=baru,
        )

    def verification_status(
        self, *, instansi_id: int | None = None, tahun: int | None = None
    ) -> pd.DataFrame:
        """Verification state per bidang and round.

        Columns: tahun, periode, bidang, status, oleh, waktu, catatan.
        """
        iid = self._instansi_id(instansi_id)
        q = (
            select(
                Putaran.tahun,
                Putaran.periode,
                Verifikasi.bidang,
                Verifikasi.status,
                Verifikasi.oleh,
                Verifikasi.waktu,
                Verifikasi.catatan,
            )
            .join(Putaran, Putaran.id == Verifikasi.putaran_id)
            .where(Putaran.instansi_id == iid)
            .order_by(Putaran.tahun, Putaran.id, Verifikasi.bidang)
        )
        if tahun is not None:
            q = q.where(Putaran.tahun == tahun)
        with self._read() as conn:
            rows = conn.execute(q).all()
        return pd.DataFrame(
            rows, columns=["tahun", "periode", "bidang", "status", "oleh", "waktu", "catatan"]
        )

    def verification(
        self, bidang: str, tahun: int, periode: str, *, instansi_id: int | None = None
    ) -> str:
        """The status of one bidang in one round ("draft" when nothing happened yet)."""
        iid = self._instansi_id(instansi_id)
        periode = self._check_periode(periode)
        with self._read() as conn:
            st = conn.scalar(
                select(Verifikasi.status)
                .join(Putaran, Putaran.id == Verifikasi.putaran_id)
                .where(
                    Putaran.instansi_id == iid,
                    Putaran.tahun == tahun,
                    Putaran.periode == periode,
                    Verifikasi.bidang == bidang,
                )
            )
        return str(st) if st else "draft"

    def _transition(
        self,
        bidang: str,
        tahun: int,
        periode: str,
        *,
        to: str,
        allowed_from: set[str],
        user: str,
        note: str | None,
        instansi_id: int | None,
        refusal: str,
    ) -> str:
        iid = self._instansi_id(instansi_id)
        periode = self._check_periode(periode)
        with self._write() as conn:
            self._lock(conn, iid)
            pid = self._putaran(conn, iid, tahun, periode)
            cur = (
                conn.scalar(
                    select(Verifikasi.status).where(
                        Verifikasi.putaran_id == pid, Verifikasi.bidang == bidang
                    )
                )
                or "draft"
            )
            if cur not in allowed_from:
                raise StoreError(
                    refusal.format(bidang=bidang, periode=periode, tahun=tahun, status=cur)
                )
            self._set_verification(conn, iid, pid, bidang, to, user, note)
        return to

    def verify(
        self,
        bidang: str,
        tahun: int,
        periode: str,
        *,
        user: str,
        note: str | None = None,
        instansi_id: int | None = None,
    ) -> str:
        """Mark a submitted bidang + round verified; its data is locked from then on."""
        return self._transition(
            bidang,
            tahun,
            periode,
            to="verified",
            allowed_from={"submitted"},
            user=user,
            note=note,
            instansi_id=instansi_id,
            refusal="Data {bidang} {periode} {tahun} belum bisa diverifikasi (status: {status}); "
            "hanya data yang sudah dikirim yang dapat diverifikasi.",
        )

    def return_(
        self,
        bidang: str,
        tahun: int,
        periode: str,
        *,
        user: str,
        note: str,
        instansi_id: int | None = None,
    ) -> str:
        """Send a submitted bidang + round back for correction, with a note."""
        if not note or not note.strip():
            raise StoreError("Tuliskan catatan mengapa data dikembalikan.")
        return self._transition(
            bidang,
            tahun,
            periode,
            to="returned",
            allowed_from={"submitted"},
            user=user,
            note=note,
            instansi_id=instansi_id,
            refusal="Data {bidang} {periode} {tahun} tidak dapat dikembalikan (status: {status}).",
        )

    def unverify(
        self,
        bidang: str,
        tahun: int,
        periode: str,
        *,
        user: str,
        reason: str,
        instansi_id: int | None = None,
    ) -> str:
        """Open a verified bidang + round again (status "returned"); a reason is required."""
        if not reason or not reason.strip():
            raise StoreError("Alasan membuka verifikasi wajib diisi.")
        return self._transition(
            bidang,
            tahun,
            periode,
            to="returned",
            allowed_from={"verified"},
            user=user,
            note=reason,
            instansi_id=instansi_id,
            refusal="Data {bidang} {periode} {tahun} tidak sedang terverifikasi "
            "(status: {status}).",
        )

    def add_note(self, rekaman_id: int, text: str, *, user: str) -> int:
        """Attach a note to a record (and so to its key: later versions show it too)."""
        if not text.strip():
            raise StoreError("Catatan kosong tidak disimpan.")
        with self._write() as conn:
            rec = conn.execute(
                select(
                    Rekaman.instansi_id,
                    Rekaman.bidang,
                    Rekaman.indikator,
                    Rekaman.tahun,
                    Rekaman.periode,
                ).where(Rekaman.id == rekaman_id)
            ).first()
            if rec is None:
                raise StoreError(f"Data #{rekaman_id} tidak ada.")
            nid = conn.execute(
                insert(Catatan)
                .values(
                    rekaman_id=rekaman_id,
                    isi=text.strip(),
                    oleh=user,
                    waktu=_now(),
                    **rec._asdict(),
                )
                .returning(Catatan.id)
            ).scalar_one()
            self._audit(
                conn,
                user,
                "catatan.tambah",
                "catatan",
                nid,
                instansi_id=rec.instansi_id,
                baru={"rekaman_id": rekaman_id, "isi": text.strip()},
            )
        return int(nid)

    def notes(
        self, *, instansi_id: int | None = None, tahun: int | None = None, bidang: str | None = None
    ) -> pd.DataFrame:
        """Notes on records: id, rekaman_id, bidang, indikator, tahun, periode, isi, oleh, waktu."""
        iid = self._instansi_id(instansi_id)
        cols = [
            "id",
            "rekaman_id",
            "bidang",
            "indikator",
            "tahun",
            "periode",
            "isi",
            "oleh",
            "waktu",
        ]
        q = select(*[getattr(Catatan, c) for c in cols]).where(Catatan.instansi_id == iid)
        if tahun is not None:
            q = q.where(Catatan.tahun == tahun)
        if bidang is not None:
            q = q.where(Catatan.bidang == bidang)
        with self._read() as conn:
            rows = conn.execute(q.order_by(Catatan.id)).all()
        return pd.DataFrame(rows, columns=cols)

    # -- audit -------------------------------------------------------------------------------

    def audit(
        self, *, instansi_id: int | None = None, aksi: str | None = None, limit: int | None = None
    ) -> pd.DataFrame:
        """The audit log, oldest first: id, waktu, oleh, aksi, objek, objek_id, lama, baru."""
        cols = ["id", "waktu", "oleh", "aksi", "instansi_id", "objek", "objek_id", "lama", "baru"]
        q = select(*[getattr(Audit, c) for c in cols]).order_by(Audit.id)
        if instansi_id is not None:
            q = q.where(Audit.instansi_id == instansi_id)
        if aksi is not None:
            q = q.where(Audit.aksi.startswith(aksi))
        if limit is not None:
            q = q.limit(limit)
        with self._read() as conn:
            rows = conn.execute(q).all()
        return pd.DataFrame(rows, columns=cols)

    # -- PK (indikator master) -------------------------------------------------------------

    def import_pk(
        self,
        frame: pd.DataFrame,
        *,
        tahun: int,
        user: str,
        instansi_id: int | None = None,
    ) -> int:
        """Replace-or-add the year's indicators from a PK frame (columns: PK_COLUMNS, bidang and
        indikator required); rows keyed by bidang + indikator. Returns the rows written."""
        iid = self._instansi_id(instansi_id)
        now = _now()
        rows = []
        for raw in frame.to_dict("records"):
            row = {c: _clean(raw.get(c)) for c in PK_COLUMNS}
            if not row["bidang"] or not row["indikator"]:
                raise StoreError("Setiap baris PK wajib berisi Bidang dan Indikator Kinerja.")
            row["bidang"], row["indikator"] = (
                str(row["bidang"]).strip(),
                str(row["indikator"]).strip(),
            )
            row["arah"] = row["arah"] or "naik"
            row["agregasi"] = row["agregasi"] or "akhir"
            if row["arah"] not in schema.ARAH or row["agregasi"] not in schema.AGREGASI:
                raise StoreError(
                    f"Indikator {row['indikator']!r}: arah harus naik/turun dan agregasi "
                    f"{'/'.join(schema.AGREGASI)}."
                )
            rows.append(row)
        keys = [(r["bidang"], r["indikator"]) for r in rows]
        if len(set(keys)) != len(keys):
            dup = next(k for k in keys if keys.count(k) > 1)
            raise StoreError(f"Indikator {dup[1]!r} bidang {dup[0]!r} tercantum dua kali di PK.")
        with self._write() as conn:
            self._lock(conn, iid)
            existing = {
                (r.bidang, r.indikator): r
                for r in conn.execute(
                    select(Indikator).where(Indikator.instansi_id == iid, Indikator.tahun == tahun)
                ).all()
            }
            for row in rows:
                old = existing.get((row["bidang"], row["indikator"]))
                if old is None:
                    conn.execute(
                        insert(Indikator).values(instansi_id=iid, tahun=tahun, diubah=now, **row)
                    )
                else:
                    conn.execute(
                        update(Indikator).where(Indikator.id == old.id).values(diubah=now, **row)
                    )
            self._audit(
                conn,
                user,
                "pk.impor",
                "indikator",
                None,
                instansi_id=iid,
                baru={"tahun": tahun, "jumlah": len(rows)},
            )
        return len(rows)

    def indicators(
        self, *, tahun: int, instansi_id: int | None = None, bidang: str | None = None
    ) -> pd.DataFrame:
        """The indicator master of one year: id + PK_COLUMNS."""
        iid = self._instansi_id(instansi_id)
        q = select(Indikator.id, *[getattr(Indikator, c) for c in PK_COLUMNS]).where(
            Indikator.instansi_id == iid, Indikator.tahun == tahun
        )
        if bidang is not None:
            q = q.where(Indikator.bidang == bidang)
        with self._read() as conn:
            rows = conn.execute(q.order_by(Indikator.bidang, Indikator.kode, Indikator.id)).all()
        return pd.DataFrame(rows, columns=["id", *PK_COLUMNS])

    def update_indicator(self, indikator_id: int, values: Mapping[str, Any], *, user: str) -> None:
        """Edit one indicator of the master (only PK_COLUMNS); audited with old and new values."""
        unknown = set(values) - set(PK_COLUMNS)
        if unknown:
            raise StoreError(f"Kolom indikator tidak dikenal: {', '.join(sorted(unknown))}.")
        with self._write() as conn:
            old = conn.execute(select(Indikator).where(Indikator.id == indikator_id)).first()
            if old is None:
                raise StoreError(f"Indikator #{indikator_id} tidak ada.")
            lama = {k: getattr(old, k) for k in values}
            conn.execute(
                update(Indikator)
                .where(Indikator.id == indikator_id)
                .values(diubah=_now(), **values)
            )
            self._audit(
                conn,
                user,
                "indikator.ubah",
                "indikator",
                indikator_id,
                instansi_id=old.instansi_id,
                lama=lama,
                baru=dict(values),
            )

    # -- backup and checks -----------------------------------------------------------------

    def backup(self, path: str | Path) -> Path:
        """A consistent copy of the database at path.

        SQLite: the online backup API (safe while the app runs). PostgreSQL: pg_dump in its
        custom format (restore with pg_restore); needs pg_dump on PATH.
        """
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if self.dialect == "sqlite":
            import sqlite3

            if target.exists():
                target.unlink()
            raw = self.engine.raw_connection()
            try:
                src = raw.driver_connection
                dst = sqlite3.connect(target)
                try:
                    src.backup(dst)  # type: ignore[union-attr]
                finally:
                    dst.close()
            finally:
                raw.close()
            return target
        pg_dump = shutil.which("pg_dump")
        if pg_dump is None:
            raise StoreError(
                "Cadangan PostgreSQL memerlukan program pg_dump (paket postgresql-client); "
                "pasang lalu ulangi, atau gunakan pencadangan server."
            )
        url = self.engine.url.set(drivername="postgresql")
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
        )
        if proc.returncode != 0:
            raise StoreError(f"pg_dump gagal: {proc.stderr.strip().splitlines()[-1:]}")
        return target

    def check(self) -> list[str]:
        """Integrity problems found ([] when sound): the engine's own check and the invariants."""
        problems: list[str] = []
        with self._read() as conn:
            if self.dialect == "sqlite":
                res = [r[0] for r in conn.exec_driver_sql("PRAGMA integrity_check").all()]
                if res != ["ok"]:
                    problems += [f"integrity_check: {r}" for r in res]
                fk = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                problems += [f"foreign_key_check: {tuple(r)}" for r in fk]
            # Every accepted submission has its records, and a superseded one points forward.
            bad = (
                conn.execute(
                    select(Kiriman.id)
                    .where(Kiriman.status != "refused")
                    .where(
                        Kiriman.jumlah_rekaman
                        != select(func.count(Rekaman.id))
                        .where(Rekaman.kiriman_id == Kiriman.id)
                        .scalar_subquery()
                    )
                )
                .scalars()
                .all()
            )
            problems += [f"kiriman #{k}: jumlah rekaman tidak cocok" for k in bad]
            bad = (
                conn.execute(
                    select(Kiriman.id).where(
                        Kiriman.status == "superseded", Kiriman.digantikan_oleh.is_(None)
                    )
                )
                .scalars()
                .all()
            )
            problems += [f"kiriman #{k}: diganti tanpa pengganti" for k in bad]
            bad = (
                conn.execute(
                    select(Rekaman.kiriman_id)
                    .join(Kiriman, Kiriman.id == Rekaman.kiriman_id)
                    .where(Rekaman.kini == sa.true(), Kiriman.status != "accepted")
                    .distinct()
                )
                .scalars()
                .all()
            )
            problems += [f"kiriman #{k}: data kini pada kiriman yang tidak aktif" for k in bad]
        return problems

    def counts(self) -> dict[str, int]:
        """Row counts per table (tests and the crash check compare them)."""
        with self._read() as conn:
            return {
                t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0)
                for t in Base.metadata.sorted_tables
            }
