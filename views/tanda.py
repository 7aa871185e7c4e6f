"""Tanda Evaluasi Bidang: the open flags on a bidang's own data, each answered with a note
(for the bidang's people, who do not open Evaluasi & Verifikasi)."""

import streamlit as st

from kinerja import ui
from kinerja.ui import state
from kinerja.ui import tanda as td

st.title("Tanda Evaluasi Bidang")
ui.require_page("tanda.py")
ui.require_database()
st.caption(
    "Tanda yang diberikan pemeriksaan data pada data bidang Anda. Jawab dengan penjelasan; "
    "jawaban disimpan sebagai catatan pada data itu dan dibaca pemeriksa di Evaluasi."
)
notice = state.pop_notice()
if notice:
    (st.success if notice[0] == "success" else st.error)(ui.escape(notice[1]))

found = td.open_flags()
if found.empty:
    st.success("Tidak ada tanda terbuka pada data bidang Anda.")
    st.stop()
st.markdown(f"**{len(found)} tanda menunggu jawaban**")
for flag in found.to_dict("records"):
    td.flag_card(flag)
