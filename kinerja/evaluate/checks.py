"""The checks on one record at a time (belum_dilaporkan, capaian_rendah, capaian_tinggi,
target_beda_pk, target_nol) and tidak_ada_data; Tanda, the flags of one check by position."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from kinerja import capaian
from kinerja.evaluate import teks
from kinerja.evaluate.data import Data, agregasi_akhir, utc
from kinerja.evaluate.settings import EvaluasiSettings
from kinerja.schema import PERIODE, PERIODE_AKHIR_BULAN, parse_periode

# A PK target column per periode. Semesters take the quarter ending the same month, and only
# for agregasi "akhir" (a cumulative figure): a semester of a "jumlah" or "rata-rata"
# indicator has no target of its own in the PK, so it is not compared.
PK_TARGET: dict[str, str] = {
    "TW I": "target_tw1",
    "TW II": "target_tw2",
    "TW III": "target_tw3",
    "TW IV": "target_tw4",
    "Semester I": "target_tw2",
    "Semester II": "target_tw4",
    "Tahunan": "target",
}
_PK_LABEL: dict[str, str] = {
    "target": "tahunan",
    "target_tw1": "TW I (Rencana Aksi)",
    "target_tw2": "TW II (Rencana Aksi)",
    "target_tw3": "TW III (Rencana Aksi)",
    "target_tw4": "TW IV (Rencana Aksi)",
}
_DESIMAL_BANDING = Decimal("1e-9")  # targets equal to 9 decimals are equal (x 100 noise)


@dataclass
class Tanda:
    """Flags of one check on records, by position."""

    check: str
    pos: np.ndarray
    message: list[str]
    terlambat: np.ndarray | None = None


def _pesan(pos: np.ndarray, fn: Callable[[int], str]) -> list[str]:
    return [fn(i) for i in pos.tolist()]


def belum_dilaporkan(
    d: Data,
    deadlines: Mapping[tuple[int, str], dt.datetime] | None,
    now: dt.datetime,
) -> Tanda:
    pos = np.flatnonzero(np.isnan(d.realisasi))
    batas: dict[tuple[int, str], dt.datetime] = {}
    for (th, per), when in (deadlines or {}).items():
        p = parse_periode(per)
        if p is not None and when is not None:
            batas.setdefault((int(th), p), utc(when))

    def cari(th: int, per: object) -> dt.datetime | None:
        # A periode with no round of its own takes the round ending the same month
        # (Tahunan and Semester II -> TW IV, Semester I -> TW II).
        if not isinstance(per, str):
            return None
        if (th, per) in batas:
            return batas[(th, per)]
        bulan = PERIODE_AKHIR_BULAN.get(per)
        for p in PERIODE:
            if PERIODE_AKHIR_BULAN[p] == bulan and (th, p) in batas:
                return batas[(th, p)]
        return None

    tenggat = {
        key: cari(*key) for key in set(zip(d.tahun[pos].tolist(), d.periode[pos], strict=True))
    }
    late = np.zeros(len(pos), dtype=bool)
    messages = []
    for k, i in enumerate(pos.tolist()):
        label = teks.label(d.periode[i], d.tahun[i])
        t = d.target[i]
        target = f" (target {teks.angka(t)})" if not math.isnan(t) else ""
        batas_i = tenggat[(int(d.tahun[i]), d.periode[i])]
        if batas_i is not None and now > batas_i:
            late[k] = True
            messages.append(
                f"Realisasi {label}{target} belum dilaporkan, terlambat (batas waktu "
                f"{teks.wib(batas_i)}): tagih bidang agar segera mengirim realisasinya."
            )
        else:
            messages.append(
                f"Realisasi {label}{target} belum dilaporkan: pastikan bidang mengirimnya "
                "sebelum batas waktu."
            )
    return Tanda("belum_dilaporkan", pos, messages, late)


def capaian_rendah(d: Data, s: EvaluasiSettings, cs: capaian.Settings) -> Tanda:
    with np.errstate(invalid="ignore"):
        pos = np.flatnonzero((d.shown < s.batas_rendah) & d.keterangan_kosong)
    band = next((label for b, label in cs.predikat_bands if b == s.batas_rendah), None)
    batas = f"{band} ({teks.persen(s.batas_rendah)})" if band else teks.persen(s.batas_rendah)

    def msg(i: int) -> str:
        return (
            f"Capaian {teks.persen(d.shown[i])} (realisasi {teks.angka(d.realisasi[i])} dari "
            f"target {teks.angka(d.target[i])}) di bawah {batas} tanpa keterangan: minta bidang "
            "mengisi kendala dan upaya tindak lanjut di kolom Keterangan."
        )

    return Tanda("capaian_rendah", pos, _pesan(pos, msg))


def capaian_tinggi(d: Data, s: EvaluasiSettings) -> Tanda:
    with np.errstate(invalid="ignore"):
        pos = np.flatnonzero(d.shown > s.batas_tinggi)

    def msg(i: int) -> str:
        return (
            f"Capaian {teks.persen(d.shown[i])} (realisasi {teks.angka(d.realisasi[i])} dari "
            f"target {teks.angka(d.target[i])}) di atas {teks.persen(s.batas_tinggi)}: tidak "
            "wajar; periksa realisasi dan target (digit berlebih, salah satuan, atau target yang "
            "keliru)."
        )

    return Tanda("capaian_tinggi", pos, _pesan(pos, msg))


def _beda_desimal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a != b as decimals to 9 places (a percent cell x 100 leaves float noise); NaN never
    differs. Floats that are equal are equal decimals; only the unequal ones are checked."""
    beda = ~np.isnan(a) & ~np.isnan(b) & (a != b)
    for k in np.flatnonzero(beda).tolist():
        da = Decimal(repr(float(a[k]))).quantize(_DESIMAL_BANDING)
        db = Decimal(repr(float(b[k]))).quantize(_DESIMAL_BANDING)
        beda[k] = da != db
    return beda


