"""The LKjIP export page (AppTest) over the demo data: verified records per bidang, the refusal
when nothing is verified, the draft, and a verified build that records SOP step 7."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kinerja import cli, store
from kinerja.lkjip import workbook
from kinerja.ui import state

ROOT = Path(__file__).resolve().parents[2]
IND = "Bidang Hubungan Industrial"


@pytest.fixture(scope="module")
def _demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    assert cli.main(["demo", "--db", f"sqlite:///{folder / 'demo.db'}", "--json"]) == 0
    s = store.connect(f"sqlite:///{folder / 'demo.db'}")
    try:
        return s.backup(folder / "golden.db")
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


def page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.switch_page("views/ekspor.py")
    return at


def shown(at: AppTest, *kinds: str) -> str:
    parts = [str(e.value) for kind in kinds for e in getattr(at, kind)]
    return re.sub(r"\\(.)", r"\1", " ".join(parts))


def downloads(at: AppTest) -> list:
    return list(at.get("download_button"))


def test_nothing_verified_warns_and_refuses(demo_url: str) -> None:
    at = page().run()
    assert not at.exception
    assert at.selectbox(key=f"{state.EKSPOR}_tahun").value == 2023
    table = at.dataframe[0].value
    assert set(table["Bidang"]) >= {IND, "Sekretariat"}
    assert table["Terverifikasi"].sum() == 0 and table["Data"].sum() > 0
    assert "Belum ada data terverifikasi" in shown(at, "warning")
    at.button(key=f"{state.EKSPOR}_susun").click().run()
    assert "Belum ada data terverifikasi untuk tahun 2023" in shown(at, "error")
    assert not downloads(at)


def test_draft_builds_both_files_without_step_7(demo_url: str) -> None:
    at = page().run()
    at.toggle(key=f"{state.EKSPOR}_draft").set_value(True).run()
    at.button(key=f"{state.EKSPOR}_susun").click().run()
    assert not at.exception
    assert re.search(r"Tersusun: \d+ indikator", shown(at, "success"))
    assert len(downloads(at)) == 2
    hasil = at.session_state[state.EKSPOR_HASIL]
    assert hasil.xlsx[0] == "lkjip-2023-draft.xlsx" and hasil.docx[0] == "lkjip-2023-draft.docx"
    wb = openpyxl.load_workbook(io.BytesIO(hasil.xlsx[1]))
    assert wb.sheetnames == workbook.LEMBAR
    s = store.connect(demo_url)
    try:
        assert "disusun" not in set(s.rounds(tahun=2023)["langkah"].dropna())
    finally:
        s.close()


def test_verified_build_records_step_7(demo_url: str) -> None:
    s = store.connect(demo_url)
    try:
        for p in ("TW I", "TW II", "TW III", "TW IV"):
            s.verify(IND, 2023, p, user="sari")
    finally:
        s.close()
    at = page().run()
    table = at.dataframe[0].value.set_index("Bidang")
    assert table.loc[IND, "Terverifikasi"] == table.loc[IND, "Data"]
    assert table.loc[IND, "Putaran terverifikasi"] == "TW I, TW II, TW III, TW IV"
    at.button(key=f"{state.EKSPOR}_susun").click().run()
    assert not at.exception
    assert "Langkah 7 (data kinerja disusun) tercatat pada putaran Tahunan 2023" in shown(
        at, "success"
    )
    hasil = at.session_state[state.EKSPOR_HASIL]
    wb = openpyxl.load_workbook(io.BytesIO(hasil.xlsx[1]))
    bidang = {r[0] for r in wb["Data"].iter_rows(values_only=True) if r[0] in (IND, "Sekretariat")}
    assert bidang == {IND}
    s = store.connect(demo_url)
    try:
        steps = s.rounds(tahun=2023)
        assert steps[steps["langkah"] == "disusun"]["periode"].tolist() == ["Tahunan"]
    finally:
        s.close()
