"""Plotly figures of the analysis page: the aggregated frames of kinerja.analisis in, a Figure
out (no streamlit). Indonesian titles, axes and hover; numbers through d3 formats, which the
layout's separators=",." render the Indonesian way (85,50; 36.610); one predikat palette."""

from __future__ import annotations

import html
import math
import textwrap
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from kinerja.angka import format_angka
from kinerja.capaian import SETTINGS_BAWAAN, Settings, angka_rumus, predikat
from kinerja.schema import TRIWULAN

SEPARATORS = ",."
"""Decimal comma, thousands dot: plotly's d3 formats then write 1.234,56."""

WARNA_PREDIKAT: tuple[str, ...] = ("#1a7a3c", "#66a84f", "#e3b31c", "#e07b2e", "#b5222c")
"""The predikat bands from the highest down (dark green .. dark red), in every chart."""
WARNA_KOSONG = "#a6a6a6"
"""Indicators without a capaian (not reported, not computable)."""
WARNA_EFISIENSI: dict[str, str] = {
    "efisien": "#1a7a3c",
    "cukup efisien": "#3b6fb6",
    "kurang efisien": "#b5222c",
}
WARNA_REALISASI = "#3b6fb6"
WARNA_TARGET = "#222222"
TIDAK_ADA_DATA = "Tidak ada data"

# A small white template of our own. A figure built without one gets plotly's default
# template, a deep copy of a large object on every figure (tens of ms each).
_TEMPLATE: dict[str, Any] = {
    "layout": {
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "font": {"family": "Arial, sans-serif", "size": 12, "color": "#2a3f5f"},
        "xaxis": {"gridcolor": "#ebebeb", "zerolinecolor": "#cccccc", "linecolor": "#cccccc"},
        "yaxis": {"gridcolor": "#ebebeb", "zerolinecolor": "#cccccc", "linecolor": "#cccccc"},
        "colorway": ["#3b6fb6", "#e07b2e", "#1a7a3c", "#b5222c", "#7b5ea7", "#8c564b"],
    }
}
_BARIS_PX = 17  # height of one line of a wrapped label
_LEBAR_LABEL = 48  # characters per line of an indicator label
_HOVER = {"bgcolor": "white", "font_size": 12}


def warna_predikat(settings: Settings = SETTINGS_BAWAAN) -> dict[str, str]:
    """Colour per predikat label of settings, from WARNA_PREDIKAT: the highest band takes the
    first colour, the lowest the last, bands between spread evenly (any number of bands)."""
    labels = [label for _, label in settings.predikat_bands]
    n, m = len(labels), len(WARNA_PREDIKAT)
    if n == 1:
        return {labels[0]: WARNA_PREDIKAT[0]}
    return {label: WARNA_PREDIKAT[round(i * (m - 1) / (n - 1))] for i, label in enumerate(labels)}


# --- layout helpers -----------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _label(teks: str, lebar: int = _LEBAR_LABEL) -> str:
    """User text as a plotly label: wrapped at lebar characters, HTML-escaped (plotly reads
    tags in labels), lines joined with <br>."""
    baris = textwrap.wrap(teks, lebar, break_long_words=True) or [""]
    return "<br>".join(html.escape(b, quote=False) for b in baris)


def _teks(nilai: object, kosong: str = "") -> str:
    """A cell as label text: "" (or kosong) for missing values."""
    if nilai is None or (isinstance(nilai, float) and math.isnan(nilai)) or nilai is pd.NA:
        return kosong
    return str(nilai)


def _figur(
    data: list[dict[str, Any]],
    judul: str,
    tinggi: int,
    *,
    catatan: str | None = None,
    **layout: Any,
) -> go.Figure:
    """The figure, built once from plain dicts (plotly validates each property set, so one
    construction costs far less than adding traces and updating the layout piece by piece).

    Every figure: our small template, separators=",.", the Indonesian title (catatan as its
    subtitle), a horizontal legend above the plot.
    """
    title: dict[str, Any] = {"text": html.escape(judul, quote=False), "x": 0, "xanchor": "left"}
    if catatan:
        title["subtitle"] = {"text": html.escape(catatan, quote=False), "font": {"size": 11}}
    lay: dict[str, Any] = {
        "template": _TEMPLATE,
        "separators": SEPARATORS,
        "title": title,
        "height": tinggi,
        "margin": {"l": 10, "r": 20, "t": 100 if catatan else 80, "b": 50},
        "legend": {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "xanchor": "left"},
        "hoverlabel": _HOVER,
        **layout,
    }
    return go.Figure(data=data, layout=lay)


