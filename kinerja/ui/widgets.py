"""The screens' inputs: the upload form, the filters, the uploader, the save and download
buttons. Each widget's key comes from state."""

from __future__ import annotations

from typing import Literal

import pandas as pd
import streamlit as st

from kinerja import anotasi, export, ingest, schema, workbook
from kinerja.angka import format_angka
from kinerja.ui import state
from kinerja.ui.data import Upload, settings, submission_file, visible_bidang
from kinerja.ui.markup import escape
from kinerja.ui.tables import STATUS_LABELS

ACCEPTED_TYPES = ["xlsx", "xlsm", "xls", "ods"]
_MB = 1024 * 1024  # Streamlit's upload megabyte, and the reader's
_FROM_SHEET = "(sesuai lembar)"


def _bidang_tahun_periode(
    prefix: str, blank: str, blank_tahun: str, help_bidang: str | None = None
) -> ingest.Defaults:
    """Three widgets side by side; the blank choice of each gives None. An account bound to
    its bidang gets that bidang only (no blank choice)."""
    visible = visible_bidang()
    choices = [blank, *(settings().get("bidang") or [])] if visible is None else list(visible)
    c1, c2, c3 = st.columns(3)
    bidang = c1.selectbox("Bidang", choices, key=f"{prefix}_bidang", help=help_bidang)
    tahun = c2.number_input(
        "Tahun",
        min_value=2000,
        max_value=2100,
        value=None,
        step=1,
        key=f"{prefix}_tahun",
        placeholder=blank_tahun,
    )
    periode = c3.selectbox("Periode", [blank, *schema.PERIODE], key=f"{prefix}_periode")
    return ingest.Defaults(
        bidang=None if bidang in (blank, None) else bidang,
        tahun=int(tahun) if tahun else None,
        periode=None if periode == blank else periode,
    )


def context_form() -> ingest.Defaults:
    """Bidang, tahun and periode for sheets that do not state them (the SOP's upload form)."""
    return _bidang_tahun_periode(
        state.KONTEKS, _FROM_SHEET, "sesuai lembar", "Dipakai bila lembar tidak menyebut bidangnya."
    )


def history_filters() -> ingest.Defaults:
    """Bidang, tahun and periode to filter the history by ("Semua" = no filter). The address
    sets them once (/riwayat?bidang=...&tahun=2023&periode=TW+IV: Beranda's matrix links
    there); values the page does not offer are ignored."""
    asked = {k: st.query_params.get(k) for k in ("bidang", "tahun", "periode")}
    if any(asked.values()):
        visible = visible_bidang()
        offered = list(settings().get("bidang") or []) if visible is None else visible
        if asked["bidang"] in offered:
            st.session_state[f"{state.RIWAYAT}_bidang"] = asked["bidang"]
        tahun = schema.parse_tahun(asked["tahun"]) if asked["tahun"] else None
        if tahun is not None:
            st.session_state[f"{state.RIWAYAT}_tahun"] = tahun
        periode = schema.parse_periode(asked["periode"]) if asked["periode"] else None
        if periode is not None:
            st.session_state[f"{state.RIWAYAT}_periode"] = periode
        for k in [k for k in asked if k in st.query_params]:
            del st.query_params[k]  # once: the filters are the person's from here on
    return _bidang_tahun_periode(state.RIWAYAT, "Semua", "semua")


