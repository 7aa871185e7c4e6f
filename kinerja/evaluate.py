"""The evaluation of collected data (SOP step 6, "data dianalisis dan dievaluasi"): records,
their history, the PK master, round deadlines and the reader's warnings in; flags out (pure)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import numbers
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from kinerja import capaian
from kinerja.angka import TANDA_KOSONG, format_angka, format_persen
from kinerja.schema import PERIODE, PERIODE_AKHIR_BULAN, TRIWULAN, is_persen, parse_periode

CHECKS: dict[str, str] = {
    "belum_dilaporkan": "Belum dilaporkan",
    "capaian_rendah": "Capaian rendah tanpa keterangan",
    "capaian_tinggi": "Capaian tidak wajar",
    "lonjakan": "Lonjakan nilai",
    "pecahan_persen": "Pecahan atau persen",
    "kumulatif_turun": "Kumulatif turun",
    "target_beda_pk": "Target berbeda dari PK",
    "capaian_berbeda": "Capaian lembar berbeda",
    "angka_ambigu": "Angka ambigu",
    "target_nol": "Target nol",
    "tidak_ada_data": "Tidak ada data",
}
"""Stable check code -> short Indonesian label, in display order."""

FLAG_COLUMNS: list[str] = [
    "id",
    "bidang",
    "sasaran",
    "indikator",
    "tahun",
    "periode",
    "check",
    "message",
    "rekaman_id",
    "kiriman_id",
    "terlambat",
]

WARNING_CHECKS: tuple[str, ...] = ("capaian_berbeda", "angka_ambigu")
"""The checks that come from the reader's warnings (kinerja.ingest.results.Issue.code)."""

# How the reader's warnings read, for warnings stored before they carried a code
# (kinerja.ingest.checks._with_capaian and kinerja.ingest.cells.AMBIGU_NOTE).
_WARNING_TEXT: dict[str, str] = {
    "capaian_berbeda": "berbeda dari hasil hitung",
    "angka_ambigu": "(koma sebagai desimal)",
}

# A PK target column per periode. Semesters take the quarter ending the same month, and only
# for agregasi "akhir" (a cumulative figure): a semester of a "jumlah" or "rata-rata"
# indicator has no target of its own in the PK, so it is not compared.
_PK_TARGET: dict[str, str] = {
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
_URUT: dict[str, int] = {p: i for i, p in enumerate(PERIODE)}
_TANPA_PERIODE = len(PERIODE)  # sorts after every periode (tidak_ada_data)
_DESIMAL_BANDING = Decimal("1e-9")  # targets equal to 9 decimals are equal (x 100 noise)
_WIB = dt.timezone(dt.timedelta(hours=7))
_BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)


# --- settings -----------------------------------------------------------------------------


@dataclass(frozen=True)
class EvaluasiSettings:
    """The thresholds of the checks that are a choice; hashable; JSON via to_dict/from_dict.

    batas_rendah: capaian (as shown, 2 decimals half up) below this with no keterangan is
    capaian_rendah. batas_tinggi: capaian above this is implausible (capaian_tinggi).
    faktor_lonjakan: a value more than this many times, or less than 1/this, of its neighbour
    is a lonjakan. batas_pecahan / batas_persen: a % value below batas_pecahan where the target
    or the indicator's other periods are above batas_persen is pecahan_persen.
    """

    batas_rendah: float = 76.0
    batas_tinggi: float = 150.0
    faktor_lonjakan: float = 3.0
    batas_pecahan: float = 1.5
    batas_persen: float = 10.0

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if not isinstance(v, numbers.Real) or isinstance(v, bool) or not math.isfinite(v):
                raise ValueError(f"{f.name} harus berupa angka: {v!r}")
            object.__setattr__(self, f.name, float(v))
        if self.batas_rendah < 0:
            raise ValueError(f"batas_rendah tidak boleh negatif: {self.batas_rendah!r}")
        if self.batas_tinggi <= self.batas_rendah:
            raise ValueError("batas_tinggi harus lebih besar dari batas_rendah")
        if self.faktor_lonjakan <= 1:
            raise ValueError(
                f"faktor_lonjakan harus lebih dari 1 (kali lipat): {self.faktor_lonjakan!r}"
            )
        if self.batas_pecahan <= 0:
            raise ValueError(f"batas_pecahan harus lebih dari 0: {self.batas_pecahan!r}")
        if self.batas_persen <= self.batas_pecahan:
            raise ValueError("batas_persen harus lebih besar dari batas_pecahan")

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> EvaluasiSettings:
        """Inverse of to_dict; missing keys take the defaults, unknown keys are an error."""
        unknown = sorted(set(data) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"setelan evaluasi tidak dikenal: {', '.join(map(str, unknown))}")
        return cls(**dict(data))


SETTINGS_BAWAAN = EvaluasiSettings()


# --- ids and text -------------------------------------------------------------------------


def _hilang(x: object) -> bool:
    """None, NaN, NA or NaT."""
    return x is None or x is pd.NA or x is pd.NaT or (isinstance(x, float) and math.isnan(x))


def _kunci(text: object) -> str:
    """Text as a key: case and repeated spaces ignored (bidang and indikator are matched so)."""
    return "" if _hilang(text) else _kunci_teks(str(text))


