"""Unggah Data Kinerja: upload the bidang sheets, see each file's report, merge, store."""

import streamlit as st

from kinerja import ingest, ui
from kinerja.ui import akun, data

st.title("Unggah Data Kinerja")
ui.require_page("unggah.py")
st.caption(
    "Unggah lembar isian dari tiap bidang. Setiap file diperiksa; kesalahan ditunjukkan "
    "dengan baris dan kolomnya."
)
ui.require_database()

defaults = ui.context_form()
uploads = ui.upload_files()
if not uploads:
    st.info("Belum ada file. Pilih satu atau beberapa file sekaligus.")
    ui.show_saved()
    st.stop()

results = [ui.read_upload(upload, defaults) for upload in uploads]

st.subheader("Hasil pemeriksaan")
for i, (upload, result) in enumerate(zip(uploads, results, strict=True)):
    slots = data.upload_slots(upload, defaults)
    ui.show_result(result, slots, upload, i)
    akun.warn_outside_bidang(slots)

merged, clashes = ingest.merge(results)
valid = sum(r.valid for r in results)
st.subheader(f"Gabungan {valid} dari {len(results)} file valid")
ui.show_clashes(clashes)
if not merged.empty:
    ui.records_table(merged)
    ui.download_merged(merged)

st.subheader("Simpan")
ui.user_name()
if ui.save_button(uploads, defaults, blocked=bool(clashes)):
    ui.save(uploads, defaults)
    st.rerun()
ui.show_saved()
