"""The indicator master of a year (the Perjanjian Kinerja and its Rencana Aksi): import, read,
edit; every value checked before it is written."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Connection, Engine

from kinerja import bidang, schema
from kinerja.store import akun, instansi
from kinerja.store.engine import StoreError, read, write
from kinerja.store.tables import Indikator, Instansi, add_audit, check_length, check_user, now

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
_REQUIRED = ("bidang", "indikator")
PK_LABELS: dict[str, str] = {
    "kode": "Kode",
    "bidang": "Bidang",
    "sasaran": "Sasaran",
    "indikator": "Indikator Kinerja",
    "satuan": "Satuan",
    "arah": "Arah",
    "agregasi": "Agregasi",
    "target": "Target Tahunan",
    "target_tw1": "Target TW I",
    "target_tw2": "Target TW II",
    "target_tw3": "Target TW III",
    "target_tw4": "Target TW IV",
    "target_renstra": "Target Renstra",
    "tahun_renstra": "Tahun Renstra",
    "program": "Program",
    "pagu": "Pagu",
}
"""Each PK column as people name it (headers kinerja.pk reads back, messages, the editor)."""
_BOUNDED = ("kode", "bidang", "satuan")  # String(n) columns of Indikator


def clean(value: Any) -> Any:
    """A database-ready scalar: NaN/NaT/pd.NA to None, numpy scalars to Python."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _checked(values: Mapping[str, Any], name: str | None = None) -> dict[str, Any]:
    """values (some of PK_COLUMNS) cleaned and checked with the PK import's rules; StoreError
    names the indicator (``name``, else the one in values) and the field.

    bidang and indikator required; text trimmed, runs of spaces as one, blank as None; arah
    naik/turun, agregasi akhir/jumlah/rata-rata; numbers 0 or more; tahun_renstra a year
    2000..2100; kode, bidang and satuan within their column's length.
    """
    out = {c: clean(v) for c, v in values.items()}
    shown = name or (str(out["indikator"]).strip() if out.get("indikator") else None)
    where = f"Indikator {shown!r}" if shown else "Indikator"
    for c, v in out.items():
        label = PK_LABELS.get(c, c)
        if c in _NUMBERS:
            if v is None:
                continue
            if isinstance(v, bool) or not isinstance(v, int | float) or not math.isfinite(v):
                raise StoreError(f"{where}: {label} harus berupa angka, bukan {v!r}.")
            if v < 0:
                raise StoreError(f"{where}: {label} tidak boleh negatif ({v!r}).")
            out[c] = float(v)
        elif c == "tahun_renstra":
            if v is None:
                continue
            if isinstance(v, bool) or not isinstance(v, int | float) or v != int(v):
                raise StoreError(f"{where}: {label} harus berupa tahun, bukan {v!r}.")
            if not 2000 <= int(v) <= 2100:
                raise StoreError(f"{where}: {label} harus antara 2000 dan 2100, bukan {v!r}.")
            out[c] = int(v)
        else:
            text = " ".join(str(v).split()) if v is not None else ""
            if c in _REQUIRED and not text:
                raise StoreError(f"{where}: kolom {label} wajib diisi.")
            out[c] = text or None
    if "arah" in out and out["arah"] not in schema.ARAH:
        raise StoreError(f"{where}: arah harus naik atau turun, bukan {out['arah']!r}.")
    if "agregasi" in out and out["agregasi"] not in schema.AGREGASI:
        raise StoreError(
            f"{where}: agregasi harus {', '.join(schema.AGREGASI)}, bukan {out['agregasi']!r}."
        )
    for c in _BOUNDED:
        if c in out:
            check_length(out[c], getattr(Indikator, c), f"{where}: {PK_LABELS[c]}")
    return out


def _agency_bidang(conn: Connection, iid: int) -> list[str]:
    peng = conn.scalar(select(Instansi.pengaturan).where(Instansi.id == iid)) or {}
    return [b for b in peng.get("bidang") or [] if isinstance(b, str)]


def _in_agency_spelling(name: str, daftar: list[str], where: str) -> str:
    """name as the agency's list spells it (kinerja.bidang.match); StoreError with the closest
    names when the list has no such bidang. An agency with no list takes any name."""
    if not daftar:
        return name
    found = bidang.match(name, daftar)
    if found is None:
        raise StoreError(bidang.tidak_dikenal(name, daftar, where))
    return found


