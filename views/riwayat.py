"""Riwayat & Data Tersimpan: every submission per bidang and round, and the current records."""

import streamlit as st

from kinerja import ui

st.title("Riwayat Kiriman dan Data Tersimpan")
bidang, tahun, periode = ui.history_filters()

history = ui.history_table(bidang, tahun, periode)
st.subheader("Riwayat kiriman")
if history.empty:
    st.info("Belum ada kiriman yang tersimpan untuk pilihan ini.")
    st.stop()
st.dataframe(history, hide_index=True, width="stretch")

st.subheader("Data terkini")
records = ui.store().records(bidang=bidang, tahun=tahun, periode=periode)
st.dataframe(ui.display_records(records), hide_index=True, width="stretch")
