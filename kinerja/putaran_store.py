"""The SOP round over the store: the reads and actions the page and the command line share
(the pure part, where a round stands, is kinerja.putaran)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pandas as pd

from kinerja.putaran import (
    BATAS_WAKTU,
    BY_NOMOR,
    Keadaan,
    Tahap,
    batas_tenggat,
    deadline,
    keadaan,
    kelengkapan,
    tenggat_bawaan,
    urutan,
)
from kinerja.store.rounds import check_periode

if TYPE_CHECKING:
    from kinerja.store import Store


# --- reading a round from the store (the page and the command line share these) -------------


def current_round(store: Store, instansi_id: int | None = None) -> tuple[int, str] | None:
    """The round now running: the one opened last (its disposisi recorded last), else the
    latest round of the latest year, else None."""
    r = store.rounds(instansi_id=instansi_id)
    if r.empty:
        return None
    opened = r[r["langkah"] == "disposisi"]
    if not opened.empty:
        row = opened.sort_values("langkah_id").iloc[-1]
        return int(row["tahun"]), str(row["periode"])
    keys = {(int(t), str(p)) for t, p in zip(r["tahun"], r["periode"], strict=True)}
    return max(keys, key=lambda k: (k[0], urutan(k[1])))


def round_list(store: Store, instansi_id: int | None = None) -> list[tuple[int, str]]:
    """Every round of the agency, newest first."""
    r = store.rounds(instansi_id=instansi_id)
    keys = {(int(t), str(p)) for t, p in zip(r["tahun"], r["periode"], strict=True)}
    return sorted(keys, key=lambda k: (k[0], urutan(k[1])), reverse=True)


def read_round(
    store: Store,
    tahun: int,
    periode: str,
    *,
    now: dt.datetime | None = None,
    instansi_id: int | None = None,
) -> Keadaan:
    """Where the round tahun + periode stands, from the store (see keadaan)."""
    r = store.rounds(instansi_id=instansi_id, tahun=tahun)
    r = r[r["periode"] == periode]
    sub = store.round_submissions(instansi_id=instansi_id, tahun=tahun)
    ver = store.verification_status(instansi_id=instansi_id, tahun=tahun)
    return keadaan(
        tahun,
        periode,
        langkah=r,
        kiriman=sub[sub["periode"] == periode],
        verifikasi=ver[ver["periode"] == periode] if not ver.empty else ver,
        bidang=list(store.settings(instansi_id).get("bidang") or []),
        now=now or dt.datetime.now(dt.UTC),
    )


def read_kelengkapan(
    store: Store,
    tahun: int,
    *,
    now: dt.datetime | None = None,
    instansi_id: int | None = None,
) -> pd.DataFrame:
    """The year's completeness matrix from the store (see kelengkapan)."""
    r = store.rounds(instansi_id=instansi_id, tahun=tahun)
    batas = {str(p): deadline(g) for p, g in r.groupby("periode", sort=False)}
    opened = r.loc[r["langkah"].isin(["disposisi", BATAS_WAKTU]), "periode"]
    return kelengkapan(
        tahun,
        bidang=list(store.settings(instansi_id).get("bidang") or []),
        kiriman=store.round_submissions(instansi_id=instansi_id, tahun=tahun),
        verifikasi=store.verification_status(instansi_id=instansi_id, tahun=tahun),
        batas=batas,
        periode=[str(p) for p in opened.unique()],
        now=now or dt.datetime.now(dt.UTC),
    )


# --- acting on a round (the page and the command line share these) -------------------------


def buka(
    store: Store,
    tahun: int,
    periode: str,
    *,
    user: str,
    tenggat: dt.date | None = None,
    catatan: str | None = None,
    waktu: dt.datetime | None = None,
    instansi_id: int | None = None,
) -> dt.date:
    """Open the round tahun + periode: its disposisi (step 1) and its deadline (tenggat, else
    tenggat_bawaan from the agency's settings). StoreError when already opened. Returns the
    deadline."""
    periode = check_periode(periode)
    if tenggat is None:
        tenggat = tenggat_bawaan(tahun, periode, store.settings(instansi_id))
    store.start_round(
        tahun,
        periode,
        user=user,
        batas=batas_tenggat(tenggat),
        waktu=waktu,
        catatan=catatan or None,
        instansi_id=instansi_id,
    )
    return tenggat


def ubah_tenggat(
    store: Store,
    tahun: int,
    periode: str,
    tenggat: dt.date,
    *,
    user: str,
    catatan: str | None = None,
    instansi_id: int | None = None,
) -> None:
    """Set a round's deadline (a new batas_waktu: the latest one counts)."""
    store.add_step(
        tahun,
        check_periode(periode),
        BATAS_WAKTU,
        user=user,
        waktu=batas_tenggat(tenggat),
        catatan=catatan or None,
        instansi_id=instansi_id,
    )


def catat(
    store: Store,
    tahun: int,
    periode: str,
    nomor: int,
    *,
    user: str,
    catatan: str | None = None,
    waktu: dt.datetime | None = None,
    instansi_id: int | None = None,
) -> Tahap:
    """Record step nomor (1..7) of a round by hand (what happened outside the app), at waktu
    (default now), with a note. Returns the step."""
    from kinerja.store import StoreError

    tahap = BY_NOMOR.get(nomor)
    if tahap is None:
        raise StoreError(f"Langkah {nomor} tidak ada; langkah SOP bernomor 1 sampai 7.")
    store.add_step(
        tahun,
        check_periode(periode),
        tahap.kunci,
        user=user,
        waktu=waktu,
        catatan=(catatan or "").strip() or None,
        instansi_id=instansi_id,
    )
    return tahap


def is_open(store: Store, tahun: int, periode: str, instansi_id: int | None = None) -> bool:
    """True when the round has its disposisi (it was opened)."""
    r = store.rounds(instansi_id=instansi_id, tahun=tahun)
    return bool(((r["periode"] == check_periode(periode)) & (r["langkah"] == "disposisi")).any())