def kosong(judul: str, pesan: str = TIDAK_ADA_DATA) -> go.Figure:
    """An empty figure that says so: the title and an Indonesian note in the middle."""
    catatan = {
        "text": html.escape(pesan, quote=False),
        "xref": "paper",
        "yref": "paper",
        "x": 0.5,
        "y": 0.5,
        "showarrow": False,
        "font": {"size": 16, "color": "#666666"},
    }
    return _figur(
        [],
        judul,
        260,
        annotations=[catatan],
        xaxis={"visible": False},
        yaxis={"visible": False},
    )


def _catatan_batas(tampil: int, semua: int) -> str | None:
    """The subtitle of a chart that shows the first tampil of semua indicators."""
    if tampil >= semua:
        return None
    return (
        f"Menampilkan {format_angka(tampil)} dari {format_angka(semua)} indikator; persempit "
        "dengan saringan bidang atau sasaran (tabel memuat semuanya)."
    )


def _garis_100(xref: str = "x") -> dict[str, Any]:
    """The dashed line at capaian 100 % (the axis tick under it says 100%)."""
    return {
        "type": "line",
        "xref": xref,
        "yref": "paper",
        "x0": 100,
        "x1": 100,
        "y0": 0,
        "y1": 1,
        "line": {"color": WARNA_TARGET, "dash": "dash", "width": 1.5},
    }


def _baris(frame: pd.DataFrame, maks: int) -> tuple[pd.DataFrame, list[float], list[str], int]:
    """Rows of a per-indicator chart grouped under their sasaran, top to bottom.

    Returns the first maks indicators (sasaran in order of first appearance, the frame's order
    within one) with a column _y (its position), the tick positions and texts (a bold sasaran
    heading above each group, then the wrapped indicator names), and the total height in
    label lines.
    """
    sasaran = frame["sasaran"].astype(object).where(frame["sasaran"].notna(), "(tanpa sasaran)")
    urut = sasaran.groupby(sasaran, sort=False).ngroup().to_numpy()
    order = np.argsort(urut, kind="stable")[:maks]
    rows = frame.iloc[order].assign(_sasaran=sasaran.iloc[order].to_numpy())
    ys: list[float] = []
    tickvals: list[float] = []
    ticktext: list[str] = []
    garis = 0
    pos = 0.0
    sebelumnya: object = object()
    for nama_sasaran, nama in zip(
        rows["_sasaran"].tolist(), rows["indikator"].tolist(), strict=True
    ):
        if nama_sasaran != sebelumnya:
            kepala = _label(str(nama_sasaran), _LEBAR_LABEL + 10)
            tickvals.append(pos)
            ticktext.append(f"<b>{kepala}</b>")
            garis += kepala.count("<br>") + 1
            pos += 1
            sebelumnya = nama_sasaran
        label = _label(_teks(nama))
        ys.append(pos)
        tickvals.append(pos)
        ticktext.append(label)
        garis += max(label.count("<br>") + 1, 2)
        pos += 1
    return rows.assign(_y=ys), tickvals, ticktext, garis


def _sumbu_baris(tickvals: list[float], ticktext: list[str]) -> dict[str, Any]:
    """The y axis of a per-indicator chart: the labels of _baris, top to bottom."""
    return {
        "tickmode": "array",
        "tickvals": tickvals,
        "ticktext": ticktext,
        # top to bottom; explicit, as autorange would cut a sasaran heading that has no bar
        "range": [max(tickvals) + 0.6, min(tickvals) - 0.6],
        "showgrid": False,
        "zeroline": False,
        "automargin": True,
        "tickfont": {"size": 11},
    }


def _customdata(*kolom: object) -> np.ndarray:
    return np.stack([np.asarray(k, dtype=object) for k in kolom], axis=-1)


def _tinggi(garis: int) -> int:
    return int(min(max(320, 130 + garis * _BARIS_PX), 6000))


PLAFON = 300.0
"""A capaian axis ends a little past the largest value, or past this one: a bar beyond it
(989,46 %) is drawn to the axis end with its value written inside, and stays in the hover."""


