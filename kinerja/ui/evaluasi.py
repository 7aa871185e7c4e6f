"""The evaluation screen (SOP step 6): the flags with their records and series, the decision
on each flag, verification per bidang and round, and the thresholds. Data is cached on the
store's version, so a rerun after a filter change reads nothing again."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from kinerja import capaian, charts, evaluasi, schema
from kinerja.angka import format_angka
from kinerja.evaluate import CHECKS, EvaluasiSettings
from kinerja.store import StoreError
from kinerja.store.tanda import STATUS_TANDA
from kinerja.ui import state
from kinerja.ui.data import settings, store
from kinerja.ui.guards import guarded
from kinerja.ui.markup import escape
from kinerja.waktu import WIB

SEMUA = "Semua"
STATUS_VERIFIKASI = {
    "draft": "Belum dikirim",
    "submitted": "Dikirim, menunggu verifikasi",
    "verified": "Terverifikasi (terkunci)",
    "returned": "Dikembalikan ke bidang",
}
_IKON = {"terbuka": ":material/flag:", "diterima": ":material/check_circle:"}
_IKON_KEMBALI = ":material/undo:"


# --- data (cached on the store's version) --------------------------------------------------


@st.cache_data(show_spinner="Memeriksa data ...", max_entries=4)
def _judged(version: int, jam: str) -> pd.DataFrame:
    # jam: the hour (WIB) the flags are judged at: "late" turns on when a deadline passes.
    del version, jam
    return evaluasi.flags(store())


@st.cache_resource(show_spinner=False, max_entries=2)
def _records(version: int) -> pd.DataFrame:
    # Shared and never modified (cache_data would copy every record on every rerun).
    del version
    return store().records()


@st.cache_data(show_spinner=False, max_entries=4)
def _status(version: int) -> pd.DataFrame:
    del version
    return store().verification_status()


@guarded
def flags() -> pd.DataFrame:
    """Every flag of the agency's current data, with its decision."""
    now = dt.datetime.now(WIB)
    return _judged(store().version(), f"{now:%Y-%m-%d %H}")


@guarded
def records() -> pd.DataFrame:
    return _records(store().version())


@guarded
def verification_status() -> pd.DataFrame:
    return _status(store().version())


# --- filters ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Pilihan:
    tahun: int | None
    bidang: str | None
    periode: str | None
    status: tuple[str, ...]


def filters(found: pd.DataFrame, recs: pd.DataFrame) -> Pilihan:
    """Tahun (latest by default), bidang, periode and the statuses to show."""
    years = sorted({int(t) for t in recs["tahun"].dropna()} | {int(t) for t in found["tahun"]})
    bidang_list = list(settings().get("bidang") or [])
    bidang_list += sorted(set(recs["bidang"]) - set(bidang_list))
    c1, c2, c3, c4 = st.columns([1, 2, 1, 2])
    tahun = c1.selectbox(
        "Tahun", years[::-1] or [dt.date.today().year], key=f"{state.EVALUASI}_tahun"
    )
    bidang = c2.selectbox("Bidang", [SEMUA, *bidang_list], key=f"{state.EVALUASI}_bidang")
    periode = c3.selectbox("Periode", [SEMUA, *schema.PERIODE], key=f"{state.EVALUASI}_periode")
    status = c4.multiselect(
        "Status tanda",
        list(STATUS_TANDA),
        default=["terbuka", "dikembalikan"],
        format_func=STATUS_TANDA.__getitem__,
        key=f"{state.EVALUASI}_status",
    )
    return Pilihan(
        tahun=int(tahun) if tahun is not None else None,
        bidang=None if bidang == SEMUA else bidang,
        periode=None if periode == SEMUA else periode,
        status=tuple(status),
    )


def chosen(found: pd.DataFrame, p: Pilihan) -> pd.DataFrame:
    out = evaluasi.select(found, tahun=p.tahun, bidang=p.bidang, periode=p.periode)
    return out[out["status"].isin(p.status)] if p.status else out


