"""The LKjIP tables (Bab III) from records, the PK master, flags and settings (pure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kinerja import analisis, capaian, schema, waktu
from kinerja.analisis import PERIODE_TAHUN, TANPA
from kinerja.capaian import SETTINGS_BAWAAN, Settings

KUNCI = ["bidang", "sasaran", "indikator", "satuan", "arah"]
"""An indicator, as analisis groups it."""
Baris = dict[Any, Any]
"""One row of a table (DataFrame.to_dict("records"))."""
TERVERIFIKASI = "verified"
"""verification_status()'s status of a verified bidang + round."""
SEPANJANG_TAHUN = "sepanjang tahun"
"""The periode of a flag about the whole year."""

KOLOM_DATA: list[str] = [
    *schema.RECORD_COLUMNS,
    "capaian_catatan",
    "melampaui_target",
    *schema.ANGGARAN_COLUMNS,
]
"""The Data sheet: the columns of `kinerja records --json`, then the budget columns."""


@dataclass(frozen=True)
class Pejabat:
    """A signatory: office, name and NIP (empty when the settings have none)."""

    jabatan: str
    nama: str = ""
    nip: str = ""


@dataclass(frozen=True)
class Kop:
    """The agency's title block and signature: from the settings (Store.settings())."""

    nama: str
    kabupaten: str = ""
    kota: str = ""
    alamat: str = ""
    kepala: Pejabat = field(default_factory=lambda: Pejabat("Kepala Dinas"))

    @property
    def pemerintah(self) -> str:
        """ "PEMERINTAH KABUPATEN LIMA PULUH KOTA" (empty without a kabupaten)."""
        return f"PEMERINTAH {self.kabupaten}".upper() if self.kabupaten else ""


def _teks(value: object) -> str:
    return " ".join(str(value).split()) if isinstance(value, str) else ""


def kop(settings: Mapping[str, Any]) -> Kop:
    """The title block from the agency's settings: nama, kabupaten, kota, alamat (each may be
    absent), kepala_dinas {nama, nip}."""
    kepala = settings.get("kepala_dinas") or {}
    nama = _teks(settings.get("nama")) or "Instansi"
    jabatan = f"Kepala {nama}" if nama.lower().startswith("dinas") else "Kepala Dinas"
    return Kop(
        nama=nama,
        kabupaten=_teks(settings.get("kabupaten")),
        kota=_teks(settings.get("kota")),
        alamat=_teks(settings.get("alamat")),
        kepala=Pejabat(
            jabatan=jabatan,
            nama=_teks(kepala.get("nama")) if isinstance(kepala, Mapping) else "",
            nip=_teks(kepala.get("nip")) if isinstance(kepala, Mapping) else "",
        ),
    )


def tanggal_teks(tanggal: dt.date) -> str:
    """ "26 November 2026"."""
    return waktu.tanggal(tanggal)


# --- which records ------------------------------------------------------------------------


def _slot_terverifikasi(status: pd.DataFrame) -> set[tuple[str, int, str]]:
    if status.empty:
        return set()
    ok = status[status["status"] == TERVERIFIKASI]
    return {
        (str(b), int(t), str(p))
        for b, t, p in zip(ok["bidang"], ok["tahun"], ok["periode"], strict=True)
    }


def terverifikasi(records: pd.DataFrame, status: pd.DataFrame) -> pd.Series:
    """Bool per record: its bidang + round (tahun, periode) is verified in status
    (Store.verification_status())."""
    slots = _slot_terverifikasi(status)
    if records.empty or not slots:
        return pd.Series(False, index=records.index, dtype=bool)
    keys = zip(records["bidang"], records["tahun"].astype(int), records["periode"], strict=True)
    return pd.Series([k in slots for k in keys], index=records.index, dtype=bool)


def sampai(records: pd.DataFrame, tahun: int, periode: str | None) -> pd.DataFrame:
    """Records of earlier years and of tahun up to periode: the periods that end no later than
    periode's month (schema.PERIODE_AKHIR_BULAN; "TW II" keeps TW I, TW II and Semester I;
    "Tahunan" or None the whole year). Later years are left out."""
    recs = records[records["tahun"] <= tahun]
    if periode is None or periode == "Tahunan":
        return recs
    bulan = schema.PERIODE_AKHIR_BULAN[periode]
    ini = recs["tahun"] == tahun
    kena = recs["periode"].map(schema.PERIODE_AKHIR_BULAN) <= bulan
    # At equal month a Tahunan record (the whole year) still waits for the year's end.
    kena &= ~((recs["periode"] == "Tahunan") & (bulan < 12))
    return recs[~ini | kena]


