"""The LKjIP export screen (SOP step 7): choose, see what is verified, build, download."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from kinerja import schema
from kinerja.lkjip import dokumen, sumber, workbook
from kinerja.ui import state
from kinerja.ui.data import store
from kinerja.ui.guards import guarded
from kinerja.ui.markup import escape

SETAHUN = "Setahun penuh"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass(frozen=True)
class Pilihan:
    """What to export: tahun, up to periode (None: the whole year), draft or verified only."""

    tahun: int
    periode: str | None
    draft: bool


@dataclass(frozen=True)
class Hasil:
    """The files built on this tab, and what building them recorded."""

    pilihan: Pilihan
    xlsx: tuple[str, bytes]
    docx: tuple[str, bytes]
    indikator: int
    rekaman: int
    pesan: str


@guarded
def years() -> list[int]:
    """Years with records, newest first."""
    recs = store().records()
    return sorted({int(y) for y in recs["tahun"].dropna()}, reverse=True)


def filters(tahun_list: list[int]) -> Pilihan:
    c1, c2, c3 = st.columns([1, 1, 1])
    tahun = c1.selectbox("Tahun", tahun_list, key=f"{state.EKSPOR}_tahun")
    periode = c2.selectbox(
        "Sampai dengan", [SETAHUN, *schema.PERIODE], key=f"{state.EKSPOR}_periode"
    )
    draft = c3.toggle(
        "Draf (semua data, juga yang belum terverifikasi)",
        key=f"{state.EKSPOR}_draft",
        help="Setiap lembar dan dokumen ditandai DRAFT; tidak dicatat sebagai langkah 7.",
    )
    return Pilihan(int(tahun), None if periode == SETAHUN else periode, bool(draft))


@guarded
def verified_table(p: Pilihan) -> pd.DataFrame:
    """Records and verified records per bidang, with Indonesian labels."""
    per = sumber.per_bidang(store(), tahun=p.tahun, periode=p.periode)
    return per.rename(
        columns={
            "bidang": "Bidang",
            "rekaman": "Data",
            "terverifikasi": "Terverifikasi",
            "putaran": "Putaran terverifikasi",
        }
    )


def nothing_verified(tabel: pd.DataFrame, p: Pilihan) -> bool:
    """True when a verified export of this choice would be refused (no verified record)."""
    return not p.draft and (tabel.empty or int(tabel["Terverifikasi"].sum()) == 0)


@guarded
def build(p: Pilihan) -> None:
    """Build both files from the store (the same sequence as `kinerja export`), record step 7
    on the round when the data is verified, and keep the files for the download buttons; a
    refusal (nothing verified) is shown after the rerun."""
    s = store()
    laporan = sumber.muat(s, tahun=p.tahun, periode=p.periode, draft=p.draft)
    alasan = sumber.alasan_tolak(laporan)
    if alasan:
        st.session_state.pop(state.EKSPOR_HASIL, None)
        state.remember_notice("error", alasan)
        return
    xlsx = (sumber.nama_file(laporan, "xlsx"), workbook.to_xlsx(laporan))
    docx = (sumber.nama_file(laporan, "docx"), dokumen.to_docx(laporan))
    langkah = sumber.catat(s, laporan, user=state.user(), berkas=f"{xlsx[0]}, {docx[0]}")
    st.session_state[state.EKSPOR_HASIL] = Hasil(
        p, xlsx, docx, len(laporan.pengukuran), len(laporan.data), langkah.pesan
    )


def downloads(p: Pilihan) -> None:
    """The two download buttons of the files built for this choice."""
    hasil = st.session_state.get(state.EKSPOR_HASIL)
    if not isinstance(hasil, Hasil) or hasil.pilihan != p:
        return
    jenis = "draf" if p.draft else "data terverifikasi"
    st.success(
        escape(f"Tersusun: {hasil.indikator} indikator, {hasil.rekaman} {jenis}. {hasil.pesan}")
    )
    c1, c2 = st.columns(2)
    c1.download_button(
        "Unduh buku kerja LKjIP (.xlsx)",
        data=hasil.xlsx[1],
        file_name=hasil.xlsx[0],
        mime=XLSX_MIME,
        key=f"{state.EKSPOR}_unduh_xlsx",
        icon=":material/table_view:",
    )
    c2.download_button(
        "Unduh draf Bab III (.docx)",
        data=hasil.docx[1],
        file_name=hasil.docx[0],
        mime=DOCX_MIME,
        key=f"{state.EKSPOR}_unduh_docx",
        icon=":material/description:",
    )