# --- summary ------------------------------------------------------------------------------


def metrics(found: pd.DataFrame) -> None:
    counts = found["status"].value_counts()
    c = st.columns(4)
    c[0].metric("Tanda", format_angka(len(found)))
    for col, status in zip(c[1:], ("terbuka", "dikembalikan", "diterima"), strict=True):
        col.metric(STATUS_TANDA[status].split(" (")[0], format_angka(int(counts.get(status, 0))))


def per_check(found: pd.DataFrame) -> None:
    """How many flags of each check, in the checks' order."""
    if found.empty:
        return
    n = found.groupby("check").size()
    rows = [(CHECKS[k], int(n[k])) for k in CHECKS if k in n.index]
    st.dataframe(
        pd.DataFrame(rows, columns=["Pemeriksaan", "Jumlah tanda"]),
        hide_index=True,
        width="content",
    )


# --- verification -------------------------------------------------------------------------


def slots(
    recs: pd.DataFrame, found: pd.DataFrame, status: pd.DataFrame, p: Pilihan
) -> pd.DataFrame:
    """One row per bidang and round with data in tahun: status and flags not yet accepted."""
    keep = recs["tahun"] == p.tahun
    if p.bidang:
        keep &= recs["bidang"] == p.bidang
    if p.periode:
        keep &= recs["periode"] == p.periode
    base = (
        recs[keep]
        .groupby(["bidang", "tahun", "periode"], sort=False)
        .size()
        .rename("jumlah_data")
        .reset_index()
    )
    if base.empty:
        return base.assign(status="draft", belum_diterima=0, oleh=None, waktu=None, catatan=None)
    base = base.merge(status, on=["bidang", "tahun", "periode"], how="left")
    base["status"] = base["status"].fillna("draft")
    open_ = found[(found["status"] != "diterima") & (found["tahun"] == p.tahun)]
    n = open_.groupby(["bidang", "periode"]).size()
    base["belum_diterima"] = [
        int(n.get((b, q), 0)) for b, q in zip(base["bidang"], base["periode"], strict=True)
    ]
    order = base["periode"].map({q: i for i, q in enumerate(schema.PERIODE)})
    return base.assign(_o=order).sort_values(["bidang", "_o"]).drop(columns="_o")


