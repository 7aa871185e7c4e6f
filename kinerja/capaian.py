"""Capaian (achievement, %), predikat, yearly aggregation and budget efficiency (vectorised),
and the formula behind each capaian in words (rumus, dasar)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Any, TypeAlias

import numpy as np
import numpy.typing as npt
import pandas as pd

from kinerja.angka import TANDA_KOSONG, format_angka
from kinerja.schema import AGREGASI, PERIODE, PERIODE_AKHIR_BULAN, TRIWULAN

Nilai: TypeAlias = pd.Series | npt.ArrayLike
"""A column of numbers: a Series (its index is kept), an array or a list; aligned by position."""

PREDIKAT_BAWAAN: tuple[tuple[float, str], ...] = (
    (91.0, "Sangat Tinggi"),
    (76.0, "Tinggi"),
    (66.0, "Sedang"),
    (51.0, "Rendah"),
    (float("-inf"), "Sangat Rendah"),
)
RUMUS_TURUN: tuple[str, ...] = ("selisih", "rasio")


def _angka_biasa(x: object) -> bool:
    return isinstance(x, numbers.Real) and not isinstance(x, bool)


@dataclass(frozen=True)
class Settings:
    """Per-agency settings of the capaian rules (docs/format.md); hashable; JSON via to_dict and
    from_dict.

    predikat_bands: (lower bound inclusive, label), descending; the last bound is -inf so every
    capaian gets a band. rumus_turun: "selisih" = (2 x target - realisasi) / target x 100, never
    below 0; "rasio" = target / realisasi x 100. batas_capaian: optional cap (%).
    efisiensi_batas: the +- band (percentage points) of "cukup efisien".
    """

    predikat_bands: tuple[tuple[float, str], ...] = PREDIKAT_BAWAAN
    rumus_turun: str = "selisih"
    batas_capaian: float | None = None
    efisiensi_batas: float = 5.0

    def __post_init__(self) -> None:
        try:
            bands = tuple((bound, label) for bound, label in self.predikat_bands)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                "predikat_bands harus berupa daftar pasangan (batas, predikat)"
            ) from exc
        if not bands:
            raise ValueError("predikat_bands tidak boleh kosong")
        for bound, label in bands:
            if not _angka_biasa(bound) or math.isnan(bound):
                raise ValueError(f"batas predikat harus berupa angka: {bound!r}")
            if not isinstance(label, str) or not label.strip():
                raise ValueError(f"nama predikat tidak boleh kosong (batas {bound!r})")
        bounds = [float(b) for b, _ in bands]
        if any(a <= b for a, b in zip(bounds, bounds[1:], strict=False)):
            raise ValueError(
                "batas predikat harus berurutan dari yang tertinggi, tanpa batas ganda"
            )
        if bounds[-1] != float("-inf"):
            raise ValueError(
                "predikat terakhir harus tanpa batas bawah (-inf) agar setiap capaian "
                "mendapat predikat"
            )
        if any(math.isinf(b) for b in bounds[:-1]):
            raise ValueError("hanya predikat terakhir yang boleh tanpa batas bawah")
        object.__setattr__(self, "predikat_bands", tuple((float(b), nama) for b, nama in bands))

        if self.rumus_turun not in RUMUS_TURUN:
            raise ValueError(
                f"rumus_turun tidak dikenal: {self.rumus_turun!r} (pilihan: selisih, rasio)"
            )
        cap = self.batas_capaian
        if cap is not None:
            if not _angka_biasa(cap) or not math.isfinite(cap) or cap <= 0:
                raise ValueError(f"batas_capaian harus angka lebih dari 0 atau kosong: {cap!r}")
            object.__setattr__(self, "batas_capaian", float(cap))
        batas = self.efisiensi_batas
        if not _angka_biasa(batas) or not math.isfinite(batas) or batas < 0:
            raise ValueError(f"efisiensi_batas harus angka 0 atau lebih: {batas!r}")
        object.__setattr__(self, "efisiensi_batas", float(batas))

    def to_dict(self) -> dict[str, Any]:
        """JSON-friendly form; the open lower bound -inf is written as None (null)."""
        return {
            "predikat_bands": [
                [None if math.isinf(b) else b, label] for b, label in self.predikat_bands
            ],
            "rumus_turun": self.rumus_turun,
            "batas_capaian": self.batas_capaian,
            "efisiensi_batas": self.efisiensi_batas,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Settings:
        """Inverse of to_dict; missing keys take the defaults, unknown keys are an error."""
        unknown = sorted(
            set(data) - {"predikat_bands", "rumus_turun", "batas_capaian", "efisiensi_batas"}
        )
        if unknown:
            raise ValueError(f"setelan tidak dikenal: {', '.join(unknown)}")
        kwargs = dict(data)
        if "predikat_bands" in kwargs:
            try:
                kwargs["predikat_bands"] = tuple(
                    (float("-inf") if bound is None else bound, label)
                    for bound, label in kwargs["predikat_bands"]
                )
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    "predikat_bands harus berupa daftar pasangan [batas, predikat]"
                ) from exc
        return cls(**kwargs)


SETTINGS_BAWAAN = Settings()
"""The defaults of docs/format.md."""


# --- rounding as shown --------------------------------------------------------------------

_SEN = Decimal("0.01")
_SETENGAH_SEN = Decimal("0.005")

DEKAT_TIE = 1e-9
"""Relative distance from a half cent within which a value is rounded on its exact decimal.

A capaian float lies within a few ulp (about 1e-15 relative) of the exact quotient of the
decimals that were read, so only a float this close to x,xx5 can show a different cent than
the exact value; every other row is rounded on the float, vectorised.
"""

Rasio: TypeAlias = tuple[int, int]
"""An exact rational number as (numerator, denominator), the denominator positive."""

_TETAP, _NAIK, _SELISIH, _RASIO = 0, 1, 2, 3
"""How a row's capaian was found: a fixed value (0, 100, the cap, empty) or a formula."""


