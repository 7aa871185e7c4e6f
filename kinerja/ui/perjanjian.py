"""The Perjanjian Kinerja screen: PK sheet import, the year's indicator editor, download."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from kinerja import pk, schema
from kinerja.angka import format_angka
from kinerja.store import StoreError
from kinerja.store.indicators import PK_COLUMNS, PK_LABELS
from kinerja.ui import state
from kinerja.ui.data import settings, store
from kinerja.ui.guards import guarded
from kinerja.ui.markup import escape
from kinerja.ui.widgets import ACCEPTED_TYPES, DEFERRED, upload_limit_mb

_K = state.PK
_NUMBERS = ("target", "target_tw1", "target_tw2", "target_tw3", "target_tw4", "target_renstra")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@guarded
def _years() -> list[int]:
    pk_all = store().pk_all_years()
    return sorted({int(t) for t in pk_all["tahun"].dropna()}) if not pk_all.empty else []


def tahun() -> int:
    """The year whose PK is shown: the latest with a PK by default (else this year)."""
    years = _years()
    default = years[-1] if years else dt.date.today().year
    chosen = st.number_input(
        "Tahun PK", min_value=2000, max_value=2100, value=default, step=1, key=f"{_K}_tahun"
    )
    if years:
        st.caption("Tahun yang sudah memiliki PK: " + ", ".join(str(y) for y in years) + ".")
    return int(chosen)


@guarded
def indicators(tahun: int) -> pd.DataFrame:
    """The year's indicator master: id + PK_COLUMNS."""
    return store().indicators(tahun=tahun)


def _daftar_bidang() -> tuple[str, ...]:
    return tuple(str(b) for b in settings().get("bidang") or [])


@st.cache_data(show_spinner="Membaca lembar PK ...", max_entries=16)
def _read(name: str, data: bytes, daftar: tuple[str, ...]) -> tuple[pd.DataFrame, list[str]]:
    # Keyed on the bidang list too: a changed list reads the sheet again.
    return pk.read_pk(data, name, daftar_bidang=daftar)


def shown(frame: pd.DataFrame) -> pd.DataFrame:
    """Indicators as the screen shows them read-only: Indonesian headers and numbers."""
    out = pd.DataFrame({PK_LABELS[c]: frame[c] for c in PK_COLUMNS})
    for c in (*_NUMBERS, "pagu"):
        out[PK_LABELS[c]] = [format_angka(v) for v in frame[c]]
    out[PK_LABELS["tahun_renstra"]] = [
        "" if v is None or v != v else str(int(v)) for v in frame["tahun_renstra"]
    ]
    return out.fillna("")


def import_section(tahun: int) -> None:
    """Upload a PK sheet, see what was read or why it is refused, import it for the year
    (confirmed first when the year already has indicators)."""
    upload = st.file_uploader(
        "Unggah lembar Perjanjian Kinerja / Rencana Aksi",
        type=ACCEPTED_TYPES,
        key=f"{_K}_unggah",
        max_upload_size=upload_limit_mb(),
        help="Kolom yang dibaca: lihat README, bagian Format PK.",
    )
    if upload is None:
        return
    frame, errors = _read(upload.name, upload.getvalue(), _daftar_bidang())
    if errors:
        st.error(
            f"{escape(upload.name)}: ditolak, {format_angka(len(errors))} kesalahan. "
            "Perbaiki sel yang disebut lalu unggah lagi; tidak ada yang disimpan."
        )
        st.dataframe(pk.issues(errors), hide_index=True, width="stretch")
        return
    st.success(
        f"{escape(upload.name)}: {format_angka(len(frame))} indikator terbaca, siap diimpor "
        f"untuk tahun {tahun}."
    )
    st.dataframe(shown(frame), hide_index=True, width="stretch")
    existing = len(indicators(tahun))
    confirmed = True
    if existing:
        st.warning(
            f"Tahun {tahun} sudah memiliki {format_angka(existing)} indikator PK. Impor "
            "memperbarui indikator dengan bidang dan nama yang sama dan menambah yang baru; "
            "indikator yang tidak ada di lembar ini tetap tersimpan."
        )
        confirmed = st.checkbox(
            f"Ya, perbarui PK tahun {tahun} dengan lembar ini", key=f"{_K}_setuju"
        )
    if st.button(
        f"Impor PK tahun {tahun}", type="primary", disabled=not confirmed, key=f"{_K}_impor"
    ):
        try:
            n = store().import_pk(frame, tahun=tahun, user=state.user())
        except StoreError as exc:
            state.remember_notice("error", str(exc))
        else:
            state.remember_notice(
                "success", f"{format_angka(n)} indikator PK tahun {tahun} tersimpan."
            )
        st.rerun()


