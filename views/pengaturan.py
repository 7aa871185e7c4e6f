"""Pengaturan: agency, bidang, pejabat, capaian, evaluasi and tenggat; checked, audited."""

import streamlit as st

from kinerja import ui
from kinerja.ui import evaluasi as ev
from kinerja.ui import pengaturan as pg
from kinerja.ui import state

st.title("Pengaturan")
ui.require_page("pengaturan.py")
ui.require_database()
notice = state.pop_notice()
if notice:
    (st.success if notice[0] == "success" else st.error)(ui.escape(notice[1]))

pg.user_field()
peng = pg.current()
instansi, bidang, pejabat, capaian, evaluasi, tenggat = st.tabs(
    ["Instansi", "Bidang", "Pejabat", "Capaian", "Evaluasi", "Tenggat"]
)
with instansi:
    pg.instansi_form(peng)
with bidang:
    pg.bidang_form(peng)
with pejabat:
    pg.pejabat_form(peng)
with capaian:
    pg.capaian_form()
with evaluasi:
    st.caption("Ambang pemeriksaan data pada Evaluasi & Verifikasi.")
    ev.threshold_form()
with tenggat:
    pg.tenggat_form(peng)