def _atas(nilai: np.ndarray, lantai: float = 120.0) -> float:
    """The upper end of a capaian axis: room past 100 % and past the largest value up to
    PLAFON."""
    ada = nilai[~np.isnan(nilai)]
    atas = float(ada.max()) if ada.size else 100.0
    return max(lantai, min(atas, PLAFON) * 1.12)


def _potong(nilai: np.ndarray, ujung: float) -> tuple[np.ndarray, list[str]]:
    """Bar lengths cut at the axis end, and where each bar's value text goes: outside the bar,
    or inside the end of a bar that was cut."""
    with np.errstate(invalid="ignore"):
        lewat = nilai > ujung
    return np.where(lewat, ujung, nilai), ["inside" if x else "outside" for x in lewat]


# --- figures ------------------------------------------------------------------------------


def target_realisasi(
    view: pd.DataFrame, settings: Settings = SETTINGS_BAWAAN, *, maks: int = 60
) -> go.Figure:
    """Realisasi against target per indicator, each on its own scale (satuan differ).

    One row per indicator, grouped under its sasaran (analisis.view's frame): a bar for
    realisasi in its predikat colour and a black tick for the target, both as a share of the
    larger of the two, so every row reads "how far to, or past, the target" whatever its
    satuan; the numbers and satuan are written beside the row ("36.610 / 3.700 orang") and in
    the hover. The first maks indicators (the subtitle says so when cut).
    """
    judul = "Target dan realisasi per indikator"
    if view.empty:
        return kosong(judul)
    rows, tickvals, ticktext, garis = _baris(view, maks)
    y = rows["_y"].to_numpy(dtype="float64")
    t = rows["target"].to_numpy(dtype="float64")
    r = rows["realisasi"].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore"):
        skala = np.fmax(np.abs(t), np.abs(r))
    skala = np.where(np.isfinite(skala) & (skala > 0), skala, 1.0)
    satuan = [html.escape(_teks(s), quote=False) for s in rows["satuan"].tolist()]
    nama = [_label(_teks(s), 60) for s in rows["indikator"].tolist()]
    custom = _customdata(t, r, satuan, rows["capaian_bulat"], rows["predikat"].fillna("–"), nama)
    hover = (
        "<b>%{customdata[5]}</b><br>Target: %{customdata[0]:,.2~f} %{customdata[2]}"
        "<br>Realisasi: %{customdata[1]:,.2~f} %{customdata[2]}"
        "<br>Capaian: %{customdata[3]:,.2f}% (%{customdata[4]})<extra></extra>"
    )
    warna = warna_predikat(settings)
    band = rows["predikat"].astype(object)
    data: list[dict[str, Any]] = []
    for label in [*warna, None]:
        m = (band.isna() if label is None else band == label).to_numpy() & ~np.isnan(r)
        if m.any():
            data.append(
                {
                    "type": "bar",
                    "orientation": "h",
                    "x": (r / skala)[m],
                    "y": y[m],
                    "name": f"Realisasi ({label})" if label else "Realisasi (tanpa capaian)",
                    "marker": {"color": warna.get(label or "", WARNA_KOSONG)},
                    "width": 0.6,
                    "customdata": custom[m],
                    "hovertemplate": hover,
                }
            )
    ada_t = ~np.isnan(t)
    data.append(
        {
            "type": "scatter",
            "mode": "markers",
            "x": (t / skala)[ada_t],
            "y": y[ada_t],
            "name": "Target",
            "marker": {
                "symbol": "line-ns",
                "size": 20,
                "line": {"width": 3, "color": WARNA_TARGET},
            },
            "customdata": custom[ada_t],
            "hovertemplate": hover,
        }
    )
    angka = [
        f"{angka_rumus(ri)} / {angka_rumus(ti)} {s}" if not math.isnan(ri) else "belum dilaporkan"
        for ri, ti, s in zip(r.tolist(), t.tolist(), satuan, strict=True)
    ]
    data.append(
        {
            "type": "scatter",
            "mode": "text",
            "x": np.full(len(rows), 1.04),
            "y": y,
            "text": angka,
            "textposition": "middle right",
            "textfont": {"size": 11, "color": "#444444"},
            "hoverinfo": "skip",
            "showlegend": False,
        }
    )
    return _figur(
        data,
        judul,
        _tinggi(garis),
        catatan=_catatan_batas(len(rows), len(view)),
        bargap=0.3,
        yaxis=_sumbu_baris(tickvals, ticktext),
        xaxis={
            "range": [0, 1.75],
            "showticklabels": False,
            "showgrid": False,
            "zeroline": True,
            "title": {"text": "Realisasi / target, tiap indikator dengan skalanya sendiri"},
        },
    )