def upload_limit_mb() -> int:
    """The largest file taken, in MB: the smaller of the server's upload limit
    (server.maxUploadSize) and the reader's (workbook.MAX_FILE_BYTES)."""
    server = int(st.get_option("server.maxUploadSize"))
    return max(1, min(server, workbook.MAX_FILE_BYTES // _MB))


def upload_rules() -> str:
    """What the uploader takes, in Indonesian (Streamlit's own uploader text is English)."""
    jenis = ", ".join(f".{t}" for t in ACCEPTED_TYPES)
    return (
        f"Jenis berkas: {jenis}. Paling besar {upload_limit_mb()} MB per berkas dan "
        f"{format_angka(workbook.MAX_ROWS)} baris per lembar; beberapa berkas boleh "
        "dipilih sekaligus."
    )


def upload_files() -> list[Upload]:
    """The uploader with its rules beside it: the files chosen, in order (none: [])."""
    limit = upload_limit_mb()
    files = st.file_uploader(
        "Unggah lembar data kinerja",
        type=ACCEPTED_TYPES,
        accept_multiple_files=True,
        key=state.UNGGAHAN,
        max_upload_size=limit,
        help=upload_rules(),
    )
    st.caption(upload_rules())
    return [Upload(f.name, f.getvalue()) for f in files or []]


def pick_submission(history: pd.DataFrame) -> pd.Series:
    """Choose one submission of the history (newest first; the newest by default)."""
    rows = {int(r["id"]): r for _, r in history.iterrows()}

    def label(kid: int) -> str:
        r = rows[kid]
        status = STATUS_LABELS.get(str(r["status"]), str(r["status"]))
        return f"#{kid} · {r['nama_file']} · {status}"

    kid = st.selectbox(
        "Lihat rincian kiriman", list(rows), format_func=label, key=state.KIRIMAN_DIPILIH
    )
    return rows[int(kid) if kid is not None else next(iter(rows))]


# A download whose file is built on click (data=callable) must not rerun the page: the rerun
# registers the button's file again under a new id and drops the old one, so a click whose
# request arrives after the rerun ended found no file and spun forever (seen under load in CI).
DEFERRED: Literal["ignore"] = "ignore"


def download_original(kiriman: pd.Series) -> None:
    """The submission's own file, as it was sent (its bytes read on click)."""
    kid = int(kiriman["id"])
    name = str(kiriman["nama_file"])
    st.download_button(
        f"Unduh berkas asli ({escape(name)})",
        data=lambda: submission_file(kid),
        file_name=name,
        mime="application/octet-stream",
        key=f"{state.UNDUH_ASLI}_{kid}",
        on_click=DEFERRED,
    )


def user_name() -> str:
    """The name actions are recorded under: the account signed in (no field then), else the
    name typed here."""
    if state.session() is not None:
        return state.user()
    return st.text_input(
        "Nama pengunggah (untuk riwayat)", key=state.PENGGUNA, value=state.DEFAULT_USER
    ).strip()


def save_button(uploads: list[Upload], defaults: ingest.Defaults, *, blocked: bool) -> bool:
    """The save button: off while files clash, and once this tab stored these very files
    with these form values (kirim would not store them again anyway)."""
    saved = state.all_saved([u.key(defaults) for u in uploads])
    clicked = st.button("Simpan ke basis data", type="primary", disabled=blocked or saved)
    if saved:
        st.caption("File ini sudah disimpan. Unggah file baru untuk menyimpan lagi.")
    return clicked


def download_merged(merged: pd.DataFrame) -> None:
    st.download_button(
        "Unduh gabungan (.xlsx)",
        data=lambda: export.to_xlsx(merged),  # built on click, not on every rerun
        file_name="data-kinerja-gabungan.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=state.UNDUH_GABUNGAN,
        on_click=DEFERRED,
    )


def download_annotated(upload: Upload, result: ingest.IngestResult, position: int) -> None:
    """A refused file back as .xlsx, its wrong cells marked, to return to the bidang (built
    on click); or why there is none (a problem with the file as a whole)."""
    if not anotasi.can_annotate(result):
        st.caption(f"Tidak ada file bertanda: {anotasi.NOT_ANNOTATED}")
        return

    def build() -> bytes:
        # None only when the file no longer opens (it did for the read): the list alone then.
        marked = anotasi.annotate(upload.data, upload.name, result)
        return marked if marked is not None else anotasi.problem_list(upload.name, result)

    st.download_button(
        "Unduh file bertanda (.xlsx)",
        data=build,
        file_name=anotasi.output_name(upload.name),
        mime=anotasi.XLSX_MIME,
        key=f"{state.UNDUH_BERTANDA}_{position}",
        on_click=DEFERRED,
        help="Salinan file ini untuk dikembalikan ke bidang: sel yang salah diberi warna dan "
        "komentar, dan lembar pertama 'Daftar Masalah' mendaftar semua masalah.",
    )