def _tampil_ge(x: np.ndarray, batas: float) -> np.ndarray:
    """True where x as shown (2 decimals, half up, like format_angka) is >= batas; NaN is False.

    Shown values are whole cents, so "shown >= batas" is "shown >= batas rounded up to a cent",
    which is one comparison of x against the tie point half a cent below. format_angka rounds
    Decimal(repr(x)), and comparing floats against float(tie) gives the same answer because
    repr(x) is the shortest text that reads back as x. Half up rounds a tie away from zero, so
    a positive tie shows the upper cent and a negative tie the lower one.
    """
    if batas == float("-inf"):
        return ~np.isnan(x)
    if batas == float("inf"):
        return np.zeros(x.shape, dtype=bool)
    sen = Decimal(repr(float(batas))).quantize(_SEN, rounding=ROUND_CEILING)
    tie = sen - _SETENGAH_SEN
    return x >= float(tie) if tie >= 0 else x > float(tie)


def _tampil_gt(x: np.ndarray, batas: float) -> np.ndarray:
    """True where x as shown (2 decimals, half up) is > batas; NaN is False."""
    sen = Decimal(repr(float(batas))).quantize(_SEN, rounding=ROUND_FLOOR) + _SEN
    return _tampil_ge(x, float(sen))


def _desimal(x: float) -> Rasio:
    """The decimal a float was read from, exactly: its shortest repr (200.189, not 200.1889...)."""
    return Decimal(repr(float(x))).as_integer_ratio()


def _setengah_naik(n: int, d: int) -> int:
    """n / d (d > 0) rounded to a whole number, ties away from zero (ROUND_HALF_UP)."""
    q = (2 * abs(n) + d) // (2 * d)
    return q if n >= 0 else -q


def _bulat_sen(
    nilai: np.ndarray, tepat: Callable[[int], Rasio], skala: np.ndarray | None = None
) -> np.ndarray:
    """nilai rounded half up to 2 decimals on its exact value: whole cents as float, NaN kept.

    Rows whose float lies within DEKAT_TIE (relative to skala, default |nilai|) of a half cent
    take their exact value from tepat(row position); the rest are rounded on the float.
    """
    with np.errstate(invalid="ignore", over="ignore"):
        sen = nilai * 100
        ukuran = np.abs(sen) if skala is None else np.maximum(np.abs(sen), np.abs(skala) * 100)
        dekat = np.abs(sen - np.floor(sen) - 0.5) <= DEKAT_TIE * np.maximum(ukuran, 1.0)
        hasil = np.round(sen)
    for i in np.flatnonzero(dekat).tolist():
        n, d = tepat(i)
        hasil[i] = _setengah_naik(100 * n, d)
    return hasil / 100 + 0.0  # + 0.0 turns -0.0 into 0.0


def _rumus_float(rumus: int, t: float, r: float) -> float:
    """One formula on floats, with compute_capaian's operations in its order."""
    if rumus == _NAIK:
        return r / t * 100
    if rumus == _SELISIH:
        return (2 * t - r) / t * 100
    return t / r * 100 if r != 0 else math.nan


def _rumus_tepat(rumus: int, t: Rasio, r: Rasio) -> Rasio:
    """One formula on exact target (> 0) and realisasi; selisih is never below 0."""
    (tn, td), (rn, rd) = t, r
    if rumus == _NAIK:
        n, d = 100 * rn * td, rd * tn
    elif rumus == _SELISIH:
        n, d = max(100 * (2 * tn * rd - rn * td), 0), tn * rd
    else:
        n, d = 100 * tn * rd, td * rn
    return (n, d) if d > 0 else (-n, -d)


def _batasi(x: Rasio, batas: float | None) -> Rasio:
    """x capped at batas (settings.batas_capaian, None for no cap), exactly."""
    if batas is None:
        return x
    b = _desimal(batas)
    return b if x[0] * b[1] > b[0] * x[1] else x


def _tepat_dari_rumus(
    capaian: np.ndarray,
    rumus: np.ndarray,
    pasangan: Callable[[int], tuple[Rasio, Rasio]],
    batas: float | None,
) -> Callable[[int], Rasio]:
    """Exact capaian of a row whose formula is known; pasangan gives its exact (target,
    realisasi)."""

    def tepat(i: int) -> Rasio:
        k = int(rumus[i])
        if k == _TETAP:
            return _desimal(capaian[i])
        t, r = pasangan(i)
        return _batasi(_rumus_tepat(k, t, r), batas)

    return tepat


def _tepat_dari_capaian(
    capaian: np.ndarray,
    target: np.ndarray,
    realisasi: np.ndarray,
    arah: np.ndarray,
    settings: Settings | None,
) -> Callable[[int], Rasio]:
    """Exact capaian of a row that carries its capaian: the formula whose float reproduces it
    bit for bit (for arah turun the settings' rumus first), else the capaian's own decimal."""
    if settings is None or settings.rumus_turun == "selisih":
        turun: tuple[int, ...] = (_SELISIH, _RASIO)
    else:
        turun = (_RASIO, _SELISIH)
    urutan = {"naik": (_NAIK,), "turun": turun}

    def tepat(i: int) -> Rasio:
        c, t, r = float(capaian[i]), float(target[i]), float(realisasi[i])
        if t > 0 and math.isfinite(t) and math.isfinite(r):
            for k in urutan.get(arah[i], ()):
                if _rumus_float(k, t, r) == c:
                    return _rumus_tepat(k, _desimal(t), _desimal(r))
        return _desimal(c)

    return tepat


