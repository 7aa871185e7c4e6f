"""The format screen: the round chosen, the formats built (SOP step 2, recorded once per tab
and round), one download per bidang and one .zip (each download recorded as step 3)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from kinerja import format as fmt
from kinerja import schema
from kinerja.angka import format_angka
from kinerja.store import StoreError
from kinerja.ui import state
from kinerja.ui.data import store
from kinerja.ui.guards import guarded
from kinerja.ui.markup import escape

_K = state.FORMAT
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")  # the agency's clock, for the current quarter


@dataclass(frozen=True)
class Dibuat:
    """The formats of one round, and the agency's bidang without a PK indicator."""

    tahun: int
    periode: str
    formats: tuple[fmt.Format, ...]
    tanpa_pk: tuple[str, ...]
    tanpa_target: tuple[str, ...]  # bidang of the PK with no target for the periode


@guarded
def _version() -> int:
    return store().version()


@st.cache_resource(show_spinner=False, max_entries=2)
def _years(version: int) -> tuple[list[int], dict[str, Any]]:
    del version
    s = store()
    pk = s.pk_all_years()
    years = sorted({int(t) for t in pk["tahun"].dropna()}, reverse=True)
    return years, s.settings()


@st.cache_resource(show_spinner=False, max_entries=8)
def _pk(version: int, tahun: int) -> pd.DataFrame:
    del version
    return store().indicators(tahun=tahun)


@guarded
def inputs() -> tuple[int, list[int], dict[str, Any]]:
    """(version, the years that have a PK, latest first, the agency's settings)."""
    v = _version()
    years, settings = _years(v)
    return v, years, settings


def choose(years: list[int]) -> tuple[int, str]:
    """Tahun (the latest PK year by default) and periode (the current quarter by default)."""
    c1, c2, _ = st.columns([1, 1, 3])
    tahun = int(c1.selectbox("Tahun", years, key=f"{_K}_tahun"))
    now = fmt.current_periode(dt.datetime.now(WIB).date())
    periode = c2.selectbox(
        "Periode",
        schema.PERIODE,
        index=schema.PERIODE.index(now),
        key=f"{_K}_periode",
        help="Target tiap indikator diambil dari PK/Rencana Aksi untuk periode ini.",
    )
    return tahun, str(periode)


@st.cache_data(show_spinner="Membuat format ...", max_entries=16)
def _build(pk: pd.DataFrame, settings: dict[str, Any], tahun: int, periode: str) -> Dibuat:
    # Keyed on the PK rows and the settings themselves: recording a step (a new data
    # version) does not build the files again.
    formats = fmt.build(pk, settings, tahun=tahun, periode=periode)
    return Dibuat(
        tahun,
        periode,
        tuple(formats),
        tuple(fmt.bidang_without_pk(pk, settings)),
        tuple(fmt.bidang_without_target(pk, formats)),
    )


@guarded
def build(version: int, settings: dict[str, Any], tahun: int, periode: str) -> Dibuat:
    """The round's formats; the first build of a round in this tab is recorded as SOP step 2
    ("format_dibuat")."""
    dibuat = _build(_pk(version, tahun), settings, tahun, periode)
    done: set[tuple[int, str]] = st.session_state.setdefault(state.FORMAT_DIBUAT, set())
    if dibuat.formats and (tahun, periode) not in done:
        n = sum(f.indikator for f in dibuat.formats)
        store().add_step(
            tahun,
            periode,
            "format_dibuat",
            user=state.user(),
            catatan=f"{len(dibuat.formats)} format, {n} indikator (halaman Format Data Kinerja)",
        )
        done.add((tahun, periode))
    return dibuat


def _sent(tahun: int, periode: str, what: str) -> None:
    """A download's callback: record SOP step 3 ("format_dikirim")."""
    try:
        store().add_step(
            tahun, periode, "format_dikirim", user=state.user(), catatan=f"{what} diunduh"
        )
    except StoreError as exc:
        state.remember_notice("error", f"Unduhan tidak tercatat: {escape(exc)}")
        return
    state.remember_notice("success", f"{escape(what)} diunduh; pengiriman format dicatat.")


def notice() -> None:
    """The message the last download left (recorded, or why not)."""
    shown = state.pop_notice()
    if shown is not None:
        kind, text = shown
        (st.success if kind == "success" else st.error)(text)


def show(dibuat: Dibuat) -> None:
    """Per bidang: its indicators and its download; then the .zip of all."""
    label = f"{dibuat.periode} {dibuat.tahun}"
    total = sum(f.indikator for f in dibuat.formats)
    st.caption(
        f"{format_angka(len(dibuat.formats))} format, {format_angka(total)} indikator, target "
        f"{label} dari PK. Target dikunci; bidang mengisi realisasi, keterangan, pagu dan "
        "realisasi anggaran. File yang dikembalikan dikenali dari data teknisnya, apa pun "
        "namanya."
    )
    for f in dibuat.formats:
        c1, c2, c3 = st.columns([4, 1, 2], vertical_alignment="center")
        c1.markdown(f"**{escape(f.bidang)}**")
        c2.markdown(f"{format_angka(f.indikator)} indikator")
        c3.download_button(
            "Unduh .xlsx",
            data=f.data,
            file_name=f.nama_file,
            mime=XLSX,
            key=f"{_K}_unduh_{f.nama_file}",
            help=f"Format {escape(f.bidang)}: {f.nama_file}",
            icon=":material/download:",
            on_click=_sent,
            args=(dibuat.tahun, dibuat.periode, f"Format {f.bidang}"),
        )
        if f.tanpa_target:
            names = "; ".join(escape(i) for i in f.tanpa_target)
            c1.caption(f"Tanpa target {escape(label)} di PK, tidak dimasukkan: {names}.")
    st.download_button(
        f"Unduh semua format {label} (.zip)",
        data=fmt.to_zip(dibuat.formats),
        file_name=fmt.zip_name(dibuat.tahun, dibuat.periode),
        mime="application/zip",
        key=f"{_K}_unduh_zip",
        help=fmt.zip_name(dibuat.tahun, dibuat.periode),
        icon=":material/folder_zip:",
        type="primary",
        on_click=_sent,
        args=(dibuat.tahun, dibuat.periode, f"Semua format {label} (.zip)"),
    )
    if dibuat.tanpa_target:
        names = ", ".join(escape(b) for b in dibuat.tanpa_target)
        st.info(f"Tidak ada indikator dengan target {escape(label)} di PK untuk: {names}.")
    if dibuat.tanpa_pk:
        names = ", ".join(escape(b) for b in dibuat.tanpa_pk)
        st.warning(
            f"Tidak ada indikator PK {dibuat.tahun} untuk: {names}. Bidang ini tidak dibuatkan "
            "format; tambahkan indikatornya di halaman Perjanjian Kinerja (/perjanjian-kinerja)."
        )
