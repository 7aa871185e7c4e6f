"""The settings screen: a form per section, checked, stored and audited with the user."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from kinerja import pengaturan, schema
from kinerja.capaian import Settings
from kinerja.store import StoreError
from kinerja.ui import state
from kinerja.ui.data import capaian_settings, settings, store
from kinerja.ui.markup import escape

_K = state.PENGATURAN
RUMUS_TURUN_LABEL = {
    "selisih": "(2 × target − realisasi) / target × 100, tidak kurang dari 0 (PermenPAN-RB 6/2022)",
    "rasio": "target / realisasi × 100",
}


def user_field() -> str:
    """The name every change is audited under (the same field as the upload page's); the
    account signed in, with no field, when there are accounts."""
    if state.session() is not None:
        return state.user()
    st.text_input(
        "Nama Anda (dicatat di jejak audit)", key=state.PENGGUNA, value=state.DEFAULT_USER
    )
    return state.user()


def current() -> dict[str, Any]:
    """The agency's settings as stored."""
    return settings()


def _save(hasil: pengaturan.Hasil, done: str) -> None:
    """Store a checked form's settings and confirm after the rerun; show the messages when the
    check or the store refuses it (nothing is stored then)."""
    if not hasil.ok:
        for message in hasil.galat:
            st.error(escape(message))
        return
    try:
        store().set_settings(hasil.nilai, user=state.user())
    except StoreError as exc:
        st.error(escape(exc))
        return
    state.remember_notice("success", done)
    st.rerun()


# --- instansi, bidang, pejabat --------------------------------------------------------------


def instansi_form(peng: Mapping[str, Any]) -> None:
    """Name, kabupaten, kota and address of the title block of every report."""
    with st.form(f"{_K}_instansi"):
        nama = st.text_input("Nama instansi", peng.get("nama") or "", key=f"{_K}_nama")
        c1, c2 = st.columns(2)
        kabupaten = c1.text_input("Kabupaten", peng.get("kabupaten") or "", key=f"{_K}_kabupaten")
        kota = c2.text_input(
            "Kota (tempat penandatanganan)", peng.get("kota") or "", key=f"{_K}_kota"
        )
        alamat = st.text_area("Alamat kantor", peng.get("alamat") or "", key=f"{_K}_alamat")
        if st.form_submit_button("Simpan data instansi"):
            hasil = pengaturan.check_instansi(
                {"nama": nama, "kabupaten": kabupaten, "kota": kota, "alamat": alamat}
            )
            _save(hasil, "Data instansi disimpan.")


def bidang_form(peng: Mapping[str, Any]) -> None:
    """The bidang list, one name a line; names with stored data cannot leave it."""
    daftar = [str(b) for b in peng.get("bidang") or []]
    st.caption(
        "Satu nama bidang per baris, sesuai ejaan yang dipakai di laporan. Lembar dan PK yang "
        'menulis nama lain (huruf besar/kecil, spasi, tanpa kata "Bidang") dicocokkan ke '
        "nama ini. Bidang yang sudah memiliki data, kiriman atau indikator PK tidak dapat "
        "dihapus atau diganti namanya: tambahkan nama baru sebagai bidang tersendiri."
    )
    with st.form(f"{_K}_bidang_form"):
        text = st.text_area("Daftar bidang", "\n".join(daftar), height=180, key=f"{_K}_bidang")
        if st.form_submit_button("Simpan daftar bidang"):
            names = [line for line in text.splitlines() if line.strip()]
            _save(pengaturan.check_bidang(names), "Daftar bidang disimpan.")


def pejabat_form(peng: Mapping[str, Any]) -> None:
    """Name and NIP of the Kepala Dinas and the Sub Koordinator for signature blocks."""
    values: dict[str, dict[str, str]] = {}
    with st.form(f"{_K}_pejabat"):
        for key, label in pengaturan.PEJABAT.items():
            now = peng.get(key) or {}
            c1, c2 = st.columns(2)
            nama = c1.text_input(f"Nama {label}", now.get("nama") or "", key=f"{_K}_{key}_nama")
            nip = c2.text_input(
                f"NIP {label}",
                now.get("nip") or "",
                key=f"{_K}_{key}_nip",
                placeholder="19700101 199503 1 000",
            )
            values[key] = {"nama": nama, "nip": nip}
        if st.form_submit_button("Simpan pejabat"):
            _save(pengaturan.check_pejabat(values), "Nama dan NIP pejabat disimpan.")


# --- capaian --------------------------------------------------------------------------------


def _bands_frame(s: Settings) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "predikat": [label for _, label in s.predikat_bands],
            "batas": [None if math.isinf(b) else b for b, _ in s.predikat_bands],
        }
    ).astype({"batas": "Float64"})


