"""Evaluasi & Verifikasi: the flags the checks raise on the stored data, a decision on each,
then verification per bidang and round (SOP step 6)."""

import streamlit as st

from kinerja import ui
from kinerja.ui import evaluasi as ev
from kinerja.ui import state
from kinerja.ui.data import capaian_settings

st.title("Evaluasi dan Verifikasi")
ui.require_page("evaluasi.py")
ui.require_database()
notice = state.pop_notice()
if notice:
    (st.success if notice[0] == "success" else st.error)(ui.escape(notice[1]))

recs = ev.records()
if recs.empty:
    st.info("Belum ada data tersimpan untuk dievaluasi. Unggah lembar bidang di Unggah Data.")
    st.stop()
found = ev.flags()
pilihan = ev.filters(found, recs)
ev.threshold_form()

st.subheader("Tanda evaluasi")
ev.metrics(ev.chosen(found, ev.Pilihan(pilihan.tahun, pilihan.bidang, pilihan.periode, ())))
shown = ev.chosen(found, pilihan)
ev.per_check(shown)
ev.flag_groups(shown, recs, capaian_settings())

st.subheader("Verifikasi per bidang dan putaran")
table = ev.slots(recs, found, ev.verification_status(), pilihan)
ev.slots_table(table)
ev.verification_form(table)
