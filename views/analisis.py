"""Analisis Kinerja: target against realisasi, capaian and predikat per indikator, sasaran,
bidang, quarter and year, with the formula behind every capaian."""

import streamlit as st

from kinerja import ui
from kinerja.ui import akun, data
from kinerja.ui import analisis as an

st.title("Analisis Kinerja")
ui.require_page("analisis.py")
ui.require_database()
version, records, pk, settings = an.inputs()
records = data.only_visible(records)  # a bidang's account: its own bidang
if records.empty:
    st.info("Belum ada data tersimpan untuk dianalisis. Unggah lembar bidang di Unggah Data.")
    st.stop()

pilihan = akun.within_bidang(an.filters(records, settings))
view = an.view(version, pilihan)
if view.empty:
    st.info("Tidak ada indikator untuk pilihan ini. Ubah tahun, periode atau saringan lain.")
    st.stop()

an.headline(view, settings)
an.chart_tabs(version, pilihan, view, settings)
st.subheader("Rincian per indikator")
an.table(version, pilihan, view)
