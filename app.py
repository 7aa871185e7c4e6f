"""Kinerja: the router. Each screen lives in views/; the domain in kinerja/."""

import streamlit as st

from kinerja.ui import navigasi

st.set_page_config(page_title="Kinerja", page_icon=":bar_chart:", layout="wide")

PAGES = [
    # url_path "": the default page is served at "/" only, and so reserves no other address
    # (else /beranda could not get the page for unknown addresses below).
    st.Page("views/beranda.py", title="Beranda", icon=":material/home:", default=True, url_path=""),
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
    st.Page(
        "views/analisis.py",
        title="Analisis Kinerja",
        icon=":material/monitoring:",
        url_path="analisis",
    ),
    st.Page(
        "views/evaluasi.py",
        title="Evaluasi & Verifikasi",
        icon=":material/fact_check:",
        url_path="evaluasi",
    ),
    st.Page(
        "views/format.py",
        title="Format Data Kinerja",
        icon=":material/table_view:",
        url_path="format",
    ),
    st.Page(
        "views/perjanjian_kinerja.py",
        title="Perjanjian Kinerja",
        icon=":material/handshake:",
        url_path="perjanjian-kinerja",
    ),
    st.Page(
        "views/pengaturan.py",
        title="Pengaturan",
        icon=":material/settings:",
        url_path="pengaturan",
    ),
    st.Page(
        "views/ekspor.py",
        title="Ekspor LKjIP",
        icon=":material/download:",
        url_path="ekspor",
    ),
    st.Page(
        "views/tanda.py",
        title="Tanda Evaluasi Bidang",
        icon=":material/flag:",
        url_path="tanda",
    ),
]

# The pages of the account signed in (all of them when the database holds no account), the
# login page before signing in, and Indonesian pages for an address that is unknown or not
# this role's (see navigasi).
st.navigation(navigasi.pages_for(PAGES)).run()