def _float(values: Nilai) -> np.ndarray:
    series = (
        values if isinstance(values, pd.Series) else pd.Series(np.asarray(values, dtype=object))
    )
    return series.astype("Float64").to_numpy(dtype="float64", na_value=np.nan)


def _index(values: Nilai, n: int) -> pd.Index:
    return values.index if isinstance(values, pd.Series) else pd.RangeIndex(n)


def _arah(arah: Nilai | str, n: int) -> np.ndarray:
    """arah per row as an object array; missing is naik (docs/format.md)."""
    if isinstance(arah, str):
        return np.full(n, arah, dtype=object)
    a = np.asarray(arah, dtype=object)
    if len(a) != n:
        raise ValueError("arah harus sama panjang dengan target")
    return np.where(pd.isna(a), "naik", a)


# --- capaian ------------------------------------------------------------------------------


def _hitung(
    target: Nilai, realisasi: Nilai, arah: Nilai | str, settings: Settings
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """compute_capaian's work as arrays: target, realisasi, capaian, catatan and rumus per row."""
    t = _float(target)
    r = _float(realisasi)
    n = len(t)
    if len(r) != n:
        raise ValueError("target dan realisasi harus sama panjang")
    a = _arah(arah, n)
    naik = a == "naik"
    turun = a == "turun"

    capaian = np.full(n, np.nan)
    catatan = np.full(n, None, dtype=object)
    rumus = np.full(n, _TETAP, dtype=np.int8)
    todo = np.ones(n, dtype=bool)

    def tandai(
        mask: np.ndarray, nilai: float | np.ndarray, teks: str | None, kode: int = _TETAP
    ) -> None:
        # Rules are applied in order of priority: a row takes the first rule that matches.
        m = todo & mask
        capaian[m] = nilai[m] if isinstance(nilai, np.ndarray) else nilai
        catatan[m] = teks
        rumus[m] = kode
        todo[m] = False

    with np.errstate(all="ignore"):
        rasio_naik = r / t * 100
        selisih = (2 * t - r) / t * 100
        rasio_turun = t / r * 100

    tandai(~(naik | turun), np.nan, "arah tidak dikenal: capaian tidak dapat dihitung")
    tandai(np.isnan(t), np.nan, "target belum diisi")
    tandai(t < 0, np.nan, "target negatif: capaian tidak dapat dihitung")
    tandai(np.isnan(r), np.nan, "realisasi belum dilaporkan")
    tandai(naik & (t == 0), np.nan, "target 0: capaian tidak dapat dihitung")
    tandai(naik, rasio_naik, None, _NAIK)
    tandai(turun & (t == 0) & (r == 0), 100.0, "target 0 dan realisasi 0 (arah turun): capaian 100")
    tandai(turun & (t == 0), 0.0, "target 0 dan realisasi bukan 0 (arah turun): capaian 0")
    if settings.rumus_turun == "selisih":
        tandai(selisih < 0, 0.0, "realisasi lebih dari dua kali target (arah turun): capaian 0")
        tandai(turun, selisih, None, _SELISIH)
    else:
        tandai(r == 0, np.nan, "realisasi 0: rumus rasio tidak dapat dihitung")
        tandai(turun, rasio_turun, None, _RASIO)

    cap = settings.batas_capaian
    if cap is not None:
        lebih = capaian > cap
        capaian[lebih] = cap
        catatan[lebih] = f"capaian dibatasi {format_angka(cap)}% (setelan batas capaian)"
    return t, r, capaian, catatan, rumus


def compute_capaian(
    target: Nilai,
    realisasi: Nilai,
    arah: Nilai | str,
    settings: Settings = SETTINGS_BAWAAN,
) -> pd.DataFrame:
    """Capaian (%) per row by docs/format.md's table, at full precision, with the reason when
    special.

    Returns columns capaian (float, NaN where not computable) and catatan (Indonesian text or
    None), indexed like target. arah is "naik"/"turun" per row or one for all; missing arah is
    naik. naik: realisasi / target x 100; turun: settings.rumus_turun; target 0 & naik: empty;
    target 0 & turun: 100 when realisasi is 0, else 0; realisasi missing: empty. The optional
    cap settings.batas_capaian applies last. For the value as shown use capaian_tampil.
    """
    _, _, capaian, catatan, _ = _hitung(target, realisasi, arah, settings)
    index = _index(target, len(capaian))
    return pd.DataFrame(
        {
            "capaian": pd.Series(capaian, index=index, dtype="float64"),
            "catatan": pd.Series(catatan, index=index, dtype=object),
        }
    )


def _tampil_dari_hitung(
    t: np.ndarray, r: np.ndarray, capaian: np.ndarray, rumus: np.ndarray, settings: Settings
) -> np.ndarray:
    def pasangan(i: int) -> tuple[Rasio, Rasio]:
        return _desimal(t[i]), _desimal(r[i])

    return _bulat_sen(capaian, _tepat_dari_rumus(capaian, rumus, pasangan, settings.batas_capaian))


def capaian_tampil(
    target: Nilai,
    realisasi: Nilai,
    arah: Nilai | str,
    settings: Settings = SETTINGS_BAWAAN,
) -> np.ndarray:
    """Capaian (%) as shown: a float array of 2-decimal values (91.0, 119.17), NaN where empty.

    compute_capaian's capaian rounded half up on its exact decimal value, not on the binary
    float: target and realisasi are the decimals they were read as (the float's repr), so
    220 / 200,189 is exactly 90,995 and shows 91,00 (the float 90.99499999999999 would show
    90,99). Predikat and "melampaui target" are judged on this value.
    """
    t, r, capaian, _, rumus = _hitung(target, realisasi, arah, settings)
    return _tampil_dari_hitung(t, r, capaian, rumus, settings)


def predikat(capaian: Nilai, settings: Settings = SETTINGS_BAWAAN) -> pd.Series:
    """The predikat band of each capaian (%); None where capaian is NaN.

    The band is judged on the value as shown, rounded half up to 2 decimals, so the table a
    reader sees agrees with its predikat: 90.995 shows 91,00 and is Sangat Tinggi, while
    90.994 shows 90,99 and is Tinggi. Lower bounds are inclusive. A capaian float is taken as
    its own decimal (repr); pass capaian_tampil's values to judge on the exact quotient of
    target and realisasi (add_capaian and aggregate_tahunan do).
    """
    x = _float(capaian)
    out = np.full(len(x), None, dtype=object)
    for bound, label in reversed(settings.predikat_bands):
        out[_tampil_ge(x, bound)] = label
    return pd.Series(out, index=_index(capaian, len(x)), dtype=object, name="predikat")


def melampaui(capaian: Nilai) -> pd.Series:
    """True where capaian as shown (2 decimals, half up) is above 100: "melampaui target".

    Like predikat, a float is taken as its own decimal; pass capaian_tampil's values to judge
    on the exact quotient of target and realisasi.
    """
    x = _float(capaian)
    return pd.Series(_tampil_gt(x, 100.0), index=_index(capaian, len(x)), name="melampaui")


def add_capaian(records: pd.DataFrame, settings: Settings = SETTINGS_BAWAAN) -> pd.DataFrame:
    """A copy of records with capaian, predikat, melampaui_target and capaian_catatan
    (re)computed.

    Needs target and realisasi; arah defaults to naik when the column is absent. capaian keeps
    full precision; predikat and melampaui_target (bool: capaian as shown above 100) are
    judged on capaian_tampil's value. capaian_catatan is compute_capaian's catatan (why
    capaian is empty or special, or the cap note; None otherwise). Existing columns are
    replaced in place; new ones go after realisasi (capaian_catatan last).
    """
    out = records.copy()
    arah: Nilai | str = out["arah"] if "arah" in out.columns else "naik"
    t, r, nilai, catatan, rumus = _hitung(out["target"], out["realisasi"], arah, settings)
    shown = _tampil_dari_hitung(t, r, nilai, rumus, settings)
    pred = predikat(shown, settings).to_numpy()
    # Explicit object dtype keeps None (pandas would infer str and turn None into NaN).
    kolom_baru = (
        ("capaian", pd.Series(nilai, index=out.index, dtype="float64"), "realisasi"),
        ("predikat", pd.Series(pred, index=out.index, dtype=object), "capaian"),
        ("melampaui_target", pd.Series(shown > 100, index=out.index, dtype=bool), "predikat"),
    )
    for kolom, isi, setelah in kolom_baru:
        if kolom in out.columns:
            out[kolom] = isi
        else:
            out.insert(list(out.columns).index(setelah) + 1, kolom, isi)
    out["capaian_catatan"] = pd.Series(catatan, index=out.index, dtype=object)
    return out


# --- records that already carry capaian (read back from the database) ---------------------


def _kolom(records: pd.DataFrame, nama: str) -> np.ndarray:
    if nama in records.columns:
        return _float(records[nama])
    return np.full(len(records), np.nan)


def tampil(records: pd.DataFrame, settings: Settings | None = None) -> pd.Series:
    """Capaian (%) as shown for records: 2-decimal floats (see capaian_tampil), NaN where empty.

    For records that carry capaian (the reader's, the store's, computed earlier with the
    agency's settings), that capaian decides the value; target, realisasi and arah only give
    its exact decimal where the float sits on a half cent: the formula whose float reproduces
    capaian bit for bit (for arah turun settings.rumus_turun is tried first, both when settings
    is None), else capaian's own decimal (a cap, 100, 0). Without a capaian column it is
    computed from target, realisasi and arah with settings (None: SETTINGS_BAWAAN).
    """
    n = len(records)
    arah = _arah(records["arah"], n) if "arah" in records.columns else _arah("naik", n)
    t, r = _kolom(records, "target"), _kolom(records, "realisasi")
    if "capaian" in records.columns:
        c = _float(records["capaian"])
        nilai = _bulat_sen(c, _tepat_dari_capaian(c, t, r, arah, settings))
    else:
        s = settings or SETTINGS_BAWAAN
        t, r, c, _, rumus = _hitung(t, r, arah, s)
        nilai = _tampil_dari_hitung(t, r, c, rumus, s)
    return pd.Series(nilai, index=records.index, dtype="float64", name="capaian_tampil")


def melampaui_target(records: pd.DataFrame, settings: Settings | None = None) -> pd.Series:
    """Bool per record: "melampaui target", capaian as shown (tampil) above 100.

    The records' own melampaui_target column is used where it holds a value (add_capaian
    writes it); the rest are computed from tampil(records, settings).
    """
    hitung = tampil(records, settings).to_numpy() > 100
    if "melampaui_target" in records.columns:
        ada = records["melampaui_target"]
        hitung = np.where(ada.notna(), ada.astype(object), hitung).astype(bool)
    return pd.Series(hitung, index=records.index, dtype=bool, name="melampaui_target")


def catatan_capaian(records: pd.DataFrame, settings: Settings | None = None) -> pd.Series:
    """What a record's capaian means when it is empty or special: text or None per record.

    The records' own capaian_catatan column when present (NaN as None); else compute_capaian's
    catatan from target, realisasi and arah with settings (None: SETTINGS_BAWAAN).
    """
    if "capaian_catatan" in records.columns:
        col = records["capaian_catatan"].astype(object)
        isi = col.where(col.notna(), None).to_numpy(dtype=object)
    else:
        n = len(records)
        arah = _arah(records["arah"], n) if "arah" in records.columns else _arah("naik", n)
        t, r = _kolom(records, "target"), _kolom(records, "realisasi")
        isi = _hitung(t, r, arah, settings or SETTINGS_BAWAAN)[3]
    return pd.Series(isi, index=records.index, dtype=object, name="capaian_catatan")


# --- yearly aggregation -------------------------------------------------------------------

KUNCI_TAHUNAN: list[str] = ["bidang", "sasaran", "indikator", "satuan", "arah", "tahun"]
_ALIAS_AGREGASI: dict[str, str] = {
    "akhir": "akhir",
    "terakhir": "akhir",
    "jumlah": "jumlah",
    "total": "jumlah",
    "rata-rata": "rata-rata",
    "rata rata": "rata-rata",
    "rata2": "rata-rata",
    "rerata": "rata-rata",
}
_URUTAN: dict[str, int] = {p: i for i, p in enumerate(PERIODE)}


def _metode(values: pd.Series) -> pd.Series:
    """Canonical agregasi names; ValueError naming the unknown ones."""
    norm = values.astype(object).where(values.isna(), values.astype(str).str.strip().str.lower())
    canon = norm.map(_ALIAS_AGREGASI)
    unknown = norm[norm.notna() & canon.isna()].unique()
    if len(unknown):
        daftar = ", ".join(sorted(map(str, unknown)))
        raise ValueError(f"agregasi tidak dikenal: {daftar} (pilihan: {', '.join(AGREGASI)})")
    return canon.astype(object)


def _periode_dasar(rows: pd.DataFrame) -> pd.Series:
    """Per _gid, the periods rows rest on: "TW I", "TW I–TW IV" or "TW I, TW III" (a gap)."""
    g = rows.groupby("_gid")["_urut"]
    lo, hi, n = g.min(), g.max(), g.size()
    first = lo.map(dict(enumerate(PERIODE)))
    last = hi.map(dict(enumerate(PERIODE)))
    out = first.where(n == 1, first + "–" + last).astype(object)
    gap = (hi - lo + 1) != n
    if gap.any():
        subset = rows[rows["_gid"].isin(gap[gap].index)].sort_values(["_gid", "_urut"])
        out[gap] = subset.groupby("_gid")["periode"].agg(", ".join)
    return out


def aggregate_tahunan(
    records: pd.DataFrame,
    agregasi: str | Mapping[str, str] = "akhir",
    settings: Settings = SETTINGS_BAWAAN,
) -> pd.DataFrame:
    """One row per (bidang, sasaran, indikator, satuan, arah, tahun): the year's figures.

    agregasi is a method for every indicator or a mapping indikator -> method (missing ones
    "akhir"); an agregasi column in records wins. A "Tahunan" record, where present, is the
    year. akhir: the latest period with realisasi reported (by schema.PERIODE_AKHIR_BULAN, TW
    before Semester at equal month), its target and realisasi. jumlah / rata-rata: sum / mean of
    realisasi against the sum / mean of the targets of the same reported periods (quarters when
    the indicator has any, else semesters). With nothing reported the target rests on every
    period and realisasi is empty. Capaian is recomputed with compute_capaian, predikat and
    melampaui_target judged on it as shown (exact on the decimals read, as capaian_tampil);
    columns target, realisasi, capaian, predikat, melampaui_target, capaian_catatan,
    periode_dasar, agregasi.
    """
    kolom_hasil = [
        *KUNCI_TAHUNAN,
        "target",
        "realisasi",
        "capaian",
        "predikat",
        "melampaui_target",
        "capaian_catatan",
        "periode_dasar",
        "agregasi",
    ]
    missing = [
        c for c in ("indikator", "tahun", "periode", "target", "realisasi") if c not in records
    ]
    if missing:
        raise ValueError(f"kolom wajib tidak ada: {', '.join(missing)}")
    if records.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in kolom_hasil})

    df = records.reset_index(drop=True)
    df = df.assign(
        **{c: None for c in ("bidang", "sasaran", "satuan") if c not in df.columns},
        **({} if "arah" in df.columns else {"arah": "naik"}),
    )
    unknown = df.loc[~df["periode"].isin(PERIODE), "periode"].unique()
    if len(unknown):
        raise ValueError(f"periode tidak dikenal: {', '.join(map(str, unknown))}")

    gid = df.groupby(KUNCI_TAHUNAN, sort=False, dropna=False).ngroup()
    df = df.assign(
        _gid=gid,
        _urut=df["periode"].map(_URUTAN),
        _bulan=df["periode"].map(PERIODE_AKHIR_BULAN),
        _tw=df["periode"].isin(TRIWULAN),
        _lapor=df["realisasi"].notna(),
        target=_float(df["target"]),
        realisasi=_float(df["realisasi"]),
    )
    grup = pd.RangeIndex(int(gid.max()) + 1, name="_gid")

    # Method per indicator: the records' own column, else the argument.
    if isinstance(agregasi, str):
        bawaan = _metode(pd.Series([agregasi], dtype=object))[0]
        dari_argumen = pd.Series(bawaan, index=df.index, dtype=object)
    else:
        peta = _metode(pd.Series(dict(agregasi), dtype=object))
        dari_argumen = df["indikator"].map(peta).fillna("akhir").astype(object)
    metode = dari_argumen.groupby(df["_gid"]).first().reindex(grup)
    if "agregasi" in df.columns:
        dari_kolom = _metode(df["agregasi"]).groupby(df["_gid"]).first().reindex(grup)
        metode = dari_kolom.where(dari_kolom.notna(), metode)

    tahunan = df[df["periode"] == "Tahunan"].drop_duplicates("_gid").set_index("_gid")
    tahunan = tahunan.reindex(grup)
    periodik = df[df["periode"] != "Tahunan"]

    # akhir: reported rows sort after unreported ones, so the last row is the latest reported
    # period, or the latest period of all when nothing is reported yet.
    akhir = (
        periodik.sort_values(["_gid", "_lapor", "_bulan", "_tw"], kind="stable")
        .drop_duplicates("_gid", keep="last")
        .set_index("_gid")
        .reindex(grup)
    )

    # jumlah / rata-rata: quarters when the indicator has any, else semesters; the reported
    # ones, or all of them when nothing is reported yet.
    ada_tw = periodik["_tw"].groupby(periodik["_gid"]).transform("any")
    dasar = periodik[periodik["_tw"] == ada_tw]
    ada_lapor = dasar["_lapor"].groupby(dasar["_gid"]).transform("any")
    dipakai = dasar[dasar["_lapor"] | ~ada_lapor]
    g = dipakai.groupby("_gid")
    target_kosong = dipakai["target"].isna().groupby(dipakai["_gid"]).any().reindex(grup)
    jumlah_t = g["target"].sum().reindex(grup).mask(target_kosong.fillna(False).astype(bool))
    jumlah_r = g["realisasi"].sum(min_count=1).reindex(grup)
    rata_t = g["target"].mean().reindex(grup).mask(target_kosong.fillna(False).astype(bool))
    rata_r = g["realisasi"].mean().reindex(grup)
    dasar_periode = _periode_dasar(dipakai).reindex(grup)

    ada_tahunan = tahunan["periode"].notna().to_numpy()
    pilihan = [
        ada_tahunan,
        (metode == "akhir").to_numpy(),
        (metode == "jumlah").to_numpy(),
        (metode == "rata-rata").to_numpy(),
    ]
    target = np.select(pilihan, [tahunan["target"], akhir["target"], jumlah_t, rata_t], np.nan)
    realisasi = np.select(
        pilihan, [tahunan["realisasi"], akhir["realisasi"], jumlah_r, rata_r], np.nan
    )
    # np.select cannot take None as an object default; apply the choices lowest priority first.
    periode_dasar = np.full(len(grup), None, dtype=object)
    sumber = (tahunan["periode"], akhir["periode"], dasar_periode, dasar_periode)
    for mask, periode in reversed(list(zip(pilihan, sumber, strict=True))):
        periode_dasar[mask] = periode.to_numpy(dtype=object)[mask]

    out = df.drop_duplicates("_gid").set_index("_gid").reindex(grup)[KUNCI_TAHUNAN]
    t, r, nilai, catatan, rumus = _hitung(target, realisasi, out["arah"].to_numpy(), settings)

    # Exact target and realisasi of a year near a half cent: a sum or mean is taken over the
    # decimals read, not over their floats (0,1 + 0,2 is 0,3).
    gabungan = ~ada_tahunan & metode.isin(["jumlah", "rata-rata"]).to_numpy()
    rata = (metode == "rata-rata").to_numpy()
    anggota: dict[Any, Any] = {}

    def pasangan(i: int) -> tuple[Rasio, Rasio]:
        if not gabungan[i]:
            return _desimal(t[i]), _desimal(r[i])
        if not anggota:
            anggota.update(dipakai.groupby("_gid").indices)
        baris = dipakai.iloc[anggota[i]]
        hasil = []
        for kolom in ("target", "realisasi"):
            isi = [Fraction(*_desimal(x)) for x in baris[kolom].tolist() if not math.isnan(x)]
            jumlah = sum(isi, Fraction(0))
            jumlah = jumlah / len(isi) if rata[i] else jumlah
            hasil.append((jumlah.numerator, jumlah.denominator))
        return hasil[0], hasil[1]

    shown = _bulat_sen(nilai, _tepat_dari_rumus(nilai, rumus, pasangan, settings.batas_capaian))
    out = out.assign(
        target=target,
        realisasi=realisasi,
        capaian=nilai,
        predikat=pd.Series(predikat(shown, settings).to_numpy(), index=grup, dtype=object),
        melampaui_target=pd.Series(shown > 100, index=grup, dtype=bool),
        capaian_catatan=pd.Series(catatan, index=grup, dtype=object),
        periode_dasar=pd.Series(periode_dasar, index=grup, dtype=object),
        agregasi=metode.astype(object),
    )
    return out.reset_index(drop=True)[kolom_hasil]


