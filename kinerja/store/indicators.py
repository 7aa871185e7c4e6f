"""The indicator master of a year (the Perjanjian Kinerja and its Rencana Aksi): import, read,
edit; every value checked before it is written."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

from kinerja import schema
from kinerja.store import instansi
from kinerja.store.engine import StoreError, read, write
from kinerja.store.tables import Indikator, add_audit, check_length, check_user, now

# The columns of the indicator master besides instansi, tahun and id (kinerja.pk reads a PK
# sheet into them).
PK_COLUMNS: list[str] = [
    "kode",
    "bidang",
    "sasaran",
    "indikator",
    "satuan",
    "arah",
    "agregasi",
    "target",
    "target_tw1",
    "target_tw2",
    "target_tw3",
    "target_tw4",
    "target_renstra",
    "tahun_renstra",
    "program",
    "pagu",
]
_NUMBERS = frozenset(
    {"target", "target_tw1", "target_tw2", "target_tw3", "target_tw4", "target_renstra", "pagu"}
)
_LABEL = {"kode": "Kode", "bidang": "Bidang", "satuan": "Satuan"}


def clean(value: Any) -> Any:
    """A database-ready scalar: NaN/NaT/pd.NA to None, numpy scalars to Python."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _checked(values: Mapping[str, Any]) -> dict[str, Any]:
    """values (some of PK_COLUMNS) cleaned and checked; StoreError names the indicator."""
    out = {c: clean(v) for c, v in values.items()}
    name = out.get("indikator")
    where = f"Indikator {name!r}" if name else "Indikator"
    for c in ("bidang", "indikator"):
        if c in out:
            out[c] = "" if out[c] is None else str(out[c]).strip()
            if not out[c]:
                raise StoreError("Setiap baris PK wajib berisi Bidang dan Indikator Kinerja.")
    if out.get("arah", "naik") not in schema.ARAH or out.get("agregasi", "akhir") not in (
        schema.AGREGASI
    ):
        raise StoreError(
            f"{where}: arah harus naik/turun dan agregasi {'/'.join(schema.AGREGASI)}."
        )
    for c, v in out.items():
        if v is None:
            continue
        if c in _NUMBERS:
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise StoreError(f"{where}: {c} harus berupa angka, bukan {v!r}.")
            out[c] = float(v)
        elif c == "tahun_renstra":
            if isinstance(v, bool) or not isinstance(v, int | float) or v != int(v):
                raise StoreError(f"{where}: tahun_renstra harus berupa tahun, bukan {v!r}.")
            out[c] = int(v)
        elif not isinstance(v, str):
            out[c] = str(v)
    for c, label in _LABEL.items():
        if c in out:
            check_length(out[c], getattr(Indikator, c), f"{where}: {label}")
    return out


def import_pk(engine: Engine, iid: int, frame: pd.DataFrame, *, tahun: int, user: str) -> int:
    """Replace-or-add the year's indicators from a PK frame (columns: PK_COLUMNS, bidang and
    indikator required); rows keyed by bidang + indikator. Returns the rows written."""
    check_user(user)
    rows = []
    for raw in frame.to_dict("records"):
        row = {c: clean(raw.get(c)) for c in PK_COLUMNS}
        row["arah"] = row["arah"] or "naik"
        row["agregasi"] = row["agregasi"] or "akhir"
        rows.append(_checked(row))
    keys = [(r["bidang"], r["indikator"]) for r in rows]
    if len(set(keys)) != len(keys):
        dup = next(k for k in keys if keys.count(k) > 1)
        raise StoreError(f"Indikator {dup[1]!r} bidang {dup[0]!r} tercantum dua kali di PK.")
    stamp = now()
    with write(engine) as conn:
        instansi.lock(conn, iid)
        existing = {
            (r.bidang, r.indikator): r.id
            for r in conn.execute(
                select(Indikator.id, Indikator.bidang, Indikator.indikator).where(
                    Indikator.instansi_id == iid, Indikator.tahun == tahun
                )
            ).all()
        }
        for row in rows:
            old = existing.get((row["bidang"], row["indikator"]))
            if old is None:
                conn.execute(
                    insert(Indikator).values(instansi_id=iid, tahun=tahun, diubah=stamp, **row)
                )
            else:
                conn.execute(
                    update(Indikator).where(Indikator.id == old).values(diubah=stamp, **row)
                )
        add_audit(
            conn,
            user,
            "pk.impor",
            "indikator",
            None,
            instansi_id=iid,
            baru={"tahun": tahun, "jumlah": len(rows)},
        )
    return len(rows)


def indicators(engine: Engine, iid: int, *, tahun: int, bidang: str | None) -> pd.DataFrame:
    """The indicator master of one year: id + PK_COLUMNS."""
    q = select(Indikator.id, *[getattr(Indikator, c) for c in PK_COLUMNS]).where(
        Indikator.instansi_id == iid, Indikator.tahun == tahun
    )
    if bidang is not None:
        q = q.where(Indikator.bidang == bidang)
    with read(engine) as conn:
        rows = conn.execute(q.order_by(Indikator.bidang, Indikator.kode, Indikator.id)).all()
    return pd.DataFrame(rows, columns=["id", *PK_COLUMNS])


def update_indicator(
    engine: Engine, indikator_id: int, values: Mapping[str, Any], *, user: str
) -> None:
    """Edit one indicator of the master (only PK_COLUMNS); audited with old and new values."""
    unknown = set(values) - set(PK_COLUMNS)
    if unknown:
        raise StoreError(f"Kolom indikator tidak dikenal: {', '.join(sorted(unknown))}.")
    check_user(user)
    new = _checked(values)
    with write(engine) as conn:
        old = conn.execute(select(Indikator).where(Indikator.id == indikator_id)).first()
        if old is None:
            raise StoreError(f"Indikator #{indikator_id} tidak ada.")
        lama = {k: getattr(old, k) for k in new}
        conn.execute(
            update(Indikator).where(Indikator.id == indikator_id).values(diubah=now(), **new)
        )
        add_audit(
            conn,
            user,
            "indikator.ubah",
            "indikator",
            indikator_id,
            instansi_id=old.instansi_id,
            lama=lama,
            baru=new,
        )
