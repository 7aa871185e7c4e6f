"""The only module that imports streamlit: cached wrappers, state accessors and shared widgets."""

from __future__ import annotations

import hashlib
from typing import Any

import pandas as pd
import streamlit as st

from kinerja import capaian, export, ingest, schema
from kinerja.angka import format_angka
from kinerja.store import Store, StoreError, connect

# Session-state keys, spelled once.
_K_KONTEKS = "konteks"
_K_RIWAYAT = "riwayat"
_K_USER = "nama_pengguna"
_K_SAVED = "hasil_simpan"
_K_SAVED_SHA = "berkas_tersimpan"
_FROM_SHEET = "(sesuai lembar)"

ACCEPTED_TYPES = ["xlsx", "xlsm", "xls", "ods"]


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """One store (connection pool) per server process; migrations run on first use, and an
    empty database gets its agency from data/instansi.toml."""
    s = connect()
    s.init(user="aplikasi")
    return s


def settings() -> dict[str, Any]:
    try:
        return store().settings()
    except StoreError:
        return {}


def read_upload(name: str, data: bytes, defaults: ingest.Defaults) -> ingest.IngestResult:
    """Read one uploaded file (cached on its bytes and the form's values)."""
    return _read_cached(name, data, defaults.bidang, defaults.tahun, defaults.periode)


@st.cache_data(show_spinner="Membaca file ...", max_entries=64)
def _read_cached(
    name: str, data: bytes, bidang: str | None, tahun: int | None, periode: str | None
) -> ingest.IngestResult:
    defaults = ingest.Defaults(bidang=bidang, tahun=tahun, periode=periode)
    return ingest.read(data, filename=name, defaults=defaults, settings=capaian_settings())


def capaian_settings() -> capaian.Settings:
    try:
        return store().capaian_settings()
    except StoreError:
        return capaian.Settings()


def overview_metrics() -> None:
    """Counts from the store: submissions, current records, bidang that have sent data."""
    history = store().history()
    records = store().records()
    bidang_list = list(settings().get("bidang") or [])
    c1, c2, c3 = st.columns(3)
    c1.metric("Kiriman tersimpan", format_angka(len(history)))
    c2.metric("Data kinerja terkini", format_angka(len(records)))
    sent = records["bidang"].nunique() if not records.empty else 0
    c3.metric("Bidang yang sudah mengirim", f"{sent} dari {len(bidang_list) or sent}")


def _bidang_tahun_periode(
    prefix: str, blank: str, blank_tahun: str, help_bidang: str | None = None
) -> ingest.Defaults:
    """Three widgets side by side; the blank choice of each gives None."""
    bidang_list = list(settings().get("bidang") or [])
    c1, c2, c3 = st.columns(3)
    bidang = c1.selectbox("Bidang", [blank, *bidang_list], key=f"{prefix}_bidang", help=help_bidang)
    tahun = c2.number_input(
        "Tahun",
        min_value=2000,
        max_value=2100,
        value=None,
        step=1,
        key=f"{prefix}_tahun",
        placeholder=blank_tahun,
    )
    periode = c3.selectbox("Periode", [blank, *schema.PERIODE], key=f"{prefix}_periode")
    return ingest.Defaults(
        bidang=None if bidang == blank else bidang,
        tahun=int(tahun) if tahun else None,
        periode=None if periode == blank else periode,
    )


def context_form() -> ingest.Defaults:
    """Bidang, tahun and periode for sheets that do not state them (the SOP's upload form)."""
    return _bidang_tahun_periode(
        _K_KONTEKS, _FROM_SHEET, "sesuai lembar", "Dipakai bila lembar tidak menyebut bidangnya."
    )


def user_name() -> str:
    return st.text_input("Nama pengunggah (untuk riwayat)", key=_K_USER, value="Staf").strip()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def issues_frame(result: ingest.IngestResult) -> pd.DataFrame:
    rows = [("Kesalahan", i) for i in result.report.errors] + [
        ("Peringatan", i) for i in result.report.warnings
    ]
    return pd.DataFrame(
        {
            "Jenis": [k for k, _ in rows],
            "Baris": [str(i.row) if i.row is not None else "–" for _, i in rows],
            "Kolom": [i.column or "–" for _, i in rows],
            "Pesan": [i.message for _, i in rows],
        }
    )


SHOWN_ROWS = 1000


LABEL_MELAMPAUI = "Melampaui Target"
LABEL_KETERANGAN_CAPAIAN = "Keterangan Capaian"


def records_table(records: pd.DataFrame) -> None:
    """Records on screen, Indonesian style; the first SHOWN_ROWS (downloads carry them all)."""
    st.dataframe(
        display_records(records.head(SHOWN_ROWS)),
        hide_index=True,
        width="stretch",
        column_config={LABEL_KETERANGAN_CAPAIAN: st.column_config.TextColumn(width="medium")},
    )
    if len(records) > SHOWN_ROWS:
        st.caption(
            f"Menampilkan {format_angka(SHOWN_ROWS)} dari {format_angka(len(records))} data."
        )


