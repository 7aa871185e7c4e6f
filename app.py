"""Kinerja: the router. Each screen lives in views/; the domain in kinerja/."""

import streamlit as st

st.set_page_config(page_title="Kinerja", page_icon=":bar_chart:", layout="wide")

PAGES = [
    st.Page("views/beranda.py", title="Beranda", icon=":material/home:", default=True),
    st.Page(
        "views/unggah.py",
        title="Unggah Data",
        icon=":material/upload_file:",
        url_path="unggah",
    ),
    st.Page(
        "views/riwayat.py",
        title="Riwayat & Data Tersimpan",
        icon=":material/history:",
        url_path="riwayat",
    ),
]

st.navigation(PAGES).run()
