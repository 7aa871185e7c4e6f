"""Verdicts and counts: a file's result card, the merge's clashes, the saves, a stored
submission's summary and Beranda's metrics. Every piece of user text in them goes through
markup.escape."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from kinerja import ingest, kirim
from kinerja.angka import format_angka
from kinerja.ui import state
from kinerja.ui.data import Upload, ringkasan, settings
from kinerja.ui.markup import escape
from kinerja.ui.tables import STATUS_LABELS, issues_table, records_table
from kinerja.ui.widgets import download_annotated

TIDAK_DISEBUT = "tidak disebut"


def show_result(
    result: ingest.IngestResult,
    slots: pd.DataFrame | None = None,
    upload: Upload | None = None,
    position: int = 0,
) -> None:
    """One file's verdict, the bidang, tahun and periode read from it (slots, see
    kirim.file_slots), its issues (row, column, message) and a preview of its records; a
    refused upload's card offers the file back marked (its position on the page keys it)."""
    rep = result.report
    with st.container(border=True):
        if result.valid:
            st.markdown(f"**{escape(result.file)}** — :green[Valid]")
            st.caption(
                f"{len(result.records)} data dari lembar '{escape(result.sheet or '')}', "
                f"{len(rep.warnings)} peringatan"
            )
        else:
            st.markdown(f"**{escape(result.file)}** — :red[Ditolak]")
            st.caption(f"{len(rep.errors)} kesalahan, {len(rep.warnings)} peringatan")
        if slots is not None:
            st.markdown(slot_line(slots))
        if rep.errors or rep.warnings:
            issues_table(result)
        if upload is not None and not result.valid:
            download_annotated(upload, result, position)
        if result.valid and not result.records.empty:
            with st.expander("Pratinjau data", expanded=False):
                records_table(result.records)


def slot_line(slots: pd.DataFrame) -> str:
    """ "Bidang: … · Tahun: … · Periode: …" (Markdown, user text escaped)."""
    bidang, tahun, periode = kirim.slot_text(slots)
    parts = (("Bidang", bidang), ("Tahun", tahun), ("Periode", periode))
    return " · ".join(f"{k}: **{escape(v or TIDAK_DISEBUT)}**" for k, v in parts)


def submission_summary(kiriman: pd.Series) -> None:
    """One submission from the history: its file, status, labels, who and when, and the
    store's message (a refusal's first error, or what it replaced)."""
    status = str(kiriman["status"])
    warna = {"accepted": "green", "refused": "red"}.get(status, "gray")
    label = STATUS_LABELS.get(status, status)
    st.markdown(
        f"**Kiriman #{int(kiriman['id'])}: {escape(kiriman['nama_file'])}** — :{warna}[{label}]"
    )
    tahun = kiriman["tahun"]
    slots = pd.DataFrame(
        [[kiriman["bidang"], None if pd.isna(tahun) else int(tahun), kiriman["periode"]]],
        columns=kirim.SLOT_COLUMNS,
        dtype=object,
    )
    st.markdown(slot_line(slots.where(slots.notna(), None)))
    waktu = pd.to_datetime(pd.Series([kiriman["waktu"]]), utc=True).dt.tz_convert("Asia/Jakarta")
    st.caption(
        f"Diunggah oleh {escape(kiriman['pengguna'])}, "
        f"{waktu.dt.strftime('%d-%m-%Y %H:%M').iloc[0]} WIB; "
        f"{format_angka(int(kiriman['jumlah_rekaman']))} data, "
        f"{format_angka(int(kiriman['jumlah_galat']))} kesalahan, "
        f"{format_angka(int(kiriman['jumlah_peringatan']))} peringatan."
    )
    if status == "refused" and kiriman["pesan"]:
        st.error(escape(kiriman["pesan"]))
    if pd.notna(kiriman["digantikan_oleh"]):
        st.info(f"Digantikan oleh kiriman #{int(kiriman['digantikan_oleh'])}.")


def show_clashes(clashes: list[ingest.Issue]) -> None:
    """The merge's refusals (the same key in two files), each naming the files and rows."""
    for clash in clashes:
        st.error(escape(clash.message))


_SHOW = {"disimpan": st.success, "sudah_ada": st.info, "ditolak": st.error}


def show_saved() -> None:
    """The last save's outcome per file."""
    for s in state.saved():
        _SHOW.get(s.kind, st.error)(f"{escape(s.name)}: {escape(s.message)}")


def instansi_caption() -> None:
    instansi = settings()
    line = " — ".join(
        escape(v) for v in (instansi.get("nama") or "Instansi", instansi.get("kabupaten")) if v
    )
    st.caption(line)


def overview_metrics(tahun: int, periode: str) -> None:
    """The counts of the round shown: its submissions, its records, the bidang that sent."""
    counts = ringkasan(tahun, periode)
    c1, c2, c3 = st.columns(3)
    c1.metric(
        "Kiriman putaran ini",
        format_angka(counts.kiriman),
        help="Semua kiriman untuk putaran ini: diterima, ditolak, dan yang sudah digantikan.",
    )
    c2.metric("Data kinerja putaran ini", format_angka(counts.rekaman_kini))
    c3.metric("Bidang yang sudah mengirim", f"{counts.bidang_kini} dari {counts.bidang} bidang")
