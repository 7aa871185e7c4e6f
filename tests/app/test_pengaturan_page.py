"""The settings page (AppTest): checked, stored, audited; analysis follows at once."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kinerja import evaluasi, ingest, kirim, store
from kinerja.ui import state
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
K = state.PENGATURAN
HEADER = [
    "Bidang",
    "Indikator Kinerja",
    "Satuan",
    "Arah",
    "Tahun",
    "Periode",
    "Target",
    "Realisasi",
]
SENGKETA = "Angka sengketa pengusaha-pekerja"


@pytest.fixture(autouse=True)
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh database holding one arah-turun record: target 8, realisasi 9."""
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("KINERJA_DATABASE_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()
    sheet = f.xlsx(
        [HEADER, ["Bidang Hubungan Industrial", SENGKETA, "kasus", "turun", 2023, "TW I", 8, 9]]
    )
    with store.connect(url) as s:
        s.init()
        assert kirim.kirim(s, sheet, "hi.xlsx", defaults=ingest.Defaults(), user="ani").accepted
    yield url
    st.cache_resource.clear()


def stored() -> store.Store:
    return store.connect(os.environ["KINERJA_DATABASE_URL"])


def app(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.switch_page(f"views/{page}")
    return at


def plain(values: list[str]) -> str:
    return re.sub(r"\\(.)", r"\1", " ".join(values))


def submit(at: AppTest, form: str, label: str) -> AppTest:
    return at.button(key=f"FormSubmitter:{form}-{label}").click().run()


def analysed() -> tuple[str, str]:
    """(capaian, predikat) of the one record as /analisis shows it now."""
    at = app("analisis.py").run()
    assert not at.exception, at.exception
    (table,) = [d.value for d in at.dataframe if "Capaian (%)" in d.value.columns]
    row = table[table["Indikator Kinerja"] == SENGKETA].iloc[0]
    return row["Capaian (%)"], row["Predikat"]


def test_the_page_shows_the_stored_settings() -> None:
    at = app("pengaturan.py").run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Pengaturan"
    assert at.text_input(key=f"{K}_nama").value == "Dinas Perindustrian dan Tenaga Kerja"
    assert at.text_input(key=f"{K}_kepala_dinas_nip").value == "19700101 199503 1 000"
    assert at.text_input(key=f"{K}_subkoordinator_nama").value == "Fulanah, S.E."
    assert at.number_input(key=f"{K}_tenggat_6").value == 31  # Tahunan
    assert "Bidang Perindustrian" in at.text_area(key=f"{K}_bidang").value


def test_a_capaian_change_is_followed_by_the_analysis_at_once() -> None:
    assert analysed() == ("87,50", "Tinggi")  # (2 x 8 - 9) / 8 x 100
    at = app("pengaturan.py").run()
    at.text_input(key=state.PENGGUNA).input("Sub Koordinator")
    at.radio(key=f"{K}_rumus_turun").set_value("rasio")
    submit(at, f"{K}_capaian", "Simpan pengaturan capaian")
    assert not at.exception, at.exception
    assert "Pengaturan capaian disimpan" in plain([s.value for s in at.success])
    assert analysed() == ("88,89", "Tinggi")  # 8 / 9 x 100

    # Tinggi from 90 (was 76): 88,89 is Sedang now. The editor's edit as the browser sends it.
    at.session_state[f"{K}_predikat"] = {
        "edited_rows": {1: {"batas": 90.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    submit(at, f"{K}_capaian", "Simpan pengaturan capaian")
    assert not at.exception, at.exception
    assert analysed() == ("88,89", "Sedang")
    with stored() as s:
        assert s.capaian_settings().predikat_bands[1] == (90.0, "Tinggi")
        log = s.audit(aksi="pengaturan.ubah")
    assert log["oleh"].tolist() == ["Sub Koordinator"] * 2


def test_a_wrong_band_is_refused_and_nothing_changes() -> None:
    at = app("pengaturan.py").run()
    at.session_state[f"{K}_predikat"] = {
        "edited_rows": {2: {"predikat": "Tinggi"}},  # two bands named Tinggi
        "added_rows": [],
        "deleted_rows": [],
    }
    submit(at, f"{K}_capaian", "Simpan pengaturan capaian")
    assert not at.exception, at.exception
    assert "Predikat baris 3 (Tinggi): nama sama dengan baris 2." in plain(
        [e.value for e in at.error]
    )
    with stored() as s:
        assert s.audit(aksi="pengaturan.ubah").empty


def test_pejabat_nip_is_checked_then_stored_in_its_groups() -> None:
    at = app("pengaturan.py").run()
    at.text_input(key=f"{K}_subkoordinator_nip").input("12345")
    submit(at, f"{K}_pejabat", "Simpan pejabat")
    assert "NIP Sub Koordinator harus 18 angka" in plain([e.value for e in at.error])
    with stored() as s:
        assert s.settings()["subkoordinator"]["nip"] == "19850505 201001 2 000"

    at.text_input(key=f"{K}_subkoordinator_nama").input("Fulan bin Fulan")
    at.text_input(key=f"{K}_subkoordinator_nip").input("198001012005011000")
    submit(at, f"{K}_pejabat", "Simpan pejabat")
    assert not at.error and "Nama dan NIP pejabat disimpan." in plain([s.value for s in at.success])
    with stored() as s:
        assert s.settings()["subkoordinator"] == {
            "nama": "Fulan bin Fulan",
            "nip": "19800101 200501 1 000",
        }
        assert s.settings()["kepala_dinas"]["nama"] == "Fulan, S.T., M.Si."


def test_a_bidang_with_data_stays_and_one_without_may_go() -> None:
    at = app("pengaturan.py").run()
    at.text_area(key=f"{K}_bidang").input("Sekretariat\nBidang Perindustrian")
    submit(at, f"{K}_bidang_form", "Simpan daftar bidang")
    errors = plain([e.value for e in at.error])
    assert "'Bidang Hubungan Industrial' (1 data kinerja, 1 kiriman)" in errors
    at.text_area(key=f"{K}_bidang").input(
        "Sekretariat\nBidang Perindustrian\nBidang Hubungan Industrial\n\nBidang  Baru "
    )
    submit(at, f"{K}_bidang_form", "Simpan daftar bidang")
    assert "Daftar bidang disimpan." in plain([s.value for s in at.success])
    with stored() as s:
        assert s.settings()["bidang"] == [
            "Sekretariat",
            "Bidang Perindustrian",
            "Bidang Hubungan Industrial",
            "Bidang Baru",
        ]


def test_instansi_tenggat_and_the_evaluation_thresholds() -> None:
    at = app("pengaturan.py").run()
    at.text_area(key=f"{K}_alamat").input("Jl. Uji No. 1, Sarilamak")
    submit(at, f"{K}_instansi", "Simpan data instansi")
    assert "Data instansi disimpan." in plain([s.value for s in at.success])
    at.text_input(key=f"{K}_nama").input(" ")
    submit(at, f"{K}_instansi", "Simpan data instansi")
    assert "Nama instansi wajib diisi." in plain([e.value for e in at.error])

    at.number_input(key=f"{K}_tenggat_0").set_value(15)
    submit(at, f"{K}_tenggat", "Simpan tenggat")
    assert "Tenggat pengumpulan data disimpan." in plain([s.value for s in at.success])

    # The evaluation thresholds are /evaluasi's own form, reused.
    (rendah,) = [n for n in at.number_input if n.label == "Capaian rendah di bawah (%)"]
    rendah.set_value(80.0)
    submit(at, f"{state.EVALUASI}_ambang", "Simpan ambang")
    assert "Ambang pemeriksaan disimpan." in plain([s.value for s in at.success])
    with stored() as s:
        peng = s.settings()
        assert peng["alamat"] == "Jl. Uji No. 1, Sarilamak"
        assert peng["nama"] == "Dinas Perindustrian dan Tenaga Kerja"
        assert peng["tenggat_hari"]["TW I"] == 15 and peng["tenggat_hari"]["Tahunan"] == 31
        assert evaluasi.settings(s).batas_rendah == 80.0
        assert len(s.audit(aksi="pengaturan.ubah")) == 3