def display_records(records: pd.DataFrame) -> pd.DataFrame:
    """Records for the screen: Indonesian headers and numbers (1.234,5; 85,50).

    Capaian is the value as shown (capaian.tampil: half up on the exact decimal, so 90,995
    shows 91,00 like its predikat), followed by "Melampaui Target" ("Ya" above 100 %) and
    "Keterangan Capaian" (why capaian is empty or special, or the cap note).
    """
    shown = pd.DataFrame()
    ada_capaian = "capaian" in records
    setelah = "predikat" if "predikat" in records else "capaian"
    for key, label in export.EXPORT_COLUMNS:
        if key not in records or key in ("melampaui_target", "capaian_catatan"):
            continue  # the two are shown beside predikat, computed where records lack them
        col = records[key]
        if key in ("target", "realisasi", "pagu", "realisasi_anggaran"):
            shown[label] = [format_angka(v) for v in col]
        elif key == "capaian":
            shown[label] = [format_angka(v, desimal=2) for v in capaian.tampil(records)]
        elif key in ("tahun", "baris"):
            shown[label] = [str(int(v)) if pd.notna(v) else "–" for v in col]
        else:
            shown[label] = col.astype("object").where(col.notna(), "–")
        if ada_capaian and key == setelah:
            lebih = capaian.melampaui_target(records)
            shown[LABEL_MELAMPAUI] = ["Ya" if v else "" for v in lebih]
            catatan = capaian.catatan_capaian(records)
            shown[LABEL_KETERANGAN_CAPAIAN] = [v or "" for v in catatan]
    return shown


def show_result(result: ingest.IngestResult) -> None:
    """One file's verdict, its issues (row, column, message) and a preview of its records."""
    rep = result.report
    with st.container(border=True):
        if result.valid:
            st.markdown(f"**{result.file}** — :green[Valid]")
            st.caption(
                f"{len(result.records)} data dari lembar '{result.sheet}', "
                f"{len(rep.warnings)} peringatan"
            )
        else:
            st.markdown(f"**{result.file}** — :red[Ditolak]")
            st.caption(f"{len(rep.errors)} kesalahan, {len(rep.warnings)} peringatan")
        if rep.errors or rep.warnings:
            st.dataframe(
                issues_frame(result),
                hide_index=True,
                width="stretch",
                column_config={"Pesan": st.column_config.TextColumn(width="large")},
            )
        if result.valid and not result.records.empty:
            with st.expander("Pratinjau data", expanded=False):
                records_table(result.records)


def download_merged(merged: pd.DataFrame) -> None:
    st.download_button(
        "Unduh gabungan (.xlsx)",
        data=lambda: export.to_xlsx(merged),  # built on click, not on every rerun
        file_name="data-kinerja-gabungan.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="unduh_gabungan",
    )


def save_results(
    uploads: list[tuple[str, bytes]], results: list[ingest.IngestResult], defaults: ingest.Defaults
) -> None:
    """Store every uploaded file: valid ones accepted, the rest kept as refused attempts."""
    who = st.session_state.get(_K_USER) or "Staf"
    outcomes = []
    for (name, data), res in zip(uploads, results, strict=True):
        try:
            out = store().submit(
                res,
                data=data,
                filename=name,
                user=who,
                bidang=defaults.bidang,
                tahun=defaults.tahun,
                periode=defaults.periode,
            )
            outcomes.append((name, out.accepted, out.message))
            st.session_state.setdefault(_K_SAVED_SHA, set()).add(sha256(data))
        except StoreError as exc:
            outcomes.append((name, False, str(exc)))
    st.session_state[_K_SAVED] = outcomes


def all_saved(uploads: list[tuple[str, bytes]]) -> bool:
    """True when this browser session already stored every one of these files."""
    saved = st.session_state.get(_K_SAVED_SHA, set())
    return bool(uploads) and all(sha256(data) in saved for _, data in uploads)


def show_saved() -> None:
    for name, ok, message in st.session_state.get(_K_SAVED, []):
        (st.success if ok else st.error)(f"{name}: {message}")


def history_filters() -> ingest.Defaults:
    """Bidang, tahun and periode to filter the history by ("Semua" = no filter)."""
    return _bidang_tahun_periode(_K_RIWAYAT, "Semua", "semua")


def current_records(pilihan: ingest.Defaults) -> pd.DataFrame:
    return store().records(bidang=pilihan.bidang, tahun=pilihan.tahun, periode=pilihan.periode)


HISTORY_LABELS = {
    "id": "No. Kiriman",
    "waktu": "Waktu (WIB)",
    "bidang": "Bidang",
    "tahun": "Tahun",
    "periode": "Periode",
    "nama_file": "File",
    "pengguna": "Pengunggah",
    "status": "Status",
    "jumlah_rekaman": "Jumlah Data",
    "jumlah_galat": "Kesalahan",
    "pesan": "Pesan",
    "sha256": "SHA-256",
}
STATUS_LABELS = {"accepted": "diterima", "refused": "ditolak", "superseded": "digantikan"}


def history_table(pilihan: ingest.Defaults) -> pd.DataFrame:
    frame = store().history(bidang=pilihan.bidang, tahun=pilihan.tahun, periode=pilihan.periode)
    if frame.empty:
        return frame
    waktu = pd.to_datetime(frame["waktu"], utc=True).dt.tz_convert("Asia/Jakarta")
    frame = frame.assign(
        status=frame["status"].map(lambda s: STATUS_LABELS.get(s, s)),
        waktu=waktu.dt.strftime("%d-%m-%Y %H:%M"),
    )
    cols = [c for c in HISTORY_LABELS if c in frame]
    return frame[cols].rename(columns=HISTORY_LABELS)
