"""Ekspor LKjIP: the verified data as the LKjIP tables (.xlsx) and a Bab III draft (.docx)."""

import streamlit as st

from kinerja import ui
from kinerja.ui import ekspor as ek
from kinerja.ui import state

st.title("Ekspor Data LKjIP")
ui.require_page("ekspor.py")
st.caption(
    "Langkah 7 SOP: data kinerja yang telah diverifikasi disusun sebagai bahan LKjIP "
    "(PermenPAN-RB 53/2014): tabel Bab III dalam satu buku kerja dan draf narasinya."
)
ui.require_database()
notice = state.pop_notice()
if notice:
    (st.success if notice[0] == "success" else st.error)(ui.escape(notice[1]))

tahun_list = ek.years()
if not tahun_list:
    st.info("Belum ada data tersimpan untuk diekspor. Unggah lembar bidang di Unggah Data.")
    st.stop()
pilihan = ek.filters(tahun_list)

st.subheader("Data terverifikasi per bidang")
tabel = ek.verified_table(pilihan)
st.dataframe(tabel, hide_index=True, width="stretch")
if ek.nothing_verified(tabel, pilihan):
    st.warning(
        "Belum ada data terverifikasi untuk pilihan ini: verifikasi di Evaluasi & Verifikasi, "
        "atau susun sebagai draf."
    )

if st.button("Susun data LKjIP", type="primary", key=f"{state.EKSPOR}_susun"):
    ek.build(pilihan)
    st.rerun()
ek.downloads(pilihan)