def _column_config(frame: pd.DataFrame) -> dict[str, Any]:
    daftar = list(_daftar_bidang())
    bidang_ada = daftar + sorted(set(frame["bidang"].dropna()) - set(daftar))
    cc = st.column_config
    config: dict[str, Any] = {
        "kode": cc.TextColumn(PK_LABELS["kode"], max_chars=64),
        "bidang": (
            cc.SelectboxColumn(PK_LABELS["bidang"], options=bidang_ada, required=True)
            if daftar
            else cc.TextColumn(PK_LABELS["bidang"], required=True, max_chars=200)
        ),
        "sasaran": cc.TextColumn(PK_LABELS["sasaran"], width="medium"),
        "indikator": cc.TextColumn(PK_LABELS["indikator"], required=True, width="large"),
        "satuan": cc.TextColumn(PK_LABELS["satuan"], max_chars=100),
        "arah": cc.SelectboxColumn(PK_LABELS["arah"], options=schema.ARAH, required=True),
        "agregasi": cc.SelectboxColumn(
            PK_LABELS["agregasi"], options=schema.AGREGASI, required=True
        ),
        "tahun_renstra": cc.NumberColumn(
            PK_LABELS["tahun_renstra"], min_value=2000, max_value=2100, step=1, format="%d"
        ),
        "program": cc.TextColumn(PK_LABELS["program"], width="medium"),
        "pagu": cc.NumberColumn(PK_LABELS["pagu"], min_value=0, format="localized"),
    }
    for c in _NUMBERS:
        config[c] = cc.NumberColumn(PK_LABELS[c], min_value=0, format="localized")
    return config


def editor(frame: pd.DataFrame, tahun: int) -> None:
    """The year's indicators in an editor; "Simpan perubahan" sends only the changed cells
    through the store's checks, all or nothing."""
    st.caption(
        "Ubah sel lalu tekan Simpan perubahan; hanya baris yang berubah yang disimpan, dengan "
        "pemeriksaan yang sama seperti impor, dan setiap perubahan dicatat dengan nama Anda. "
        "Menambah atau menghapus indikator dilakukan dengan mengimpor lembar PK (penghapusan "
        "belum tersedia: indikator dipakai oleh evaluasi dan riwayat)."
    )
    base = frame.set_index("id")[PK_COLUMNS]
    with st.form(f"{_K}_editor_form", border=False):
        edited = st.data_editor(
            base,
            num_rows="fixed",
            hide_index=True,
            key=f"{_K}_editor_{tahun}",
            column_config=_column_config(frame),
        )
        sent = st.form_submit_button("Simpan perubahan", type="primary")
    if not sent:
        return
    changes = pk.changed(base, edited)
    if not changes:
        st.info("Tidak ada perubahan untuk disimpan.")
        return
    try:
        n = store().update_indicators(changes, user=state.user())
    except StoreError as exc:
        st.error(f"Tidak ada yang disimpan. {escape(exc)}")
        return
    state.remember_notice("success", f"{format_angka(n)} indikator PK tahun {tahun} diperbarui.")
    st.session_state.pop(f"{_K}_editor_{tahun}", None)  # the editor starts from the stored rows
    st.rerun()


def download(frame: pd.DataFrame, tahun: int) -> None:
    """The year's PK as .xlsx, in the layout the import reads back."""
    peng = settings()
    judul = " ".join(
        x for x in (str(peng.get("nama") or "").upper(), f"PERJANJIAN KINERJA TAHUN {tahun}") if x
    )
    st.download_button(
        f"Unduh PK tahun {tahun} (.xlsx)",
        data=lambda: pk.to_xlsx(frame, tahun=tahun, judul=judul),
        file_name=f"pk-{tahun}.xlsx",
        mime=XLSX,
        key=f"{_K}_unduh",
        on_click=DEFERRED,
    )
