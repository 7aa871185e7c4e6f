"""The Perjanjian Kinerja page (AppTest): read, refuse, import, confirm, edit."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kinerja import store
from kinerja.ui import state
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
K = state.PK
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["Kode", "Bidang", "Indikator Kinerja", "Satuan", "Arah", "Target", "TW I", "Pagu"]


def sheet(*bidang: str) -> bytes:
    rows: list[list[object]] = [["PERJANJIAN KINERJA TAHUN 2024"], HEADER]
    for i, b in enumerate(bidang, start=1):
        rows.append([f"IKU.{i}", b, f"Indikator {i}", "unit", "naik", 40 * i, 5, "1.250.000"])
    return f.xlsx(rows)


@pytest.fixture(autouse=True)
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("KINERJA_DATABASE_URL", url)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield url
    st.cache_resource.clear()


def stored() -> store.Store:
    return store.connect(os.environ["KINERJA_DATABASE_URL"])


def app() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    # Before a first run AppTest finds a page by its file name, and this page's url_path
    # ("perjanjian-kinerja") differs from it: without the run it would open Beranda.
    at.run()
    at.switch_page("views/perjanjian_kinerja.py")
    return at


def plain(elements: object) -> str:
    return re.sub(r"\\(.)", r"\1", " ".join(e.value for e in elements))  # type: ignore[attr-defined]


def upload(at: AppTest, data: bytes, name: str = "pk-2024.xlsx") -> AppTest:
    at.number_input(key=f"{K}_tahun").set_value(2024)
    return at.file_uploader(key=f"{K}_unggah").set_value((name, data, XLSX)).run()


def test_an_unreachable_database_is_told_in_indonesian(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KINERJA_DATABASE_URL", "postgresql+psycopg://x:y@127.0.0.1:9/none")
    at = app().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Perjanjian Kinerja"
    assert "Basis data tidak dapat dihubungi" in plain(at.error)


def test_an_empty_year_says_so() -> None:
    at = app().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Perjanjian Kinerja"
    assert "Belum ada indikator PK untuk tahun" in plain(at.info)


def test_a_refused_sheet_is_reported_by_row_and_column_and_nothing_is_stored() -> None:
    at = upload(app().run(), sheet("perindustrian", "Bidang Perindustrin"))
    assert not at.exception, at.exception
    assert "pk-2024.xlsx: ditolak, 1 kesalahan." in plain(at.error)
    (issues,) = [d.value for d in at.dataframe if "Pesan" in d.value.columns]
    assert issues[["Baris", "Kolom"]].values.tolist() == [[4, "Bidang"]]
    assert "maksud Anda Bidang Perindustrian?" in issues["Pesan"].iloc[0]
    assert not [b for b in at.button if b.key == f"{K}_impor"]
    with stored() as s:
        assert s.indicators(tahun=2024).empty


def test_import_confirm_edit_and_refuse() -> None:
    at = upload(app().run(), sheet("perindustrian", "BIDANG HUBUNGAN INDUSTRIAL"))
    assert "2 indikator terbaca" in plain(at.success)
    preview = [d.value for d in at.dataframe if "Indikator Kinerja" in d.value.columns][0]
    assert preview["Bidang"].tolist() == ["Bidang Perindustrian", "Bidang Hubungan Industrial"]
    assert preview["Pagu"].tolist() == ["1.250.000", "1.250.000"]
    at.text_input(key=state.PENGGUNA).input("Sub Koordinator")
    at.button(key=f"{K}_impor").click().run()
    assert not at.exception, at.exception
    assert "2 indikator PK tahun 2024 tersimpan." in plain(at.success)
    (editor,) = at.data_editor
    assert editor.value["indikator"].tolist() == ["Indikator 2", "Indikator 1"]  # by bidang

    # The same year again: confirmed first.
    assert at.button(key=f"{K}_impor").disabled
    assert "sudah memiliki 2 indikator PK" in plain(at.warning)
    at.checkbox(key=f"{K}_setuju").check().run()
    assert not at.button(key=f"{K}_impor").disabled

    # A refused edit changes nothing, and says which indicator and field.
    with stored() as s:
        before = s.indicators(tahun=2024)
    at.session_state[f"{K}_editor_2024"] = {
        "edited_rows": {0: {"target": 41.0}, 1: {"target_tw1": -5.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key=f"FormSubmitter:{K}_editor_form-Simpan perubahan").click().run()
    assert not at.exception, at.exception
    assert "Tidak ada yang disimpan. Indikator 'Indikator 1': Target TW I tidak boleh negatif" in (
        plain(at.error)
    )
    with stored() as s:
        assert s.indicators(tahun=2024).equals(before)

    # A good edit is stored and audited with the user.
    at.session_state[f"{K}_editor_2024"] = {
        "edited_rows": {0: {"target": 81.0, "agregasi": "jumlah"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key=f"FormSubmitter:{K}_editor_form-Simpan perubahan").click().run()
    assert not at.exception, at.exception
    assert "1 indikator PK tahun 2024 diperbarui." in plain(at.success)
    with stored() as s:
        after = s.indicators(tahun=2024).set_index("kode")
        assert (after.loc["IKU.2", "target"], after.loc["IKU.2", "agregasi"]) == (81.0, "jumlah")
        assert after.loc["IKU.1", "target"] == 40.0
        log = s.audit(aksi="indikator.ubah")
    assert log["oleh"].tolist() == ["Sub Koordinator"]
    assert log["baru"].iloc[0] == {"target": 81.0, "agregasi": "jumlah"}
    assert [b.proto.label for b in at.get("download_button")] == ["Unduh PK tahun 2024 (.xlsx)"]