def per_bidang(
    records: pd.DataFrame, status: pd.DataFrame, *, tahun: int, periode: str | None = None
) -> pd.DataFrame:
    """How many of the year's records (up to periode) each bidang has, and how many are
    verified: bidang, rekaman, terverifikasi, putaran (the verified rounds, "TW I, TW II")."""
    kolom = ["bidang", "rekaman", "terverifikasi", "putaran"]
    recs = sampai(records, tahun, periode)
    recs = recs[recs["tahun"] == tahun]
    if recs.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in kolom})
    recs = recs.assign(_ok=terverifikasi(recs, status))
    urut = {p: i for i, p in enumerate(schema.PERIODE)}
    rows = []
    for bidang, g in recs.groupby("bidang", sort=True):
        putaran = sorted(set(g.loc[g["_ok"], "periode"]), key=urut.__getitem__)
        rows.append([bidang, len(g), int(g["_ok"].sum()), ", ".join(putaran)])
    return pd.DataFrame(rows, columns=kolom)


# --- the report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Laporan:
    """The LKjIP's data for one year (up to periode when given).

    pengukuran: the year per indicator (analisis.view, "Tahunan (agregat)"), grouped by
    sasaran; triwulan: its quarters beside the year; perbandingan: earlier years beside this
    one; renstra: against the Renstra end target; anggaran: per programme; catatan: the flags
    and how each was settled; data: the flat records.
    """

    tahun: int
    periode: str | None
    draft: bool
    kop: Kop
    tanggal: dt.date
    settings: Settings
    pengukuran: pd.DataFrame
    triwulan: pd.DataFrame
    perbandingan: pd.DataFrame
    tahun_lalu: list[int]
    renstra: pd.DataFrame
    anggaran: pd.DataFrame
    catatan: pd.DataFrame
    data: pd.DataFrame

    @property
    def judul_tahun(self) -> str:
        """ "TAHUN 2023" or "TAHUN 2023 S.D. TW II"."""
        if self.periode is None or self.periode == "Tahunan":
            return f"TAHUN {self.tahun}"
        return f"TAHUN {self.tahun} S.D. {self.periode.upper()}"

    @property
    def kosong(self) -> bool:
        return self.pengukuran.empty


def _urut_sasaran(view: pd.DataFrame) -> pd.DataFrame:
    """Indicators grouped under their sasaran, sasaran in order of first appearance."""
    if view.empty:
        return view
    label = view["sasaran"].astype(object).where(view["sasaran"].notna(), TANPA["sasaran"])
    pertama = {s: i for i, s in reversed(list(enumerate(label)))}
    return (
        view.assign(_s=label.map(pertama), _i=np.arange(len(view)))
        .sort_values(["_s", "_i"], kind="stable")
        .drop(columns=["_s", "_i"])
        .reset_index(drop=True)
    )


def _kunci_teks(frame: pd.DataFrame) -> pd.Series:
    """One text key per indicator (missing parts alike), to join the tables on."""
    parts = [frame[c].astype(object).where(frame[c].notna(), "\x00").astype(str) for c in KUNCI]
    out = parts[0]
    for p in parts[1:]:
        out = out + "\x1f" + p
    return out


def _triwulan(
    recs: pd.DataFrame, pk: pd.DataFrame | None, pengukuran: pd.DataFrame, tahun: int, s: Settings
) -> pd.DataFrame:
    """Per indicator of pengukuran: target, realisasi and capaian (as shown) of TW I..TW IV
    (the quarter's record; a missing quarter's target from the Rencana Aksi), then the year."""
    out = pengukuran[[*KUNCI, "agregasi", "target", "realisasi", "capaian_bulat", "predikat"]]
    out = out.rename(
        columns={
            "target": "target_tahun",
            "realisasi": "realisasi_tahun",
            "capaian_bulat": "capaian_tahun",
            "predikat": "predikat_tahun",
        }
    ).reset_index(drop=True)
    for i in range(1, 5):
        for c in ("target", "realisasi", "capaian"):
            out[f"{c}_tw{i}"] = np.nan
    seri = analisis.seri_triwulan(recs, pk, tahun=tahun, settings=s)
    if seri.empty or out.empty:
        return out
    seri = seri.assign(
        capaian=capaian.capaian_tampil(seri["target"], seri["realisasi"], seri["arah"], s),
        _k=_kunci_teks(seri).to_numpy(),
        _q=seri["periode"].map({p: i + 1 for i, p in enumerate(schema.TRIWULAN)}),
    )
    posisi = pd.Series(np.arange(len(out)), index=_kunci_teks(out).to_numpy())
    posisi = posisi[~posisi.index.duplicated()]
    baris = posisi.reindex(seri["_k"]).to_numpy()
    ada = ~np.isnan(baris)
    for c in ("target", "realisasi", "capaian"):
        nilai = np.full((len(out), 4), np.nan)
        q = seri["_q"].to_numpy()[ada] - 1
        nilai[baris[ada].astype(int), q] = seri[c].to_numpy(dtype="float64")[ada]
        for i in range(4):
            out[f"{c}_tw{i + 1}"] = nilai[:, i]
    return out


