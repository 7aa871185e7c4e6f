"""Decisions on evaluation flags (accept / send back, with a note), and what the evaluation
reads besides records: the reader's warnings kept with each accepted submission, the rounds'
deadlines and the PK master of several years."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from kinerja.store import akun
from kinerja.store.engine import StoreError, read, write
from kinerja.store.indicators import clean
from kinerja.store.tables import (
    Indikator,
    Kiriman,
    Langkah,
    Putaran,
    Rekaman,
    Tanda,
    add_audit,
    check_user,
    now,
)

# The decisions a person can take on a flag; "terbuka" is the absence of one.
STATUS_TANDA: dict[str, str] = {
    "terbuka": "Terbuka",
    "diterima": "Diterima (nilai benar)",
    "dikembalikan": "Dikembalikan ke bidang",
}
DECISION_COLUMNS = ["kode", "status", "catatan", "oleh", "waktu"]
WARNING_COLUMNS = ["kiriman_id", "row", "column", "message", "code", "sheet"]


def decisions(engine: Engine, iid: int) -> pd.DataFrame:
    """Every decision of the agency: DECISION_COLUMNS (kode is the flag id)."""
    q = select(Tanda.kode, Tanda.status, Tanda.catatan, Tanda.oleh, Tanda.waktu).where(
        Tanda.instansi_id == iid
    )
    with read(engine) as conn:
        rows = conn.execute(q.order_by(Tanda.id)).all()
    return pd.DataFrame(rows, columns=DECISION_COLUMNS)


def decide(
    engine: Engine,
    iid: int,
    flag: Mapping[str, Any],
    *,
    status: str,
    catatan: str,
    user: str,
) -> None:
    """Record status ("diterima" or "dikembalikan") with a note on flag (a mapping with id,
    bidang, indikator, tahun, periode, check); audited with the previous decision."""
    if status not in ("diterima", "dikembalikan"):
        raise StoreError(f"Status tanda {status!r} tidak dikenal (diterima atau dikembalikan).")
    if not catatan or not catatan.strip():
        raise StoreError("Tuliskan catatan untuk keputusan ini.")
    check_user(user)
    flag = {k: clean(v) for k, v in flag.items()}  # numpy and NaN from a frame's row
    kode = str(flag["id"])
    values = {
        "status": status,
        "catatan": catatan.strip(),
        "oleh": user,
        "waktu": now(),
    }
    with write(engine) as conn:
        akun.authorize(conn, user, "verifikasi", instansi_id=iid)
        row = conn.execute(
            select(Tanda.id, Tanda.status, Tanda.catatan).where(
                Tanda.instansi_id == iid, Tanda.kode == kode
            )
        ).first()
        if row is None:
            tid = conn.execute(
                insert(Tanda)
                .values(
                    instansi_id=iid,
                    kode=kode,
                    bidang=flag.get("bidang"),
                    indikator=flag.get("indikator"),
                    tahun=flag.get("tahun"),
                    periode=flag.get("periode"),
                    cek=str(flag["check"]),
                    **values,
                )
                .returning(Tanda.id)
            ).scalar_one()
            lama: dict[str, Any] = {"status": "terbuka"}
        else:
            tid = row.id
            conn.execute(update(Tanda).where(Tanda.id == tid).values(**values))
            lama = {"status": row.status, "catatan": row.catatan}
        add_audit(
            conn,
            user,
            f"tanda.{status}",
            "tanda",
            tid,
            instansi_id=iid,
            lama=lama,
            baru={
                "id": kode,
                "check": str(flag["check"]),
                "bidang": flag.get("bidang"),
                "indikator": flag.get("indikator"),
                "tahun": flag.get("tahun"),
                "periode": flag.get("periode"),
                "status": status,
                "catatan": catatan.strip(),
            },
        )


def warnings(engine: Engine, iid: int) -> pd.DataFrame:
    """The reader's warnings of every accepted submission that still has current records:
    WARNING_COLUMNS, one row per warning that names a row."""
    current = (
        select(Rekaman.kiriman_id)
        .where(Rekaman.instansi_id == iid, Rekaman.kini == sa.true())
        .distinct()
    )
    q = select(Kiriman.id, Kiriman.laporan).where(
        Kiriman.instansi_id == iid, Kiriman.id.in_(current)
    )
    out: list[tuple[Any, ...]] = []
    with read(engine) as conn:
        for kid, laporan in conn.execute(q):
            for w in (laporan or {}).get("warnings") or []:
                if w.get("row") is None:
                    continue
                out.append(
                    (
                        kid,
                        w.get("row"),
                        w.get("column"),
                        w.get("message"),
                        w.get("code"),
                        w.get("sheet"),
                    )
                )
    return pd.DataFrame(out, columns=WARNING_COLUMNS)


def deadlines(engine: Engine, iid: int) -> dict[tuple[int, str], dt.datetime]:
    """(tahun, periode) -> the round's deadline (the latest "batas_waktu" step recorded)."""
    q = (
        select(Putaran.tahun, Putaran.periode, Langkah.waktu)
        .join(Langkah, Langkah.putaran_id == Putaran.id)
        .where(Putaran.instansi_id == iid, Langkah.langkah == "batas_waktu")
        .order_by(Langkah.id)
    )
    with read(engine) as conn:
        return {(int(t), str(p)): w for t, p, w in conn.execute(q)}


def pk_all_years(engine: Engine, iid: int) -> pd.DataFrame:
    """The indicator master of every year: tahun + the PK columns."""
    from kinerja.store.indicators import PK_COLUMNS

    cols = ["tahun", *PK_COLUMNS]
    q = select(*[getattr(Indikator, c) for c in cols]).where(Indikator.instansi_id == iid)
    with read(engine) as conn:
        rows = conn.execute(q.order_by(Indikator.tahun, Indikator.id)).all()
    return pd.DataFrame(rows, columns=cols)


def slot_records(engine: Engine, iid: int, bidang: str, tahun: int, periode: str) -> list[int]:
    """The ids of the current records of one bidang in one round, sorted."""
    q = select(Rekaman.id).where(
        Rekaman.instansi_id == iid,
        Rekaman.kini == sa.true(),
        Rekaman.bidang == bidang,
        Rekaman.tahun == tahun,
        Rekaman.periode == periode,
    )
    with read(engine) as conn:
        return sorted(int(x) for x in conn.scalars(q))