def import_pk(engine: Engine, iid: int, frame: pd.DataFrame, *, tahun: int, user: str) -> int:
    """Replace-or-add the year's indicators from a PK frame (columns: PK_COLUMNS, bidang and
    indikator required); rows keyed by bidang + indikator, the bidang in the agency's spelling
    (an unknown one refuses the whole frame). Indicators of the year not in the frame stay.
    Returns the rows written."""
    check_user(user)
    rows = []
    for raw in frame.to_dict("records"):
        row = {c: clean(raw.get(c)) for c in PK_COLUMNS}
        row["arah"] = row["arah"] or "naik"
        row["agregasi"] = row["agregasi"] or "akhir"
        rows.append(_checked(row))
    stamp = now()
    with write(engine) as conn:
        akun.authorize(conn, user, "pk", instansi_id=iid)
        instansi.lock(conn, iid)
        daftar = _agency_bidang(conn, iid)
        for row in rows:
            where = f"indikator {row['indikator']!r}"
            row["bidang"] = _in_agency_spelling(row["bidang"], daftar, where)
        keys = [(r["bidang"], r["indikator"]) for r in rows]
        if len(set(keys)) != len(keys):
            dup = next(k for k in keys if keys.count(k) > 1)
            raise StoreError(f"Indikator {dup[1]!r} bidang {dup[0]!r} tercantum dua kali di PK.")
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
    update_indicators(engine, {indikator_id: values}, user=user)


def update_indicators(
    engine: Engine, changes: Mapping[int, Mapping[str, Any]], *, user: str
) -> int:
    """Edit several indicators (id -> the PK_COLUMNS that change) in one transaction, each with
    the PK import's checks (bidang in the agency's spelling, no second indicator of the same
    bidang + name in its year); the first refusal (StoreError naming the indicator and the
    field) changes nothing. Each edit is audited with its old and new values. Returns the
    indicators changed."""
    for values in changes.values():
        unknown = set(values) - set(PK_COLUMNS)
        if unknown:
            raise StoreError(f"Kolom indikator tidak dikenal: {', '.join(sorted(unknown))}.")
    check_user(user)
    stamp = now()
    with write(engine) as conn:
        olds = {
            r.id: r
            for r in conn.execute(
                select(Indikator).where(Indikator.id.in_([int(i) for i in changes]))
            ).all()
        }
        for owner in sorted({r.instansi_id for r in olds.values()}) or [None]:
            akun.authorize(conn, user, "pk", instansi_id=owner)
        missing = [i for i in changes if int(i) not in olds]
        if missing:
            raise StoreError(f"Indikator #{missing[0]} tidak ada.")
        for iid in sorted({r.instansi_id for r in olds.values()}):
            instansi.lock(conn, iid)
        daftar = {iid: _agency_bidang(conn, iid) for iid in {r.instansi_id for r in olds.values()}}
        news: dict[int, dict[str, Any]] = {}
        for raw_id, values in changes.items():
            old = olds[int(raw_id)]
            new = _checked(values, name=old.indikator)
            if "bidang" in new and new["bidang"] != old.bidang:
                where = f"indikator {old.indikator!r}"
                new["bidang"] = _in_agency_spelling(new["bidang"], daftar[old.instansi_id], where)
            news[int(raw_id)] = new
        _refuse_twins(conn, olds, news)
        for i, new in news.items():
            old = olds[i]
            lama = {k: getattr(old, k) for k in new}
            conn.execute(update(Indikator).where(Indikator.id == i).values(diubah=stamp, **new))
            add_audit(
                conn,
                user,
                "indikator.ubah",
                "indikator",
                i,
                instansi_id=old.instansi_id,
                lama=lama,
                baru=new,
            )
    return len(news)


def _refuse_twins(conn: Connection, olds: Mapping[int, Any], news: Mapping[int, Any]) -> None:
    """StoreError when the edits leave two indicators of one agency-year with the same bidang
    and name (the master's key), naming both."""
    for iid, tahun in {(r.instansi_id, r.tahun) for r in olds.values()}:
        rows = conn.execute(
            select(Indikator.id, Indikator.bidang, Indikator.indikator).where(
                Indikator.instansi_id == iid, Indikator.tahun == tahun
            )
        ).all()
        seen: dict[tuple[str, str], int] = {}
        for r in rows:
            after = {"bidang": r.bidang, "indikator": r.indikator, **news.get(r.id, {})}
            key = (after["bidang"], after["indikator"])
            if key in seen:
                raise StoreError(
                    f"Indikator {key[1]!r} bidang {key[0]!r} sudah ada di PK tahun {tahun}: "
                    "dua indikator tidak boleh bernama sama dalam satu bidang."
                )
            seen[key] = r.id
