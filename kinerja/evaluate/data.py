"""The inputs as the checks read them: records as arrays by position, the PK master matched to
them by key (case and repeated spaces ignored), times in UTC."""

from __future__ import annotations

import datetime as dt
import functools
import math
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kinerja import capaian
from kinerja.schema import PERIODE, is_persen

URUT: dict[str, int] = {p: i for i, p in enumerate(PERIODE)}
TANPA_PERIODE = len(PERIODE)  # sorts after every periode (tidak_ada_data)


def hilang(x: object) -> bool:
    """None, NaN, NA or NaT."""
    return x is None or x is pd.NA or x is pd.NaT or (isinstance(x, float) and math.isnan(x))


def kunci(text: object) -> str:
    """Text as a key: case and repeated spaces ignored (bidang and indikator are matched so)."""
    return "" if hilang(text) else _kunci_teks(str(text))


@functools.lru_cache(maxsize=65536)
def _kunci_teks(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()


def utc(when: dt.datetime) -> dt.datetime:
    """A naive datetime is taken as UTC."""
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when


_WAJIB = ("bidang", "indikator", "tahun", "periode", "target", "realisasi")


def _kunci_kolom(values: pd.Series) -> np.ndarray:
    """kunci of each value, computed once per distinct value."""
    codes, uniques = pd.factorize(values.astype(object), use_na_sentinel=True)
    keys = np.array([kunci(u) for u in uniques] + [""], dtype=object)
    return keys[codes]


def _angka_kolom(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame.columns:
        return np.full(len(frame), np.nan)
    return pd.to_numeric(frame[name], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)


def teks_kolom(frame: pd.DataFrame, name: str) -> np.ndarray:
    """A text column as an object array, missing as None."""
    if name not in frame.columns:
        return np.full(len(frame), None, dtype=object)
    col = frame[name].astype(object)
    return col.where(col.notna(), None).to_numpy(dtype=object)


def id_kolom(frame: pd.DataFrame, name: str) -> pd.Series:
    if name not in frame.columns:
        return pd.Series(pd.NA, index=frame.index, dtype="Int64")
    return pd.to_numeric(frame[name], errors="coerce").astype("Int64")


def gabung(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """One group id per distinct pair of non-negative integer codes (a, b)."""
    if not len(a):
        return np.zeros(0, dtype=np.int64)
    kode = a.astype(np.int64) * (int(b.max()) + 1) + b.astype(np.int64)
    return pd.factorize(kode)[0].astype(np.int64)


@dataclass
class Data:
    """The records as arrays, by position."""

    n: int
    bidang: np.ndarray
    sasaran: np.ndarray
    indikator: np.ndarray
    satuan: np.ndarray
    arah: np.ndarray
    tahun: np.ndarray
    periode: np.ndarray
    urut: np.ndarray  # periode order (PERIODE), TANPA_PERIODE when unknown
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


def prepare(records: pd.DataFrame, settings: capaian.Settings) -> Data:
    missing = [c for c in _WAJIB if c not in records.columns]
    if missing:
        raise ValueError(f"kolom wajib tidak ada: {', '.join(missing)}")
    df = records.reset_index(drop=True)
    n = len(df)
    kb, ki = _kunci_kolom(df["bidang"]), _kunci_kolom(df["indikator"])
    seri = gabung(pd.factorize(kb)[0], pd.factorize(ki)[0])
    periode = teks_kolom(df, "periode")
    urut = pd.Series(periode).map(URUT).fillna(TANPA_PERIODE).to_numpy(dtype=np.int64)
    satuan = teks_kolom(df, "satuan")
    s_codes, s_uniques = pd.factorize(pd.Series(satuan, dtype=object))
    persen = np.array([is_persen(u) for u in s_uniques] + [False], dtype=bool)[s_codes]
    if "keterangan" in df.columns:
        k_codes, k_uniques = pd.factorize(df["keterangan"].astype(object))
        kosong = np.array([not str(u).strip() for u in k_uniques] + [True], dtype=bool)
        keterangan_kosong = kosong[k_codes]
    else:
        keterangan_kosong = np.ones(n, dtype=bool)
    arah = teks_kolom(df, "arah")
    arah = np.where(pd.isna(arah), "naik", arah)
    shown = (
        capaian.tampil(df.assign(arah=arah), settings).to_numpy(dtype="float64")
        if n
        else np.zeros(0)
    )
    return Data(
        n=n,
        bidang=teks_kolom(df, "bidang"),
        sasaran=teks_kolom(df, "sasaran"),
        indikator=teks_kolom(df, "indikator"),
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
        rekaman_id=id_kolom(df, "id"),
        kiriman_id=id_kolom(df, "kiriman_id"),
        baris=id_kolom(df, "baris"),
    )


_PK_ANGKA = ("target", "target_tw1", "target_tw2", "target_tw3", "target_tw4")


def prepare_pk(pk: pd.DataFrame | None) -> pd.DataFrame:
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
            "bidang": teks_kolom(p, "bidang"),
            "sasaran": teks_kolom(p, "sasaran"),
            "indikator": teks_kolom(p, "indikator"),
            "agregasi": teks_kolom(p, "agregasi"),
            **{c: _angka_kolom(p, c) for c in _PK_ANGKA},
        }
    )
    return out.drop_duplicates(["_tahun", "_b", "_i"], keep="first").reset_index(drop=True)


def pk_per_record(d: Data, pk: pd.DataFrame) -> pd.DataFrame:
    """The PK row of each record (NaN/None where the PK has none), by position."""
    left = pd.DataFrame({"_tahun": d.tahun, "_b": d.kunci_b, "_i": d.kunci_i})
    return left.merge(pk, on=["_tahun", "_b", "_i"], how="left").reset_index(drop=True)


def agregasi_akhir(pkr: pd.DataFrame) -> np.ndarray:
    """Per record: its agregasi is "akhir" (the PK's; no PK row or no agregasi is akhir)."""
    agregasi = pkr["agregasi"].astype(object).where(pkr["agregasi"].notna(), "akhir")
    return agregasi.astype(str).str.strip().str.lower().isin(["akhir", "terakhir"]).to_numpy()
