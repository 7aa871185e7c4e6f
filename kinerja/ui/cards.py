"""Verdicts and counts: a file's result card, the merge's clashes, the saves, Beranda's
metrics. Every piece of user text in them goes through markup.escape."""

from __future__ import annotations

import streamlit as st

from kinerja import ingest
from kinerja.angka import format_angka
from kinerja.ui import state
from kinerja.ui.data import ringkasan, settings
from kinerja.ui.markup import escape
from kinerja.ui.tables import issues_table, records_table


def show_result(result: ingest.IngestResult) -> None:
    """One file's verdict, its issues (row, column, message) and a preview of its records."""
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
        if rep.errors or rep.warnings:
            issues_table(result)
        if result.valid and not result.records.empty:
            with st.expander("Pratinjau data", expanded=False):
                records_table(result.records)


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


def overview_metrics() -> None:
    """Counts from the database: submissions, current records, bidang that have sent data."""
    counts = ringkasan()
    bidang_list = list(settings().get("bidang") or [])
    c1, c2, c3 = st.columns(3)
    c1.metric("Kiriman tersimpan", format_angka(counts.kiriman))
    c2.metric("Data kinerja terkini", format_angka(counts.rekaman_kini))
    sent = counts.bidang_kini
    c3.metric("Bidang yang sudah mengirim", f"{sent} dari {len(bidang_list) or sent}")
