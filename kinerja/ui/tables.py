"""Tables on screen: records, a file's issues, the history, a submission's changes and the
notes, with Indonesian headers and numbers. A table cell is drawn as text, so user text needs
no escaping here.

Column order puts what a reader checks first (indikator, target, realisasi, capaian,
predikat) where a 1366 px screen shows it without scrolling; columns read less often start
hidden and come back through the table's own "Show/hide columns" menu (Streamlit 1.67 lists
the columns left out of column_order there).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd
import streamlit as st

from kinerja import capaian, export, ingest
from kinerja.angka import format_angka

SHOWN_ROWS = 1000
# Streamlit 1.67's grid wraps text in a cell only when rows are taller than 4rem (64 px).
WRAPPED_ROW_HEIGHT = 72
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
# Shown first, in this order; any other column of the table starts hidden.
RECORD_ORDER = [
    "Indikator Kinerja",
    "Target",
    "Realisasi",
    "Capaian (%)",
    "Predikat",
    "Satuan",
    "Periode",
    "Tahun",
    "Bidang",
    LABEL_MELAMPAUI,
    LABEL_KETERANGAN_CAPAIAN,
    "Keterangan",
    "File Sumber",
]
# Shown first, in this order (what was sent, and what became of it); the SHA-256 starts hidden.
HISTORY_ORDER = [
    "id",
    "waktu",
    "nama_file",
    "status",
    "bidang",
    "tahun",
    "periode",
    "jumlah_rekaman",
    "jumlah_galat",
    "pengguna",
    "pesan",
]


def records_table(records: pd.DataFrame) -> None:
    """Records on screen, Indonesian style; the first SHOWN_ROWS (downloads carry them all).
    Sasaran, arah, budget columns and the source row start hidden (RECORD_ORDER)."""
    shown = display_records(records.head(SHOWN_ROWS))
    text = st.column_config.TextColumn
    st.dataframe(
        shown,
        hide_index=True,
        width="stretch",
        column_order=[c for c in RECORD_ORDER if c in shown.columns],
        column_config={
            "Indikator Kinerja": text(width=280),
            "Capaian (%)": text(width=90),
            "Bidang": text(width="medium"),
            LABEL_KETERANGAN_CAPAIAN: text(width="medium"),
        },
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
    """A file's errors, then its warnings: Jenis, Baris (spreadsheet row), Kolom, Pesan;
    Lembar first when an issue names its sheet."""
    return report_frame(
        {
            "errors": [i.to_json() for i in result.report.errors],
            "warnings": [i.to_json() for i in result.report.warnings],
        }
    )


def issues_table(result: ingest.IngestResult) -> None:
    _issues(issues_frame(result))


def report_frame(report: Mapping[str, Any]) -> pd.DataFrame:
    """A stored report ({"errors", "warnings"}, each issue a dict with row, column, message
    and maybe sheet), every issue, errors first: [Lembar,] Jenis, Baris, Kolom, Pesan."""
    rows = [("Kesalahan", i) for i in report.get("errors") or []] + [
        ("Peringatan", i) for i in report.get("warnings") or []
    ]
    frame = pd.DataFrame(
        {
            "Lembar": [_or_dash(i.get("sheet")) for _, i in rows],
            "Jenis": [k for k, _ in rows],
            "Baris": [_or_dash(i.get("row")) for _, i in rows],
            "Kolom": [_or_dash(i.get("column")) for _, i in rows],
            "Pesan": [str(i.get("message") or "") for _, i in rows],
        }
    )
    if not any(i.get("sheet") for _, i in rows):
        frame = frame.drop(columns="Lembar")
    return frame


def report_table(report: Mapping[str, Any]) -> None:
    """Every error and warning of a stored report; long messages wrap."""
    if not (report.get("errors") or report.get("warnings")):
        st.caption("Tidak ada kesalahan atau peringatan.")
        return
    _issues(report_frame(report))


def _issues(frame: pd.DataFrame) -> None:
    text = st.column_config.TextColumn
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        row_height=WRAPPED_ROW_HEIGHT,
        column_config={
            "Lembar": text(width="small"),
            "Jenis": text(width="small"),
            "Baris": text(width="small"),
            "Kolom": text(width="small"),
            "Pesan": text(width="large"),
        },
    )


def _or_dash(value: object) -> str:
    return "–" if value is None or value == "" else str(value)


CHANGE_LABELS = {
    "indikator": "Indikator Kinerja",
    "target": "Target (lama → baru)",
    "realisasi": "Realisasi (lama → baru)",
    "perubahan": "Perubahan",
    "bidang": "Bidang",
    "tahun": "Tahun",
    "periode": "Periode",
    "kiriman_lama_id": "Dari Kiriman",
}


def changes_frame(changes: pd.DataFrame) -> pd.DataFrame:
    """Store.changes for the screen: per indikator and periode, target and realisasi as
    "lama → baru" (Indonesian numbers, "–" for none), what kind of change, and the
    submission the old value came from."""
    if changes.empty:
        return pd.DataFrame(columns=list(CHANGE_LABELS.values()))
    rows = changes.astype(object).where(changes.notna(), None).to_dict("records")
    return pd.DataFrame(
        {
            CHANGE_LABELS["indikator"]: [r["indikator"] for r in rows],
            CHANGE_LABELS["target"]: [_lama_baru(r["target_lama"], r["target_baru"]) for r in rows],
            CHANGE_LABELS["realisasi"]: [
                _lama_baru(r["realisasi_lama"], r["realisasi_baru"]) for r in rows
            ],
            CHANGE_LABELS["perubahan"]: [_kind(r) for r in rows],
            CHANGE_LABELS["bidang"]: [r["bidang"] for r in rows],
            CHANGE_LABELS["tahun"]: [str(int(r["tahun"])) for r in rows],
            CHANGE_LABELS["periode"]: [r["periode"] for r in rows],
            CHANGE_LABELS["kiriman_lama_id"]: [
                f"#{int(r['kiriman_lama_id'])}" if r["kiriman_lama_id"] is not None else "–"
                for r in rows
            ],
        }
    )


def _lama_baru(lama: float | None, baru: float | None) -> str:
    if lama is not None and baru is not None and abs(lama - baru) <= 1e-9 * max(abs(lama), 1):
        return f"{format_angka(baru)} (tetap)"
    return f"{format_angka(lama)} → {format_angka(baru)}"


def _kind(row: Mapping[Any, Any]) -> str:
    if row["target_lama"] is None and row["realisasi_lama"] is None:
        return "indikator baru"
    if row["target_baru"] is None and row["realisasi_baru"] is None:
        return "tidak ada lagi"
    return "nilai berubah"


def changes_table(changes: pd.DataFrame) -> None:
    if changes.empty:
        st.caption("Tidak ada target atau realisasi tersimpan yang diubah kiriman ini.")
        return
    text = st.column_config.TextColumn
    st.dataframe(
        changes_frame(changes),
        hide_index=True,
        width="stretch",
        column_config={
            CHANGE_LABELS["indikator"]: text(width=280),
            CHANGE_LABELS["target"]: text(width="medium"),
            CHANGE_LABELS["realisasi"]: text(width="medium"),
        },
    )


NOTE_LABELS = {
    "indikator": "Indikator Kinerja",
    "isi": "Catatan",
    "oleh": "Oleh",
    "waktu": "Waktu (WIB)",
    "bidang": "Bidang",
    "tahun": "Tahun",
    "periode": "Periode",
}


def notes_frame(notes: pd.DataFrame) -> pd.DataFrame:
    """Store.notes for the screen: the note, who and when (WIB), and its record's key."""
    if notes.empty:
        return pd.DataFrame(columns=list(NOTE_LABELS.values()))
    frame = notes.assign(waktu=_wib(notes["waktu"]), tahun=notes["tahun"].astype(int).astype(str))
    return frame[list(NOTE_LABELS)].rename(columns=NOTE_LABELS)


