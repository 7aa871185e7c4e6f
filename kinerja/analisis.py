"""The figures behind the analysis page: one row per indicator for a year and period, its
summaries, the quarterly and yearly series, budget efficiency, and the table to show and
download (pure: DataFrames in, DataFrames or bytes out)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kinerja import export
from kinerja.angka import format_rupiah
from kinerja.capaian import (
    KUNCI_TAHUNAN,
    SETTINGS_BAWAAN,
    Settings,
    add_capaian,
    aggregate_tahunan,
    angka_rumus,
    capaian_tampil,
    dasar,
    efisiensi,
    predikat,
    rumus_series,
    serapan,
    teks_tampil,
)
from kinerja.schema import PERIODE, PERIODE_AKHIR_BULAN, TRIWULAN

PERIODE_TAHUN = "Tahunan (agregat)"
"""The page's choice of the whole year, aggregated per indicator by its PK agregasi."""
PILIHAN_PERIODE: list[str] = [*PERIODE, PERIODE_TAHUN]
"""Every periode view() takes, in the order a select box lists them."""

KOLOM_VIEW: list[str] = [
    "bidang",
    "sasaran",
    "indikator",
    "satuan",
    "arah",
    "tahun",
    "periode",
    "target",
    "realisasi",
    "capaian",
    "capaian_bulat",
    "capaian_tampil",
    "predikat",
    "melampaui_target",
    "capaian_catatan",
    "rumus",
    "dasar",
    "periode_dasar",
    "agregasi",
    "keterangan",
    "pagu",
    "realisasi_anggaran",
    "id",
]
"""view()'s columns. capaian: full precision; capaian_bulat: as shown (2-decimal float, NaN
where empty); capaian_tampil: the same as text ("85,50", "–")."""

KOLOM_SERI: list[str] = [
    "bidang",
    "sasaran",
    "indikator",
    "satuan",
    "arah",
    "agregasi",
    "periode",
    "target",
    "realisasi",
    "sumber_target",
    "target_sd",
    "realisasi_sd",
    "capaian_sd",
    "predikat",
]
KOLOM_ANTAR_TAHUN: list[str] = [
    "bidang",
    "sasaran",
    "indikator",
    "satuan",
    "arah",
    "tahun",
    "target",
    "realisasi",
    "capaian",
    "capaian_bulat",
    "capaian_tampil",
    "predikat",
    "melampaui_target",
    "capaian_catatan",
    "dasar",
    "agregasi",
]

LABEL_CAPAIAN = "Capaian (%)"
"""tabel()'s numeric capaian column (for a progress column on screen)."""
LABEL_TABEL: list[tuple[str, str]] = [
    ("bidang", "Bidang"),
    ("sasaran", "Sasaran"),
    ("indikator", "Indikator Kinerja"),
    ("satuan", "Satuan"),
    ("arah", "Arah"),
    ("target", "Target"),
    ("realisasi", "Realisasi"),
    ("capaian_bulat", LABEL_CAPAIAN),
    ("predikat", "Predikat"),
    ("melampaui_target", "Melampaui Target"),
    ("rumus", "Rumus"),
    ("dasar", "Dasar Perhitungan"),
    ("keterangan", "Keterangan"),
    ("pagu", "Pagu"),
    ("realisasi_anggaran", "Realisasi Anggaran"),
]
TANPA = {"bidang": "(tanpa bidang)", "sasaran": "(tanpa sasaran)"}
"""The group label of rows with no bidang or sasaran."""

_TEKS = ["bidang", "sasaran", "indikator", "satuan", "arah", "keterangan"]
_ANGKA = ["target", "realisasi", "pagu", "realisasi_anggaran"]
_KUNCI_INDIKATOR = ["bidang", "sasaran", "indikator", "satuan", "arah"]
_PEMISAH = "\x1f"

Saringan = str | Iterable[str] | None
"""A filter: None (all), one value, or several."""


# --- helpers ------------------------------------------------------------------------------


def _norm(values: pd.Series) -> pd.Series:
    """Text for matching names: case folded, spaces collapsed; "" where missing.

    Normalises each distinct value once (a year's 10.000 records hold a few hundred names).
    """
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    norm = [" ".join(str(u).split()).casefold() for u in uniques]
    table = np.array([*norm, ""], dtype=object)  # code -1 (missing) takes the last entry
    return pd.Series(table[codes], index=values.index, dtype=object)


