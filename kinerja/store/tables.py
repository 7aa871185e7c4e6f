"""The tables (SQLAlchemy ORM), their text limits, and the audit line every change writes."""

from __future__ import annotations

import datetime as dt
from typing import Any

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
    insert,
)
from sqlalchemy.engine import Connection
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from kinerja.store.engine import StoreError


def now() -> dt.datetime:
    """The current time in UTC, as every timestamp is stored."""
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


class Tanda(Base):
    """A decision on one evaluation flag: accepted ("diterima": the value is right) or sent
    back to the bidang ("dikembalikan"). A flag with no row is open ("terbuka").

    Flags themselves are computed from the data (kinerja.evaluate), never stored: kode is the
    flag's stable id (a hash of its record key, check and message), so a decision holds for
    exactly the numbers it was made on, and a corrected value is a new, open flag.
    """

    __tablename__ = "tanda"
    __table_args__ = (UniqueConstraint("instansi_id", "kode"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instansi_id: Mapped[int] = mapped_column(ForeignKey("instansi.id"))
    kode: Mapped[str] = mapped_column(String(40))
    bidang: Mapped[str | None] = mapped_column(String(200))
    indikator: Mapped[str | None] = mapped_column(Text)
    tahun: Mapped[int | None] = mapped_column(Integer)
    periode: Mapped[str | None] = mapped_column(String(20))
    cek: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    catatan: Mapped[str] = mapped_column(Text)
    oleh: Mapped[str] = mapped_column(String(200))
    waktu: Mapped[dt.datetime] = mapped_column(UtcDateTime)


class Akun(Base):
    """A user account: its role (kinerja.peran), the bidang a kabid or staf is bound to, the
    argon2 hash of its password, and the failed attempts that slow down and lock it."""

    __tablename__ = "akun"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # None: every agency of the deployment.
    instansi_id: Mapped[int | None] = mapped_column(ForeignKey("instansi.id"))
    username: Mapped[str] = mapped_column(String(100), unique=True)  # stored lowercased
    password_hash: Mapped[str] = mapped_column(String(255))
    peran: Mapped[str] = mapped_column(String(20))
    bidang: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), unique=True)  # stored lowercased
    aktif: Mapped[bool] = mapped_column(Boolean)
    gagal: Mapped[int] = mapped_column(Integer)  # consecutive failed attempts
    coba_lagi: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    terkunci: Mapped[bool] = mapped_column(Boolean)
    dibuat: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    diubah: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    terakhir_masuk: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)


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


# --- text limits --------------------------------------------------------------------------
# PostgreSQL refuses text longer than a column's String(n); SQLite would keep it. The store
# checks these limits itself before writing, so both databases refuse the same values, with
# a message a person can act on.


def string_lengths(model: type[Base]) -> dict[str, int]:
    """The String(n) limit of each bounded text column of a table, by column name."""
    return {
        c.name: int(c.type.length)
        for c in model.__table__.columns
        if isinstance(c.type, String) and c.type.length is not None
    }


# The longest text each record column holds, in characters (the reader's schema reuses them):
# {"bidang": 200, "satuan": 100, "arah": 10, "periode": 20, "predikat": 50}.
LENGTHS: dict[str, int] = string_lengths(Rekaman)


def check_length(value: str | None, column: Any, label: str) -> None:
    """StoreError when value is longer than the String(n) of column (e.g. Verifikasi.bidang)."""
    limit = column.type.length
    if value is not None and limit is not None and len(value) > limit:
        raise StoreError(f"{label} terlalu panjang: {len(value)} karakter (paling banyak {limit}).")


def check_user(user: str) -> None:
    """StoreError when a user name does not fit the audit log."""
    check_length(user, Audit.oleh, "Nama pengguna")


def fit(value: str | None, column: Any) -> str | None:
    """A label cut to the String(n) of column, with "…" where it was cut."""
    limit = column.type.length
    if value is None or limit is None or len(value) <= limit:
        return value
    return value[: limit - 1] + "…"


# --- the audit line -----------------------------------------------------------------------


def add_audit(
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
    """Append one line to the audit log, in conn's transaction."""
    conn.execute(
        insert(Audit).values(
            waktu=now(),
            oleh=oleh,
            aksi=aksi,
            instansi_id=instansi_id,
            objek=objek,
            objek_id=objek_id,
            lama=lama,
            baru=baru,
        )
    )