def notes_table(notes: pd.DataFrame) -> None:
    """The notes, messages wrapping."""
    if notes.empty:
        st.caption("Belum ada catatan.")
        return
    text = st.column_config.TextColumn
    st.dataframe(
        notes_frame(notes),
        hide_index=True,
        width="stretch",
        row_height=WRAPPED_ROW_HEIGHT,
        column_config={
            NOTE_LABELS["indikator"]: text(width="medium"),
            NOTE_LABELS["isi"]: text(width="large"),
        },
    )


def _wib(values: Iterable[Any]) -> list[str]:
    waktu = pd.to_datetime(pd.Series(list(values)), utc=True).dt.tz_convert("Asia/Jakarta")
    return list(waktu.dt.strftime("%d-%m-%Y %H:%M"))


def history_frame(history: pd.DataFrame) -> pd.DataFrame:
    """Store.history for the screen: WIB times, Indonesian statuses and headers."""
    if history.empty:
        return history
    frame = history.assign(
        status=history["status"].map(lambda s: STATUS_LABELS.get(s, s)),
        waktu=_wib(history["waktu"]),
    )
    cols = [c for c in HISTORY_LABELS if c in frame]
    return frame[cols].rename(columns=HISTORY_LABELS)


def history_table(history: pd.DataFrame) -> None:
    """The submissions, newest first, in HISTORY_ORDER."""
    frame = history_frame(history)
    text = st.column_config.TextColumn
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_order=[HISTORY_LABELS[c] for c in HISTORY_ORDER if HISTORY_LABELS[c] in frame],
        column_config={
            HISTORY_LABELS["id"]: st.column_config.NumberColumn(width="small"),
            HISTORY_LABELS["nama_file"]: text(width="medium"),
            HISTORY_LABELS["bidang"]: text(width="medium"),
            HISTORY_LABELS["pesan"]: text(width="large"),
        },
    )
