"""Riwayat & Data Tersimpan: every submission per bidang and round, and the current records."""

import streamlit as st

from kinerja import ui

st.title("Riwayat Kiriman dan Data Tersimpan")
pilihan = ui.history_filters()

history = ui.history_table(pilihan)
st.subheader("Riwayat kiriman")
if history.empty:
    st.info("Belum ada kiriman yang tersimpan untuk pilihan ini.")
    st.stop()
st.dataframe(history, hide_index=True, width="stretch")

st.subheader("Data terkini")
records = ui.current_records(pilihan)
ui.records_table(records)
