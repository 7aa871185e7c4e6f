"""The upload page (AppTest): the uploader's rules in Indonesian, each file's card naming
the bidang, tahun and periode read from it, a refused file's too, and a refused file offered
back marked."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from kinerja import anotasi, kirim, workbook
from kinerja.ui import state
from kinerja.ui.cards import slot_line
from tests import factories as f

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["Bidang", "Indikator Kinerja", "Satuan", "Tahun", "Periode", "Target", "Realisasi"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ANNOTATED = "Unduh file bertanda (.xlsx)"


@pytest.fixture(autouse=True)
def fresh_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("KINERJA_DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()


def unggah() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.switch_page("views/unggah.py")
    return at


def shown(markdown: str) -> str:
    """Markdown source as shown: no backslash escapes, no emphasis marks."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("**", "")


def cards(at: AppTest) -> list[str]:
    """Each file's card as its Markdown lines shown (file and verdict, then what was read)."""
    out: list[str] = []
    for m in at.markdown:
        text = shown(m.value)
        if "— :green[Valid]" in text or "— :red[Ditolak]" in text:
            out.append(text)
        elif out and text.startswith("Bidang:"):
            out[-1] += " | " + text
    return out


def test_each_card_names_the_bidang_tahun_and_periode_read_from_its_file() -> None:
    good = f.xlsx(
        [
            HEADER,
            ["Bidang Perindustrian", "Jumlah IKM yang dibina", "unit", 2023, "TW I", 10, 9],
            ["Bidang Perindustrian", "Jumlah sentra IKM", "sentra", 2023, "TW II", 2, 2],
        ]
    )
    # Refused: its bidang, tahun and periode come from its title rows, not from any record.
    bad = f.xlsx(
        [
            ["Unit Kerja: Sekretariat"],
            ["Data Kinerja Semester I Tahun 2024"],
            ["Indikator Kinerja", "Satuan", "Target", "Realisasi"],
            ["Indeks kepuasan layanan internal", "indeks", 80, "delapan puluh"],
        ]
    )
    at = unggah().run()
    at.file_uploader[0].set_value([("baik.xlsx", good, XLSX), ("salah.xlsx", bad, XLSX)]).run()
    assert not at.exception
    baik, salah = cards(at)
    assert "baik.xlsx" in baik and "Valid" in baik
    assert "Bidang: Bidang Perindustrian · Tahun: 2023 · Periode: TW I, TW II" in baik
    assert "salah.xlsx" in salah and "Ditolak" in salah
    assert "Bidang: Sekretariat · Tahun: 2024 · Periode: Semester I" in salah

    # What a reader checks comes first (visible at 1366 px without scrolling); long messages
    # wrap (rows taller than Streamlit's 4rem).
    records = [d for d in at.dataframe if "Capaian (%)" in d.value.columns]
    assert records and all(
        list(d.proto.column_order[:5])
        == ["Indikator Kinerja", "Target", "Realisasi", "Capaian (%)", "Predikat"]
        for d in records
    )
    assert "Sasaran" not in records[0].proto.column_order  # hidden, in the column menu
    issues = [d for d in at.dataframe if "Pesan" in d.value.columns]
    assert issues and all(d.proto.row_height > 64 for d in issues)


def test_the_form_fills_what_a_refused_sheet_does_not_name() -> None:
    bad = f.xlsx([["Indikator Kinerja", "Target", "Realisasi"], ["Jumlah rapat", 4, "empat"]])
    at = unggah().run()
    at.selectbox(key=f"{state.KONTEKS}_bidang").set_value("Sekretariat")
    at.number_input(key=f"{state.KONTEKS}_tahun").set_value(2025)
    at.run()
    at.file_uploader[0].set_value([("salah.xlsx", bad, XLSX)]).run()
    assert not at.exception
    (card,) = cards(at)
    assert "Bidang: Sekretariat · Tahun: 2025 · Periode: tidak disebut" in card


def test_a_card_says_what_no_one_named() -> None:
    nothing = pd.DataFrame([[None, None, None]], columns=kirim.SLOT_COLUMNS, dtype=object)
    assert shown(slot_line(nothing)) == (
        "Bidang: tidak disebut · Tahun: tidak disebut · Periode: tidak disebut"
    )
    user_text = pd.DataFrame([["**[x](https://evil.example)**", 2024, "TW I"]], dtype=object)
    line = slot_line(user_text.set_axis(kirim.SLOT_COLUMNS, axis=1))
    assert "](" not in line and "**[" not in line


def test_the_uploader_says_what_it_takes_in_indonesian() -> None:
    at = unggah().run()
    assert not at.exception
    limit = min(int(st.get_option("server.maxUploadSize")), workbook.MAX_FILE_BYTES // 2**20)
    rules = [c.value for c in at.caption if c.value.startswith("Jenis berkas:")]
    assert rules == [
        f"Jenis berkas: .xlsx, .xlsm, .xls, .ods. Paling besar {limit} MB per berkas dan "
        "200.000 baris per lembar; beberapa berkas boleh dipilih sekaligus."
    ]
    uploader = at.file_uploader[0]
    assert uploader.proto.max_upload_size_mb == limit
    assert list(uploader.proto.type) == [".xlsx", ".xlsm", ".xls", ".ods"]
    assert uploader.help == rules[0]


def _recorded_downloads(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every st.download_button call's arguments (its deferred data can then be built)."""
    offered: list[dict[str, Any]] = []
    original = st.download_button

    def recording(label: str, data: Any, **kwargs: Any) -> bool:
        offered.append({"label": label, "data": data, **kwargs})
        return original(label, data, **kwargs)

    monkeypatch.setattr(st, "download_button", recording)
    return offered


def test_a_refused_file_is_offered_back_marked_and_a_valid_one_is_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    offered = _recorded_downloads(monkeypatch)
    good = f.xlsx([HEADER, ["Sekretariat", "Jumlah rapat", "kali", 2023, "TW I", 4, 4]])
    bad = f.xls([HEADER, ["Sekretariat", "Jumlah rapat", "kali", 2023, "TW I", 4, "empat"]])
    at = unggah().run()
    at.file_uploader[0].set_value(
        [("baik.xlsx", good, XLSX), ("salah.xls", bad, "application/vnd.ms-excel")]
    ).run()
    assert not at.exception
    labels = [b.label for b in at.download_button]
    assert labels.count(ANNOTATED) == 1  # the refused file's card only
    (marked,) = [o for o in offered if o["label"] == ANNOTATED]
    assert marked["file_name"] == "salah-diperiksa.xlsx"
    data = marked["data"]() if callable(marked["data"]) else marked["data"]
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == [anotasi.LIST_SHEET, "Data"]
    cell = wb["Data"]["G2"]
    assert cell.value == "empat" and "'empat' bukan angka (sel G2)" in cell.comment.text


def test_a_file_that_is_no_spreadsheet_says_why_it_has_no_marked_copy() -> None:
    at = unggah().run()
    at.file_uploader[0].set_value([("catatan.xlsx", b"bukan spreadsheet", XLSX)]).run()
    assert not at.exception
    assert ANNOTATED not in [b.label for b in at.download_button]
    assert any(c.value.startswith("Tidak ada file bertanda: masalahnya") for c in at.caption)