def capaian(
    view: pd.DataFrame, settings: Settings = SETTINGS_BAWAAN, *, maks: int = 60
) -> go.Figure:
    """Capaian (%) per indicator (analisis.view's frame): horizontal bars in the predikat
    colours, a dashed line at 100 %, grouped under their sasaran; an indicator without a
    capaian says why at 0. The hover gives the rumus. The first maks indicators (the subtitle
    says so when cut); bars past 300 % are cut at the axis, the value stays in the hover."""
    judul = "Capaian kinerja per indikator (%)"
    if view.empty:
        return kosong(judul)
    rows, tickvals, ticktext, garis = _baris(view, maks)
    y = rows["_y"].to_numpy(dtype="float64")
    nilai = rows["capaian_bulat"].to_numpy(dtype="float64")
    nama = [_label(_teks(s), 60) for s in rows["indikator"].tolist()]
    rumus = [html.escape(_teks(s), quote=False) for s in rows["rumus"].tolist()]
    custom = _customdata(nama, rumus, nilai)
    hover = (
        "<b>%{customdata[0]}</b><br>Capaian: %{customdata[2]:,.2f}%<br>%{customdata[1]}"
        "<extra></extra>"
    )
    ujung = _atas(nilai)
    panjang, letak_teks = _potong(nilai, ujung)
    band = rows["predikat"].astype(object)
    data: list[dict[str, Any]] = []
    for label, warna in warna_predikat(settings).items():
        m = (band == label).to_numpy() & ~np.isnan(nilai)
        if m.any():
            data.append(
                {
                    "type": "bar",
                    "orientation": "h",
                    "x": panjang[m],
                    "y": y[m],
                    "name": label,
                    "marker": {"color": warna},
                    "width": 0.6,
                    "texttemplate": "%{customdata[2]:,.2f}",
                    "textposition": [t for t, ok in zip(letak_teks, m, strict=True) if ok],
                    "insidetextanchor": "end",
                    "cliponaxis": False,
                    "customdata": custom[m],
                    "hovertemplate": hover,
                }
            )
    tanpa = np.isnan(nilai)
    if tanpa.any():
        alasan = [
            html.escape(_teks(c, "tidak ada capaian"), quote=False)
            for c in rows["capaian_catatan"].to_numpy(dtype=object)[tanpa]
        ]
        data.append(
            {
                "type": "scatter",
                "mode": "text",
                "x": np.zeros(int(tanpa.sum())),
                "y": y[tanpa],
                "text": alasan,
                "textposition": "middle right",
                "textfont": {"size": 11, "color": WARNA_KOSONG},
                "name": "Tanpa capaian",
                "hoverinfo": "skip",
            }
        )
    bawah = float(np.nanmin(nilai)) if (~tanpa).any() else 0.0
    return _figur(
        data,
        judul,
        _tinggi(garis),
        catatan=_catatan_batas(len(rows), len(view)),
        bargap=0.3,
        shapes=[_garis_100()],
        yaxis=_sumbu_baris(tickvals, ticktext),
        xaxis={
            "range": [min(0.0, bawah * 1.1), ujung],
            "title": {"text": "Capaian (%)"},
            "ticksuffix": "%",
        },
    )