def _perbandingan(
    recs: pd.DataFrame, pk: pd.DataFrame | None, pengukuran: pd.DataFrame, tahun: int, s: Settings
) -> tuple[pd.DataFrame, list[int]]:
    """Per indicator: realisasi_<y> and capaian_<y> for each earlier year held and this one,
    then tahun_banding (the latest earlier year with a realisasi), perubahan_realisasi and
    perubahan_capaian (this year minus that year; capaian in percentage points)."""
    out = pengukuran[KUNCI].reset_index(drop=True)
    seri = analisis.antar_tahun(recs, pk, tahun=tahun, settings=s)
    tahun_lalu = sorted(int(y) for y in seri["tahun"].unique() if int(y) < tahun)
    k_out = _kunci_teks(out)
    posisi = pd.Series(np.arange(len(out)), index=k_out.to_numpy())
    posisi = posisi[~posisi.index.duplicated()]
    baris = posisi.reindex(_kunci_teks(seri)).to_numpy()
    for y in [*tahun_lalu, tahun]:
        for c, src in (("realisasi", "realisasi"), ("capaian", "capaian_bulat")):
            nilai = np.full(len(out), np.nan)
            m = (seri["tahun"].to_numpy() == y) & ~np.isnan(baris)
            nilai[baris[m].astype(int)] = seri[src].to_numpy(dtype="float64")[m]
            out[f"{c}_{y}"] = nilai
    banding = np.full(len(out), np.nan)
    for y in tahun_lalu:  # ascending: the latest year with a realisasi wins
        banding = np.where(out[f"realisasi_{y}"].notna(), y, banding)
    out["tahun_banding"] = pd.array(
        [None if np.isnan(b) else int(b) for b in banding], dtype="Int64"
    )
    lalu_r = np.full(len(out), np.nan)
    lalu_c = np.full(len(out), np.nan)
    for y in tahun_lalu:
        m = banding == y
        lalu_r[m] = out.loc[m, f"realisasi_{y}"]
        lalu_c[m] = out.loc[m, f"capaian_{y}"]
    out["perubahan_realisasi"] = out[f"realisasi_{tahun}"] - lalu_r
    out["perubahan_capaian"] = np.round(out[f"capaian_{tahun}"] - lalu_c, 2)
    return out, tahun_lalu


def _renstra(pengukuran: pd.DataFrame, pk: pd.DataFrame | None, s: Settings) -> pd.DataFrame:
    """Per indicator: the Renstra end target and year (PK master), the year's realisasi and
    capaian_renstra, realisasi against that target as shown (by arah, like any capaian)."""
    out = pengukuran[[*KUNCI, "tahun", "realisasi"]].reset_index(drop=True)
    target = pd.to_numeric(analisis.dari_pk(out, pk, "target_renstra"), errors="coerce")
    akhir = pd.to_numeric(analisis.dari_pk(out, pk, "tahun_renstra"), errors="coerce")
    out["target_renstra"] = target.astype("float64")
    out["tahun_renstra"] = akhir.astype("Int64")
    out["capaian_renstra"] = capaian.capaian_tampil(
        out["target_renstra"], out["realisasi"], out["arah"], s
    )
    return out.drop(columns="tahun")


def _anggaran(pengukuran: pd.DataFrame, pk: pd.DataFrame | None, s: Settings) -> pd.DataFrame:
    """Per programme (the PK's program of its indicators, else their sasaran): pagu,
    realisasi anggaran, sisa, serapan, capaian (mean as shown), selisih and kategori
    (analisis.anggaran per sasaran, with the programme in its place)."""
    program = analisis.dari_pk(pengukuran, pk, "program")
    label = program.where(program.notna(), pengukuran["sasaran"]).astype(object)
    label = label.where(label.notna(), TANPA["sasaran"])
    per = analisis.anggaran(pengukuran.assign(sasaran=label), s, per="sasaran")
    return per.rename(columns={"sasaran": "program"})


