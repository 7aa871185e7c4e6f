"""Unggah Data Kinerja: upload the bidang sheets, see each file's report, merge, store."""

import streamlit as st

from kinerja import ingest, ui

st.title("Unggah Data Kinerja")
st.caption(
    "Unggah lembar isian dari tiap bidang (.xlsx, .xlsm, .xls, .ods; maks. 20 MB per file). "
    "Setiap file diperiksa; kesalahan ditunjukkan dengan baris dan kolomnya."
)

defaults = ui.context_form()
files = st.file_uploader(
    "Unggah lembar data kinerja",
    type=ui.ACCEPTED_TYPES,
    accept_multiple_files=True,
    key="unggahan",
)
if not files:
    st.info("Belum ada file. Pilih satu atau beberapa file sekaligus.")
    ui.show_saved()
    st.stop()

uploads = [(f.name, f.getvalue()) for f in files]
results = [ui.read_upload(name, data, defaults) for name, data in uploads]

st.subheader("Hasil pemeriksaan")
for result in results:
    ui.show_result(result)

merged, clashes = ingest.merge(results)
valid = sum(r.valid for r in results)
st.subheader(f"Gabungan {valid} dari {len(results)} file valid")
for clash in clashes:
    st.error(clash.message)
if not merged.empty:
    ui.records_table(merged)
    ui.download_merged(merged)

st.subheader("Simpan")
ui.user_name()
saved = ui.all_saved(uploads)
if st.button("Simpan ke basis data", type="primary", disabled=bool(clashes) or saved):
    ui.save_results(uploads, results, defaults)
    st.rerun()
if saved:
    st.caption("File ini sudah disimpan. Unggah file baru untuk menyimpan lagi.")
ui.show_saved()
