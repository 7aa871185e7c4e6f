"""The analysis and evaluation pages (AppTest) over the demo data: filters, charts, the
formula of a chosen capaian, the download, flag decisions and verification."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kinerja import cli, store
from kinerja.ui import state

ROOT = Path(__file__).resolve().parents[2]
HI = "Bidang Hubungan Industrial"
JAMSOSTEK = "Pekerja peserta program Jamsostek"


@pytest.fixture(scope="module")
def _demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    assert cli.main(["demo", "--db", f"sqlite:///{folder / 'demo.db'}", "--json"]) == 0
    s = store.connect(f"sqlite:///{folder / 'demo.db'}")
    try:
        return s.backup(folder / "golden.db")  # self-contained (no WAL beside it)
    finally:
        s.close()


@pytest.fixture
def demo_url(_demo_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    path = tmp_path / "app.db"
    shutil.copyfile(_demo_db, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("KINERJA_DATABASE_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()
    return url


@pytest.fixture
def empty_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KINERJA_DATABASE_URL", f"sqlite:///{tmp_path / 'kosong.db'}")
    st.cache_resource.clear()
    st.cache_data.clear()


def app(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page(f"views/{page}")
    return at


def text(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "success", "error")
             for e in getattr(at, kind)]  # fmt: skip
    return re.sub(r"\\(.)", r"\1", " ".join(str(p) for p in parts)).replace("\u2060", "")


def metric(at: AppTest, label: str) -> str:
    (m,) = [m for m in at.metric if m.label == label]
    return str(m.value)


@pytest.mark.parametrize("page", ["analisis.py", "evaluasi.py"])
def test_an_empty_database_says_there_is_nothing_yet(page: str, empty_db: None) -> None:
    at = app(page).run()
    assert not at.exception
    assert "Belum ada data tersimpan" in " ".join(i.value for i in at.info)


def test_analisis_filters_change_the_headline_and_the_table(demo_url: str) -> None:
    at = app("analisis.py").run()
    assert not at.exception, at.exception
    assert at.selectbox(key=f"{state.ANALISIS}_tahun").value == 2023
    assert at.selectbox(key=f"{state.ANALISIS}_periode").value == "Tahunan (agregat)"
    assert metric(at, "Indikator") == "16"
    # Every chart figure is Indonesian-formatted.
    assert at.get("plotly_chart"), "the open tab draws its chart"
    for chart in at.get("plotly_chart"):
        assert '"separators":",."' in chart.proto.spec.replace(" ", "")

    at.multiselect(key=f"{state.ANALISIS}_bidang").select(HI).run()
    assert not at.exception
    assert metric(at, "Indikator") == "4"
    (table,) = [d.value for d in at.dataframe if "Capaian (%)" in d.value.columns]
    assert set(table["Bidang"]) == {HI}
    row = table[table["Indikator Kinerja"] == JAMSOSTEK].iloc[0]
    assert re.fullmatch(r"\d{1,3}(\.\d{3})*,\d{2}", row["Capaian (%)"]), row["Capaian (%)"]
    assert " x 100 = " in row["Rumus"]

    at.selectbox(key=f"{state.ANALISIS}_periode").set_value("TW II").run()
    assert not at.exception
    (table,) = [d.value for d in at.dataframe if "Capaian (%)" in d.value.columns]
    row = table[table["Indikator Kinerja"] == JAMSOSTEK].iloc[0]
    assert row["Target"] == "3.700" and row["Realisasi"] == "36.610"
    assert row["Capaian (%)"] == "989,46"
    assert row["Rumus"] == "36.610 / 3.700 x 100 = 989,46"
    assert row["Predikat"] == "Sangat Tinggi" and row["Melampaui Target"] == "Ya"

    at.multiselect(key=f"{state.ANALISIS}_predikat").select("Sangat Tinggi").run()
    assert not at.exception
    (table,) = [d.value for d in at.dataframe if "Capaian (%)" in d.value.columns]
    assert set(table["Predikat"]) == {"Sangat Tinggi"}
    assert metric(at, "Tinggi") == "0" and metric(at, "Sangat Tinggi") == str(len(table))
    at.multiselect(key=f"{state.ANALISIS}_predikat").unselect("Sangat Tinggi").select(
        "Sangat Rendah"
    ).run()
    assert not at.exception
    assert "Tidak ada indikator untuk pilihan ini" in " ".join(i.value for i in at.info)


@pytest.mark.parametrize("tab", [
    "Target dan realisasi", "Capaian", "Triwulan", "Antar tahun", "Per bidang dan sasaran",
    "Anggaran dan efisiensi",
])  # fmt: skip
def test_each_chart_tab_renders(demo_url: str, tab: str) -> None:
    at = app("analisis.py")
    at.session_state[f"{state.ANALISIS}_tab"] = tab
    at.run()
    assert not at.exception, at.exception
    if tab == "Anggaran dan efisiensi" and not at.get("plotly_chart"):
        assert "Belum ada pagu" in " ".join(i.value for i in at.info)
    else:
        assert at.get("plotly_chart"), tab


def test_the_formula_of_a_chosen_row_and_the_downloads(demo_url: str) -> None:
    at = app("analisis.py").run()
    assert "Pilih satu baris tabel" in text(at)
    at.selectbox(key=f"{state.ANALISIS}_periode").set_value("TW II").run()
    box = at.selectbox(key=f"{state.ANALISIS}_rumus")
    (row,) = [i for i, label in enumerate(box.options) if label.startswith(JAMSOSTEK)]
    box.set_value(row).run()
    assert not at.exception
    shown = " ".join(i.value for i in at.info)
    assert "Rumus: **36.610 / 3.700 x 100 = 989,46**" in shown.replace("\\", "")
    assert "realisasi s.d. TW II / target s.d. TW II" in shown.replace("\\", "")
    assert {b.proto.label for b in at.get("download_button")} >= {
        "Unduh tabel (.xlsx)",
        "Unduh tabel (.csv)",
    }


def _flag_cards(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if "Tanda `" in m.value]


def test_evaluasi_lists_the_planted_slips_and_records_decisions(demo_url: str) -> None:
    at = app("evaluasi.py").run()
    assert not at.exception, at.exception
    at.selectbox(key=f"{state.EVALUASI}_bidang").set_value(HI).run()
    assert not at.exception
    group = at.selectbox(key=f"{state.EVALUASI}_kelompok")
    (label,) = [o for o in group.options if "· TW II 2023 ·" in o]
    group.set_value(label).run()
    assert not at.exception
    body = text(at)
    assert "36.610" in body and "989,46" in body
    cards = _flag_cards(at)
    assert len(cards) == 2, cards  # capaian_tinggi and lonjakan
    ids = [re.search(r"Tanda `(\w+)`", c).group(1) for c in cards]

    # A decision without a note is refused in Indonesian; nothing is stored.
    at.button(key=f"{state.EVALUASI}_tanda_{ids[0]}_terima").click().run()
    assert "catatan" in " ".join(e.value for e in at.error).lower()

    at.text_input(key=f"{state.EVALUASI}_tanda_{ids[0]}_catatan").input("dicek: salah ketik")
    at.button(key=f"{state.EVALUASI}_tanda_{ids[0]}_kembalikan").click().run()
    assert not at.exception
    assert f"Tanda {ids[0]} dikembalikan" in " ".join(s.value for s in at.success)

    s = store.connect(demo_url)
    try:
        # Beside the demo's own checks of its finished year (2022, all accepted):
        decided = s.flag_decisions()
        decided = decided[decided["oleh"] == state.DEFAULT_USER]
        assert len(s.flag_decisions()) > len(decided)
        assert decided[["kode", "status", "catatan"]].values.tolist() == [
            [ids[0], "dikembalikan", "dicek: salah ketik"]
        ]
        by = s.audit(aksi="tanda.")["oleh"].tolist()
        assert by[-1] == state.DEFAULT_USER and by.count(state.DEFAULT_USER) == 1
    finally:
        s.close()


def test_evaluasi_verification_is_refused_then_done(demo_url: str) -> None:
    at = app("evaluasi.py").run()
    at.selectbox(key=f"{state.EVALUASI}_bidang").set_value(HI).run()
    at.selectbox(key=f"{state.EVALUASI}_periode").set_value("TW II").run()
    assert not at.exception
    form_box = at.selectbox(key=f"{state.EVALUASI}_slot")
    form_box.set_value(0)
    at.radio(key=f"{state.EVALUASI}_aksi").set_value("verify")
    at.button(key=f"FormSubmitter:{state.EVALUASI}_verifikasi-Jalankan").click().run()
    assert not at.exception
    assert "belum dapat diverifikasi" in " ".join(e.value for e in at.error)

    # Accept every flag of the round, then verify.
    s = store.connect(demo_url)
    try:
        from kinerja import evaluasi

        for fid in evaluasi.blocking(s, HI, 2023, "TW II")["id"]:
            evaluasi.decide(s, fid, status="diterima", catatan="benar", user="uji")
    finally:
        s.close()
    st.cache_data.clear()
    at.selectbox(key=f"{state.EVALUASI}_slot").set_value(0)
    at.radio(key=f"{state.EVALUASI}_aksi").set_value("verify")
    at.button(key=f"FormSubmitter:{state.EVALUASI}_verifikasi-Jalankan").click().run()
    assert not at.exception
    assert "terverifikasi dan terkunci" in " ".join(x.value for x in at.success)
    s = store.connect(demo_url)
    try:
        assert s.verification(HI, 2023, "TW II") == "verified"
    finally:
        s.close()
