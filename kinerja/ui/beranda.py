"""Beranda's pieces: the round shown, its seven steps against their mutu baku, recording a step
by hand, opening a round or moving its deadline, and the year's completeness matrix."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from kinerja import putaran, putaran_store, schema
from kinerja.angka import format_persen
from kinerja.store import StoreError
from kinerja.ui import state
from kinerja.ui.akun import may_open
from kinerja.ui.data import only_visible, settings, store
from kinerja.ui.guards import guarded
from kinerja.ui.markup import escape
from kinerja.ui.widgets import user_name

_WARNA = {
    "belum_masuk": "gray",
    "ditolak": "orange",
    "diterima": "green",
    "terlambat": "red",
    "diverifikasi": "blue",
}


def _label(r: tuple[int, str]) -> str:
    return f"{r[1]} {r[0]}"


@guarded
def choose_round() -> tuple[int, str] | None:
    """The round to show: the one running (opened last) unless another is chosen; None when
    the agency has no round yet."""
    s = store()
    rounds = putaran_store.round_list(s)
    if not rounds:
        return None
    baru = state.pop_round_next()
    if baru is not None and baru in rounds:
        st.session_state[state.BERANDA_PUTARAN] = baru
    elif st.session_state.get(state.BERANDA_PUTARAN) not in rounds:
        st.session_state[state.BERANDA_PUTARAN] = putaran_store.current_round(s) or rounds[0]
    choice = st.columns(3)[0].selectbox(
        "Putaran",
        rounds,
        format_func=_label,
        key=state.BERANDA_PUTARAN,
        help="Bawaan: putaran yang terakhir dibuka.",
    )
    return (int(choice[0]), str(choice[1])) if choice else rounds[0]


@guarded
def round_state(tahun: int, periode: str) -> putaran.Keadaan:
    return putaran_store.read_round(store(), tahun, periode)


def notice() -> None:
    """The outcome of the last action on this page, once."""
    found = state.pop_notice()
    if found:
        kind, text = found
        (st.success if kind == "success" else st.error)(escape(text))


def header(k: putaran.Keadaan) -> None:
    """Putaran TW IV 2023, its deadline with the days left or past, and the step now open."""
    st.subheader(f"Putaran {k.periode} {k.tahun}")
    tenggat = putaran.teks_tenggat(k)
    late = k.sisa_hari is not None and k.sisa_hari < 0 and bool(k.belum_masuk)
    tenggat = tenggat[:1].upper() + tenggat[1:]
    line = f":red[{tenggat}]" if late else tenggat
    buka = k.terbuka
    if buka is None:
        line += " · Semua langkah selesai."
    else:
        t = buka.tahap
        line += f" · Langkah sekarang: **{t.nomor}. {escape(t.nama)}**"
        if buka.keterangan:
            line += f" ({escape(buka.keterangan)})"
        if buka.terlambat:
            line += " :red[melewati mutu baku]"
    st.markdown(line)
    if k.belum_masuk:
        st.caption("Belum masuk: " + escape(", ".join(k.belum_masuk)))


def _status(s: putaran.Langkah) -> str:
    label = putaran.STATUS_LANGKAH[s.status]
    return f"{label}, terlambat" if s.terlambat else label


def steps_frame(k: putaran.Keadaan) -> pd.DataFrame:
    """The seven steps as Beranda's table shows them."""
    rows = []
    for s in k.langkah:
        t = s.tahap
        rows.append(
            {
                "No": t.nomor,
                "Langkah": t.nama,
                "Status": _status(s),
                "Lama": putaran.teks_durasi(s.durasi) if s.durasi is not None else "",
                "Mutu Baku": putaran.teks_durasi(t.mutu_baku),
                "Waktu": putaran.teks_waktu(s.waktu) if s.waktu else "",
                "Oleh": s.oleh or "",
                "Pelaksana": t.pelaksana,
                "Keterangan": "; ".join(x for x in (s.keterangan, s.catatan) if x),
            }
        )
    return pd.DataFrame(rows)


def _warnai(row: pd.Series) -> list[str]:
    status = str(row["Status"])
    color = (
        "background-color: #fde2e1"
        if "terlambat" in status
        else "background-color: #fff4ce"
        if status.startswith("Sedang")
        else ""
    )
    return [color] * len(row)


