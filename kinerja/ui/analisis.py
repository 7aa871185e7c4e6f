"""The analysis screen: filters, headline figures, the charts (one tab computed at a time),
the formula behind a chosen capaian, and the table with its download.

The store's records and PK are held once per data version (store.version()); every figure
derived from them is cached on (version, the filters), so a rerun after a filter change
computes only what the new choice needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from kinerja import analisis, charts
from kinerja.angka import format_angka, format_persen
from kinerja.capaian import Settings
from kinerja.ui import state
from kinerja.ui.data import store
from kinerja.ui.guards import guarded
from kinerja.ui.markup import escape

_K = state.ANALISIS
_PLOTLY_CONFIG = {"displaylogo": False}


# --- the data, once per version -----------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=2)
def _inputs(version: int) -> tuple[pd.DataFrame, pd.DataFrame, Settings]:
    # Shared, never modified: the analysis functions copy what they change.
    del version
    s = store()
    return s.records(), s.pk_all_years(), s.capaian_settings()


@guarded
def _version() -> int:
    return store().version()


def inputs() -> tuple[int, pd.DataFrame, pd.DataFrame, Settings]:
    """(version, records, PK of every year, capaian settings) of the current data."""
    v = _version()
    records, pk, settings = _inputs(v)
    return v, records, pk, settings


# --- filters ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pilihan:
    tahun: int
    periode: str
    bidang: tuple[str, ...]
    sasaran: tuple[str, ...]
    predikat: tuple[str, ...]

    def saring(self) -> dict[str, Any]:
        """The filters as analisis takes them (None: all)."""
        return {
            "bidang": list(self.bidang) or None,
            "sasaran": list(self.sasaran) or None,
        }


def filters(records: pd.DataFrame, settings: Settings) -> Pilihan:
    """Tahun (latest first), periode (the aggregated year by default), bidang, sasaran
    (those of the chosen bidang) and predikat."""
    years = sorted({int(t) for t in records["tahun"].dropna()}, reverse=True)
    c1, c2, c3 = st.columns([1, 1, 3])
    tahun = int(c1.selectbox("Tahun", years, key=f"{_K}_tahun"))
    di_tahun = records[records["tahun"] == tahun]
    ada = set(di_tahun["periode"])
    pilihan = [p for p in analisis.PILIHAN_PERIODE if p in ada or p == analisis.PERIODE_TAHUN]
    periode = c2.selectbox(
        "Periode",
        pilihan,
        index=pilihan.index(analisis.PERIODE_TAHUN),
        key=f"{_K}_periode",
        help="Satu triwulan/semester, atau setahun penuh menurut agregasi tiap indikator "
        "(akhir, jumlah, rata-rata) dari Perjanjian Kinerja.",
    )
    bidang = c3.multiselect(
        "Bidang",
        sorted(di_tahun["bidang"].dropna().unique()),
        key=f"{_K}_bidang",
        placeholder="Semua bidang",
    )
    c4, c5 = st.columns([3, 2])
    pool = di_tahun[di_tahun["bidang"].isin(bidang)] if bidang else di_tahun
    sasaran = c4.multiselect(
        "Sasaran",
        sorted(pool["sasaran"].dropna().unique()),
        key=f"{_K}_sasaran",
        placeholder="Semua sasaran",
    )
    predikat = c5.multiselect(
        "Predikat",
        [label for _, label in settings.predikat_bands],
        key=f"{_K}_predikat",
        placeholder="Semua predikat",
    )
    return Pilihan(tahun, str(periode), tuple(bidang), tuple(sasaran), tuple(predikat))


# --- derived frames, cached on (version, filters) ------------------------------------------


@st.cache_data(show_spinner=False, max_entries=32)
def view(version: int, p: Pilihan) -> pd.DataFrame:
    records, pk, settings = _inputs(version)
    return analisis.view(
        records,
        pk,
        tahun=p.tahun,
        periode=p.periode,
        predikat=list(p.predikat) or None,
        settings=settings,
        **p.saring(),
    )


@st.cache_data(show_spinner=False, max_entries=16)
def _seri(version: int, p: Pilihan, indikator: tuple[str, ...]) -> pd.DataFrame:
    records, pk, settings = _inputs(version)
    return analisis.seri_triwulan(
        records, pk, tahun=p.tahun, indikator=list(indikator) or None, settings=settings,
        **p.saring(),
    )  # fmt: skip


@st.cache_data(show_spinner="Menghitung perbandingan antar tahun ...", max_entries=16)
def _antar_tahun(version: int, p: Pilihan, indikator: tuple[str, ...]) -> pd.DataFrame:
    records, pk, settings = _inputs(version)
    return analisis.antar_tahun(
        records, pk, tahun=p.tahun, indikator=list(indikator) or None, settings=settings,
        **p.saring(),
    )  # fmt: skip


@st.cache_data(show_spinner=False, max_entries=16)
def _download(version: int, p: Pilihan, fmt: str) -> bytes:
    return analisis.to_download(view(version, p), fmt)


# --- headline -----------------------------------------------------------------------------


def headline(v: pd.DataFrame, settings: Settings) -> None:
    r = analisis.ringkasan(v, settings)
    c = st.columns(4)
    c[0].metric("Indikator", format_angka(r.jumlah_indikator))
    rata = format_persen(r.rata_capaian) if r.rata_capaian is not None else "–"
    c[1].metric("Rata-rata capaian", rata)
    c[2].metric("Melampaui target", format_angka(r.melampaui))
    c[3].metric("Belum dilaporkan", format_angka(r.belum_dilaporkan))
    bands = st.columns(len(r.predikat))
    for col, (label, n) in zip(bands, r.predikat.items(), strict=True):
        col.metric(label, format_angka(n))
    if r.tidak_dapat_dihitung:
        st.caption(
            f"{format_angka(r.tidak_dapat_dihitung)} indikator sudah dilaporkan tetapi "
            "capaiannya tidak dapat dihitung (lihat Keterangan Capaian di tabel)."
        )


# --- charts (one tab at a time) -----------------------------------------------------------

TABS = [
    "Target dan realisasi",
    "Capaian",
    "Triwulan",
    "Antar tahun",
    "Per bidang dan sasaran",
    "Anggaran dan efisiensi",
]


def _plot(fig: go.Figure, key: str) -> None:
    st.plotly_chart(fig, width="stretch", config=_PLOTLY_CONFIG, key=f"{_K}_grafik_{key}")


def chart_tabs(version: int, p: Pilihan, v: pd.DataFrame, settings: Settings) -> None:
    """The charts in tabs; only the open tab is computed (tabs rerun on change)."""
    tabs = st.tabs(TABS, key=f"{_K}_tab", on_change="rerun")
    draw: list[Callable[[], None]] = [
        lambda: _plot(charts.target_realisasi(v), "target_realisasi"),
        lambda: _plot(charts.capaian(v, settings), "capaian"),
        lambda: _triwulan(version, p, v),
        lambda: _tahunan(version, p, v),
        lambda: _kelompok(v, settings),
        lambda: _anggaran(v, settings),
    ]
    for tab, fn in zip(tabs, draw, strict=True):
        if tab.open:
            with tab:
                fn()


def _indikator_pilihan(v: pd.DataFrame, key: str, maks: int) -> tuple[str, ...]:
    names = list(dict.fromkeys(v["indikator"].dropna()))
    if len(names) <= maks:
        return ()
    chosen = st.multiselect(
        f"Indikator (bawaan: {maks} pertama)",
        names,
        key=f"{_K}_{key}_indikator",
        placeholder=f"{maks} indikator pertama",
    )
    return tuple(chosen)


def _triwulan(version: int, p: Pilihan, v: pd.DataFrame) -> None:
    st.caption(
        "Realisasi s.d. tiap triwulan terhadap target kumulatif Rencana Aksi, per indikator."
    )
    indikator = _indikator_pilihan(v, "triwulan", 12)
    _plot(charts.triwulan(_seri(version, p, indikator)), "triwulan")


def _tahunan(version: int, p: Pilihan, v: pd.DataFrame) -> None:
    st.caption("Realisasi dan capaian tahun ini di samping tahun-tahun sebelumnya.")
    indikator = _indikator_pilihan(v, "antar_tahun", 40)
    _plot(charts.antar_tahun(_antar_tahun(version, p, indikator)), "antar_tahun")


def _kelompok(v: pd.DataFrame, settings: Settings) -> None:
    left, right = st.columns(2)
    for col, by in ((left, "bidang"), (right, "sasaran")):
        with col:
            _plot(charts.per_kelompok(analisis.per_kelompok(v, by, settings), settings), by)


def _anggaran(v: pd.DataFrame, settings: Settings) -> None:
    frame = analisis.anggaran(v, settings)
    if frame.empty:
        st.info(
            "Belum ada pagu dan realisasi anggaran pada data yang dipilih. Kolom Pagu dan "
            "Realisasi Anggaran di lembar bidang mengisi bagian ini."
        )
        return
    _plot(charts.efisiensi(frame, settings), "efisiensi")
    st.caption(
        f"Efisiensi = capaian kinerja (%) - serapan anggaran (%): di atas "
        f"+{format_angka(settings.efisiensi_batas)} efisien, dalam "
        f"±{format_angka(settings.efisiensi_batas)} cukup efisien, di bawahnya kurang efisien."
    )


# --- the table, the formula of a chosen row, the download --------------------------------


def table(version: int, p: Pilihan, v: pd.DataFrame) -> None:
    """The indicators shown, capaian as a bar beside its value; choosing a row opens the
    formula behind its capaian."""
    shown = analisis.tabel(v)
    bar = "Capaian"
    shown.insert(
        list(shown.columns).index(analisis.LABEL_CAPAIAN) + 1, bar, shown[analisis.LABEL_CAPAIAN]
    )
    shown[analisis.LABEL_CAPAIAN] = v["capaian_tampil"].to_numpy()
    config: dict[str, Any] = {
        "Indikator Kinerja": st.column_config.TextColumn(width="large", pinned=True),
        "Sasaran": st.column_config.TextColumn(width="small"),
        "Bidang": st.column_config.TextColumn(width="small"),
        analisis.LABEL_CAPAIAN: st.column_config.TextColumn(width="small"),
        # The bar only: its own number would be written the browser's way (85.5), the
        # Indonesian value is in the column beside it.
        bar: st.column_config.ProgressColumn(
            width="small", format=" ", min_value=0, max_value=max(120.0, _max(shown[bar]))
        ),
        "Rumus": st.column_config.TextColumn(width="medium"),
    }
    order = ["Indikator Kinerja", "Satuan", "Target", "Realisasi", analisis.LABEL_CAPAIAN, bar]
    order += ["Predikat", "Melampaui Target", "Rumus", "Dasar Perhitungan", "Keterangan"]
    order += [c for c in shown.columns if c not in order]
    event = st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_config=config,
        column_order=order,
        on_select="rerun",
        selection_mode="single-row",
        key=f"{_K}_tabel",
    )
    rows = list(getattr(getattr(event, "selection", None), "rows", []) or [])
    # The same choice without the grid (keyboard, screen readers): a select box.
    labels = [f"{i} ({b})" for i, b in zip(v["indikator"], v["bidang"], strict=True)]
    picked = st.selectbox(
        "Lihat rumus capaian",
        range(len(v)),
        index=None,
        format_func=labels.__getitem__,
        placeholder="Pilih indikator, atau pilih satu baris tabel",
        key=f"{_K}_rumus",
    )
    formula(v, rows[0] if rows else picked)
    c1, c2, _ = st.columns([2, 2, 3])
    name = f"analisis-kinerja-{p.tahun}-{p.periode}".replace(" ", "-").replace("(", "")
    name = name.replace(")", "").lower()
    c1.download_button(
        "Unduh tabel (.xlsx)",
        data=_download(version, p, "xlsx"),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{_K}_unduh_xlsx",
        icon=":material/download:",
    )
    c2.download_button(
        "Unduh tabel (.csv)",
        data=_download(version, p, "csv"),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{_K}_unduh_csv",
        icon=":material/download:",
    )


def _max(values: pd.Series) -> float:
    m = pd.to_numeric(values, errors="coerce").max()
    return float(m) if m == m else 0.0


def formula(v: pd.DataFrame, row: int | None) -> None:
    """The formula behind the chosen row's capaian, with its numbers and what it rests on."""
    if row is None or row >= len(v):
        st.caption(
            "Pilih satu baris tabel (atau indikatornya di atas) untuk melihat rumus "
            "capaiannya dengan angkanya."
        )
        return
    r = v.iloc[row]
    lines = [
        f"**{escape(r['indikator'])}** ({escape(r['bidang'])}, {escape(r['periode'])} "
        f"{int(r['tahun'])})",
        f"Rumus: **{escape(r['rumus'])}**",
        f"Dasar: {escape(r['dasar'])} · arah {escape(r['arah'])} · agregasi "
        f"{escape(r['agregasi'])}",
    ]
    if isinstance(r["predikat"], str):
        lines.append(f"Predikat: {escape(r['predikat'])}")
    if isinstance(r["capaian_catatan"], str) and r["capaian_catatan"]:
        lines.append(f"Keterangan capaian: {escape(r['capaian_catatan'])}")
    st.info("  \n".join(lines), icon=":material/calculate:")