def triwulan(seri: pd.DataFrame, *, maks: int = 12, kolom: int = 3) -> go.Figure:
    """Realisasi s.d. each quarter (bars) against the cumulative target of the Rencana Aksi
    (dotted line), one small chart per indicator in its own satuan (analisis.seri_triwulan's
    frame). The first maks indicators (the subtitle says so when cut).

    The grid is laid out here rather than by make_subplots, which costs about ten times as
    much for twelve charts.
    """
    judul = "Realisasi s.d. triwulan terhadap target kumulatif"
    if seri.empty:
        return kosong(judul)
    kunci = ["bidang", "sasaran", "indikator", "satuan", "arah"]
    gid = seri.groupby(kunci, sort=False, dropna=False).ngroup().to_numpy()
    semua = int(gid.max()) + 1
    n = min(semua, maks)
    kolom = max(1, min(kolom, n))
    baris = math.ceil(n / kolom)
    urutan = np.argsort(gid, kind="stable")
    batas = np.searchsorted(gid[urutan], np.arange(n + 1))
    judul_kecil = [
        _label(f"{_teks(seri['indikator'].iat[i])} ({_teks(seri['satuan'].iat[i], '-')})", 40)
        for i in urutan[batas[:-1]]
    ]
    # In pixels: each row holds the chart titles, the chart, and a gap for the tick labels.
    judul_px = 14 * max(t.count("<br>") + 1 for t in judul_kecil) + 8
    grafik_px, jarak_px = 170, 34
    baris_px = judul_px + grafik_px + jarak_px
    area_px = baris * baris_px
    jarak_x = 0.07
    lebar = (1 - jarak_x * (kolom - 1)) / kolom

    hover_bar = (
        "%{x}<br>Realisasi s.d.: %{y:,.2~f} %{customdata[3]}"
        "<br>Target s.d.: %{customdata[0]:,.2~f} %{customdata[3]}"
        "<br>Capaian: %{customdata[1]:,.2f}% (%{customdata[2]})<extra></extra>"
    )
    hover_target = "%{x}<br>Target s.d.: %{y:,.2~f} %{customdata[3]}<extra></extra>"
    sumbu: dict[str, Any] = {}
    annotations = []
    data: list[dict[str, Any]] = []
    for j in range(n):
        bagian = seri.iloc[urutan[batas[j] : batas[j + 1]]]
        r, c = divmod(j, kolom)
        nomor = "" if j == 0 else str(j + 1)
        atas = 1 - (r * baris_px + judul_px) / area_px
        bawah = 1 - (r * baris_px + judul_px + grafik_px) / area_px
        kiri = c * (lebar + jarak_x)
        sumbu[f"xaxis{nomor}"] = {
            "domain": [kiri, kiri + lebar],
            "anchor": f"y{nomor}",
            "type": "category",
            "categoryorder": "array",
            "categoryarray": TRIWULAN,
        }
        sumbu[f"yaxis{nomor}"] = {
            "domain": [bawah, atas],
            "anchor": f"x{nomor}",
            "rangemode": "tozero",
            "tickformat": ",.4~f",
            "automargin": True,
        }
        annotations.append(
            {
                "text": judul_kecil[j],
                "xref": "paper",
                "yref": "paper",
                "x": kiri + lebar / 2,
                "y": atas,
                "xanchor": "center",
                "yanchor": "bottom",
                "showarrow": False,
                "font": {"size": 11},
            }
        )
        satuan = html.escape(_teks(bagian["satuan"].iat[0]), quote=False)
        custom = _customdata(
            bagian["target_sd"],
            bagian["capaian_sd"],
            bagian["predikat"].fillna("–"),
            [satuan] * len(bagian),
        )
        letak = {"xaxis": f"x{nomor}", "yaxis": f"y{nomor}", "customdata": custom}
        x = bagian["periode"].to_numpy(dtype=object)
        data.append(
            {
                "type": "bar",
                "x": x,
                "y": bagian["realisasi_sd"].to_numpy(dtype="float64"),
                "name": "Realisasi s.d. triwulan",
                "legendgroup": "realisasi",
                "showlegend": j == 0,
                "marker": {"color": WARNA_REALISASI},
                "hovertemplate": hover_bar,
                **letak,
            }
        )
        data.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": x,
                "y": bagian["target_sd"].to_numpy(dtype="float64"),
                "name": "Target s.d. triwulan (Rencana Aksi)",
                "legendgroup": "target",
                "showlegend": j == 0,
                "line": {"color": WARNA_TARGET, "dash": "dot"},
                "marker": {"size": 7},
                "hovertemplate": hover_target,
                **letak,
            }
        )
    return _figur(
        data,
        judul,
        (120 if n < semua else 100) + area_px + 50,
        catatan=_catatan_batas(n, semua),
        annotations=annotations,
        **sumbu,
    )