def _kunci_nama(frame: pd.DataFrame, dengan_tahun: bool) -> pd.Series:
    """bidang + indikator (+ tahun), normalised: how records meet the PK master."""
    kunci = _norm(frame["bidang"]) + _PEMISAH + _norm(frame["indikator"])
    if dengan_tahun:
        tahun = pd.to_numeric(frame["tahun"], errors="coerce").astype("Int64").astype(str)
        kunci = kunci + _PEMISAH + tahun.astype(object)
    return kunci


def _id_grup(a: pd.DataFrame, b: pd.DataFrame, kolom: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """One id per distinct key (the kolom values, missing ones alike) over both frames, as
    aggregate_tahunan groups them: joins its rows back to the records without a merge on
    keys that may be missing."""
    both = pd.concat([a[kolom], b[kolom]], ignore_index=True)
    ids = both.groupby(kolom, sort=False, dropna=False).ngroup().to_numpy()
    return ids[: len(a)], ids[len(a) :]


def dari_pk(frame: pd.DataFrame, pk: pd.DataFrame | None, kolom: str) -> pd.Series:
    """A PK column per row of frame, matched on tahun (when the PK has it) + bidang +
    indikator ignoring case and spaces; None where the PK has no such indicator."""
    kosong = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    if pk is None or pk.empty or kolom not in pk.columns or frame.empty:
        return kosong
    dengan_tahun = "tahun" in pk.columns and "tahun" in frame.columns
    kunci_pk = _kunci_nama(pk, dengan_tahun)
    nilai = pk[kolom].astype(object).where(pk[kolom].notna(), None)
    peta = pd.Series(nilai.to_numpy(), index=kunci_pk.to_numpy())
    peta = peta[~peta.index.duplicated(keep="first")]
    hasil = _kunci_nama(frame, dengan_tahun).map(peta)
    return hasil.astype(object).where(hasil.notna(), None)


def _saring(frame: pd.DataFrame, **saringan: Saringan) -> pd.DataFrame:
    for kolom, nilai in saringan.items():
        if nilai is None:
            continue
        pilihan = [nilai] if isinstance(nilai, str) else list(nilai)
        frame = frame[frame[kolom].isin(pilihan)]
    return frame


def _kosong(kolom: list[str]) -> pd.DataFrame:
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in kolom})
    angka = ["target", "realisasi", "capaian", "capaian_bulat", "pagu", "realisasi_anggaran"]
    for c in [*angka, "target_sd", "realisasi_sd", "capaian_sd"]:
        if c in frame.columns:
            frame[c] = frame[c].astype("float64")
    if "tahun" in frame.columns:
        frame["tahun"] = frame["tahun"].astype("int64")
    if "id" in frame.columns:
        frame["id"] = frame["id"].astype("Int64")
    if "melampaui_target" in frame.columns:
        frame["melampaui_target"] = frame["melampaui_target"].astype(bool)
    return frame


def _siapkan(records: pd.DataFrame) -> pd.DataFrame:
    """records with every column view() reads (missing text None, numbers NaN, arah naik)."""
    tambahan: dict[str, Any] = {}
    for c in _TEKS:
        if c not in records.columns:
            tambahan[c] = pd.Series([None] * len(records), index=records.index, dtype=object)
    for c in _ANGKA:
        if c not in records.columns:
            tambahan[c] = np.nan
    if "id" not in records.columns:
        tambahan["id"] = pd.Series(pd.NA, index=records.index, dtype="Int64")
    out = records.assign(**tambahan) if tambahan else records
    out = out[[*_TEKS, "tahun", "periode", *_ANGKA, "id"]]
    return out.assign(arah=out["arah"].astype(object).where(out["arah"].notna(), "naik"))


def _lengkapi(frame: pd.DataFrame, settings: Settings, *, rumus: bool = True) -> pd.DataFrame:
    """frame (target, realisasi, arah per row) with capaian and what the page shows of it:
    capaian, predikat, melampaui_target, capaian_catatan (add_capaian), capaian_bulat and
    capaian_tampil (capaian_tampil), and unless rumus is False rumus (rumus_series). All
    judged on the same value."""
    out = add_capaian(frame, settings)
    shown = capaian_tampil(out["target"], out["realisasi"], out["arah"], settings)
    out["capaian_bulat"] = pd.Series(shown, index=out.index, dtype="float64")
    out["capaian_tampil"] = pd.Series(teks_tampil(shown), index=out.index, dtype=object)
    if rumus:
        out["rumus"] = rumus_series(out, settings)
    return out