# --- budget -------------------------------------------------------------------------------


def serapan(pagu: Nilai, realisasi_anggaran: Nilai) -> pd.Series:
    """Serapan anggaran (%) = realisasi anggaran / pagu x 100; NaN when pagu is 0 or missing."""
    p = _float(pagu)
    r = _float(realisasi_anggaran)
    if len(r) != len(p):
        raise ValueError("pagu dan realisasi anggaran harus sama panjang")
    with np.errstate(all="ignore"):
        nilai = np.where(p > 0, r / p * 100, np.nan)
    return pd.Series(nilai, index=_index(pagu, len(p)), dtype="float64", name="serapan")


def _tepat_sendiri(x: np.ndarray) -> Callable[[int], Rasio]:
    """Exact value of a row that has nothing but its float: the decimal it was written as."""
    return lambda i: _desimal(x[i])


def _tepat_serapan(s: np.ndarray, pagu: np.ndarray, ra: np.ndarray) -> Callable[[int], Rasio]:
    """Exact serapan: realisasi anggaran / pagu x 100 on their decimals, where serapan()'s
    float of them is the row's serapan; else serapan's own decimal."""

    def tepat(i: int) -> Rasio:
        p, r = float(pagu[i]), float(ra[i])
        if p > 0 and r / p * 100 == s[i]:
            (rn, rd), (pn, pd_) = _desimal(r), _desimal(p)
            return 100 * rn * pd_, rd * pn
        return _desimal(s[i])

    return tepat