def slots_table(table: pd.DataFrame) -> None:
    if table.empty:
        st.info("Belum ada data bidang untuk pilihan ini.")
        return
    shown = pd.DataFrame(
        {
            "Bidang": table["bidang"],
            "Periode": table["periode"],
            "Jumlah data": [format_angka(v) for v in table["jumlah_data"]],
            "Status": table["status"].map(STATUS_VERIFIKASI),
            "Tanda belum diterima": [format_angka(v) for v in table["belum_diterima"]],
            "Oleh": table["oleh"].fillna(""),
            "Waktu (WIB)": [_wib(w) for w in table["waktu"]],
            "Catatan": table["catatan"].fillna(""),
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")


def _wib(w: object) -> str:
    if not isinstance(w, dt.datetime) or pd.isna(w):  # pd.NaT is a datetime too
        return ""
    return f"{w.astimezone(WIB):%d-%m-%Y %H:%M}"


_AKSI = {
    "verify": "Verifikasi (kunci data)",
    "return": "Kembalikan ke bidang (bidang mengirim file baru)",
    "unverify": "Buka verifikasi (wajib alasan)",
}


def verification_form(table: pd.DataFrame) -> None:
    """Verify, return or unverify one bidang's round; the refusal reason is shown as is."""
    if table.empty:
        return
    options = [
        f"{b} · {q} {t}"
        for b, q, t in zip(table["bidang"], table["periode"], table["tahun"], strict=True)
    ]
    with st.form(f"{state.EVALUASI}_verifikasi", border=True):
        st.markdown("**Verifikasi per bidang dan putaran**")
        c1, c2 = st.columns([3, 2])
        which = c1.selectbox(
            "Bidang dan putaran",
            range(len(options)),
            format_func=options.__getitem__,
            key=f"{state.EVALUASI}_slot",
        )
        aksi = c2.radio(
            "Tindakan", list(_AKSI), format_func=_AKSI.__getitem__, key=f"{state.EVALUASI}_aksi"
        )
        catatan = st.text_area("Catatan / alasan", height=80, key=f"{state.EVALUASI}_alasan")
        sent = st.form_submit_button("Jalankan", type="primary")
    if not sent:
        return
    row = table.iloc[int(which)]
    bidang, tahun, periode = str(row["bidang"]), int(row["tahun"]), str(row["periode"])
    s = store()
    try:
        if aksi == "verify":
            evaluasi.verify(s, bidang, tahun, periode, user=state.user(), note=catatan or None)
            done = f"Data {bidang} {periode} {tahun} terverifikasi dan terkunci."
        elif aksi == "return":
            s.return_(bidang, tahun, periode, user=state.user(), note=catatan)
            done = f"Data {bidang} {periode} {tahun} dikembalikan ke bidang."
        else:
            s.unverify(bidang, tahun, periode, user=state.user(), reason=catatan)
            done = f"Verifikasi data {bidang} {periode} {tahun} dibuka lagi."
    except StoreError as exc:
        state.remember_notice("error", str(exc))
    else:
        state.remember_notice("success", done)
    st.rerun()


# --- the flags, grouped by bidang and round -----------------------------------------------


def _group_label(key: tuple[Any, ...], g: pd.DataFrame) -> str:
    bidang, tahun, periode = key
    when = f"{periode} {tahun}" if isinstance(periode, str) else f"sepanjang {tahun}"
    terbuka = int((g["status"] != "diterima").sum())
    return f"{bidang} · {when} · {len(g)} tanda ({terbuka} belum diterima)"


def flag_groups(found: pd.DataFrame, recs: pd.DataFrame, settings_: capaian.Settings) -> None:
    """Choose a bidang + round; its flags each with record, explanation, series and decision."""
    if found.empty:
        st.success("Tidak ada tanda untuk pilihan ini.")
        return
    keyed = found.assign(_p=found["periode"].fillna(""))
    groups = {k: g for k, g in keyed.groupby(["bidang", "tahun", "_p"], sort=False)}
    by_label = {_group_label((k[0], k[1], k[2] or None), g): k for k, g in groups.items()}
    label = st.selectbox("Bidang dan putaran", list(by_label), key=f"{state.EVALUASI}_kelompok")
    which = by_label[label]
    for flag in groups[which].to_dict("records"):
        flag_card(flag, recs, settings_)


def flag_card(flag: Mapping[Any, Any], recs: pd.DataFrame, settings_: capaian.Settings) -> None:
    status = str(flag["status"])
    with st.container(border=True, key=f"{state.EVALUASI}_kartu_{flag['id']}"):
        icon = _IKON.get(status, _IKON_KEMBALI)
        st.markdown(
            f"{icon} **{escape(CHECKS.get(str(flag['check']), flag['check']))}** · "
            f"{escape(flag['indikator'])}  \n"
            f"<small>Tanda `{flag['id']}` · {escape(STATUS_TANDA[status])}</small>",
            unsafe_allow_html=True,
        )
        st.markdown(escape(flag["message"]))
        if isinstance(flag.get("catatan"), str) and flag["catatan"]:
            st.caption(f"Catatan {escape(flag['oleh'])}: {escape(flag['catatan'])}")
        left, right = st.columns([2, 3])
        with left:
            record_lines(flag, recs, settings_)
        with right:
            series = _series(flag, recs)
            if not series.empty:
                st.plotly_chart(
                    charts.seri_indikator(series, flag.get("rekaman_id")),
                    width="stretch",
                    config={"displayModeBar": False},
                    key=f"{state.EVALUASI}_grafik_{flag['id']}",
                )
        decision(flag)


def _series(flag: Mapping[Any, Any], recs: pd.DataFrame) -> pd.DataFrame:
    same = (recs["bidang"] == flag["bidang"]) & (recs["indikator"] == flag["indikator"])
    return recs[same]


def record_lines(flag: Mapping[Any, Any], recs: pd.DataFrame, settings_: capaian.Settings) -> None:
    rid = flag.get("rekaman_id")
    rec = recs[recs["id"] == rid] if isinstance(rid, int | float) and rid == rid else recs.iloc[0:0]
    if rec.empty:
        st.caption("Tidak ada data untuk indikator ini pada periode tersebut.")
        return
    r = rec.iloc[0]
    shown = capaian.tampil(rec, settings_).iloc[0]
    lines = [
        f"Sasaran: {escape(r['sasaran'] or '–')}",
        f"Satuan: {escape(r['satuan'] or '–')} · arah {escape(r['arah'])}",
        f"Target: **{format_angka(r['target'])}**",
        f"Realisasi: **{format_angka(r['realisasi'])}**",
        f"Capaian: **{format_angka(shown, desimal=2)}** {escape(r['predikat'] or '')}",
    ]
    if isinstance(r["keterangan"], str) and r["keterangan"].strip():
        lines.append(f"Keterangan: {escape(r['keterangan'])}")
    st.markdown("  \n".join(lines))


def decision(flag: Mapping[Any, Any]) -> None:
    """A note and two buttons: accept (the value is right) or send back to the bidang."""
    key = f"{state.EVALUASI}_tanda_{flag['id']}"
    c1, c2, c3 = st.columns([4, 1, 1], vertical_alignment="bottom")
    note = c1.text_input("Catatan keputusan", key=f"{key}_catatan", placeholder="wajib diisi")
    accept = c2.button("Terima", key=f"{key}_terima", icon=":material/check:")
    send_back = c3.button("Kembalikan", key=f"{key}_kembalikan", icon=":material/undo:")
    if not (accept or send_back):
        return
    status = "diterima" if accept else "dikembalikan"
    try:
        evaluasi.decide(store(), str(flag["id"]), status=status, catatan=note, user=state.user())
    except StoreError as exc:
        state.remember_notice("error", str(exc))
    else:
        kata = "diterima" if accept else "dikembalikan ke bidang"
        state.remember_notice("success", f"Tanda {flag['id']} {kata}.")
    st.rerun()


# --- thresholds ---------------------------------------------------------------------------


def threshold_form() -> None:
    """The agency's thresholds, changed in a form (audited as a settings change)."""
    current = evaluasi.settings(store())
    with (
        st.expander("Ambang pemeriksaan", icon=":material/tune:"),
        st.form(f"{state.EVALUASI}_ambang", border=False),
    ):
        c = st.columns(5)
        rendah = c[0].number_input(
            "Capaian rendah di bawah (%)", 0.0, 1000.0, current.batas_rendah, step=1.0
        )
        tinggi = c[1].number_input(
            "Capaian janggal di atas (%)", 0.0, 10000.0, current.batas_tinggi, step=5.0
        )
        faktor = c[2].number_input(
            "Lonjakan (kali lipat)", 1.1, 1000.0, current.faktor_lonjakan, step=0.5
        )
        pecahan = c[3].number_input(
            "Pecahan: nilai % di bawah", 0.0, 100.0, current.batas_pecahan, step=0.1
        )
        persen = c[4].number_input(
            "... bila nilai lain di atas", 0.0, 1000.0, current.batas_persen, step=1.0
        )
        if st.form_submit_button("Simpan ambang"):
            try:
                new = EvaluasiSettings(
                    batas_rendah=rendah,
                    batas_tinggi=tinggi,
                    faktor_lonjakan=faktor,
                    batas_pecahan=pecahan,
                    batas_persen=persen,
                )
                evaluasi.save_settings(store(), new, user=state.user())
            except (ValueError, StoreError) as exc:
                state.remember_notice("error", str(exc))
            else:
                state.remember_notice("success", "Ambang pemeriksaan disimpan.")
            st.rerun()