def steps_table(k: putaran.Keadaan) -> None:
    frame = steps_frame(k)
    col = st.column_config.TextColumn
    st.dataframe(
        frame.style.apply(_warnai, axis=1),
        hide_index=True,
        width="stretch",
        column_config={
            "No": st.column_config.NumberColumn(width=40),
            "Langkah": col(width=250),
            "Status": col(width=140),
            "Lama": col(width=110),
            "Mutu Baku": col(width=105),
            "Waktu": col(width=160),
        },
    )
    st.caption(
        "Lama: sejak langkah sebelumnya selesai (langkah 4 dan 5 sejak format dikirim). "
        "Langkah 4 dan 5 selesai saat semua bidang mengirim data yang diterima, langkah 6 saat "
        "semua bidang terverifikasi; setiap langkah juga dapat dicatat dengan tangan."
    )


def record_step_form(k: putaran.Keadaan) -> None:
    """Record a step by hand (what happened outside the app), with a note."""
    nomor_buka = k.terbuka.tahap.nomor if k.terbuka else 7
    with st.expander("Catat langkah secara manual"), st.form(f"{state.BERANDA}_catat"):
        nomor = st.selectbox(
            "Langkah",
            [t.nomor for t in putaran.TAHAP],
            index=nomor_buka - 1,
            format_func=lambda n: f"{n}. {putaran.BY_NOMOR[n].nama}",
            key=f"{state.BERANDA}_langkah",
        )
        catatan = st.text_area(
            "Catatan",
            key=f"{state.BERANDA}_catatan",
            placeholder="Mis. disposisi surat nomor 005/123; format diserahkan langsung.",
        )
        if st.form_submit_button("Catat langkah"):
            _record(k, int(nomor), catatan, state.user())


@guarded
def _record(k: putaran.Keadaan, nomor: int, catatan: str, user: str) -> None:
    try:
        t = putaran_store.catat(
            store(), k.tahun, k.periode, nomor, user=user or state.DEFAULT_USER, catatan=catatan
        )
    except StoreError as exc:
        state.remember_notice("error", str(exc))
    else:
        state.remember_notice(
            "success", f"Langkah {t.nomor} ({t.nama}) putaran {k.periode} {k.tahun} dicatat."
        )
    st.rerun()


def deadline_form(k: putaran.Keadaan) -> None:
    """Move the round's deadline."""
    default = k.tenggat or putaran.tenggat_bawaan(k.tahun, k.periode, settings())
    with st.expander("Ubah tenggat"), st.form(f"{state.BERANDA}_tenggat"):
        baru = st.date_input(
            "Tenggat kiriman bidang", value=default, format="DD/MM/YYYY",
            key=f"{state.BERANDA}_tenggat_baru",
        )  # fmt: skip
        if st.form_submit_button("Simpan tenggat") and isinstance(baru, dt.date):
            _set_deadline(k, baru)


@guarded
def _set_deadline(k: putaran.Keadaan, tenggat: dt.date) -> None:
    putaran_store.ubah_tenggat(store(), k.tahun, k.periode, tenggat, user=state.user())
    state.remember_notice(
        "success", f"Tenggat putaran {k.periode} {k.tahun}: {putaran.teks_tanggal(tenggat)}."
    )
    st.rerun()