def efisiensi(
    capaian: Nilai,
    serapan: Nilai,
    settings: Settings = SETTINGS_BAWAAN,
    *,
    target: Nilai | None = None,
    realisasi: Nilai | None = None,
    arah: Nilai | str = "naik",
    pagu: Nilai | None = None,
    realisasi_anggaran: Nilai | None = None,
) -> pd.DataFrame:
    """Efficiency: selisih = capaian - serapan (percentage points) and its kategori.

    kategori: "efisien" above +efisiensi_batas, "cukup efisien" within +-batas inclusive,
    "kurang efisien" below -batas, None when either value is missing. Judged on selisih as
    shown: rounded half up to 2 decimals on its exact value, so 101,46 - 96,46 is 5,00 and
    cukup efisien, whatever float noise the subtraction leaves. A number is exact as the
    decimal it was written as (repr); with target, realisasi and arah capaian is exact on
    their quotient (as tampil: the formula whose float is capaian, settings.rumus_turun first),
    with pagu and realisasi_anggaran serapan likewise. selisih keeps full precision.
    """
    c = _float(capaian)
    s = _float(serapan)
    n = len(c)
    if len(s) != n:
        raise ValueError("capaian dan serapan harus sama panjang")
    selisih = c - s

    tepat_c = _tepat_sendiri(c)
    if target is not None and realisasi is not None:
        t, r = _float(target), _float(realisasi)
        if len(t) != n or len(r) != n:
            raise ValueError("target dan realisasi harus sama panjang dengan capaian")
        tepat_c = _tepat_dari_capaian(c, t, r, _arah(arah, n), settings)
    tepat_s = _tepat_sendiri(s)
    if pagu is not None and realisasi_anggaran is not None:
        p, ra = _float(pagu), _float(realisasi_anggaran)
        if len(p) != n or len(ra) != n:
            raise ValueError("pagu dan realisasi anggaran harus sama panjang dengan serapan")
        tepat_s = _tepat_serapan(s, p, ra)

    def tepat(i: int) -> Rasio:
        (cn, cd), (sn, sd) = tepat_c(i), tepat_s(i)
        return cn * sd - sn * cd, cd * sd

    with np.errstate(invalid="ignore"):
        skala = np.maximum(np.abs(c), np.abs(s))
    shown = _bulat_sen(selisih, tepat, skala)
    batas = settings.efisiensi_batas
    kategori = np.full(n, None, dtype=object)
    kategori[~np.isnan(shown)] = "cukup efisien"
    kategori[_tampil_gt(shown, batas)] = "efisien"
    kategori[~np.isnan(shown) & ~_tampil_ge(shown, -batas)] = "kurang efisien"
    index = _index(capaian, n)
    return pd.DataFrame(
        {
            "selisih": pd.Series(selisih, index=index, dtype="float64"),
            "kategori": pd.Series(kategori, index=index, dtype=object),
        }
    )