def _dasar_kolom(periode_dasar: pd.Series, agregasi: pd.Series, periode: str | None) -> pd.Series:
    """dasar() per row, each distinct (periode_dasar, agregasi) worded once."""
    pasangan = list(zip(periode_dasar.tolist(), agregasi.tolist(), strict=True))
    kamus = {p: dasar(p[0], p[1], periode) for p in set(pasangan)}
    return pd.Series([kamus[p] for p in pasangan], index=periode_dasar.index, dtype=object)


def _tahunan(records: pd.DataFrame, pk: pd.DataFrame | None, settings: Settings) -> pd.DataFrame:
    """The year per indicator (aggregate_tahunan, agregasi from the PK), with the record
    columns view() carries: keterangan, pagu and realisasi anggaran of the latest period that
    has them, and id where the year rests on one record."""
    kolom = [*KUNCI_TAHUNAN, "target", "realisasi", "periode_dasar", "agregasi"]
    ekstra = ["keterangan", "pagu", "realisasi_anggaran"]
    if records.empty:
        return _kosong([*kolom, *ekstra, "id"])
    recs = records.assign(agregasi=dari_pk(records, pk, "agregasi"))
    agg = aggregate_tahunan(recs, settings=settings)[kolom]

    k_recs, k_agg = _id_grup(recs, agg, KUNCI_TAHUNAN)
    recs = recs.assign(
        _k=k_recs,
        # a Tahunan record is the year: after TW IV and Semester II, which end the same month
        _urut=recs["periode"].map(PERIODE_AKHIR_BULAN) * 2 + (recs["periode"] == "Tahunan"),
    )
    # Budget and notes: the latest period that has them. Realisasi anggaran is reported
    # cumulatively (Laporan Realisasi Keuangan s.d. triwulan) and pagu is the year's ceiling,
    # whatever the indicator's agregasi.
    terakhir = (
        recs.sort_values("_urut", kind="stable")
        .groupby("_k", sort=False)[ekstra]
        .last()  # last non-missing value of each column
    )
    out = agg.assign(_k=k_agg).merge(terakhir, left_on="_k", right_index=True, how="left")
    satu = recs[recs["periode"].isin(PERIODE)][["_k", "periode", "id"]]
    out = out.merge(
        satu.rename(columns={"periode": "periode_dasar"}), on=["_k", "periode_dasar"], how="left"
    )
    out["id"] = out["id"].astype("Int64")
    return out.drop(columns="_k")


# --- the view -----------------------------------------------------------------------------


def view(
    records: pd.DataFrame,
    pk: pd.DataFrame | None = None,
    *,
    tahun: int,
    periode: str,
    bidang: Saringan = None,
    sasaran: Saringan = None,
    predikat: Saringan = None,
    settings: Settings = SETTINGS_BAWAAN,
) -> pd.DataFrame:
    """One row per indicator for the page's choice: KOLOM_VIEW.

    periode TW I..TW IV, Semester I/II or Tahunan: that period's records of the year.
    PERIODE_TAHUN: the year per indicator by capaian.aggregate_tahunan, each indicator's
    agregasi taken from the PK master (matched on tahun when the PK has that column, bidang
    and indikator, ignoring case and spaces; unmatched: akhir); keterangan, pagu and realisasi
    anggaran then come from the latest period that has them, id only where the year rests on
    one record. Capaian, predikat and melampaui_target are recomputed with settings, so the
    page follows the agency's current rules; rumus and dasar say how each capaian was found.
    Filters (a value or a list; None for all) apply to the result, predikat included.
    records: the store's records() (any years and periods); pk: its indicators(), or None.
    """
    if periode not in PILIHAN_PERIODE:
        raise ValueError(f"periode tidak dikenal: {periode!r}")
    if records.empty:
        return _kosong(KOLOM_VIEW)
    # bidang and sasaran are part of aggregate_tahunan's key: filtering the records first
    # gives the same rows as filtering its result, for less work
    recs = _saring(_siapkan(records[records["tahun"] == tahun]), bidang=bidang, sasaran=sasaran)
    if periode == PERIODE_TAHUN:
        out = _tahunan(recs, pk, settings)
        out["periode"] = PERIODE_TAHUN
        agregasi = out["agregasi"]
        out["dasar"] = _dasar_kolom(out["periode_dasar"], agregasi, None)
    else:
        out = recs[recs["periode"] == periode].copy()
        agregasi = dari_pk(out, pk, "agregasi")
        out["agregasi"] = agregasi.where(agregasi.notna(), "akhir")
        out["periode_dasar"] = periode
        out["dasar"] = _dasar_kolom(out["periode_dasar"], out["agregasi"], periode)
    if out.empty:
        return _kosong(KOLOM_VIEW)
    out = _lengkapi(out, settings)
    out = _saring(out, predikat=predikat)
    out = out.assign(id=out["id"].astype("Int64"))
    return out[KOLOM_VIEW].reset_index(drop=True)


