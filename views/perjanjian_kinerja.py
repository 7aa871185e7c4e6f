"""Perjanjian Kinerja: the year's PK imported from a sheet, edited and downloaded."""

import streamlit as st

from kinerja import ui
from kinerja.ui import pengaturan as pg
from kinerja.ui import perjanjian as pj
from kinerja.ui import state

st.title("Perjanjian Kinerja")
ui.require_page("perjanjian_kinerja.py")
ui.require_database()
notice = state.pop_notice()
if notice:
    (st.success if notice[0] == "success" else st.error)(ui.escape(notice[1]))

c1, c2 = st.columns([1, 2])
with c1:
    tahun = pj.tahun()
with c2:
    pg.user_field()

st.subheader("Impor lembar PK")
pj.import_section(tahun)

st.subheader(f"Indikator PK tahun {tahun}")
found = pj.indicators(tahun)
if found.empty:
    st.info(f"Belum ada indikator PK untuk tahun {tahun}. Impor lembar PK di atas.")
    st.stop()
pj.editor(found, tahun)
pj.download(found, tahun)