# --- the formula behind a capaian, in words -----------------------------------------------


def angka_rumus(x: float | None) -> str:
    """A number as a formula shows it: Indonesian notation (thousands dot, decimal comma) with
    every decimal it was written with, up to 15 significant digits, so 0,7281 stays 0,7281 and
    a sum's float noise (0,30000000000000004) shows 0,3; "–" when missing or infinite."""
    if x is None or not math.isfinite(float(x)):
        return TANDA_KOSONG
    x = float(x)
    if x == 0:
        return "0"
    teks = f"{x:.15g}"  # %g drops trailing zeros
    if "e" in teks:  # beyond 1e15 or below 1e-4: let Decimal spell it out
        d = Decimal(teks).normalize()
        exponent = d.as_tuple().exponent
        return format_angka(d, max(0, -exponent) if isinstance(exponent, int) else 0)
    tanda, teks = ("-", teks[1:]) if teks.startswith("-") else ("", teks)
    bulat, _, pecahan = teks.partition(".")
    return tanda + f"{int(bulat):,}".replace(",", ".") + ("," + pecahan if pecahan else "")


def teks_tampil(nilai: Nilai) -> list[str]:
    """Capaian as shown (capaian_tampil's 2-decimal values) as text: format_angka(x, 2) per
    value ("989,46", "–" where empty), fast for whole cents; any other value goes through
    format_angka itself."""
    x = _float(nilai)
    with np.errstate(invalid="ignore", over="ignore"):
        sen = np.rint(x * 100)
        cepat = (np.abs(x) < 1e12) & (np.abs(x * 100 - sen) <= 1e-6)
    out = []
    for v, c, ok in zip(x.tolist(), sen.tolist(), cepat.tolist(), strict=True):
        if not ok:
            out.append(format_angka(v, 2))
            continue
        bulat, pecahan = divmod(abs(int(c)), 100)
        tanda = "-" if c < 0 else ""
        out.append(f"{tanda}{bulat:,}".replace(",", ".") + f",{pecahan:02d}")
    return out


