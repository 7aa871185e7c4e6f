"""Format Data Kinerja: the collection format of a round, one .xlsx per bidang from the PK
(SOP steps 2 and 3)."""

import streamlit as st

from kinerja import ui
from kinerja.ui import format as fm

st.title("Format Data Kinerja")
ui.require_page("format.py")
ui.require_database()
version, years, settings = fm.inputs()
if not years:
    st.info(
        "Belum ada Perjanjian Kinerja (PK). Impor PK tahun ini di halaman Perjanjian Kinerja "
        "(/perjanjian-kinerja) atau dengan `kinerja pk import FILE --tahun TAHUN`; format "
        "dibuat dari indikator dan target PK."
    )
    st.stop()

tahun, periode = fm.choose(years)
fm.notice()
dibuat = fm.build(version, settings, tahun, periode)
if not dibuat.formats:
    st.info(
        f"PK {tahun} tidak memiliki indikator dengan target untuk {periode}. Pilih periode "
        "lain, atau lengkapi target Rencana Aksi di halaman Perjanjian Kinerja."
    )
    st.stop()
fm.show(dibuat)