def antar_tahun(frame: pd.DataFrame, *, maks: int = 40) -> go.Figure:
    """Capaian (%) per indicator in this and earlier years (analisis.antar_tahun's frame):
    grouped horizontal bars, one blue per year (the latest darkest), a dashed line at 100 %;
    realisasi and target in their satuan in the hover. The first maks indicators (the
    subtitle says so when cut)."""
    judul = "Capaian antar tahun per indikator (%)"
    if frame.empty:
        return kosong(judul)
    kunci = ["bidang", "indikator"]
    gid = frame.groupby(kunci, sort=False, dropna=False).ngroup().to_numpy()
    semua = int(gid.max()) + 1
    terpilih = frame[gid < maks]
    indikator = terpilih.drop_duplicates(kunci, keep="last").reset_index(drop=True)
    rows, tickvals, ticktext, garis = _baris(indikator, maks)
    posisi = pd.Series(rows["_y"].to_numpy(), index=pd.MultiIndex.from_frame(rows[kunci]))
    y_semua = posisi.reindex(pd.MultiIndex.from_frame(terpilih[kunci])).to_numpy()
    tahun = sorted(int(t) for t in terpilih["tahun"].unique())
    biru = ["#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"]
    # the latest year darkest, earlier years spread over the lighter blues
    langkah = (len(biru) - 1) / max(len(tahun) - 1, 1)
    warna = [biru[len(biru) - 1 - round((len(tahun) - 1 - i) * langkah)] for i in range(len(tahun))]
    nilai = terpilih["capaian_bulat"].to_numpy(dtype="float64")
    ujung = _atas(nilai)
    panjang = _potong(nilai, ujung)[0]
    custom = _customdata(
        nilai,
        terpilih["realisasi"],
        terpilih["target"],
        [html.escape(_teks(s), quote=False) for s in terpilih["satuan"].tolist()],
        terpilih["predikat"].fillna("–"),
        [_label(_teks(s), 60) for s in terpilih["indikator"].tolist()],
    )
    data: list[dict[str, Any]] = []
    for th, w in zip(tahun, warna, strict=True):
        m = (terpilih["tahun"] == th).to_numpy()
        data.append(
            {
                "type": "bar",
                "orientation": "h",
                "x": panjang[m],
                "y": y_semua[m],
                "name": str(th),
                "marker": {"color": w},
                "customdata": custom[m],
                "hovertemplate": (
                    f"<b>%{{customdata[5]}}</b><br>Tahun {th}<br>Capaian: %{{customdata[0]:,.2f}}% "
                    "(%{customdata[4]})<br>Realisasi: %{customdata[1]:,.2~f} %{customdata[3]}"
                    "<br>Target: %{customdata[2]:,.2~f} %{customdata[3]}<extra></extra>"
                ),
            }
        )
    return _figur(
        data,
        judul,
        _tinggi(garis + len(rows) * max(0, len(tahun) - 2)),
        catatan=_catatan_batas(min(semua, maks), semua),
        barmode="group",
        bargap=0.25,
        shapes=[_garis_100()],
        yaxis=_sumbu_baris(tickvals, ticktext),
        xaxis={"range": [0, ujung], "title": {"text": "Capaian (%)"}, "ticksuffix": "%"},
    )


