"""Beranda: where the SOP round stands, with links to each step's screen."""

import streamlit as st

from kinerja import ui

st.title("Pengumpulan Data Kinerja")
ui.require_database()
ui.instansi_caption()

ui.overview_metrics()

st.subheader("Langkah")
st.page_link("views/unggah.py", label="Unggah lembar isian bidang", icon=":material/upload_file:")
st.page_link(
    "views/riwayat.py", label="Riwayat kiriman dan data tersimpan", icon=":material/history:"
)
