"""Every page runs (AppTest), and the upload page reads, reports, merges and stores files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["Bidang", "Indikator Kinerja", "Satuan", "Tahun", "Periode", "Target", "Realisasi"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def fresh_db(tmp_path, monkeypatch):
    monkeypatch.setenv("KINERJA_DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()


def app(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.switch_page(f"views/{page}")
    return at


@pytest.mark.parametrize("page", ["beranda.py", "unggah.py", "riwayat.py"])
def test_every_page_runs_without_exception(page: str) -> None:
    at = app(page).run()
    assert not at.exception
    assert at.title[0].value


def good_sheet() -> bytes:
    return f.xlsx(
        [
            HEADER,
            ["Bidang Perindustrian", "Jumlah IKM yang dibina", "unit", 2023, "TW I", 10, 9],
            ["Bidang Perindustrian", "Jumlah sentra IKM", "sentra", 2023, "TW I", 2, "2,5"],
        ]
    )


def bad_sheet() -> bytes:
    return f.xlsx(
        [
            HEADER,
            [
                "Sekretariat",
                "Indeks kepuasan masyarakat",
                "nilai",
                2023,
                "TW I",
                80,
                "sembilan puluh",
            ],
        ]
    )


def test_upload_reports_each_file_merges_and_stores() -> None:
    at = app("unggah.py").run()
    at.file_uploader[0].set_value(
        [("baik.xlsx", good_sheet(), XLSX), ("salah.xlsx", bad_sheet(), XLSX)]
    ).run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "baik.xlsx" in text and "Valid" in text
    assert "salah.xlsx" in text and "Ditolak" in text
    issues = [df.value for df in at.dataframe]
    messages = " ".join(" ".join(map(str, d.get("Pesan", []))) for d in issues)
    assert "sembilan puluh" in messages and "G2" in messages
    assert any("Bidang" in d.columns and len(d) == 2 and "Capaian (%)" in d.columns for d in issues)
    merged = [d for d in issues if "Capaian (%)" in d.columns][-1]
    assert list(merged["Capaian (%)"]) == ["90,00", "125,00"]

    at.button[0].click().run()
    assert not at.exception
    assert any("baik.xlsx" in s.value for s in at.success)
    assert any("salah.xlsx" in e.value for e in at.error)

    # stored: a new session (a reload) sees it on the history page
    again = app("riwayat.py").run()
    history = again.dataframe[0].value
    assert set(history["File"]) == {"baik.xlsx", "salah.xlsx"}
    assert set(history["Status"]) == {"diterima", "ditolak"}
    current = again.dataframe[1].value
    assert len(current) == 2


def test_records_say_what_capaian_means() -> None:
    # target 0 has no capaian and says why; 200,189 of 220 is exactly 90,995 and shows 91,00;
    # 12 of 10 is above 100 % and is marked.
    rows = [
        HEADER,
        ["Bidang Perindustrian", "Jumlah IKM baru", "unit", 2023, "TW I", 0, 4],
        ["Bidang Perindustrian", "Nilai ekspor IKM", "juta", 2023, "TW I", 220, "200,189"],
        ["Bidang Perindustrian", "Jumlah sentra IKM", "sentra", 2023, "TW I", 10, 12],
    ]
    at = app("unggah.py").run()
    at.file_uploader[0].set_value([("capaian.xlsx", f.xlsx(rows), XLSX)]).run()
    assert not at.exception
    table = [d.value for d in at.dataframe if "Keterangan Capaian" in d.value.columns][-1]
    by_indikator = table.set_index("Indikator Kinerja")
    nol = by_indikator.loc["Jumlah IKM baru"]
    assert nol["Capaian (%)"] == "–"
    assert "target 0" in nol["Keterangan Capaian"]
    assert nol["Melampaui Target"] == ""
    seri = by_indikator.loc["Nilai ekspor IKM"]
    assert (seri["Capaian (%)"], seri["Predikat"]) == ("91,00", "Sangat Tinggi")
    assert seri["Melampaui Target"] == ""
    lebih = by_indikator.loc["Jumlah sentra IKM"]
    assert (lebih["Capaian (%)"], lebih["Melampaui Target"]) == ("120,00", "Ya")
    assert lebih["Keterangan Capaian"] == ""

    # stored and read back (no melampaui_target column there): the same on the history page
    at.button[0].click().run()
    assert not at.exception
    current = app("riwayat.py").run().dataframe[1].value
    shared = [c for c in table.columns if c in current.columns]
    assert {"Capaian (%)", "Melampaui Target", "Keterangan Capaian"} <= set(shared)
    pd.testing.assert_frame_equal(
        current[shared].reset_index(drop=True), table[shared].reset_index(drop=True)
    )


def test_no_pages_folder_beside_app_py() -> None:
    # Streamlit treats a folder named pages/ next to the entrypoint as a legacy (v1)
    # multipage app until st.navigation first runs: on a fresh server a deep link such as
    # /riwayat then ran the screen without app.py (no page config, file-name navigation).
    assert not (ROOT / "pages").exists()


def test_saving_twice_is_not_offered() -> None:
    at = app("unggah.py").run()
    at.file_uploader[0].set_value([("baik.xlsx", good_sheet(), XLSX)]).run()
    save = at.button[0]
    assert not save.disabled
    save.click().run()
    assert at.button[0].disabled
    from kinerja import ui

    assert len(ui.store().history()) == 1


def test_large_sheet_shows_the_first_rows_and_says_so() -> None:
    at = app("unggah.py").run()
    at.file_uploader[0].set_value([("besar.xlsx", f.xlsx(f.long_rows(1204)), XLSX)]).run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "1204 data" in captions
    assert "Menampilkan 1.000 dari 1.204 data." in captions
    assert all(len(d.value) <= 1000 for d in at.dataframe)
