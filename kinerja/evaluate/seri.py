"""The checks that compare a record with its own series (the indicator's other periods and
years): lonjakan, pecahan_persen, kumulatif_turun."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from kinerja.angka import format_angka
from kinerja.evaluate import teks
from kinerja.evaluate.checks import Tanda
from kinerja.evaluate.data import TANPA_PERIODE, Data, agregasi_akhir, gabung
from kinerja.evaluate.settings import EvaluasiSettings
from kinerja.schema import TRIWULAN


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


def _lonjakan_rantai(d: Data, prev: np.ndarray, faktor: float, kind: int) -> _Lonjakan:
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


def lonjakan(d: Data, s: EvaluasiSettings) -> tuple[Tanda, np.ndarray]:
    """Jumps against the previous reported quarter of the year and the same periode of the
    previous year; zeros (and negatives) are no value to compare. Also returns the records
    flagged against a quarter (the outliers kumulatif_turun does not blame the next one for)."""
    n = d.n
    positif = np.flatnonzero(d.realisasi > 0)

    tw = positif[d.urut[positif] < len(TRIWULAN)]
    tw = tw[np.lexsort((d.urut[tw], d.tahun[tw], d.seri[tw]))]
    sama = np.r_[False, (d.seri[tw][1:] == d.seri[tw][:-1]) & (d.tahun[tw][1:] == d.tahun[tw][:-1])]
    triwulan = _lonjakan_rantai(d, _rantai(n, tw, sama), s.faktor_lonjakan, 0)

    yy = positif[d.urut[positif] < TANPA_PERIODE]
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
        arah = f"naik {teks.kali(q)} kali lipat" if q > 1 else f"turun menjadi 1/{teks.kali(1 / q)}"
        lain = teks.label(d.periode[j], d.tahun[j])
        if norm[k]:
            return (
                f"terhadap target {arah} dibanding {lain} ({teks.angka(d.realisasi[j])} dari "
                f"target {teks.angka(d.target[j])})"
            )
        return f"{arah} dibanding {lain} ({teks.angka(d.realisasi[j])})"

    def kepala(i: int) -> str:
        label = teks.label(d.periode[i], d.tahun[i])
        if d.target[i] > 0:
            return (
                f"Realisasi {label} {teks.angka(d.realisasi[i])} dari target "
                f"{teks.angka(d.target[i])}"
            )
        return f"Realisasi {label} {teks.angka(d.realisasi[i])}"

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
        Tanda("lonjakan", np.array(out_pos, dtype=np.int64), messages),
        np.unique(triwulan.pos),
    )


def pecahan_persen(d: Data, s: EvaluasiSettings) -> Tanda:
    """A % value written as a fraction (0,7281 for 72,81)."""
    bp, bpersen = s.batas_pecahan, s.batas_persen
    r, t = d.realisasi, d.target
    with np.errstate(invalid="ignore"):
        kecil_r = d.persen & (r > 0) & (r < bp)
        kecil_t = d.persen & (t > 0) & (t < bp)
    calon = np.flatnonzero(kecil_r | kecil_t)
    if not len(calon):
        return Tanda("pecahan_persen", calon, [])
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
            alasan = [f"target {teks.angka(t[i])}"] if t[i] > bpersen else []
            if med_r > bpersen:
                alasan.append(f"realisasi periode lain sekitar {teks.angka(med_r)} (median)")
            bagian.append(
                f"Realisasi {teks.angka(r[i])} (satuan %) tampak ditulis sebagai pecahan, padahal "
                f"{' dan '.join(alasan)}: mungkin maksudnya {_seratus(r[i])}; periksa sel "
                "realisasi"
            )
        if kecil_t[i] and (r[i] > bpersen or med_t > bpersen):
            alasan = [f"realisasi {teks.angka(r[i])}"] if r[i] > bpersen else []
            if med_t > bpersen:
                alasan.append(f"target periode lain sekitar {teks.angka(med_t)} (median)")
            bagian.append(
                f"Target {teks.angka(t[i])} (satuan %) tampak ditulis sebagai pecahan, padahal "
                f"{' dan '.join(alasan)}: mungkin maksudnya {_seratus(t[i])}; periksa target "
                "di lembar dan di PK"
            )
        if bagian:
            pos.append(i)
            messages.append("; ".join(bagian) + ".")
    return Tanda("pecahan_persen", np.array(pos, dtype=np.int64), messages)


def _seratus(x: float) -> str:
    """x x 100 on its decimal (0,7281 -> 72,81)."""
    return format_angka(Decimal(repr(float(x))) * 100)


def kumulatif_turun(d: Data, pkr: pd.DataFrame, pencilan: np.ndarray) -> Tanda:
    """A cumulative series ("s.d. triwulan") whose realisasi falls while its target does not.

    Cumulative: agregasi "akhir" (the PK's, default akhir), satuan not a percent, and the
    year's quarterly targets non-decreasing with at least one rise (flat targets are a level,
    such as a number of members, that may fall). A fall right after a quarter flagged as a
    lonjakan is that outlier's return to normal, not a second slip.
    """
    akhir = agregasi_akhir(pkr)
    tw = np.flatnonzero((d.urut < len(TRIWULAN)) & akhir & ~d.persen & ~np.isnan(d.target))
    if not len(tw):
        return Tanda("kumulatif_turun", tw, [])
    tw = tw[np.lexsort((d.urut[tw], d.tahun[tw], d.seri[tw]))]
    grup = gabung(d.seri[tw], d.tahun[tw] - d.tahun.min())
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
        return Tanda("kumulatif_turun", lapor, [])
    ikut = np.flatnonzero(sama)
    i, j = lapor[ikut], lapor[ikut - 1]
    turun = (d.realisasi[i] < d.realisasi[j]) & (d.target[i] >= d.target[j])
    turun &= ~np.isin(j, pencilan)
    pos, prev = i[turun], j[turun]

    def msg(k: int) -> str:
        a, b = int(pos[k]), int(prev[k])
        ta, tb = d.target[a], d.target[b]
        target = (
            f"target tetap {teks.angka(ta)}"
            if ta == tb
            else f"target naik dari {teks.angka(tb)} menjadi {teks.angka(ta)}"
        )
        return (
            f"Realisasi kumulatif turun dari {teks.angka(d.realisasi[b])} ({d.periode[b]}) menjadi "
            f"{teks.angka(d.realisasi[a])} ({d.periode[a]}), padahal {target}: angka s.d. "
            "triwulan tidak boleh turun; periksa apakah yang diisi hanya angka triwulan ini."
        )

    return Tanda("kumulatif_turun", pos, [msg(k) for k in range(len(pos))])
