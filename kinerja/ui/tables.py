"""Tables on screen: records, a file's issues and the history, with Indonesian headers and
numbers. A table cell is drawn as text, so user text needs no escaping here."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kinerja import capaian, export, ingest
from kinerja.angka import format_angka

SHOWN_ROWS = 1000
LABEL_MELAMPAUI = "Melampaui Target"
LABEL_KETERANGAN_CAPAIAN = "Keterangan Capaian"
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


def issues_frame(result: ingest.IngestResult) -> pd.DataFrame:
    """A file's errors, then its warnings: Jenis, Baris (spreadsheet row), Kolom, Pesan."""
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


def issues_table(result: ingest.IngestResult) -> None:
    st.dataframe(
        issues_frame(result),
        hide_index=True,
        width="stretch",
        column_config={"Pesan": st.column_config.TextColumn(width="large")},
    )


def history_frame(history: pd.DataFrame) -> pd.DataFrame:
    """Store.history for the screen: WIB times, Indonesian statuses and headers."""
    if history.empty:
        return history
    waktu = pd.to_datetime(history["waktu"], utc=True).dt.tz_convert("Asia/Jakarta")
    frame = history.assign(
        status=history["status"].map(lambda s: STATUS_LABELS.get(s, s)),
        waktu=waktu.dt.strftime("%d-%m-%Y %H:%M"),
    )
    cols = [c for c in HISTORY_LABELS if c in frame]
    return frame[cols].rename(columns=HISTORY_LABELS)


def history_table(history: pd.DataFrame) -> None:
    st.dataframe(history_frame(history), hide_index=True, width="stretch")
