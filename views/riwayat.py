"""Riwayat & Data Tersimpan: every submission per bidang and round, and the current records."""

import streamlit as st

from kinerja import ui

st.title("Riwayat Kiriman dan Data Tersimpan")
ui.require_database()
pilihan = ui.history_filters()

history = ui.history(pilihan)
st.subheader("Riwayat kiriman")
if history.empty:
    st.info("Belum ada kiriman yang tersimpan untuk pilihan ini.")
    st.stop()
ui.history_table(history)

st.subheader("Data terkini")
ui.records_table(ui.current_records(pilihan))
