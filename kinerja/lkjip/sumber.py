"""The export over the store, shared by page and CLI: read, keep verified, build, step 7."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd

from kinerja import evaluasi, schema, waktu
from kinerja.lkjip import data
from kinerja.lkjip.data import Laporan
from kinerja.store import Store

LANGKAH = "disusun"
"""SOP step 7 as a round records it (kinerja.store.rounds.LANGKAH)."""
hari_ini = waktu.hari_ini  # the date of the signature block


def muat(
    store: Store,
    *,
    tahun: int,
    periode: str | None = None,
    draft: bool = False,
    instansi_id: int | None = None,
    tanggal: dt.date | None = None,
) -> Laporan:
    """The report's data from the store: the records whose bidang + round is verified (every
    current record with draft), the PK master of every year, the year's flags and the
    agency's settings."""
    records = store.records(instansi_id=instansi_id)
    if not draft and not records.empty:
        status = store.verification_status(instansi_id=instansi_id)
        records = records[data.terverifikasi(records, status)]
    return data.susun(
        records,
        store.pk_all_years(instansi_id=instansi_id),
        evaluasi.flags(store, instansi_id=instansi_id, tahun=tahun),
        store.settings(instansi_id),
        tahun=tahun,
        periode=periode,
        draft=draft,
        tanggal=tanggal or hari_ini(),
        capaian_settings=store.capaian_settings(instansi_id),
    )


def per_bidang(
    store: Store, *, tahun: int, periode: str | None = None, instansi_id: int | None = None
) -> pd.DataFrame:
    """data.per_bidang over the store: records and verified records per bidang."""
    return data.per_bidang(
        store.records(instansi_id=instansi_id, tahun=tahun),
        store.verification_status(instansi_id=instansi_id, tahun=tahun),
        tahun=tahun,
        periode=periode,
    )


def alasan_tolak(laporan: Laporan) -> str | None:
    """Why this export is refused (Indonesian), or None: without draft, nothing verified."""
    if laporan.draft or not laporan.kosong:
        return None
    sd = f" s.d. {laporan.periode}" if laporan.periode else ""
    return (
        f"Belum ada data terverifikasi untuk tahun {laporan.tahun}{sd}: verifikasi data bidang "
        "di Evaluasi & Verifikasi, atau ekspor sebagai draf (--draft)."
    )


def nama_file(laporan: Laporan, akhiran: str) -> str:
    """ "lkjip-2023.xlsx", "lkjip-2023-tw-ii-draft.docx"."""
    bagian = ["lkjip", str(laporan.tahun)]
    if laporan.periode and laporan.periode != "Tahunan":
        bagian.append(laporan.periode.lower().replace(" ", "-"))
    if laporan.draft:
        bagian.append("draft")
    return "-".join(bagian) + "." + akhiran


@dataclass(frozen=True)
class Langkah:
    """Step 7 on the round: tahun and periode recorded (None when no round exists), and the
    sentence to show."""

    periode: str | None
    pesan: str


def putaran(store: Store, tahun: int, instansi_id: int | None = None) -> list[str]:
    """The year's rounds, in order (by the month its period ends; Tahunan last)."""
    rounds = store.rounds(instansi_id=instansi_id, tahun=tahun)
    urut = {p: (schema.PERIODE_AKHIR_BULAN[p], i) for i, p in enumerate(schema.PERIODE)}
    ada = [p for p in rounds["periode"].dropna().unique() if p in urut]
    return sorted(ada, key=urut.__getitem__)


def catat(
    store: Store,
    laporan: Laporan,
    *,
    user: str,
    berkas: str,
    instansi_id: int | None = None,
) -> Langkah:
    """Record SOP step 7 ("disusun") of a verified export on its round: the periode given,
    else the year's latest round; no round is opened when the year has none. A draft is
    not step 7 and records nothing."""
    if laporan.draft:
        return Langkah(None, "Draf tidak dicatat sebagai langkah 7 (hanya data terverifikasi).")
    ada = putaran(store, laporan.tahun, instansi_id)
    periode = laporan.periode or (ada[-1] if ada else None)
    if periode is None or periode not in ada:
        nama = f"putaran {periode} {laporan.tahun}" if periode else f"putaran tahun {laporan.tahun}"
        return Langkah(None, f"Belum ada {nama}: langkah 7 tidak dicatat.")
    catatan = (
        f"Ekspor LKjIP {laporan.judul_tahun.lower()}: {berkas}; "
        f"{len(laporan.pengukuran)} indikator, {len(laporan.data)} data terverifikasi"
    )
    store.add_step(
        laporan.tahun, periode, LANGKAH, user=user, catatan=catatan, instansi_id=instansi_id
    )
    return Langkah(
        periode,
        f"Langkah 7 (data kinerja disusun) tercatat pada putaran {periode} {laporan.tahun}.",
    )
