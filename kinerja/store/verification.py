"""Verification of a bidang in a round (draft -> submitted -> verified or returned), notes on
records, and reading the audit log."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine

from kinerja.store import akun, instansi
from kinerja.store.engine import StoreError, read, write
from kinerja.store.rounds import check_periode, putaran
from kinerja.store.tables import (
    Audit,
    Catatan,
    Putaran,
    Rekaman,
    Verifikasi,
    add_audit,
    check_length,
    check_user,
    now,
)


def set_status(
    conn: Connection,
    iid: int,
    pid: int,
    bidang: str,
    status: str,
    user: str,
    note: str | None,
    kiriman_id: int | None = None,
) -> None:
    """Set the status of bidang in round pid, audited with the old one (in conn's transaction)."""
    row = conn.execute(
        select(Verifikasi.id, Verifikasi.status, Verifikasi.catatan).where(
            Verifikasi.putaran_id == pid, Verifikasi.bidang == bidang
        )
    ).first()
    values = {"status": status, "oleh": user, "waktu": now(), "catatan": note}
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
    add_audit(
        conn,
        user,
        f"verifikasi.{status}",
        "verifikasi",
        vid,
        instansi_id=iid,
        lama=lama,
        baru=baru,
    )


def status_table(engine: Engine, iid: int, *, tahun: int | None) -> pd.DataFrame:
    """Verification state per bidang and round.

    Columns: tahun, periode, bidang, status, oleh, waktu, catatan.
    """
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
    with read(engine) as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame(
        rows, columns=["tahun", "periode", "bidang", "status", "oleh", "waktu", "catatan"]
    )


def status(engine: Engine, iid: int, bidang: str, tahun: int, periode: str) -> str:
    """The status of one bidang in one round ("draft" when nothing happened yet)."""
    periode = check_periode(periode)
    with read(engine) as conn:
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
    engine: Engine,
    iid: int,
    bidang: str,
    tahun: int,
    periode: str,
    *,
    to: str,
    allowed_from: set[str],
    user: str,
    note: str | None,
    refusal: str,
    expect: Sequence[int] | None = None,
) -> str:
    periode = check_periode(periode)
    check_user(user)
    check_length(bidang, Verifikasi.bidang, "Nama bidang")
    with write(engine) as conn:
        akun.authorize(conn, user, "verifikasi", bidang=bidang, instansi_id=iid)
        instansi.lock(conn, iid)
        pid = putaran(conn, iid, tahun, periode)
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
        if expect is not None:
            # The caller judged these records (e.g. found no open flag); a file stored since
            # then must be judged again before the data is locked.
            now_ids = sorted(
                conn.scalars(
                    select(Rekaman.id).where(
                        Rekaman.instansi_id == iid,
                        Rekaman.kini == sa.true(),
                        Rekaman.bidang == bidang,
                        Rekaman.tahun == tahun,
                        Rekaman.periode == periode,
                    )
                )
            )
            if now_ids != sorted(expect):
                raise StoreError(
                    f"Data {bidang} {periode} {tahun} berubah sejak diperiksa (ada kiriman "
                    "baru); periksa lagi sebelum memverifikasi."
                )
        set_status(conn, iid, pid, bidang, to, user, note)
    return to


def verify(
    engine: Engine,
    iid: int,
    bidang: str,
    tahun: int,
    periode: str,
    *,
    user: str,
    note: str | None,
    expect: Sequence[int] | None = None,
) -> str:
    """Mark a submitted bidang + round verified; its data is locked from then on.

    expect: the current record ids the caller checked; refused if they changed meanwhile."""
    return _transition(
        engine,
        iid,
        bidang,
        tahun,
        periode,
        to="verified",
        allowed_from={"submitted"},
        user=user,
        note=note,
        refusal="Data {bidang} {periode} {tahun} belum bisa diverifikasi (status: {status}); "
        "hanya data yang sudah dikirim yang dapat diverifikasi.",
        expect=expect,
    )


