"""Verdicts and counts: a file's result card, the merge's clashes, the saves, a stored
submission's summary, Beranda's metrics, and the page for an unknown address. Every piece of
user text in them goes through markup.escape."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from urllib.parse import unquote, urlparse

import pandas as pd
import streamlit as st
from streamlit.navigation.page import StreamlitPage

from kinerja import ingest, kirim
from kinerja.angka import format_angka
from kinerja.ui import state
from kinerja.ui.data import Upload, ringkasan, settings
from kinerja.ui.markup import escape
from kinerja.ui.tables import STATUS_LABELS, issues_table, records_table
from kinerja.ui.widgets import download_annotated

TIDAK_DISEBUT = "tidak disebut"


def show_result(
    result: ingest.IngestResult,
    slots: pd.DataFrame | None = None,
    upload: Upload | None = None,
    position: int = 0,
) -> None:
    """One file's verdict, the bidang, tahun and periode read from it (slots, see
    kirim.file_slots), its issues (row, column, message) and a preview of its records; a
    refused upload's card offers the file back marked (its position on the page keys it)."""
    rep = result.report
    with st.container(border=True):
        if result.valid:
            st.markdown(f"**{escape(result.file)}** — :green[Valid]")
            st.caption(
                f"{len(result.records)} data dari lembar '{escape(result.sheet or '')}', "
                f"{len(rep.warnings)} peringatan"
            )
        else:
            st.markdown(f"**{escape(result.file)}** — :red[Ditolak]")
            st.caption(f"{len(rep.errors)} kesalahan, {len(rep.warnings)} peringatan")
        if slots is not None:
            st.markdown(slot_line(slots))
        if rep.errors or rep.warnings:
            issues_table(result)
        if upload is not None and not result.valid:
            download_annotated(upload, result, position)
        if result.valid and not result.records.empty:
            with st.expander("Pratinjau data", expanded=False):
                records_table(result.records)


def slot_line(slots: pd.DataFrame) -> str:
    """ "Bidang: … · Tahun: … · Periode: …" (Markdown, user text escaped)."""
    bidang, tahun, periode = kirim.slot_text(slots)
    parts = (("Bidang", bidang), ("Tahun", tahun), ("Periode", periode))
    return " · ".join(f"{k}: **{escape(v or TIDAK_DISEBUT)}**" for k, v in parts)


def submission_summary(kiriman: pd.Series) -> None:
    """One submission from the history: its file, status, labels, who and when, and the
    store's message (a refusal's first error, or what it replaced)."""
    status = str(kiriman["status"])
    warna = {"accepted": "green", "refused": "red"}.get(status, "gray")
    label = STATUS_LABELS.get(status, status)
    st.markdown(
        f"**Kiriman #{int(kiriman['id'])}: {escape(kiriman['nama_file'])}** — :{warna}[{label}]"
    )
    tahun = kiriman["tahun"]
    slots = pd.DataFrame(
        [[kiriman["bidang"], None if pd.isna(tahun) else int(tahun), kiriman["periode"]]],
        columns=kirim.SLOT_COLUMNS,
        dtype=object,
    )
    st.markdown(slot_line(slots.where(slots.notna(), None)))
    waktu = pd.to_datetime(pd.Series([kiriman["waktu"]]), utc=True).dt.tz_convert("Asia/Jakarta")
    st.caption(
        f"Diunggah oleh {escape(kiriman['pengguna'])}, "
        f"{waktu.dt.strftime('%d-%m-%Y %H:%M').iloc[0]} WIB; "
        f"{format_angka(int(kiriman['jumlah_rekaman']))} data, "
        f"{format_angka(int(kiriman['jumlah_galat']))} kesalahan, "
        f"{format_angka(int(kiriman['jumlah_peringatan']))} peringatan."
    )
    if status == "refused" and kiriman["pesan"]:
        st.error(escape(kiriman["pesan"]))
    if pd.notna(kiriman["digantikan_oleh"]):
        st.info(f"Digantikan oleh kiriman #{int(kiriman['digantikan_oleh'])}.")


def show_clashes(clashes: list[ingest.Issue]) -> None:
    """The merge's refusals (the same key in two files), each naming the files and rows."""
    for clash in clashes:
        st.error(escape(clash.message))


_SHOW = {"disimpan": st.success, "sudah_ada": st.info, "ditolak": st.error}


def show_saved() -> None:
    """The last save's outcome per file."""
    for s in state.saved():
        _SHOW.get(s.kind, st.error)(f"{escape(s.name)}: {escape(s.message)}")


def instansi_caption() -> None:
    instansi = settings()
    line = " — ".join(
        escape(v) for v in (instansi.get("nama") or "Instansi", instansi.get("kabupaten")) if v
    )
    st.caption(line)


def overview_metrics() -> None:
    """Counts from the database: submissions, current records, bidang that have sent data."""
    counts = ringkasan()
    bidang_list = list(settings().get("bidang") or [])
    c1, c2, c3 = st.columns(3)
    c1.metric("Kiriman tersimpan", format_angka(counts.kiriman))
    c2.metric("Data kinerja terkini", format_angka(counts.rekaman_kini))
    sent = counts.bidang_kini
    c3.metric("Bidang yang sudah mengirim", f"{sent} dari {len(bidang_list) or sent}")


# --- the page for an unknown address ---------------------------------------------------------
#
# Streamlit 1.67 answers an address that names no page by running the default page under an
# English "Page not found" dialog (st.navigation sends page_not_found when no page matches).
# It offers no page for unknown addresses, so app.py adds one, hidden from the menu, whose
# url_path is the very address asked for: Streamlit then finds a page and sends no dialog.
# A nested address (/a/b) never reaches the app: Streamlit's own frontend does not load there.

NOT_FOUND_TITLE = "Halaman tidak ditemukan"


def requested_path(url: str | None, base_url_path: str = "") -> str:
    """The page part of the browser's address (st.context.url): the path after
    server.baseUrlPath, without slashes at either end ("" for the app's root or no URL)."""
    path = unquote(urlparse(url or "").path).strip("/")
    base = base_url_path.strip("/")
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base) :].strip("/")
    return path


def unknown_path(known: Iterable[str]) -> str | None:
    """The address asked for when it names none of the known url_paths and a hidden page can
    take it (one path segment); else None."""
    path = requested_path(st.context.url, str(st.get_option("server.baseUrlPath") or ""))
    if not path or "/" in path or path in set(known):
        return None
    return path


def not_found_page(path: str, home: StreamlitPage) -> Callable[[], None]:
    """The page app.py registers for the unknown address ``path``; it links to ``home``."""

    def halaman_tidak_ditemukan() -> None:
        page_not_found(path, home)

    return halaman_tidak_ditemukan


def page_not_found(path: str, home: StreamlitPage) -> None:
    """The Indonesian page for an address the app does not have, with the way back."""
    st.title(NOT_FOUND_TITLE)
    st.warning(
        f"Alamat /{escape(path)} tidak ada di aplikasi ini. Periksa tautannya, atau pilih "
        "halaman di menu samping.",
        icon=":material/link_off:",
    )
    st.page_link(home, label=f"Kembali ke {escape(home.title)}", icon=":material/home:")