def _next_round(current: tuple[int, str] | None) -> tuple[int, str]:
    if current is None:
        today = dt.date.today()
        return today.year, schema.TRIWULAN[(today.month - 1) // 3]
    tahun, periode = current
    if periode in schema.TRIWULAN[:3]:
        return tahun, schema.TRIWULAN[schema.TRIWULAN.index(periode) + 1]
    return tahun + 1, schema.TRIWULAN[0]


_TAUTAN = [
    ("unggah.py", "Unggah lembar isian bidang", ":material/upload_file:"),
    ("riwayat.py", "Riwayat kiriman dan data tersimpan", ":material/history:"),
    ("evaluasi.py", "Evaluasi dan verifikasi (langkah 6)", ":material/fact_check:"),
    ("tanda.py", "Tanda evaluasi bidang Anda", ":material/flag:"),
]


def page_links() -> None:
    """Links to the pages of the SOP's steps that the account may open (a link to a page
    left out of its menu would fail)."""
    for halaman, label, icon in _TAUTAN:
        if halaman == "tanda.py" and may_open("evaluasi.py"):
            continue  # who may open Evaluasi answers flags there
        if may_open(halaman):
            st.page_link(f"views/{halaman}", label=label, icon=icon)


def who() -> None:
    """The name the page's actions are recorded under (the same field as the upload page)."""
    user_name()


def open_round_form(current: tuple[int, str] | None) -> None:
    """Open a new round: its disposisi (step 1) and its deadline."""
    tahun0, periode0 = _next_round(current)
    with st.expander("Buka putaran baru", expanded=current is None):
        c1, c2, c3 = st.columns(3)
        tahun = c1.number_input(
            "Tahun", min_value=2000, max_value=2100, value=tahun0, step=1,
            key=f"{state.BERANDA}_buka_tahun",
        )  # fmt: skip
        periode = c2.selectbox(
            "Periode", schema.PERIODE, index=schema.PERIODE.index(periode0),
            key=f"{state.BERANDA}_buka_periode",
        )  # fmt: skip
        bawaan = putaran.tenggat_bawaan(int(tahun), str(periode), settings())
        tenggat = c3.date_input(
            "Tenggat", value=None, format="DD/MM/YYYY", key=f"{state.BERANDA}_buka_tenggat",
            help=f"Kosongkan untuk tenggat bawaan: {putaran.teks_tanggal(bawaan)}.",
        )  # fmt: skip
        catatan = st.text_input(
            "Catatan disposisi", key=f"{state.BERANDA}_buka_catatan",
            placeholder="Mis. nomor surat disposisi Kepala Dinas",
        )  # fmt: skip
        st.caption(
            "Membuka putaran mencatat langkah 1 (disposisi) atas nama pengguna di atas. "
            f"Tenggat bawaan {putaran.teks_tanggal(bawaan)}."
        )
        if st.button("Buka putaran", type="primary", key=f"{state.BERANDA}_buka"):
            chosen = tenggat if isinstance(tenggat, dt.date) else None
            _open(int(tahun), str(periode), chosen, catatan, state.user())


@guarded
def _open(tahun: int, periode: str, tenggat: dt.date | None, catatan: str, user: str) -> None:
    try:
        t = putaran_store.buka(
            store(), tahun, periode, user=user or state.DEFAULT_USER, tenggat=tenggat,
            catatan=catatan.strip() or None,
        )  # fmt: skip
    except StoreError as exc:
        state.remember_notice("error", str(exc))
    else:
        state.show_round_next(tahun, periode)
        state.remember_notice(
            "success", f"Putaran {periode} {tahun} dibuka; tenggat {putaran.teks_tanggal(t)}."
        )
    st.rerun()


# --- completeness ---------------------------------------------------------------------------


@guarded
def kelengkapan(tahun: int) -> pd.DataFrame:
    return putaran_store.read_kelengkapan(store(), tahun)


def history_link(bidang: str, tahun: int, periode: str) -> str:
    """The address of the history of one bidang in one round (Riwayat reads these)."""
    return "riwayat?" + urlencode({"bidang": bidang, "tahun": tahun, "periode": periode})


def matrix_markdown(matrix: pd.DataFrame, tahun: int) -> str:
    """The matrix as a Markdown table: a row per bidang, a column per round, each cell its
    state linking to that bidang's history in that round."""
    rounds = list(dict.fromkeys(matrix["periode"]))
    lines = [
        "| Bidang | " + " | ".join(rounds) + " |",
        "|---|" + "---|" * len(rounds),
    ]
    for bidang, g in matrix.groupby("bidang", sort=False):
        by = dict(zip(g["periode"], g["status"], strict=True))
        cells = []
        for p in rounds:
            st_ = by.get(p, "belum_masuk")
            text = f":{_WARNA[st_]}[{putaran.STATUS_KELENGKAPAN[st_]}]"
            cells.append(f"[{text}]({history_link(str(bidang), tahun, p)})")
        lines.append(f"| {escape(bidang)} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def completeness(tahun: int) -> None:
    """The year's matrix bidang x periode with the count of each state."""
    matrix = only_visible(kelengkapan(tahun))  # a bidang's account: its own row
    st.subheader(f"Kelengkapan kiriman {tahun}")
    if matrix.empty:
        st.info("Belum ada bidang di pengaturan instansi.")
        return
    st.markdown(matrix_markdown(matrix, tahun))
    counts = putaran.ringkas_kelengkapan(matrix)
    masuk = (
        counts["diterima"]
        + counts["diverifikasi"]
        + int(((matrix["status"] == "terlambat") & matrix["waktu"].notna()).sum())
    )
    st.caption(
        " · ".join(f"{putaran.STATUS_KELENGKAPAN[k]}: {n}" for k, n in counts.items())
        + f" · Masuk {masuk} dari {len(matrix)} ({format_persen(100 * masuk / len(matrix), 0)})."
        + " Terlambat: masuk (atau belum masuk) setelah tenggat putarannya. Pilih sel untuk "
        "melihat riwayat kirimannya."
    )