def bands_from(edited: pd.DataFrame) -> list[tuple[float | None, str]]:
    """The editor's rows as (batas, predikat) from the highest bound, the band without a bound
    last; fully blank rows (added and left empty) dropped."""
    rows: list[tuple[float | None, str]] = []
    for label, bound in zip(edited["predikat"], edited["batas"], strict=True):
        b = None if bound is None or bound is pd.NA or bound != bound else float(bound)
        text = "" if label is None or label is pd.NA or label != label else str(label)
        if b is None and not text.strip():
            continue
        rows.append((b, text))
    return sorted(rows, key=lambda r: (r[0] is None, -(r[0] or 0.0)))


def capaian_form() -> None:
    """Predikat bands, the formula for arah turun, the cap and the efficiency band."""
    s = capaian_settings()
    with st.form(f"{_K}_capaian"):
        st.markdown("**Predikat** (batas bawah capaian, %; predikat tanpa batas untuk sisanya)")
        edited = st.data_editor(
            _bands_frame(s),
            num_rows="dynamic",
            hide_index=True,
            key=f"{_K}_predikat",
            column_config={
                "predikat": st.column_config.TextColumn("Predikat", required=True),
                "batas": st.column_config.NumberColumn(
                    "Batas bawah (%)", min_value=0, max_value=1000, format="localized"
                ),
            },
        )
        rumus = st.radio(
            "Rumus capaian arah turun",
            list(RUMUS_TURUN_LABEL),
            index=list(RUMUS_TURUN_LABEL).index(s.rumus_turun),
            format_func=RUMUS_TURUN_LABEL.__getitem__,
            key=f"{_K}_rumus_turun",
        )
        c1, c2 = st.columns(2)
        cap = c1.number_input(
            "Batas atas capaian (%; kosong = tanpa batas)",
            min_value=0.0,
            value=s.batas_capaian,
            step=5.0,
            key=f"{_K}_batas_capaian",
        )
        efisiensi = c2.number_input(
            "Rentang cukup efisien (± poin persen)",
            min_value=0.0,
            value=s.efisiensi_batas,
            step=1.0,
            key=f"{_K}_efisiensi",
        )
        if st.form_submit_button("Simpan pengaturan capaian"):
            hasil = pengaturan.check_capaian(
                bands_from(edited),
                rumus_turun=str(rumus),
                batas_capaian=cap,
                efisiensi_batas=efisiensi,
            )
            _save(hasil, "Pengaturan capaian disimpan; capaian dan predikat dihitung ulang.")


# --- tenggat --------------------------------------------------------------------------------


def tenggat_form(peng: Mapping[str, Any]) -> None:
    """Days after each period's last day when its data is due."""
    now = pengaturan.tenggat_hari(peng)
    with st.form(f"{_K}_tenggat"):
        st.caption(
            "Jumlah hari setelah hari terakhir periode sampai batas waktu pengumpulan data "
            "(bawaan: 10 hari untuk triwulan dan semester, 31 hari untuk tahunan)."
        )
        given: dict[str, object] = {}
        cols = st.columns(4)
        for i, periode in enumerate(schema.PERIODE):
            given[periode] = cols[i % 4].number_input(
                f"{periode} (hari)",
                min_value=0,
                max_value=pengaturan.TENGGAT_MAKS,
                value=now[periode],
                step=1,
                key=f"{_K}_tenggat_{i}",
            )
        if st.form_submit_button("Simpan tenggat"):
            _save(pengaturan.check_tenggat(given), "Tenggat pengumpulan data disimpan.")