def return_(
    engine: Engine, iid: int, bidang: str, tahun: int, periode: str, *, user: str, note: str
) -> str:
    """Send a submitted bidang + round back for correction, with a note."""
    if not note or not note.strip():
        raise StoreError("Tuliskan catatan mengapa data dikembalikan.")
    return _transition(
        engine,
        iid,
        bidang,
        tahun,
        periode,
        to="returned",
        allowed_from={"submitted"},
        user=user,
        note=note,
        refusal="Data {bidang} {periode} {tahun} tidak dapat dikembalikan (status: {status}).",
    )


def unverify(
    engine: Engine, iid: int, bidang: str, tahun: int, periode: str, *, user: str, reason: str
) -> str:
    """Open a verified bidang + round again (status "returned"); a reason is required."""
    if not reason or not reason.strip():
        raise StoreError("Alasan membuka verifikasi wajib diisi.")
    return _transition(
        engine,
        iid,
        bidang,
        tahun,
        periode,
        to="returned",
        allowed_from={"verified"},
        user=user,
        note=reason,
        refusal="Data {bidang} {periode} {tahun} tidak sedang terverifikasi (status: {status}).",
    )


# --- notes on records ---------------------------------------------------------------------


def add_note(engine: Engine, rekaman_id: int, text: str, *, user: str) -> int:
    """Attach a note to a record (and so to its key: later versions show it too)."""
    if not text.strip():
        raise StoreError("Catatan kosong tidak disimpan.")
    check_user(user)
    with write(engine) as conn:
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
        akun.authorize(conn, user, "jawab_tanda", bidang=rec.bidang, instansi_id=rec.instansi_id)
        nid = conn.execute(
            insert(Catatan)
            .values(
                rekaman_id=rekaman_id, isi=text.strip(), oleh=user, waktu=now(), **rec._asdict()
            )
            .returning(Catatan.id)
        ).scalar_one()
        add_audit(
            conn,
            user,
            "catatan.tambah",
            "catatan",
            nid,
            instansi_id=rec.instansi_id,
            baru={"rekaman_id": rekaman_id, "isi": text.strip()},
        )
    return int(nid)


def notes(engine: Engine, iid: int, *, tahun: int | None, bidang: str | None) -> pd.DataFrame:
    """Notes on records: id, rekaman_id, bidang, indikator, tahun, periode, isi, oleh, waktu."""
    cols = ["id", "rekaman_id", "bidang", "indikator", "tahun", "periode", "isi", "oleh", "waktu"]
    q = select(*[getattr(Catatan, c) for c in cols]).where(Catatan.instansi_id == iid)
    if tahun is not None:
        q = q.where(Catatan.tahun == tahun)
    if bidang is not None:
        q = q.where(Catatan.bidang == bidang)
    with read(engine) as conn:
        rows = conn.execute(q.order_by(Catatan.id)).all()
    return pd.DataFrame(rows, columns=cols)


# --- the audit log ------------------------------------------------------------------------


def audit(
    engine: Engine, *, instansi_id: int | None, aksi: str | None, limit: int | None
) -> pd.DataFrame:
    """The audit log, oldest first: id, waktu, oleh, aksi, instansi_id, objek, objek_id, lama,
    baru (every agency's when instansi_id is None; aksi matches as a prefix)."""
    cols = ["id", "waktu", "oleh", "aksi", "instansi_id", "objek", "objek_id", "lama", "baru"]
    q = select(*[getattr(Audit, c) for c in cols]).order_by(Audit.id)
    if instansi_id is not None:
        q = q.where(Audit.instansi_id == instansi_id)
    if aksi is not None:
        q = q.where(Audit.aksi.startswith(aksi))
    if limit is not None:
        q = q.limit(limit)
    with read(engine) as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame(rows, columns=cols)
