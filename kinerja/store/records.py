"""Reading back what was stored: current records, the submission history, what a submission
changed, and a submission's own file and report."""

from __future__ import annotations

from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.engine import Engine

from kinerja.store.engine import StoreError, read
from kinerja.store.rounds import check_periode
from kinerja.store.submissions import STORED_COLUMNS
from kinerja.store.tables import Cakupan, Kiriman, Perubahan, Putaran, Rekaman

HISTORY_COLUMNS = [
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
CHANGE_COLUMNS = [
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


def records(
    engine: Engine,
    iid: int | None,
    *,
    tahun: int | None,
    bidang: str | None,
    periode: str | None,
    kiriman_id: int | None,
) -> pd.DataFrame:
    """Current records of agency iid (or every record of one submission), RECORD_COLUMNS
    order first; then pagu, realisasi_anggaran, capaian_catatan, baris, kiriman_id, id."""
    cols = [getattr(Rekaman, c) for c in STORED_COLUMNS] + [Rekaman.kiriman_id, Rekaman.id]
    if kiriman_id is not None:
        q = select(*cols).where(Rekaman.kiriman_id == kiriman_id)
    else:
        q = select(*cols).where(Rekaman.instansi_id == iid, Rekaman.kini == sa.true())
        if tahun is not None:
            q = q.where(Rekaman.tahun == tahun)
        if bidang is not None:
            q = q.where(Rekaman.bidang == bidang)
        if periode is not None:
            q = q.where(Rekaman.periode == check_periode(periode))
    q = q.order_by(Rekaman.tahun, Rekaman.bidang, Rekaman.kiriman_id, Rekaman.baris, Rekaman.id)
    with read(engine) as conn:
        # Plain driver rows: no column here needs result processing.
        rows = conn.execute(q).cursor.fetchall()
    frame = pd.DataFrame(rows, columns=[*STORED_COLUMNS, "kiriman_id", "id"])
    for c in ("target", "realisasi", "capaian", "pagu", "realisasi_anggaran"):
        frame[c] = frame[c].astype("float64")
    frame["tahun"] = frame["tahun"].astype("int64")
    frame["baris"] = frame["baris"].astype("Int64")
    return frame


def history(
    engine: Engine,
    iid: int,
    *,
    tahun: int | None,
    bidang: str | None,
    periode: str | None,
) -> pd.DataFrame:
    """Every submission (newest first), HISTORY_COLUMNS; a filter matches the slots a
    submission covers, and a refused file with no known slot by its labels."""
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
    if periode is not None:
        periode = check_periode(periode)
    if tahun is not None or bidang is not None or periode is not None:
        sub = select(Cakupan.kiriman_id).join(Putaran, Putaran.id == Cakupan.putaran_id)
        loose: list[sa.ColumnElement[bool]] = [Kiriman.status == "refused"]
        if tahun is not None:
            sub = sub.where(Putaran.tahun == tahun)
            loose.append(Kiriman.tahun == tahun)
        if periode is not None:
            sub = sub.where(Putaran.periode == periode)
            loose.append(Kiriman.periode == periode)
        if bidang is not None:
            sub = sub.where(Cakupan.bidang == bidang)
            loose.append(Kiriman.bidang == bidang)
        q = q.where(sa.or_(Kiriman.id.in_(sub), sa.and_(*loose)))
    with read(engine) as conn:
        rows = conn.execute(q.order_by(Kiriman.id.desc())).all()
    out = []
    for r in rows:
        rep: dict[str, Any] = r.laporan or {}
        d = r._asdict()
        d.pop("laporan")
        d["jumlah_galat"] = len(rep.get("errors") or [])
        d["jumlah_peringatan"] = len(rep.get("warnings") or [])
        d["pesan"] = rep.get("pesan")
        out.append(d)
    frame = pd.DataFrame(out, columns=HISTORY_COLUMNS)
    frame["digantikan_oleh"] = frame["digantikan_oleh"].astype("Int64")
    frame["tahun"] = frame["tahun"].astype("Int64")
    return frame


def changes(engine: Engine, kiriman_id: int) -> pd.DataFrame:
    """Values a submission changed against the one(s) it superseded: CHANGE_COLUMNS."""
    with read(engine) as conn:
        rows = conn.execute(
            select(*[getattr(Perubahan, c) for c in CHANGE_COLUMNS])
            .where(Perubahan.kiriman_id == kiriman_id)
            .order_by(Perubahan.id)
        ).all()
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def submission_file(engine: Engine, kiriman_id: int) -> tuple[str, bytes]:
    """The original file of a submission: (file name, bytes)."""
    with read(engine) as conn:
        row = conn.execute(
            select(Kiriman.nama_file, Kiriman.isi).where(Kiriman.id == kiriman_id)
        ).first()
    if row is None:
        raise StoreError(f"Kiriman #{kiriman_id} tidak ada.")
    return str(row[0]), bytes(row[1])


def submission_report(engine: Engine, kiriman_id: int) -> dict[str, Any]:
    """The validation report stored with a submission ({"errors", "warnings", ...})."""
    with read(engine) as conn:
        rep = conn.scalar(select(Kiriman.laporan).where(Kiriman.id == kiriman_id))
    if rep is None:
        raise StoreError(f"Kiriman #{kiriman_id} tidak ada.")
    return dict(rep)