# --- summaries ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Ringkasan:
    """The page's headline figures over a view.

    rata_capaian: mean of the capaian as shown over the indicators that have one (None when
    none has); predikat: count per band, every band of the settings in their order, zeros
    included; melampaui: capaian above 100; belum_dilaporkan: realisasi missing;
    tidak_dapat_dihitung: realisasi reported but no capaian (target 0, arah naik, ...).
    """

    jumlah_indikator: int
    rata_capaian: float | None
    predikat: dict[str, int]
    melampaui: int
    belum_dilaporkan: int
    tidak_dapat_dihitung: int


def _label_predikat(settings: Settings) -> list[str]:
    return [label for _, label in settings.predikat_bands]


def ringkasan(view: pd.DataFrame, settings: Settings = SETTINGS_BAWAAN) -> Ringkasan:
    """Headline figures of a view() frame (see Ringkasan)."""
    nilai = view["capaian_bulat"].astype("float64")
    hitung = view["predikat"].value_counts()
    belum = view["realisasi"].isna()
    return Ringkasan(
        jumlah_indikator=len(view),
        rata_capaian=float(nilai.mean()) if nilai.notna().any() else None,
        predikat={label: int(hitung.get(label, 0)) for label in _label_predikat(settings)},
        melampaui=int(view["melampaui_target"].astype(bool).sum()),
        belum_dilaporkan=int(belum.sum()),
        tidak_dapat_dihitung=int((nilai.isna() & ~belum).sum()),
    )


def per_kelompok(
    view: pd.DataFrame, by: str = "bidang", settings: Settings = SETTINGS_BAWAAN
) -> pd.DataFrame:
    """Per bidang or sasaran (in order of first appearance; missing as TANPA[by]):
    jumlah_indikator, rata_capaian (mean of capaian as shown, NaN when none), melampaui, and
    a column per predikat band in the settings' order (counts, zeros included)."""
    if by not in TANPA:
        raise ValueError(f"kelompok harus bidang atau sasaran, bukan {by!r}")
    label = _label_predikat(settings)
    kolom = [by, "jumlah_indikator", "rata_capaian", "melampaui", *label]
    if view.empty:
        out = pd.DataFrame({c: pd.Series(dtype="int64") for c in kolom})
        return out.astype({by: object, "rata_capaian": "float64"})
    kunci = view[by].astype(object).where(view[by].notna(), TANPA[by])
    g = view.groupby(kunci, sort=False)
    out = pd.DataFrame(
        {
            "jumlah_indikator": g.size(),
            "rata_capaian": g["capaian_bulat"].mean(),
            "melampaui": g["melampaui_target"].sum().astype("int64"),
        }
    )
    hitung = pd.crosstab(kunci, view["predikat"]).reindex(index=out.index, columns=label)
    out = out.join(hitung.fillna(0).astype("int64"))
    out.index.name = by
    return out.reset_index()[kolom]


# --- series -------------------------------------------------------------------------------