def target_beda_pk(d: Data, pkr: pd.DataFrame) -> Tanda:
    akhir = agregasi_akhir(pkr)
    pk_target = np.full(d.n, np.nan)
    kolom = np.full(d.n, None, dtype=object)
    for per, col in PK_TARGET.items():
        m = d.periode == per
        if per.startswith("Semester"):
            m &= akhir
        pk_target[m] = pkr[col].to_numpy(dtype="float64", na_value=np.nan)[m]
        kolom[m] = col
    # Semester II falls back on the year's target when the Rencana Aksi has no TW IV.
    s2 = (d.periode == "Semester II") & akhir & np.isnan(pk_target)
    pk_target[s2] = pkr["target"].to_numpy(dtype="float64", na_value=np.nan)[s2]
    kolom[s2] = "target"
    pos = np.flatnonzero(_beda_desimal(d.target, pk_target))

    def msg(i: int) -> str:
        return (
            f"Target {teks.angka(d.target[i])} berbeda dari target {_PK_LABEL[kolom[i]]} di PK "
            f"{int(d.tahun[i])}, yaitu {teks.angka(pk_target[i])}: periksa apakah bidang memakai "
            "target lama atau salah ketik, lalu samakan dengan PK/Rencana Aksi."
        )

    return Tanda("target_beda_pk", pos, _pesan(pos, msg))


def target_nol(d: Data) -> Tanda:
    pos = np.flatnonzero(d.target == 0)

    def msg(i: int) -> str:
        if d.arah[i] == "turun":
            return (
                "Target 0 (arah turun): capaian hanya 100% (realisasi 0) atau 0%; pastikan "
                "target 0 memang dimaksud di PK."
            )
        return "Target 0: capaian tidak dapat dihitung; periksa target di lembar dan di PK."

    return Tanda("target_nol", pos, _pesan(pos, msg))


def tidak_ada_data(d: Data, pk: pd.DataFrame) -> pd.DataFrame:
    """PK rows of a year with no record of that indicator that year: the flag rows."""
    ada = pd.DataFrame({"_tahun": d.tahun, "_b": d.kunci_b, "_i": d.kunci_i}).drop_duplicates()
    m = pk.merge(ada, on=["_tahun", "_b", "_i"], how="left", indicator="_ada")
    m = m[m["_ada"] == "left_only"].reset_index(drop=True)
    t = m["target"].to_numpy(dtype="float64", na_value=np.nan)
    tahun = m["_tahun"].to_numpy(dtype=np.int64)
    messages = []
    for k in range(len(m)):
        target = f" (target {teks.angka(t[k])})" if not math.isnan(t[k]) else ""
        messages.append(
            f"Indikator ada di PK {int(tahun[k])}{target} tetapi belum ada data sama sekali "
            f"tahun {int(tahun[k])}: minta bidang mengirim datanya, atau periksa apakah nama "
            "indikatornya ditulis lain."
        )
    return pd.DataFrame(
        {
            "bidang": m["bidang"].to_numpy(dtype=object),
            "sasaran": m["sasaran"].to_numpy(dtype=object),
            "indikator": m["indikator"].to_numpy(dtype=object),
            "tahun": tahun,
            "periode": np.full(len(m), None, dtype=object),
            "check": "tidak_ada_data",
            "message": pd.Series(messages, dtype=object),
            "rekaman_id": pd.Series(pd.NA, index=range(len(m)), dtype="Int64"),
            "kiriman_id": pd.Series(pd.NA, index=range(len(m)), dtype="Int64"),
            "terlambat": np.zeros(len(m), dtype=bool),
        }
    )
