"""Beranda: the round now running, its seven SOP steps against their mutu baku, and the year's
completeness per bidang, with the links to each step's screen."""

import streamlit as st

from kinerja import ui
from kinerja.ui import akun, beranda, cards

st.title("Pengumpulan Data Kinerja")
ui.require_page("beranda.py")
ui.require_database()
ui.instansi_caption()
beranda.notice()

putaran = beranda.choose_round()
if putaran is None:
    if not akun.may("putaran"):
        st.info("Belum ada putaran pengumpulan data.")
        st.stop()
    st.info("Belum ada putaran pengumpulan data. Buka putaran pertama di bawah.")
    beranda.who()
    beranda.open_round_form(None)
    st.stop()

tahun, periode = putaran
keadaan = beranda.round_state(tahun, periode)
beranda.header(keadaan)
cards.overview_metrics(tahun, periode)

st.markdown("**Langkah SOP Pengumpulan Data Kinerja**")
beranda.steps_table(keadaan)
if akun.may("putaran"):
    beranda.who()
    beranda.record_step_form(keadaan)
    beranda.deadline_form(keadaan)
    beranda.open_round_form(putaran)

beranda.completeness(tahun)

st.subheader("Halaman")
beranda.page_links()