def seri_triwulan(
    records: pd.DataFrame,
    pk: pd.DataFrame | None = None,
    *,
    tahun: int,
    bidang: Saringan = None,
    sasaran: Saringan = None,
    indikator: Saringan = None,
    settings: Settings = SETTINGS_BAWAAN,
) -> pd.DataFrame:
    """Per indicator with quarterly records in the year, TW I..TW IV (four rows each):
    KOLOM_SERI.

    target / realisasi: the quarter's record; a quarter without a record takes its target from
    the PK's Rencana Aksi (target_tw1..4; sumber_target says which). target_sd / realisasi_sd,
    "s.d. triwulan", follow the indicator's agregasi from the PK (default akhir): akhir, the
    quarter's figures, already cumulative; jumlah, the sum of the quarters so far; rata-rata,
    their mean; realisasi_sd only where the quarter itself is reported. capaian_sd: the
    capaian as shown of realisasi_sd against target_sd, and its predikat.
    """
    if records.empty:
        return _kosong(KOLOM_SERI)
    recs = _siapkan(records[(records["tahun"] == tahun) & records["periode"].isin(TRIWULAN)])
    recs = _saring(recs, bidang=bidang, sasaran=sasaran, indikator=indikator)
    if recs.empty:
        return _kosong(KOLOM_SERI)

    gid = recs.groupby(_KUNCI_INDIKATOR, sort=False, dropna=False).ngroup().to_numpy()
    q = recs["periode"].map({p: i for i, p in enumerate(TRIWULAN)}).to_numpy(dtype=np.int64)
    n = int(gid.max()) + 1
    target = np.full((n, 4), np.nan)
    realisasi = np.full((n, 4), np.nan)
    target[gid, q] = pd.to_numeric(recs["target"], errors="coerce").to_numpy(dtype="float64")
    realisasi[gid, q] = pd.to_numeric(recs["realisasi"], errors="coerce").to_numpy(dtype="float64")
    _, pertama = np.unique(gid, return_index=True)
    kepala = recs.iloc[pertama].reset_index(drop=True)

    sumber = np.full((n, 4), None, dtype=object)
    sumber[~np.isnan(target)] = "rekaman"
    if pk is not None and not pk.empty:
        for i in range(4):
            rencana = pd.to_numeric(dari_pk(kepala, pk, f"target_tw{i + 1}"), errors="coerce")
            rencana_np = rencana.to_numpy(dtype="float64", na_value=np.nan)
            isi = np.isnan(target[:, i]) & ~np.isnan(rencana_np)
            target[isi, i] = rencana_np[isi]
            sumber[isi, i] = "rencana aksi"
    agregasi = dari_pk(kepala, pk, "agregasi").fillna("akhir").to_numpy(dtype=object)

    with np.errstate(invalid="ignore", divide="ignore"):
        ada_t = np.cumsum(~np.isnan(target), axis=1)
        ada_r = np.cumsum(~np.isnan(realisasi), axis=1)
        jumlah_t = np.where(ada_t > 0, np.nancumsum(target, axis=1), np.nan)
        jumlah_r = np.where(np.isnan(realisasi), np.nan, np.nancumsum(realisasi, axis=1))
        rata_t = jumlah_t / ada_t
        rata_r = jumlah_r / ada_r
    metode = agregasi[:, None]
    target_sd = np.select([metode == "jumlah", metode == "rata-rata"], [jumlah_t, rata_t], target)
    realisasi_sd = np.select(
        [metode == "jumlah", metode == "rata-rata"], [jumlah_r, rata_r], realisasi
    )

    arah = np.repeat(kepala["arah"].to_numpy(dtype=object), 4)
    shown = capaian_tampil(target_sd.ravel(), realisasi_sd.ravel(), arah, settings)
    out = kepala.loc[np.repeat(np.arange(n), 4), _KUNCI_INDIKATOR].reset_index(drop=True)
    out = out.assign(
        agregasi=np.repeat(agregasi, 4),
        periode=np.tile(np.array(TRIWULAN, dtype=object), n),
        target=target.ravel(),
        realisasi=realisasi.ravel(),
        sumber_target=sumber.ravel(),
        target_sd=target_sd.ravel(),
        realisasi_sd=realisasi_sd.ravel(),
        capaian_sd=shown,
        predikat=pd.Series(predikat(shown, settings).to_numpy(), dtype=object),
    )
    return out[KOLOM_SERI]