def _catatan(flags: pd.DataFrame, data: pd.DataFrame, tahun: int, draft: bool) -> pd.DataFrame:
    """The year's flags on the data in the report (each record's round, or the whole year of
    a bidang in it): bidang, indikator, periode, check, message, status, catatan, oleh,
    waktu."""
    kolom = ["bidang", "indikator", "periode", "check", "message", "status", "catatan"]
    kolom += ["oleh", "waktu"]
    if flags.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in kolom})
    f = flags[flags["tahun"] == tahun]
    if not draft:
        slots = set(zip(data["bidang"], data["periode"], strict=True))
        bidang = set(data["bidang"])
        tahunan = f["periode"].isna()
        dalam = [
            (b in bidang) if t else ((b, p) in slots)
            for b, p, t in zip(f["bidang"], f["periode"], tahunan, strict=True)
        ]
        f = f[np.array(dalam, dtype=bool)] if len(f) else f
    f = f.assign(periode=f["periode"].astype(object).where(f["periode"].notna(), SEPANJANG_TAHUN))
    return f.reset_index(drop=True)[kolom]


def _data(recs: pd.DataFrame, s: Settings) -> pd.DataFrame:
    """The year's records, capaian recomputed with the agency's settings: KOLOM_DATA."""
    if recs.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in KOLOM_DATA})
    out = capaian.add_capaian(recs, s)
    for c in KOLOM_DATA:
        if c not in out.columns:
            out[c] = np.nan if c in schema.ANGGARAN_COLUMNS else None
    urut = out["periode"].map({p: i for i, p in enumerate(schema.PERIODE)})
    out = out.assign(_u=urut).sort_values(["bidang", "indikator", "_u"], kind="stable")
    return out[KOLOM_DATA].reset_index(drop=True)


def susun(
    records: pd.DataFrame,
    pk: pd.DataFrame | None,
    flags: pd.DataFrame,
    settings: Mapping[str, Any],
    *,
    tahun: int,
    periode: str | None = None,
    draft: bool = False,
    tanggal: dt.date | None = None,
    capaian_settings: Settings = SETTINGS_BAWAAN,
) -> Laporan:
    """The LKjIP's data of tahun (up to periode) from records of any years (the caller has
    already kept the verified ones, or all with draft), the PK master of every year
    (Store.pk_all_years(), with tahun), the flags (kinerja.evaluasi.flags) and the agency's
    settings. Capaian and predikat are recomputed with capaian_settings."""
    if periode is not None and periode not in schema.PERIODE:
        raise ValueError(f"periode tidak dikenal: {periode!r}")
    s = capaian_settings
    recs = sampai(records, tahun, periode)
    view = analisis.view(recs, pk, tahun=tahun, periode=PERIODE_TAHUN, settings=s)
    pengukuran = _urut_sasaran(view)
    perbandingan, tahun_lalu = _perbandingan(recs, pk, pengukuran, tahun, s)
    data = _data(recs[recs["tahun"] == tahun], s)
    return Laporan(
        tahun=tahun,
        periode=periode,
        draft=draft,
        kop=kop(settings),
        tanggal=tanggal or dt.date.today(),
        settings=s,
        pengukuran=pengukuran,
        triwulan=_triwulan(recs, pk, pengukuran, tahun, s),
        perbandingan=perbandingan,
        tahun_lalu=tahun_lalu,
        renstra=_renstra(pengukuran, pk, s),
        anggaran=_anggaran(pengukuran, pk, s),
        catatan=_catatan(flags, data, tahun, draft),
        data=data,
    )


def sasaran_groups(pengukuran: pd.DataFrame) -> list[tuple[str, list[Baris]]]:
    """(sasaran label, its indicators' rows) in the report's order."""
    if pengukuran.empty:
        return []
    label = (
        pengukuran["sasaran"].astype(object).where(pengukuran["sasaran"].notna(), TANPA["sasaran"])
    )
    out: dict[str, list[Baris]] = {}
    for k, row in zip(label.tolist(), pengukuran.to_dict("records"), strict=True):
        out.setdefault(str(k), []).append(row)
    return list(out.items())