def _suku(x: float) -> str:
    """A term inside a formula: a negative number in parentheses, "2 x 10 - (-5)"."""
    teks = angka_rumus(x)
    return f"({teks})" if x < 0 else teks


def _rumus_teks(
    target: Nilai, realisasi: Nilai, arah: Nilai | str, settings: Settings
) -> np.ndarray:
    """rumus_series' texts as an object array (see there)."""
    t, r, capaian, catatan, kode = _hitung(target, realisasi, arah, settings)
    shown = _tampil_dari_hitung(t, r, capaian, kode, settings)
    cap = settings.batas_capaian
    dibatasi = np.zeros(len(t), dtype=bool)
    mentah = shown
    if cap is not None:
        # The same rules without the cap: the value the cap replaced (_hitung caps last).
        bebas = replace(settings, batas_capaian=None)
        t0, r0, nilai0, _, kode0 = _hitung(t, r, _arah(arah, len(t)), bebas)
        with np.errstate(invalid="ignore"):
            dibatasi = nilai0 > cap
        mentah = _tampil_dari_hitung(t0, r0, nilai0, kode0, bebas)

    teks_shown = teks_tampil(shown)
    teks_mentah = teks_tampil(mentah) if cap is not None else teks_shown
    out = np.empty(len(t), dtype=object)
    for i in range(len(t)):
        if math.isnan(capaian[i]):
            out[i] = catatan[i]
            continue
        hasil = teks_shown[i]
        # Before a cap, the value the rules gave; otherwise that is the value shown.
        nilai = teks_mentah[i] if dibatasi[i] else hasil
        k = int(kode[i])
        ti, ri = float(t[i]), float(r[i])
        if k == _NAIK:
            teks = f"{_suku(ri)} / {_suku(ti)} x 100 = {nilai}"
        elif k == _SELISIH:
            teks = f"(2 x {_suku(ti)} - {_suku(ri)}) / {_suku(ti)} x 100 = {nilai}"
        elif k == _RASIO:
            teks = f"{_suku(ti)} / {_suku(ri)} x 100 = {nilai}"
        elif ti == 0:
            teks = f"target 0 dan realisasi {angka_rumus(ri)} (arah turun): capaian {nilai}"
        else:
            # selisih below 0, shown with its exact value before the floor
            (tn, td), (rn, rd) = _desimal(ti), _desimal(ri)
            sen = _setengah_naik(100 * 100 * (2 * tn * rd - rn * td), tn * rd)
            negatif = format_angka(Decimal(sen).scaleb(-2), 2)
            teks = (
                f"(2 x {_suku(ti)} - {_suku(ri)}) / {_suku(ti)} x 100 = {negatif}; "
                f"realisasi lebih dari dua kali target: capaian {hasil}"
            )
        if dibatasi[i]:
            teks += f"; melebihi batas capaian {angka_rumus(cap)}%: capaian {hasil}"
        out[i] = teks
    return out