def antar_tahun(
    records: pd.DataFrame,
    pk: pd.DataFrame | None = None,
    *,
    tahun: int,
    bidang: Saringan = None,
    sasaran: Saringan = None,
    indikator: Saringan = None,
    sejak: int | None = None,
    settings: Settings = SETTINGS_BAWAAN,
) -> pd.DataFrame:
    """Per indicator of the year (after the filters), that year and every earlier year (from
    sejak) in which it has records: KOLOM_ANTAR_TAHUN, one row per indicator and year.

    Each year is aggregated as view(periode=PERIODE_TAHUN) does (agregasi from that year's
    PK when the PK has a tahun column, else from the PK given). An earlier year's indicator is
    the same one when bidang and indikator match ignoring case and spaces; its rows carry this
    year's spelling of bidang, sasaran, indikator and satuan. Rows follow the year's indicator
    order, years ascending.
    """
    ini = view(
        records,
        pk,
        tahun=tahun,
        periode=PERIODE_TAHUN,
        bidang=bidang,
        sasaran=sasaran,
        settings=settings,
    )
    ini = _saring(ini, indikator=indikator)
    if ini.empty:
        return _kosong(KOLOM_ANTAR_TAHUN)
    ini = ini.assign(tahun=tahun)
    kunci_ini = _kunci_nama(ini, False)
    lalu = records[(records["tahun"] < tahun) & (records["tahun"] >= (sejak or 0))]
    semua_kunci = _kunci_nama(lalu, False)
    dipakai = semua_kunci.isin(set(kunci_ini)).to_numpy()
    lalu, k_lalu = _siapkan(lalu[dipakai]), semua_kunci[dipakai].to_numpy()
    frames = [ini.assign(_urut=np.arange(len(ini)))]
    if len(lalu):
        # This year's spelling before aggregating: one row per indicator and year however
        # each quarter wrote its name.
        ejaan = ini.assign(_k=kunci_ini.to_numpy()).drop_duplicates("_k").set_index("_k")
        lalu = lalu.assign(
            **{
                c: ejaan[c].reindex(k_lalu).to_numpy()
                for c in ("bidang", "sasaran", "indikator", "satuan")
            }
        )
        tahunan = _tahunan(lalu, pk, settings)
        tahunan["dasar"] = _dasar_kolom(tahunan["periode_dasar"], tahunan["agregasi"], None)
        tahunan = _lengkapi(tahunan, settings, rumus=False)
        urut = pd.Series(np.arange(len(ini)), index=kunci_ini.to_numpy())
        urut = urut[~urut.index.duplicated(keep="first")]
        frames.append(tahunan.assign(_urut=urut.reindex(_kunci_nama(tahunan, False)).to_numpy()))
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values(["_urut", "tahun"], kind="stable")
    out["tahun"] = out["tahun"].astype("int64")
    return out[KOLOM_ANTAR_TAHUN].reset_index(drop=True)


# --- budget -------------------------------------------------------------------------------


def anggaran(
    view: pd.DataFrame, settings: Settings = SETTINGS_BAWAAN, *, per: str = "indikator"
) -> pd.DataFrame:
    """Budget against performance (Bab III, analisis efisiensi), from a view() frame.

    per="indikator": the rows that carry both pagu and realisasi anggaran: bidang, sasaran,
    indikator, pagu, realisasi_anggaran, sisa (pagu - realisasi), serapan (%), capaian,
    capaian_bulat, selisih and kategori (capaian.efisiensi, exact on the decimals).
    per="sasaran": per sasaran with such rows, pagu and realisasi anggaran summed over those
    rows, against the mean capaian as shown of all the sasaran's indicators that have one,
    since the budget pays for the sasaran as a whole; jumlah_indikator counts those
    indicators. One programme's budget is often written on each of its indicator rows (a
    merged cell unmerged, a copied row): the same pagu and realisasi anggaran repeated within
    one bidang and sasaran are counted once, since two programmes equal to the rupiah in both
    are far less likely than a repeated programme.
    """
    ada = view[view["pagu"].notna() & view["realisasi_anggaran"].notna()]
    if per == "indikator":
        kolom = ["bidang", "sasaran", "indikator", "pagu", "realisasi_anggaran", "sisa"]
        kolom += ["serapan", "capaian", "capaian_bulat", "selisih", "kategori"]
        if ada.empty:
            return _kosong(kolom).astype({c: "float64" for c in ("sisa", "serapan", "selisih")})
        s = serapan(ada["pagu"], ada["realisasi_anggaran"])
        ef = efisiensi(
            ada["capaian"],
            s,
            settings,
            target=ada["target"],
            realisasi=ada["realisasi"],
            arah=ada["arah"],
            pagu=ada["pagu"],
            realisasi_anggaran=ada["realisasi_anggaran"],
        )
        out = ada.assign(
            sisa=ada["pagu"] - ada["realisasi_anggaran"],
            serapan=s,
            selisih=ef["selisih"],
            kategori=ef["kategori"],
        )
        return out[kolom].reset_index(drop=True)
    if per != "sasaran":
        raise ValueError(f"per harus indikator atau sasaran, bukan {per!r}")
    kolom = ["sasaran", "jumlah_indikator", "pagu", "realisasi_anggaran", "sisa", "serapan"]
    kolom += ["capaian", "selisih", "kategori"]
    if ada.empty:
        out = _kosong(kolom)
        return out.astype({c: "float64" for c in ("sisa", "serapan", "selisih")})
    kunci = view["sasaran"].astype(object).where(view["sasaran"].notna(), TANPA["sasaran"])
    uang_rows = ada.assign(_kunci=kunci[ada.index])
    uang_rows = uang_rows.drop_duplicates(["bidang", "_kunci", "pagu", "realisasi_anggaran"])
    uang = uang_rows.groupby("_kunci", sort=False)[["pagu", "realisasi_anggaran"]].sum()
    kinerja = view.groupby(kunci, sort=False)["capaian_bulat"].agg(["mean", "count"])
    out = uang.join(kinerja)
    s = serapan(out["pagu"], out["realisasi_anggaran"])
    ef = efisiensi(
        out["mean"],
        s,
        settings,
        pagu=out["pagu"],
        realisasi_anggaran=out["realisasi_anggaran"],
    )
    out = out.assign(
        jumlah_indikator=out["count"].astype("int64"),
        sisa=out["pagu"] - out["realisasi_anggaran"],
        serapan=s,
        capaian=out["mean"],
        selisih=ef["selisih"],
        kategori=ef["kategori"],
    )
    out.index.name = "sasaran"
    return out.reset_index()[kolom]