def per_kelompok(frame: pd.DataFrame, settings: Settings = SETTINGS_BAWAAN) -> go.Figure:
    """Per bidang or sasaran (analisis.per_kelompok's frame): the average capaian as a bar in
    the colour of its predikat, beside the number of indicators per predikat, stacked in the
    band colours."""
    if frame.empty:
        return kosong("Capaian per kelompok")
    by = "sasaran" if "sasaran" in frame.columns else "bidang"
    judul = f"Capaian per {by}"
    label = [_label(_teks(s), 40) for s in frame[by].tolist()]
    y = np.arange(len(frame), dtype="float64")
    garis = sum(max(t.count("<br>") + 1, 2) for t in label)
    warna = warna_predikat(settings)
    rata = frame["rata_capaian"].to_numpy(dtype="float64")
    warna_rata = predikat(rata, settings).map(warna).fillna(WARNA_KOSONG)
    ujung = _atas(rata)
    panjang, letak_teks = _potong(rata, ujung)
    data: list[dict[str, Any]] = [
        {
            "type": "bar",
            "orientation": "h",
            "x": panjang,
            "y": y,
            "name": "Rata-rata capaian",
            "showlegend": False,
            "marker": {"color": warna_rata.tolist()},
            "texttemplate": "%{customdata[2]:,.2f}",
            "textposition": letak_teks,
            "insidetextanchor": "end",
            "cliponaxis": False,
            "customdata": _customdata(label, frame["jumlah_indikator"], rata),
            "hovertemplate": (
                "<b>%{customdata[0]}</b><br>Rata-rata capaian: %{customdata[2]:,.2f}%"
                "<br>Jumlah indikator: %{customdata[1]:,d}<extra></extra>"
            ),
        }
    ]
    for nama, w in warna.items():
        if nama in frame.columns:
            data.append(
                {
                    "type": "bar",
                    "orientation": "h",
                    "x": frame[nama].to_numpy(dtype="int64"),
                    "y": y,
                    "xaxis": "x2",
                    "name": nama,
                    "marker": {"color": w},
                    "customdata": np.asarray(label, dtype=object),
                    "hovertemplate": (
                        "<b>%{customdata}</b><br>"
                        + html.escape(nama, quote=False)
                        + ": %{x:,d} indikator<extra></extra>"
                    ),
                }
            )
    return _figur(
        data,
        judul,
        _tinggi(garis),
        barmode="stack",
        bargap=0.3,
        legend={
            "orientation": "h",
            "traceorder": "normal",
            "y": 1.0,
            "yanchor": "bottom",
            "x": 0,
            "xanchor": "left",
        },
        shapes=[_garis_100()],
        yaxis={
            "tickmode": "array",
            "tickvals": y,
            "ticktext": label,
            "autorange": "reversed",
            "automargin": True,
            "showgrid": False,
            "tickfont": {"size": 11},
        },
        xaxis={
            "domain": [0, 0.42],
            "range": [0, ujung],
            "ticksuffix": "%",
            "title": {"text": "Rata-rata capaian (%)"},
        },
        xaxis2={
            "domain": [0.48, 1],
            "anchor": "y",
            "tickformat": ",d",
            "title": {"text": "Jumlah indikator per predikat"},
        },
    )


def efisiensi(frame: pd.DataFrame, settings: Settings = SETTINGS_BAWAAN) -> go.Figure:
    """Serapan anggaran (x) against capaian kinerja (y) per indicator or sasaran
    (analisis.anggaran's frame), points in the kategori colours. The shaded band is "cukup
    efisien": capaian within settings.efisiensi_batas points of serapan; above it efisien,
    below it kurang efisien. A point past an axis end (capaian 989 %) sits on the edge as a
    triangle; the hover has its values."""
    judul = "Efisiensi: serapan anggaran dan capaian kinerja"
    if frame.empty:
        return kosong(judul)
    nama_kolom = "indikator" if "indikator" in frame.columns else "sasaran"
    y_kolom = "capaian_bulat" if "capaian_bulat" in frame.columns else "capaian"
    x = frame["serapan"].to_numpy(dtype="float64")
    y = frame[y_kolom].to_numpy(dtype="float64")
    batas = settings.efisiensi_batas
    ujung_x = _atas(x, lantai=105.0) / 1.12 * 1.05
    ujung_y = _atas(y, lantai=110.0)
    ujung = max(ujung_x, ujung_y) + batas
    with np.errstate(invalid="ignore"):
        lewat = (x > ujung_x) | (y > ujung_y)
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": [0, ujung, ujung, 0, 0],
            "y": [batas, ujung + batas, ujung - batas, -batas, batas],
            "fill": "toself",
            "fillcolor": "rgba(59,111,182,0.12)",
            "line": {"width": 0},
            "name": f"Cukup efisien (selisih ±{format_angka(batas)} poin)",
            "hoverinfo": "skip",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "x": [0, ujung],
            "y": [0, ujung],
            "line": {"color": "#888888", "dash": "dot", "width": 1},
            "name": "Capaian = serapan",
            "hoverinfo": "skip",
        },
    ]
    nama = [_label(_teks(s), 60) for s in frame[nama_kolom].tolist()]
    custom = _customdata(nama, frame["selisih"], frame["pagu"], frame["realisasi_anggaran"], x, y)
    kategori = frame["kategori"].astype(object)
    hover = (
        "<b>%{customdata[0]}</b><br>Serapan anggaran: %{customdata[4]:,.2f}%"
        "<br>Capaian kinerja: %{customdata[5]:,.2f}%"
        "<br>Selisih: %{customdata[1]:,.2f} poin"
        "<br>Pagu: Rp %{customdata[2]:,.0f}"
        "<br>Realisasi anggaran: Rp %{customdata[3]:,.0f}<extra></extra>"
    )
    for kat, warna in WARNA_EFISIENSI.items():
        # points inside the axes, then those on an edge (triangles, same legend entry)
        for tepi in (False, True):
            m = (kategori == kat).to_numpy() & (lewat == tepi)
            if not m.any():
                continue
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "x": np.fmin(x[m], ujung_x),
                    "y": np.fmin(y[m], ujung_y),
                    "name": kat[0].upper() + kat[1:],
                    "legendgroup": kat,
                    "showlegend": not tepi or not ((kategori == kat).to_numpy() & ~lewat).any(),
                    "marker": {
                        "color": warna,
                        "size": 10,
                        "symbol": "triangle-up" if tepi else "circle",
                        "line": {"width": 1, "color": "white"},
                    },
                    "cliponaxis": False,
                    "customdata": custom[m],
                    "hovertemplate": hover,
                }
            )
    sumbu = {"ticksuffix": "%", "automargin": True}
    return _figur(
        data,
        judul,
        540,
        xaxis={"range": [0, ujung_x], "title": {"text": "Serapan anggaran (%)"}, **sumbu},
        yaxis={"range": [0, ujung_y], "title": {"text": "Capaian kinerja (%)"}, **sumbu},
    )


