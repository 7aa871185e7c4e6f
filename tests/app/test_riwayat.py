"""The history page's detail of one submission (AppTest): every error of a refused file, the
values a submission changed, its original file, the notes, and a refused file found under the
bidang, tahun and periode its sheet names."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kinerja import ingest, kirim, store
from kinerja.ui import state
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["Bidang", "Indikator Kinerja", "Satuan", "Tahun", "Periode", "Target", "Realisasi"]
TITLED = ["Indikator Kinerja", "Satuan", "Target", "Realisasi"]
IKM = "Jumlah IKM yang dibina"
NOTE = "Realisasi dicek ulang dengan laporan bulanan; bukti dukung sudah lengkap."


@pytest.fixture(autouse=True)
def fresh_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("KINERJA_DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()


def perin(indikator: str, target: Any, realisasi: Any) -> list[Any]:
    return ["Bidang Perindustrian", indikator, "unit", 2023, "TW I", target, realisasi]


V1 = f.xlsx([HEADER, perin(IKM, 10, 9), perin("Jumlah sentra IKM", 2, 2)])
V2 = f.xlsx([HEADER, perin(IKM, 12, 11), perin("Jumlah sentra IKM", 2, 2), perin("IKM baru", 5, 4)])
# Three mistakes; the sheet names its bidang, tahun and periode only in its title rows.
SALAH = f.xlsx(
    [
        ["Unit Kerja: Sekretariat"],
        ["Data Kinerja Triwulan III Tahun 2024"],
        TITLED,
        ["Indeks kepuasan layanan internal", "indeks", 80, "delapan puluh"],
        ["Persentase laporan tepat waktu", "%", "seratus", 90],
        ["Persentase arsip tertata", "%", 100, "sembilan puluh"],
    ]
)


@pytest.fixture
def sent() -> dict[str, int]:
    """Three submissions: v1 (superseded), v2 (current, one note), salah (refused; the form
    said nothing); their ids by name."""
    with store.connect(os.environ["KINERJA_DATABASE_URL"]) as s:
        s.init(user="aplikasi")
        ids = {}
        for name, data in (("v1.xlsx", V1), ("v2.xlsx", V2), ("salah.xlsx", SALAH)):
            out = kirim.kirim(s, data, name, defaults=ingest.Defaults(), user="ani")
            ids[name] = out.kiriman_id
        current = s.records()
        rid = int(current.loc[current["indikator"] == IKM, "id"].iloc[0])
        s.add_note(rid, NOTE, user="kasubag")
    return ids


def riwayat() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.switch_page("views/riwayat.py")
    return at


def choose(at: AppTest, kiriman_id: int) -> AppTest:
    at.selectbox(key=state.KIRIMAN_DIPILIH).set_value(kiriman_id).run()
    assert not at.exception
    return at


def table_with(at: AppTest, *columns: str) -> list[pd.DataFrame]:
    return [d.value for d in at.dataframe if set(columns) <= set(d.value.columns)]


def test_a_refused_submission_lists_every_error(sent: dict[str, int]) -> None:
    at = riwayat().run()
    assert not at.exception
    # The newest submission is shown first: the refused one.
    assert at.selectbox(key=state.KIRIMAN_DIPILIH).value == sent["salah.xlsx"]
    with store.connect(os.environ["KINERJA_DATABASE_URL"]) as s:
        stored = s.submission_report(sent["salah.xlsx"])["errors"]
    assert len(stored) == 3
    (issues,) = table_with(at, "Jenis", "Baris", "Kolom", "Pesan")
    errors = issues[issues["Jenis"] == "Kesalahan"]
    assert list(errors["Pesan"]) == [e["message"] for e in stored]
    assert list(errors["Baris"]) == [str(e["row"]) for e in stored]
    assert "delapan puluh" in errors["Pesan"].iloc[0]
    # The store's message (its first error) above the table.
    assert any("Berkas ditolak" in e.value for e in at.error)


def test_the_values_a_submission_changed_are_shown(sent: dict[str, int]) -> None:
    at = choose(riwayat().run(), sent["v2.xlsx"])
    (changes,) = table_with(at, "Target (lama → baru)", "Realisasi (lama → baru)")
    by_indikator = changes.set_index("Indikator Kinerja")
    assert by_indikator.loc[IKM, "Target (lama → baru)"] == "10 → 12"
    assert by_indikator.loc[IKM, "Realisasi (lama → baru)"] == "9 → 11"
    assert by_indikator.loc[IKM, "Perubahan"] == "nilai berubah"
    assert by_indikator.loc[IKM, "Dari Kiriman"] == f"#{sent['v1.xlsx']}"
    assert by_indikator.loc["IKM baru", "Target (lama → baru)"] == "– → 5"
    assert by_indikator.loc["IKM baru", "Perubahan"] == "indikator baru"
    assert "Jumlah sentra IKM" not in by_indikator.index  # unchanged values are not listed

    first = choose(at, sent["v1.xlsx"])
    assert not table_with(first, "Target (lama → baru)")
    assert any("tidak mengubah" in c.value or "Tidak ada target" in c.value for c in first.caption)


def test_the_original_file_can_be_downloaded(
    sent: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    offered: list[dict[str, Any]] = []
    original = st.download_button

    def recording(label: str, data: Any, **kwargs: Any) -> bool:
        offered.append({"label": label, "data": data, **kwargs})
        return original(label, data, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    at = choose(riwayat().run(), sent["v1.xlsx"])
    assert [b.label for b in at.download_button] == ["Unduh berkas asli (v1\\.xlsx)"]
    last = offered[-1]
    assert last["file_name"] == "v1.xlsx"
    data = last["data"]() if callable(last["data"]) else last["data"]
    assert data == V1


def test_the_notes_of_the_records_shown(sent: dict[str, int]) -> None:
    at = choose(riwayat().run(), sent["v2.xlsx"])
    notes = table_with(at, "Catatan", "Oleh")
    # Under the submission's detail and under the current records.
    assert len(notes) == 2
    for table in notes:
        assert list(table["Catatan"]) == [NOTE]
        assert list(table["Oleh"]) == ["kasubag"]
        assert list(table["Indikator Kinerja"]) == [IKM]
    refused = choose(at, sent["salah.xlsx"])
    assert len(table_with(refused, "Catatan")) == 1  # the refused file has no data to note
    assert any(c.value == "Belum ada catatan." for c in refused.caption)


@pytest.mark.parametrize(
    ("bidang", "tahun", "periode", "found"),
    [
        ("Sekretariat", 2024, "TW III", True),
        ("Sekretariat", None, None, True),
        ("Bidang Perindustrian", None, None, False),
        ("Semua", 2023, None, False),
    ],
)
def test_a_refused_file_is_found_under_the_labels_its_sheet_names(
    sent: dict[str, int], bidang: str, tahun: int | None, periode: str | None, found: bool
) -> None:
    at = riwayat().run()
    at.selectbox(key=f"{state.RIWAYAT}_bidang").set_value(bidang)
    at.number_input(key=f"{state.RIWAYAT}_tahun").set_value(tahun)
    at.selectbox(key=f"{state.RIWAYAT}_periode").set_value(periode or "Semua")
    at.run()
    assert not at.exception
    history = at.dataframe[0].value
    assert ("salah.xlsx" in set(history["File"])) is found
    if found:
        row = history.set_index("File").loc["salah.xlsx"]
        assert (row["Bidang"], row["Tahun"], row["Periode"]) == ("Sekretariat", 2024, "TW III")
        assert row["Status"] == "ditolak"