def rumus_series(frame: pd.DataFrame, settings: Settings = SETTINGS_BAWAAN) -> pd.Series:
    """The formula behind each row's capaian, with its numbers, as text (str per row).

    frame needs target and realisasi; arah defaults to naik. naik "36.610 / 3.700 x 100 =
    989,46"; turun selisih "(2 x 4 - 3,95) / 4 x 100 = 101,25"; turun rasio "4 / 3,95 x 100 =
    101,27". Inputs are shown as written (angka_rumus); the result is capaian_tampil's value
    with two decimals, and a row with a capaian always ends with it: a floor at 0 or the cap
    say so before it ("...; melebihi batas capaian 120%: capaian 120,00"). A row without a
    capaian is compute_capaian's reason in words ("target 0: capaian tidak dapat dihitung",
    "realisasi belum dilaporkan").
    """
    arah: Nilai | str = frame["arah"] if "arah" in frame.columns else "naik"
    teks = _rumus_teks(frame["target"], frame["realisasi"], arah, settings)
    return pd.Series(teks, index=frame.index, dtype=object, name="rumus")


def rumus(
    target: float | None,
    realisasi: float | None,
    arah: str | None = "naik",
    settings: Settings = SETTINGS_BAWAAN,
) -> str:
    """The formula behind one capaian with its numbers, as rumus_series writes it."""
    t = np.nan if target is None else target
    r = np.nan if realisasi is None else realisasi
    return str(_rumus_teks([t], [r], np.array([arah], dtype=object), settings)[0])


def dasar(
    periode_dasar: str | None, agregasi: str | None = None, periode: str | None = None
) -> str:
    """What a capaian rests on, in words.

    One record (periode given): "realisasi s.d. TW II / target s.d. TW II" (quarterly figures
    are cumulative), or for an indicator summed or averaged over the year (agregasi jumlah,
    rata-rata) that period's own figures, "realisasi TW II / target TW II"; "Tahunan":
    "realisasi Tahunan / target tahunan". A year from aggregate_tahunan (periode None), from
    its periode_dasar and agregasi (missing: akhir): "realisasi akhir TW IV / target TW IV",
    "jumlah realisasi TW I–TW IV / jumlah target TW I–TW IV", "rata-rata realisasi ... /
    rata-rata target ...", or the Tahunan text when a Tahunan record is the year. "–" when
    periode_dasar is missing.
    """
    if periode is not None and periode not in PERIODE:
        raise ValueError(f"periode tidak dikenal: {periode!r}")
    metode = "akhir"
    if isinstance(agregasi, str) and agregasi.strip():
        kunci = agregasi.strip().lower()
        if kunci not in _ALIAS_AGREGASI:
            raise ValueError(
                f"agregasi tidak dikenal: {agregasi!r} (pilihan: {', '.join(AGREGASI)})"
            )
        metode = _ALIAS_AGREGASI[kunci]
    dasar_periode = periode or periode_dasar
    if not isinstance(dasar_periode, str) or not dasar_periode:
        return TANDA_KOSONG
    if dasar_periode == "Tahunan":
        return "realisasi Tahunan / target tahunan"
    if periode is not None:
        if metode == "akhir":
            return f"realisasi s.d. {periode} / target s.d. {periode}"
        return f"realisasi {periode} / target {periode}"
    if metode == "akhir":
        return f"realisasi akhir {dasar_periode} / target {dasar_periode}"
    return f"{metode} realisasi {dasar_periode} / {metode} target {dasar_periode}"
