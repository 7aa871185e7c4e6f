"""Collection rounds (tahun + periode) and the SOP steps recorded on them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Engine

from kinerja import schema
from kinerja.store import instansi
from kinerja.store.engine import StoreError, read, write
from kinerja.store.tables import Langkah, Putaran, add_audit, check_user, now

# The SOP steps (docs/domain.md), in order, as they are recorded on a round.
LANGKAH: dict[str, str] = {
    "disposisi": "Disposisi Kepala Dinas",
    "format_dibuat": "Format data kinerja dibuat",
    "format_dikirim": "Format dikirim ke bidang",
    "batas_waktu": "Batas waktu pengisian",
    "data_terkumpul": "Data terkumpul",
    "dievaluasi": "Data dianalisis dan dievaluasi",
    "disusun": "Data kinerja disusun",
}


def check_periode(periode: str) -> str:
    """The canonical periode ("TW II" for "Triwulan 2"), or StoreError."""
    p = schema.parse_periode(periode)
    if p is None:
        raise StoreError(f"Periode {periode!r} tidak dikenal (contoh: TW I, Semester I, Tahunan).")
    return p


def putaran(conn: Connection, iid: int, tahun: int, periode: str) -> int:
    """The id of the round tahun + periode, created when new (in conn's transaction)."""
    pid = conn.scalar(
        select(Putaran.id).where(
            Putaran.instansi_id == iid, Putaran.tahun == tahun, Putaran.periode == periode
        )
    )
    if pid is None:
        pid = conn.execute(
            insert(Putaran)
            .values(instansi_id=iid, tahun=tahun, periode=periode, dibuat=now())
            .returning(Putaran.id)
        ).scalar_one()
    return int(pid)


def open_round(engine: Engine, iid: int, tahun: int, periode: str, *, user: str) -> int:
    """The round tahun + periode (created when new); its id."""
    periode = check_periode(periode)
    check_user(user)
    with write(engine) as conn:
        instansi.lock(conn, iid)
        before = conn.scalar(
            select(Putaran.id).where(
                Putaran.instansi_id == iid, Putaran.tahun == tahun, Putaran.periode == periode
            )
        )
        pid = putaran(conn, iid, tahun, periode)
        if before is None:
            add_audit(
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
    engine: Engine,
    iid: int,
    tahun: int,
    periode: str,
    langkah: str,
    *,
    user: str,
    waktu: dt.datetime | None,
    catatan: str | None,
) -> int:
    """Record an SOP step (see LANGKAH) of a round; waktu defaults to now."""
    if langkah not in LANGKAH:
        raise StoreError(
            f"Langkah {langkah!r} tidak dikenal; pilih salah satu: {', '.join(LANGKAH)}."
        )
    periode = check_periode(periode)
    check_user(user)
    with write(engine) as conn:
        instansi.lock(conn, iid)
        pid = putaran(conn, iid, tahun, periode)
        when = waktu or now()
        values = {
            "putaran_id": pid,
            "langkah": langkah,
            "waktu": when,
            "oleh": user,
            "catatan": catatan,
            "dicatat": now(),
        }
        sid = conn.execute(insert(Langkah).values(**values).returning(Langkah.id)).scalar_one()
        add_audit(
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


def rounds(engine: Engine, iid: int, *, tahun: int | None) -> pd.DataFrame:
    """Rounds with their steps: one row per step (a round without steps has one empty row).

    Columns: putaran_id, tahun, periode, langkah, waktu, oleh, catatan.
    """
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
    with read(engine) as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame(
        rows, columns=["putaran_id", "tahun", "periode", "langkah", "waktu", "oleh", "catatan"]
    )