@functools.lru_cache(maxsize=65536)
def _kunci_teks(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def flag_id(
    bidang: object,
    indikator: object,
    tahun: object,
    periode: object,
    check: str,
    message: str,
) -> str:
    """A flag's stable id: 10 lowercase hex characters of SHA-256 over a canonical join.

    bidang and indikator are joined as keys (case and repeated spaces ignored, Unicode NFC),
    tahun as a whole number, a missing periode as "", the message as written (NFC); fields are
    separated by U+001F, encoded UTF-8. The same flag has the same id on every run and
    machine; a flag whose numbers change (so does its message) gets a new id.
    """
    th = "" if _hilang(tahun) else str(int(tahun))  # type: ignore[call-overload]
    per = "" if _hilang(periode) else periode
    parts = (
        _kunci(bidang),
        _kunci(indikator),
        th,
        str(per),
        check,
        unicodedata.normalize("NFC", message),
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:10]


def _angka(x: float) -> str:
    """A number as written (0,7281 stays 0,7281, 36.610 stays 36.610), up to 6 decimals."""
    return _angka_float(float(x))  # a numpy float's repr is "np.float64(...)"


@functools.lru_cache(maxsize=65536)
def _angka_float(x: float) -> str:
    if not math.isfinite(x):
        return TANDA_KOSONG
    d = Decimal(repr(x))
    k = min(max(-int(d.as_tuple().exponent), 0), 6)
    if k <= 2:
        return format_angka(d)
    text = format_angka(d, k)
    return text.rstrip("0").rstrip(",")


def _persen(x: float) -> str:
    return format_persen(x)


def _kali(x: float) -> str:
    return format_angka(x, 1)


def _label(periode: object, tahun: object) -> str:
    return f"{periode} {int(tahun)}"  # type: ignore[call-overload]


def _wib(when: dt.datetime) -> str:
    w = when.astimezone(_WIB)
    return f"{w.day} {_BULAN[w.month - 1]} {w.year} {w:%H.%M} WIB"


def _utc(when: dt.datetime) -> dt.datetime:
    """A naive datetime is taken as UTC."""
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when


# --- preparing the records ----------------------------------------------------------------

_WAJIB = ("bidang", "indikator", "tahun", "periode", "target", "realisasi")


def _kunci_kolom(values: pd.Series) -> np.ndarray:
    """_kunci of each value, computed once per distinct value."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    keys = np.array([_kunci(u) for u in uniques] + [""], dtype=object)
    return keys[codes]


def _angka_kolom(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def _teks_kolom(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A text column as an object array, missing as None."""
    if name not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    col = frame[name].astype(object)
    return col.where(col.notna(), None).to_numpy(dtype=object)


def _id_kolom(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="Int64")
    return pd.to_numeric(frame[name], errors="coerce").astype("Int64")


def _gabung(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One group id per distinct pair of non-negative integer codes (a, b)."""
    if not len(a):
        return np.zeros(0, dtype=np.int64)
    gabung = a.astype(np.int64) * (int(b.max()) + 1) + b.astype(np.int64)
    return pd.factorize(gabung)[0].astype(np.int64)


@dataclass
class _Data:
    """The records as arrays, by position."""

    n: int
    bidang: np.ndarray
    sasaran: np.ndarray
    indikator: np.ndarray
    satuan: np.ndarray
    arah: np.ndarray
    tahun: np.ndarray
    periode: np.ndarray
    urut: np.ndarray  # periode order (PERIODE), _TANPA_PERIODE when unknown
    target: np.ndarray
    realisasi: np.ndarray
    shown: np.ndarray  # capaian as shown (2 decimals half up), NaN when empty
    keterangan_kosong: np.ndarray
    persen: np.ndarray
    seri: np.ndarray  # one id per bidang + indikator (case and spaces ignored), every year
    kunci_b: np.ndarray
    kunci_i: np.ndarray
    rekaman_id: pd.Series
    kiriman_id: pd.Series
    baris: pd.Series


def _prepare(records: pd.DataFrame, settings: capaian.Settings) -> _Data:
    missing = [c for c in _WAJIB if c not in records.columns]
    if missing:
        raise ValueError(f"kolom wajib tidak ada: {', '.join(missing)}")
    df = records.reset_index(drop=True)
    n = len(df)
    kb, ki = _kunci_kolom(df["bidang"]), _kunci_kolom(df["indikator"])
    seri = _gabung(pd.factorize(kb)[0], pd.factorize(ki)[0])
    periode = _teks_kolom(df, "periode")
    urut = pd.Series(periode).map(_URUT).fillna(_TANPA_PERIODE).to_numpy(dtype=np.int64)
    satuan = _teks_kolom(df, "satuan")
    s_codes, s_uniques = pd.factorize(pd.Series(satuan, dtype=object))
    persen = np.array([is_persen(u) for u in s_uniques] + [False], dtype=bool)[s_codes]
    if "keterangan" in df.columns:
        k_codes, k_uniques = pd.factorize(df["keterangan"].astype(object))
        kosong = np.array([not str(u).strip() for u in k_uniques] + [True], dtype=bool)
        keterangan_kosong = kosong[k_codes]
    else:
        keterangan_kosong = np.ones(n, dtype=bool)
    arah = _teks_kolom(df, "arah")
    arah = np.where(pd.isna(arah), "naik", arah)
    shown = (
        capaian.tampil(df.assign(arah=arah), settings).to_numpy(dtype="float64")
        if n
        else np.zeros(0)
    )
    return _Data(
        n=n,
        bidang=_teks_kolom(df, "bidang"),
        sasaran=_teks_kolom(df, "sasaran"),
        indikator=_teks_kolom(df, "indikator"),
        satuan=satuan,
        arah=arah,
        tahun=pd.to_numeric(df["tahun"]).to_numpy(dtype=np.int64),
        periode=periode,
        urut=urut,
        target=_angka_kolom(df, "target"),
        realisasi=_angka_kolom(df, "realisasi"),
        shown=shown,
        keterangan_kosong=keterangan_kosong,
        persen=persen,
        seri=np.asarray(seri, dtype=np.int64),
        kunci_b=kb,
        kunci_i=ki,
        rekaman_id=_id_kolom(df, "id"),
        kiriman_id=_id_kolom(df, "kiriman_id"),
        baris=_id_kolom(df, "baris"),
    )


_PK_ANGKA = ("target", "target_tw1", "target_tw2", "target_tw3", "target_tw4")


def _prepare_pk(pk: pd.DataFrame | None) -> pd.DataFrame:
    """The PK master keyed by (_tahun, _b, _i), first row of a key kept."""
    if pk is None or pk.empty:
        teks = ("_b", "_i", "bidang", "sasaran", "indikator", "agregasi")
        return pd.DataFrame(
            {
                "_tahun": pd.Series(dtype="int64"),
                **{c: pd.Series(dtype=object) for c in teks},
                **{c: pd.Series(dtype="float64") for c in _PK_ANGKA},
            }
        )
    missing = [c for c in ("tahun", "bidang", "indikator") if c not in pk.columns]
    if missing:
        raise ValueError(f"kolom PK wajib tidak ada: {', '.join(missing)}")
    p = pk.reset_index(drop=True)
    out = pd.DataFrame(
        {
            "_tahun": pd.to_numeric(p["tahun"]).astype("int64"),
            "_b": _kunci_kolom(p["bidang"]),
            "_i": _kunci_kolom(p["indikator"]),
            "bidang": _teks_kolom(p, "bidang"),
            "sasaran": _teks_kolom(p, "sasaran"),
            "indikator": _teks_kolom(p, "indikator"),
            "agregasi": _teks_kolom(p, "agregasi"),
            **{c: _angka_kolom(p, c) for c in _PK_ANGKA},
        }
    )
    return out.drop_duplicates(["_tahun", "_b", "_i"], keep="first").reset_index(drop=True)


def _pk_per_record(d: _Data, pk: pd.DataFrame) -> pd.DataFrame:
    """The PK row of each record (NaN/None where the PK has none), by position."""
    left = pd.DataFrame({"_tahun": d.tahun, "_b": d.kunci_b, "_i": d.kunci_i})
    return left.merge(pk, on=["_tahun", "_b", "_i"], how="left").reset_index(drop=True)


def _akhir(pkr: pd.DataFrame) -> np.ndarray:
    """Per record: its agregasi is "akhir" (the PK's; no PK row or no agregasi is akhir)."""
    agregasi = pkr["agregasi"].astype(object).where(pkr["agregasi"].notna(), "akhir")
    return agregasi.astype(str).str.strip().str.lower().isin(["akhir", "terakhir"]).to_numpy()


# --- flags --------------------------------------------------------------------------------


@dataclass
class _Tanda:
    """Flags of one check on records, by position."""

    check: str
    pos: np.ndarray
    message: list[str]
    terlambat: np.ndarray | None = None


def _pesan(pos: np.ndarray, fn: Callable[[int], str]) -> list[str]:
    return [fn(i) for i in pos.tolist()]


def _belum_dilaporkan(
    d: _Data,
    deadlines: Mapping[tuple[int, str], dt.datetime] | None,
    now: dt.datetime,
) -> _Tanda:
    pos = np.flatnonzero(np.isnan(d.realisasi))
    batas: dict[tuple[int, str], dt.datetime] = {}
    for (th, per), when in (deadlines or {}).items():
        p = parse_periode(per)
        if p is not None and when is not None:
            batas.setdefault((int(th), p), _utc(when))

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
        label = _label(d.periode[i], d.tahun[i])
        t = d.target[i]
        target = f" (target {_angka(t)})" if not math.isnan(t) else ""
        batas_i = tenggat[(int(d.tahun[i]), d.periode[i])]
        if batas_i is not None and now > batas_i:
            late[k] = True
            messages.append(
                f"Realisasi {label}{target} belum dilaporkan, terlambat (batas waktu "
                f"{_wib(batas_i)}): tagih bidang agar segera mengirim realisasinya."
            )
        else:
            messages.append(
                f"Realisasi {label}{target} belum dilaporkan: pastikan bidang mengirimnya "
                "sebelum batas waktu."
            )
    return _Tanda("belum_dilaporkan", pos, messages, late)


def _capaian_rendah(d: _Data, s: EvaluasiSettings, cs: capaian.Settings) -> _Tanda:
    with np.errstate(invalid="ignore"):
        pos = np.flatnonzero((d.shown < s.batas_rendah) & d.keterangan_kosong)
    band = next((label for b, label in cs.predikat_bands if b == s.batas_rendah), None)
    batas = f"{band} ({_persen(s.batas_rendah)})" if band else _persen(s.batas_rendah)

    def msg(i: int) -> str:
        return (
            f"Capaian {_persen(d.shown[i])} (realisasi {_angka(d.realisasi[i])} dari target "
            f"{_angka(d.target[i])}) di bawah {batas} tanpa keterangan: minta bidang mengisi "
            "kendala dan upaya tindak lanjut di kolom Keterangan."
        )

    return _Tanda("capaian_rendah", pos, _pesan(pos, msg))


def _capaian_tinggi(d: _Data, s: EvaluasiSettings) -> _Tanda:
    with np.errstate(invalid="ignore"):
        pos = np.flatnonzero(d.shown > s.batas_tinggi)

    def msg(i: int) -> str:
        return (
            f"Capaian {_persen(d.shown[i])} (realisasi {_angka(d.realisasi[i])} dari target "
            f"{_angka(d.target[i])}) di atas {_persen(s.batas_tinggi)}: tidak wajar; periksa "
            "realisasi dan target (digit berlebih, salah satuan, atau target yang keliru)."
        )

    return _Tanda("capaian_tinggi", pos, _pesan(pos, msg))


def _rantai(n: int, pos: np.ndarray, sama: np.ndarray) -> np.ndarray:
    """prev per record (-1 for none): pos is sorted along chains; sama[k] says pos[k] follows
    pos[k - 1] in the same chain."""
    prev = np.full(n, -1, dtype=np.int64)
    if len(pos) > 1:
        ikut = np.flatnonzero(sama[1:]) + 1
        prev[pos[ikut]] = pos[ikut - 1]
    return prev


def _berikut(prev: np.ndarray) -> np.ndarray:
    nxt = np.full(len(prev), -1, dtype=np.int64)
    ada = np.flatnonzero(prev >= 0)
    nxt[prev[ada]] = ada
    return nxt


@dataclass
class _Lonjakan:
    """Which records jump, against which neighbour, and by how much."""

    pos: np.ndarray
    mitra: np.ndarray
    kind: np.ndarray  # 0: the previous reported quarter, 1: the same periode a year before
    rasio: np.ndarray  # the flagged record's value / the neighbour's
    dinormalkan: np.ndarray  # compared as realisasi / target


def _lonjakan_rantai(d: _Data, prev: np.ndarray, faktor: float, kind: int) -> _Lonjakan:
    """The outliers of the chains prev describes: a record that jumps against its neighbour,
    except a return to normal after an outlier, and the first record of a chain when it is
    the odd one out (the second is in line with the third)."""
    n = d.n
    r, t = d.realisasi, d.target

    def banding(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(jump, ratio a/b, normalised) of pairs; a missing partner (-1) is no jump."""
        ada = b >= 0
        bb = np.where(ada, b, 0)
        ta, tb = t[a], t[bb]
        norm = (ta > 0) & (tb > 0)
        with np.errstate(all="ignore"):
            va = np.where(norm, r[a] / ta, r[a])
            vb = np.where(norm, r[bb] / tb, r[bb])
            q = va / vb
        jump = ada & np.isfinite(q) & (q > 0) & ((q > faktor) | (q < 1 / faktor))
        return jump, q, norm

    semua = np.arange(n)
    p1 = prev
    p2 = np.where(p1 >= 0, prev[np.where(p1 >= 0, p1, 0)], -1)
    nx = _berikut(prev)
    jp, q, norm = banding(semua, p1)
    j_p1_p2, _, _ = banding(np.where(p1 >= 0, p1, 0), p2)
    j_p2, _, _ = banding(semua, p2)
    j_nx, _, _ = banding(semua, nx)
    balik = jp & (p2 >= 0) & j_p1_p2 & ~j_p2  # the neighbour before was the outlier
    awal = jp & (p2 < 0) & (nx >= 0) & ~j_nx  # the chain's first record is the odd one
    sendiri = np.flatnonzero(jp & ~balik & ~awal)
    pertama = np.flatnonzero(awal)
    pos = np.concatenate([sendiri, p1[pertama]])
    mitra = np.concatenate([p1[sendiri], pertama])
    rasio = np.concatenate([q[sendiri], 1 / q[pertama]])
    dinormalkan = np.concatenate([norm[sendiri], norm[pertama]])
    return _Lonjakan(pos, mitra, np.full(len(pos), kind), rasio, dinormalkan)


def _lonjakan(d: _Data, s: EvaluasiSettings) -> tuple[_Tanda, np.ndarray]:
    """Jumps against the previous reported quarter of the year and the same periode of the
    previous year; zeros (and negatives) are no value to compare. Also returns the records
    flagged against a quarter (the outliers kumulatif_turun does not blame the next one for)."""
    n = d.n
    positif = np.flatnonzero(d.realisasi > 0)

    tw = positif[d.urut[positif] < len(TRIWULAN)]
    tw = tw[np.lexsort((d.urut[tw], d.tahun[tw], d.seri[tw]))]
    sama = np.r_[False, (d.seri[tw][1:] == d.seri[tw][:-1]) & (d.tahun[tw][1:] == d.tahun[tw][:-1])]
    triwulan = _lonjakan_rantai(d, _rantai(n, tw, sama), s.faktor_lonjakan, 0)

    yy = positif[d.urut[positif] < _TANPA_PERIODE]
    yy = yy[np.lexsort((d.tahun[yy], d.urut[yy], d.seri[yy]))]
    sama = np.r_[
        False,
        (d.seri[yy][1:] == d.seri[yy][:-1])
        & (d.urut[yy][1:] == d.urut[yy][:-1])
        & (d.tahun[yy][1:] == d.tahun[yy][:-1] + 1),
    ]
    tahunan = _lonjakan_rantai(d, _rantai(n, yy, sama), s.faktor_lonjakan, 1)

    pos = np.concatenate([triwulan.pos, tahunan.pos])
    mitra = np.concatenate([triwulan.mitra, tahunan.mitra])
    kind = np.concatenate([triwulan.kind, tahunan.kind])
    rasio = np.concatenate([triwulan.rasio, tahunan.rasio])
    norm = np.concatenate([triwulan.dinormalkan, tahunan.dinormalkan])
    urutan = np.lexsort((kind, pos))

    def bagian(k: int) -> str:
        j, q = int(mitra[k]), float(rasio[k])
        arah = f"naik {_kali(q)} kali lipat" if q > 1 else f"turun menjadi 1/{_kali(1 / q)}"
        lain = _label(d.periode[j], d.tahun[j])
        if norm[k]:
            return (
                f"terhadap target {arah} dibanding {lain} ({_angka(d.realisasi[j])} dari "
                f"target {_angka(d.target[j])})"
            )
        return f"{arah} dibanding {lain} ({_angka(d.realisasi[j])})"

    def kepala(i: int) -> str:
        label = _label(d.periode[i], d.tahun[i])
        if d.target[i] > 0:
            return f"Realisasi {label} {_angka(d.realisasi[i])} dari target {_angka(d.target[i])}"
        return f"Realisasi {label} {_angka(d.realisasi[i])}"

    out_pos: list[int] = []
    messages: list[str] = []
    for k in urutan.tolist():
        i = int(pos[k])
        if out_pos and out_pos[-1] == i:
            messages[-1] += "; " + bagian(k)
            continue
        out_pos.append(i)
        messages.append(f"{kepala(i)}: {bagian(k)}")
    messages = [
        m + ". Periksa apakah ada digit berlebih atau kurang, atau salah satuan." for m in messages
    ]
    return (
        _Tanda("lonjakan", np.array(out_pos, dtype=np.int64), messages),
        np.unique(triwulan.pos),
    )


def _pecahan_persen(d: _Data, s: EvaluasiSettings) -> _Tanda:
    """A % value written as a fraction (0,7281 for 72,81)."""
    bp, bpersen = s.batas_pecahan, s.batas_persen
    r, t = d.realisasi, d.target
    with np.errstate(invalid="ignore"):
        kecil_r = d.persen & (r > 0) & (r < bp)
        kecil_t = d.persen & (t > 0) & (t < bp)
    calon = np.flatnonzero(kecil_r | kecil_t)
    if not len(calon):
        return _Tanda("pecahan_persen", calon, [])
    anggota = pd.Series(np.arange(d.n)).groupby(d.seri).indices
    pos: list[int] = []
    messages: list[str] = []
    for i in calon.tolist():
        seri_i = np.asarray(anggota[d.seri[i]])
        lain = seri_i[seri_i != i]
        med_r = float(np.nanmedian(r[lain])) if np.isfinite(r[lain]).any() else math.nan
        med_t = float(np.nanmedian(t[lain])) if np.isfinite(t[lain]).any() else math.nan
        bagian = []
        if kecil_r[i] and (t[i] > bpersen or med_r > bpersen):
            alasan = [f"target {_angka(t[i])}"] if t[i] > bpersen else []
            if med_r > bpersen:
                alasan.append(f"realisasi periode lain sekitar {_angka(med_r)} (median)")
            bagian.append(
                f"Realisasi {_angka(r[i])} (satuan %) tampak ditulis sebagai pecahan, padahal "
                f"{' dan '.join(alasan)}: mungkin maksudnya {_seratus(r[i])}; periksa sel "
                "realisasi"
            )
        if kecil_t[i] and (r[i] > bpersen or med_t > bpersen):
            alasan = [f"realisasi {_angka(r[i])}"] if r[i] > bpersen else []
            if med_t > bpersen:
                alasan.append(f"target periode lain sekitar {_angka(med_t)} (median)")
            bagian.append(
                f"Target {_angka(t[i])} (satuan %) tampak ditulis sebagai pecahan, padahal "
                f"{' dan '.join(alasan)}: mungkin maksudnya {_seratus(t[i])}; periksa target "
                "di lembar dan di PK"
            )
        if bagian:
            pos.append(i)
            messages.append("; ".join(bagian) + ".")
    return _Tanda("pecahan_persen", np.array(pos, dtype=np.int64), messages)


def _seratus(x: float) -> str:
    """x x 100 on its decimal (0,7281 -> 72,81)."""
    return format_angka(Decimal(repr(float(x))) * 100)


def _kumulatif_turun(d: _Data, pkr: pd.DataFrame, pencilan: np.ndarray) -> _Tanda:
    """A cumulative series ("s.d. triwulan") whose realisasi falls while its target does not.

    Cumulative: agregasi "akhir" (the PK's, default akhir), satuan not a percent, and the
    year's quarterly targets non-decreasing with at least one rise (flat targets are a level,
    such as a number of members, that may fall). A fall right after a quarter flagged as a
    lonjakan is that outlier's return to normal, not a second slip.
    """
    akhir = _akhir(pkr)
    tw = np.flatnonzero((d.urut < len(TRIWULAN)) & akhir & ~d.persen & ~np.isnan(d.target))
    if not len(tw):
        return _Tanda("kumulatif_turun", tw, [])
    tw = tw[np.lexsort((d.urut[tw], d.tahun[tw], d.seri[tw]))]
    grup = _gabung(d.seri[tw], d.tahun[tw] - d.tahun.min())
    tt = pd.Series(d.target[tw])
    g = tt.groupby(grup)
    naik = tt.diff().where(pd.Series(grup).diff() == 0)
    tidak_turun = (naik.fillna(0) >= 0).groupby(grup).transform("all")
    ada_naik = (g.transform("max") > g.transform("min")).to_numpy()
    kumulatif = tw[tidak_turun.to_numpy() & ada_naik]

    lapor = kumulatif[~np.isnan(d.realisasi[kumulatif])]
    sama = np.r_[
        False,
        (d.seri[lapor][1:] == d.seri[lapor][:-1]) & (d.tahun[lapor][1:] == d.tahun[lapor][:-1]),
    ]
    if not len(lapor):
        return _Tanda("kumulatif_turun", lapor, [])
    ikut = np.flatnonzero(sama)
    i, j = lapor[ikut], lapor[ikut - 1]
    turun = (d.realisasi[i] < d.realisasi[j]) & (d.target[i] >= d.target[j])
    turun &= ~np.isin(j, pencilan)
    pos, prev = i[turun], j[turun]

    def msg(k: int) -> str:
        a, b = int(pos[k]), int(prev[k])
        ta, tb = d.target[a], d.target[b]
        target = (
            f"target tetap {_angka(ta)}"
            if ta == tb
            else f"target naik dari {_angka(tb)} menjadi {_angka(ta)}"
        )
        return (
            f"Realisasi kumulatif turun dari {_angka(d.realisasi[b])} ({d.periode[b]}) menjadi "
            f"{_angka(d.realisasi[a])} ({d.periode[a]}), padahal {target}: angka s.d. "
            "triwulan tidak boleh turun; periksa apakah yang diisi hanya angka triwulan ini."
        )

    return _Tanda("kumulatif_turun", pos, [msg(k) for k in range(len(pos))])


def _beda_desimal(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a != b as decimals to 9 places (a percent cell x 100 leaves float noise); NaN never
    differs. Floats that are equal are equal decimals; only the unequal ones are checked."""
    beda = ~np.isnan(a) & ~np.isnan(b) & (a != b)
    for k in np.flatnonzero(beda).tolist():
        da = Decimal(repr(float(a[k]))).quantize(_DESIMAL_BANDING)
        db = Decimal(repr(float(b[k]))).quantize(_DESIMAL_BANDING)
        beda[k] = da != db
    return beda


def _target_beda_pk(d: _Data, pkr: pd.DataFrame) -> _Tanda:
    akhir = _akhir(pkr)
    pk_target = np.full(d.n, np.nan)
    kolom = np.full(d.n, None, dtype=object)
    for per, col in _PK_TARGET.items():
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
            f"Target {_angka(d.target[i])} berbeda dari target {_PK_LABEL[kolom[i]]} di PK "
            f"{int(d.tahun[i])}, yaitu {_angka(pk_target[i])}: periksa apakah bidang memakai "
            "target lama atau salah ketik, lalu samakan dengan PK/Rencana Aksi."
        )

    return _Tanda("target_beda_pk", pos, _pesan(pos, msg))


def _target_nol(d: _Data) -> _Tanda:
    pos = np.flatnonzero(d.target == 0)

    def msg(i: int) -> str:
        if d.arah[i] == "turun":
            return (
                "Target 0 (arah turun): capaian hanya 100% (realisasi 0) atau 0%; pastikan "
                "target 0 memang dimaksud di PK."
            )
        return "Target 0: capaian tidak dapat dihitung; periksa target di lembar dan di PK."

    return _Tanda("target_nol", pos, _pesan(pos, msg))


def _periode_teks(text: object) -> str | None:
    """The periode a column header or sheet name names: the whole text, its tail or its head
    ("Realisasi TW II", "Realisasi IV", "TW III Target", "Triwulan II 2023")."""
    if not isinstance(text, str) or not text.strip():
        return None
    p = parse_periode(text)
    if p is not None:
        return p
    words = text.split()
    for k in (3, 2, 1):
        if k < len(words):
            p = parse_periode(" ".join(words[-k:])) or parse_periode(" ".join(words[:k]))
            if p is not None:
                return p
    return None


def _dari_peringatan(d: _Data, warnings: pd.DataFrame | None) -> list[_Tanda]:
    """capaian_berbeda and angka_ambigu: the reader's warnings, linked to their records by
    (kiriman_id, row == baris); where a row holds several records (the wide layout, or one
    sheet per quarter), the periode its column header or else its sheet names picks one, and
    with none named the earliest periode of the row. A warning of a submission whose records
    are no longer current links to nothing."""
    kosong = [_Tanda(c, np.zeros(0, dtype=np.int64), []) for c in WARNING_CHECKS]
    if warnings is None or warnings.empty or d.n == 0:
        return kosong
    w = warnings.reset_index(drop=True)
    pesan = _teks_kolom(w, "message")
    code = _teks_kolom(w, "code").copy()
    for c, teks in _WARNING_TEXT.items():  # stored before warnings carried a code
        tanpa = pd.isna(code)
        code[tanpa] = np.where(
            [isinstance(m, str) and teks in m for m in pesan[tanpa]], c, code[tanpa]
        )
    dipakai = np.flatnonzero(np.isin(code.astype(str), WARNING_CHECKS))
    if not len(dipakai):
        return kosong
    kolom, lembar = _teks_kolom(w, "column"), _teks_kolom(w, "sheet")
    hint = [_periode_teks(kolom[k]) or _periode_teks(lembar[k]) for k in dipakai.tolist()]
    wf = pd.DataFrame(
        {
            "_w": dipakai,
            "kiriman_id": _id_kolom(w, "kiriman_id").to_numpy()[dipakai],
            "baris": _id_kolom(w, "row").to_numpy()[dipakai],
            "_hint": pd.Series(hint, dtype=object),
        }
    ).astype({"kiriman_id": "Int64", "baris": "Int64"})
    rf = pd.DataFrame(
        {
            "_pos": np.arange(d.n),
            "kiriman_id": d.kiriman_id.to_numpy(),
            "baris": d.baris.to_numpy(),
            "_periode": d.periode,
            "_urut": d.urut,
        }
    ).astype({"kiriman_id": "Int64", "baris": "Int64"})
    rf = rf.dropna(subset=["kiriman_id", "baris"])
    m = wf.merge(rf, on=["kiriman_id", "baris"], how="inner")
    # The record of the periode named; with none named, the row's earliest; a named periode
    # the row does not hold links only a row of one record (a header left from a template).
    m["_lain"] = m["_hint"].notna() & (m["_hint"] != m["_periode"])
    satu = m.groupby("_w")["_pos"].transform("size") == 1
    m = m[~m["_lain"] | satu]
    m = m.sort_values(["_w", "_lain", "_urut", "_pos"], kind="stable").drop_duplicates("_w")

    saran = {
        "capaian_berbeda": "Periksa rumus atau ketikan capaian di lembar bidang: bisa jadi "
        "target atau realisasi yang salah.",
        "angka_ambigu": "Pastikan ke bidang angka mana yang dimaksud.",
    }
    out = []
    for c in WARNING_CHECKS:
        mc = m[code[m["_w"].to_numpy()] == c]
        msgs = []
        for k in mc["_w"].tolist():
            teks = str(pesan[k] or "").strip()
            di = f"Lembar '{lembar[k]}', " if lembar[k] else ""
            sep = "" if teks.endswith(".") else "."
            msgs.append(f"{di}{teks}{sep} {saran[c]}")
        out.append(_Tanda(c, mc["_pos"].to_numpy(dtype=np.int64), msgs))
    return out


def _tidak_ada_data(d: _Data, pk: pd.DataFrame) -> pd.DataFrame:
    """PK rows of a year with no record of that indicator that year: the flag rows."""
    ada = pd.DataFrame({"_tahun": d.tahun, "_b": d.kunci_b, "_i": d.kunci_i}).drop_duplicates()
    m = pk.merge(ada, on=["_tahun", "_b", "_i"], how="left", indicator="_ada")
    m = m[m["_ada"] == "left_only"].reset_index(drop=True)
    t = m["target"].to_numpy(dtype="float64", na_value=np.nan)
    tahun = m["_tahun"].to_numpy(dtype=np.int64)
    messages = []
    for k in range(len(m)):
        target = f" (target {_angka(t[k])})" if not math.isnan(t[k]) else ""
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


def _kosong() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": pd.Series(dtype=object),
            "bidang": pd.Series(dtype=object),
            "sasaran": pd.Series(dtype=object),
            "indikator": pd.Series(dtype=object),
            "tahun": pd.Series(dtype="int64"),
            "periode": pd.Series(dtype=object),
            "check": pd.Series(dtype=object),
            "message": pd.Series(dtype=object),
            "rekaman_id": pd.Series(dtype="Int64"),
            "kiriman_id": pd.Series(dtype="Int64"),
            "terlambat": pd.Series(dtype=bool),
        }
    )[FLAG_COLUMNS]


def _rows(d: _Data, tanda: list[_Tanda]) -> pd.DataFrame:
    """The flag rows of record checks (one per record and check: messages of the same pair
    are joined)."""
    pos = np.concatenate([t.pos for t in tanda]).astype(np.int64)
    check = np.concatenate([np.full(len(t.pos), t.check, dtype=object) for t in tanda])
    message = np.array([m for t in tanda for m in t.message], dtype=object)
    late = np.concatenate(
        [t.terlambat if t.terlambat is not None else np.zeros(len(t.pos), bool) for t in tanda]
    )
    f = pd.DataFrame({"_pos": pos, "check": check, "message": message, "terlambat": late})
    if f.duplicated(["_pos", "check"]).any():
        f = f.groupby(["_pos", "check"], sort=False, as_index=False).agg(
            message=("message", " ".join), terlambat=("terlambat", "any")
        )
    p = f["_pos"].to_numpy()
    return pd.DataFrame(
        {
            "bidang": d.bidang[p],
            "sasaran": d.sasaran[p],
            "indikator": d.indikator[p],
            "tahun": d.tahun[p],
            "periode": d.periode[p],
            "check": f["check"].to_numpy(dtype=object),
            "message": f["message"].to_numpy(dtype=object),
            "rekaman_id": d.rekaman_id.to_numpy()[p],
            "kiriman_id": d.kiriman_id.to_numpy()[p],
            "terlambat": f["terlambat"].to_numpy(dtype=bool),
        }
    ).astype({"rekaman_id": "Int64", "kiriman_id": "Int64"})


def evaluate(
    records: pd.DataFrame,
    *,
    pk: pd.DataFrame | None = None,
    deadlines: Mapping[tuple[int, str], dt.datetime] | None = None,
    warnings: pd.DataFrame | None = None,
    settings: EvaluasiSettings = SETTINGS_BAWAAN,
    capaian_settings: capaian.Settings = capaian.SETTINGS_BAWAAN,
    now: dt.datetime | None = None,
) -> pd.DataFrame:
    """The evaluation flags of records (FLAG_COLUMNS), one row per record and check.

    records: the store's current records of every year (the history is in them); pk: the
    indicator master (tahun + PK_COLUMNS), any number of years; deadlines: (tahun, periode)
    -> the round's deadline (naive is UTC; a periode with no round takes the round ending the
    same month); warnings: the reader's kept warnings (kiriman_id, row, column, message, code,
    sheet). PK rows match records by tahun + bidang + indikator, case and repeated spaces
    ignored. now defaults to the current time. Sorted by bidang, tahun, periode (PERIODE
    order, none last), indikator, check (CHECKS order); ids are flag_id's.

    The rules (thresholds from settings): belum_dilaporkan, realisasi empty, terlambat once
    now is past the deadline. capaian_rendah / capaian_tinggi, capaian as shown below
    batas_rendah with a blank keterangan / above batas_tinggi. lonjakan, realisasi against the
    previous reported quarter of the year and the same periode a year before, as realisasi /
    target where both targets are > 0, beyond faktor_lonjakan either way; zeros skipped; the
    outlier is flagged, not its return to normal (see _lonjakan_rantai). pecahan_persen, a %
    value in (0, batas_pecahan) where the target (or realisasi) or the median of the
    indicator's other periods is above batas_persen. kumulatif_turun, see _kumulatif_turun.
    target_beda_pk, the PK's target of the periode (TW n: target_twn, Tahunan: target,
    Semester I/II: target_tw2 / target_tw4 or target, for agregasi akhir only), equal to 9
    decimals. capaian_berbeda / angka_ambigu, the reader's coded warnings. target_nol,
    target 0. tidak_ada_data, a PK indicator with no record that year.
    """
    saat = _utc(now) if now is not None else dt.datetime.now(dt.UTC)
    d = _prepare(records, capaian_settings)
    pkn = _prepare_pk(pk)
    bagian: list[pd.DataFrame] = []
    if d.n:
        pkr = _pk_per_record(d, pkn)
        lonjakan, pencilan = _lonjakan(d, settings)
        tanda = [
            _belum_dilaporkan(d, deadlines, saat),
            _capaian_rendah(d, settings, capaian_settings),
            _capaian_tinggi(d, settings),
            lonjakan,
            _pecahan_persen(d, settings),
            _kumulatif_turun(d, pkr, pencilan),
            _target_beda_pk(d, pkr),
            *_dari_peringatan(d, warnings),
            _target_nol(d),
        ]
        bagian.append(_rows(d, tanda))
    if len(pkn):
        bagian.append(_tidak_ada_data(d, pkn))
    bagian = [b for b in bagian if len(b)]
    if not bagian:
        return _kosong()
    out = pd.concat(bagian, ignore_index=True)
    out["sasaran"] = out["sasaran"].astype(object).where(out["sasaran"].notna(), None)
    out["periode"] = out["periode"].astype(object).where(out["periode"].notna(), None)
    urut_cek = {c: k for k, c in enumerate(CHECKS)}
    kunci = pd.DataFrame(
        {
            "b": out["bidang"].astype(str),
            "t": out["tahun"],
            "p": out["periode"].map(_URUT).fillna(_TANPA_PERIODE),
            "i": out["indikator"].astype(str),
            "c": out["check"].map(urut_cek),
            "m": out["message"],
            "r": out["rekaman_id"].fillna(-1),
        }
    )
    out = out.loc[kunci.sort_values(list(kunci.columns), kind="stable").index]
    out = out.reset_index(drop=True)
    out.insert(
        0,
        "id",
        [
            flag_id(b, i, t, p, c, m)
            for b, i, t, p, c, m in zip(
                *(out[k].tolist() for k in ("bidang", "indikator", "tahun", "periode")),
                out["check"].tolist(),
                out["message"].tolist(),
                strict=True,
            )
        ],
    )
    out["tahun"] = out["tahun"].astype("int64")
    out["terlambat"] = out["terlambat"].astype(bool)
    for c in ("id", "bidang", "indikator", "check", "message"):  # text as the empty frame's
        out[c] = out[c].astype(object)
    return out[FLAG_COLUMNS]
