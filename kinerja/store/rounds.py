"""Collection rounds (tahun + periode) and the SOP steps recorded on them."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Engine

from kinerja import schema
from kinerja.store import akun, instansi
from kinerja.store.engine import StoreError, read, write
from kinerja.store.tables import (
    Cakupan,
    Kiriman,
    Langkah,
    Putaran,
    Rekaman,
    add_audit,
    check_user,
    now,
)

# The SOP steps (docs/domain.md), in order, as they are recorded on a round.
LANGKAH: dict[str, str] = {
    "disposisi": "Disposisi Kepala Dinas",
    "format_dibuat": "Format data kinerja dibuat",
    "format_dikirim": "Format dikirim ke bidang",
    "batas_waktu": "Batas waktu pengisian",
    "diisi": "Format diisi bidang",
    "data_terkumpul": "Data terkumpul",
    "dievaluasi": "Data dianalisis dan dievaluasi",
    "disusun": "Data kinerja disusun",
}


# The action (kinerja.peran) a step is recorded under: a step that another allowed action
# causes (the format built and sent, the LKjIP data compiled, a bidang's upload) may be
# recorded by whoever may take that action; every other step belongs to running the round.
LANGKAH_AKSI: dict[str, tuple[str, ...]] = {
    "format_dibuat": ("putaran", "format"),
    "format_dikirim": ("putaran", "format"),
    "diisi": ("putaran", "unggah", "unggah_bidang"),
    "disusun": ("putaran", "ekspor"),
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
        akun.authorize(conn, user, "putaran", instansi_id=iid)
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
        akun.authorize(conn, user, LANGKAH_AKSI.get(langkah, ("putaran",)), instansi_id=iid)
        instansi.lock(conn, iid)
        pid = putaran(conn, iid, tahun, periode)
        sid = _insert_step(
            conn, iid, pid, tahun, periode, langkah, waktu or now(), user=user, catatan=catatan
        )
    return sid


def _insert_step(
    conn: Connection,
    iid: int,
    pid: int,
    tahun: int,
    periode: str,
    langkah: str,
    waktu: dt.datetime,
    *,
    user: str,
    catatan: str | None,
) -> int:
    """One step row of round pid and its audit line, in conn's transaction; its id."""
    sid = conn.execute(
        insert(Langkah)
        .values(
            putaran_id=pid, langkah=langkah, waktu=waktu, oleh=user, catatan=catatan, dicatat=now()
        )
        .returning(Langkah.id)
    ).scalar_one()
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
            "waktu": waktu.isoformat(),
            "catatan": catatan,
        },
    )
    return int(sid)


def rounds(engine: Engine, iid: int, *, tahun: int | None) -> pd.DataFrame:
    """Rounds with their steps: one row per step (a round without steps has one empty row).

    Columns: putaran_id, tahun, periode, langkah, waktu, oleh, catatan, langkah_id (the
    order steps were recorded in), dicatat (when recorded).
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
            Langkah.id.label("langkah_id"),
            Langkah.dicatat,
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
    return pd.DataFrame(rows, columns=ROUND_COLUMNS)


ROUND_COLUMNS = [
    "putaran_id",
    "tahun",
    "periode",
    "langkah",
    "waktu",
    "oleh",
    "catatan",
    "langkah_id",
    "dicatat",
]
SUBMISSION_COLUMNS = ["tahun", "periode", "bidang", "kiriman_id", "status", "waktu", "pengguna"]


def start_round(
    engine: Engine,
    iid: int,
    tahun: int,
    periode: str,
    *,
    user: str,
    batas: dt.datetime,
    waktu: dt.datetime | None,
    catatan: str | None,
) -> int:
    """Open a round the SOP way, in one transaction: its disposisi (step 1, at waktu, default
    now) and its deadline (a batas_waktu step at batas). Refused when the round already has a
    disposisi. Returns the round's id."""
    periode = check_periode(periode)
    check_user(user)
    with write(engine) as conn:
        akun.authorize(conn, user, "putaran", instansi_id=iid)
        instansi.lock(conn, iid)
        pid = putaran(conn, iid, tahun, periode)
        before = conn.execute(
            select(Langkah.waktu, Langkah.oleh)
            .where(Langkah.putaran_id == pid, Langkah.langkah == "disposisi")
            .order_by(Langkah.id)
        ).first()
        if before is not None:
            raise StoreError(
                f"Putaran {periode} {tahun} sudah dibuka (disposisi oleh {before.oleh}); "
                "catat langkahnya atau ubah tenggatnya saja."
            )
        when = waktu or now()
        for langkah, at, note in (("disposisi", when, catatan), ("batas_waktu", batas, None)):
            _insert_step(conn, iid, pid, tahun, periode, langkah, at, user=user, catatan=note)
        add_audit(
            conn,
            user,
            "putaran.buka",
            "putaran",
            pid,
            instansi_id=iid,
            baru={"tahun": tahun, "periode": periode, "batas_waktu": batas.isoformat()},
        )
    return pid


def round_submissions(
    engine: Engine, iid: int, *, tahun: int | None, periode: str | None
) -> pd.DataFrame:
    """Every submission covering a round, one row per bidang it covers (accepted, refused or
    superseded), oldest first: SUBMISSION_COLUMNS."""
    q = (
        select(
            Putaran.tahun,
            Putaran.periode,
            Cakupan.bidang,
            Kiriman.id,
            Kiriman.status,
            Kiriman.waktu,
            Kiriman.pengguna,
        )
        .join(Cakupan, Cakupan.putaran_id == Putaran.id)
        .join(Kiriman, Kiriman.id == Cakupan.kiriman_id)
        .where(Putaran.instansi_id == iid)
        .order_by(Kiriman.id, Cakupan.id)
    )
    if tahun is not None:
        q = q.where(Putaran.tahun == tahun)
    if periode is not None:
        q = q.where(Putaran.periode == check_periode(periode))
    with read(engine) as conn:
        rows = conn.execute(q).all()
    return pd.DataFrame(rows, columns=SUBMISSION_COLUMNS)


def summary(engine: Engine, iid: int, *, tahun: int | None, periode: str | None) -> dict[str, int]:
    """Counted in the database, for one round when tahun and periode are given (else every
    round): kiriman (submissions of every status covering it), rekaman_kini (its current
    records), bidang_kini (bidang with current records)."""
    kiriman = select(sa.func.count(sa.distinct(Kiriman.id))).where(Kiriman.instansi_id == iid)
    kini = sa.and_(Rekaman.instansi_id == iid, Rekaman.kini == sa.true())
    if tahun is not None or periode is not None:
        cover = select(Cakupan.kiriman_id).join(Putaran, Putaran.id == Cakupan.putaran_id)
        if tahun is not None:
            cover = cover.where(Putaran.tahun == tahun)
            kini = sa.and_(kini, Rekaman.tahun == tahun)
        if periode is not None:
            periode = check_periode(periode)
            cover = cover.where(Putaran.periode == periode)
            kini = sa.and_(kini, Rekaman.periode == periode)
        kiriman = kiriman.where(Kiriman.id.in_(cover))
    with read(engine) as conn:
        return {
            "kiriman": int(conn.scalar(kiriman) or 0),
            "rekaman_kini": int(conn.scalar(select(sa.func.count()).where(kini)) or 0),
            "bidang_kini": int(
                conn.scalar(select(sa.func.count(sa.distinct(Rekaman.bidang))).where(kini)) or 0
            ),
        }