# --- one indicator over time (the evaluation page) ----------------------------------------


def seri_indikator(records: pd.DataFrame, sorot: object = None) -> go.Figure:
    """One indicator's records over every year and period: realisasi against target, in
    time order ("TW I 2022" .. "TW IV 2023"); the record whose id is sorot is ringed, so a
    flagged value stands out against its neighbours."""
    judul = "Realisasi dan target per periode"
    if records.empty:
        return kosong(judul)
    from kinerja.schema import PERIODE

    urut = {p: i for i, p in enumerate(PERIODE)}
    df = records.assign(_u=records["periode"].map(urut)).sort_values(["tahun", "_u"])
    x = [f"{p} {int(t)}" for p, t in zip(df["periode"], df["tahun"], strict=True)]
    satuan = _teks(df["satuan"].iloc[0]) if "satuan" in df.columns else ""
    teks_r = [angka_rumus(v) if v == v else "belum dilaporkan" for v in df["realisasi"]]
    teks_t = [angka_rumus(v) if v == v else "–" for v in df["target"]]
    data: list[dict[str, Any]] = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Target",
            "x": x,
            "y": df["target"].tolist(),
            "line": {"color": WARNA_TARGET, "dash": "dot", "width": 1.5},
            "marker": {"symbol": "line-ew-open", "size": 12, "color": WARNA_TARGET},
            "customdata": teks_t,
            "hovertemplate": "%{x}<br>Target %{customdata}<extra></extra>",
        },
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": "Realisasi",
            "x": x,
            "y": df["realisasi"].tolist(),
            "line": {"color": WARNA_REALISASI, "width": 2},
            "marker": {"size": 8, "color": WARNA_REALISASI},
            "customdata": teks_r,
            "hovertemplate": "%{x}<br>Realisasi %{customdata}<extra></extra>",
        },
    ]
    if sorot is not None and "id" in df.columns:
        hit = (df["id"] == sorot).to_numpy()
        if hit.any():
            data.append(
                {
                    "type": "scatter",
                    "mode": "markers",
                    "name": "Ditandai",
                    "x": [x[i] for i in np.flatnonzero(hit)],
                    "y": df["realisasi"][hit].tolist(),
                    "marker": {
                        "size": 18,
                        "color": "rgba(0,0,0,0)",
                        "line": {"color": WARNA_PREDIKAT[-1], "width": 2.5},
                    },
                    "hoverinfo": "skip",
                }
            )
    return _figur(
        data,
        judul,
        280,
        catatan=f"Satuan: {satuan}" if satuan else None,
        xaxis={"type": "category", "tickangle": -30},
        yaxis={"tickformat": ",~r", "rangemode": "tozero"},
        margin={"l": 10, "r": 10, "t": 90, "b": 60},
    )
