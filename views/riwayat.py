"""Riwayat & Data Tersimpan: every submission per bidang and round, one submission's detail
(all its errors, the values it changed, its original file, the notes on its data), and the
current records with their notes."""

import streamlit as st

from kinerja import ui
from kinerja.ui import cards, data, tables, widgets

st.title("Riwayat Kiriman dan Data Tersimpan")
ui.require_page("riwayat.py")
ui.require_database()
pilihan = ui.history_filters()

history = ui.history(pilihan)
st.subheader("Riwayat kiriman")
if history.empty:
    st.info("Belum ada kiriman yang tersimpan untuk pilihan ini.")
    st.stop()
ui.history_table(history)

st.subheader("Rincian kiriman")
kiriman = widgets.pick_submission(history)
kid = int(kiriman["id"])
with st.container(border=True):
    cards.submission_summary(kiriman)
    widgets.download_original(kiriman)
    st.markdown("**Kesalahan dan peringatan**")
    tables.report_table(data.submission_report(kid))
    st.markdown("**Nilai yang berubah dari kiriman sebelumnya**")
    tables.changes_table(data.submission_changes(kid))
    st.markdown("**Catatan pada data kiriman ini**")
    tables.notes_table(data.notes_for(data.submission_records(kid)))

st.subheader("Data terkini")
terkini = ui.current_records(pilihan)
ui.records_table(terkini)
st.markdown("**Catatan pada data terkini**")
tables.notes_table(data.notes_for(terkini))