# --- the table and its download -----------------------------------------------------------


def tabel(view: pd.DataFrame) -> pd.DataFrame:
    """The table under the charts, with Indonesian column labels (LABEL_TABEL).

    Target and realisasi are text as the formula writes them ("36.610", "0,7281"), pagu and
    realisasi anggaran rupiah text; LABEL_CAPAIAN stays a number (capaian as shown, NaN when
    empty) for a progress column. Melampaui Target is "Ya" or "". The budget columns are left
    out when no row has either.
    """
    out = pd.DataFrame(index=view.index)
    for key, label in LABEL_TABEL:
        col = view[key]
        if key in ("target", "realisasi"):
            out[label] = [angka_rumus(x) for x in col.tolist()]
        elif key in ("pagu", "realisasi_anggaran"):
            out[label] = [format_rupiah(x) for x in col.tolist()]
        elif key == "capaian_bulat":
            out[label] = col.astype("float64")
        elif key == "melampaui_target":
            out[label] = np.where(col.astype(bool), "Ya", "")
        else:
            out[label] = col.astype(object).where(col.notna(), "")
    if view[["pagu", "realisasi_anggaran"]].isna().all().all():
        out = out.drop(columns=["Pagu", "Realisasi Anggaran"])
    return out.reset_index(drop=True)


def to_download(view: pd.DataFrame, fmt: str = "xlsx") -> bytes:
    """The view as a file through kinerja.export (formula-safe text, Indonesian headers):
    fmt "xlsx" or "csv" (the Indonesian dialect: semicolons, decimal comma).

    Capaian is the number at full precision, shown with two decimals in the .xlsx; the
    Keterangan Capaian column holds the rumus and its dasar ("36.610 / 3.700 x 100 =
    989,46; realisasi s.d. TW II / target s.d. TW II").
    """
    if fmt not in ("xlsx", "csv"):
        raise ValueError(f"format unduhan harus xlsx atau csv, bukan {fmt!r}")
    kolom = ["bidang", "sasaran", "indikator", "satuan", "arah", "tahun", "periode"]
    kolom += ["target", "realisasi", "capaian", "predikat", "melampaui_target", "keterangan"]
    kolom += ["pagu", "realisasi_anggaran"]
    frame = view[kolom].copy()
    frame["capaian_catatan"] = view["rumus"].astype(str) + "; " + view["dasar"].astype(str)
    if fmt == "csv":
        return export.to_csv(frame, indonesia=True)
    return export.to_xlsx(frame, sheet="Analisis Kinerja")
