"""The upload page in a real browser: upload sheets, read the verdicts, download the merge.

The same test runs twice: against a small stand-in page written here (so the test itself
is shown able to pass, whatever the app's state) and against app.py's /unggah page.
The page contract the test reads, as a person would:
- the page title "Unggah Data Kinerja" and one uploader "Unggah lembar data kinerja";
- one section per file (its own st.container or st.expander) with the file name and
  "Valid" or "Ditolak", a table of problems with columns Baris, Kolom, Pesan (Baris is the
  spreadsheet row), and a preview of the records with capaian and predikat;
- a download button "Unduh gabungan (.xlsx)" holding the records of the valid files only.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.browser.pages import (
    SLOW_MS,
    VALID_NAME,
    VALID_ROWS,
    XLSX_MIME,
    tables,
    wait_for_app_run,
    xlsx,
)

pytestmark = pytest.mark.browser

# Sheet row 3 (the second data row) has its realisasi written out in words.
INVALID_ROWS: list[list[Any]] = [
    ["Bidang Statistik", "Jumlah data sektoral terpublikasi", "Dataset", 2024, "Tahunan", 50, 48],
    ["Bidang Statistik", "Persentase OPD menyampaikan data", "%", 2024, "Tahunan", 100,
     "sembilan puluh"],
    ["Bidang Statistik", "Jumlah rilis statistik", "Rilis", 2024, "Tahunan", 4, 4],
]  # fmt: skip
INVALID_SHEET_ROW = 3
INVALID_NAME = "statistik.xlsx"

STAND_IN_PAGE = '''
"""Stand-in for the upload page, following the contract in test_upload_page.py."""
import io

import openpyxl
import pandas as pd
import streamlit as st


def unggah():
    st.title("Unggah Data Kinerja")
    files = st.file_uploader(
        "Unggah lembar data kinerja", type=["xlsx", "xls", "ods"], accept_multiple_files=True
    )
    valid = []
    for upload in files or []:
        rows = list(openpyxl.load_workbook(upload).active.iter_rows(values_only=True))
        frame = pd.DataFrame(rows[1:], columns=rows[0])
        numeric = frame["Realisasi"].map(lambda v: isinstance(v, int | float))
        errors = pd.DataFrame(
            {"Baris": frame.index[~numeric] + 2, "Kolom": "Realisasi", "Pesan": "bukan angka"}
        )
        real = pd.to_numeric(frame["Realisasi"], errors="coerce")
        frame["Capaian (%)"] = real / frame["Target"] * 100
        frame["Predikat"] = frame["Capaian (%)"].map(lambda c: "Baik" if c >= 90 else "Kurang")
        with st.container(border=True):
            st.subheader(upload.name)
            st.write("Ditolak" if len(errors) else "Valid")
            st.dataframe(errors, hide_index=True)
            st.dataframe(frame, hide_index=True)
        if not len(errors):
            valid.append(frame)
    if valid:
        merged = pd.concat(valid, ignore_index=True)
        st.dataframe(merged, hide_index=True)
        buffer = io.BytesIO()
        merged.to_excel(buffer, index=False)
        st.download_button("Unduh gabungan (.xlsx)", buffer.getvalue(), "gabungan.xlsx")


def beranda():
    st.title("Beranda")


# The default page is served at "/" and nowhere else, so /unggah must not be the default.
st.navigation([st.Page(beranda, default=True), st.Page(unggah, url_path="unggah")]).run()
'''


def open_expanders(scope: Locator) -> None:
    """Click every closed expander in scope open, as a person would to read inside."""
    closed = scope.locator("details:not([open]) > summary")
    for _ in range(20):
        if not closed.count():
            break
        closed.first.click()
    expect(closed).to_have_count(0)


def file_section(page: Page, name: str, other: str) -> Locator:
    """The outermost block that names this file and not the other, outside the uploader."""
    blocks = page.locator(
        '[data-testid="stMain"] :is([data-testid="stVerticalBlock"], [data-testid="stExpander"])'
    )
    return blocks.filter(
        has_text=name,
        has_not_text=other,
        has_not=page.locator('[data-testid="stFileUploader"]'),
    ).first


@pytest.mark.parametrize("target", ["stand-in", "app"])
def test_upload_page_checks_each_file_and_merges_the_valid_ones(
    target: str, streamlit_app: Callable[..., str], page: Page, tmp_path: Path
) -> None:
    if target == "stand-in":
        script = tmp_path / "stand_in.py"
        script.write_text(STAND_IN_PAGE)
        base_url = streamlit_app(script)
    else:
        base_url = streamlit_app(
            "app.py", env={"KINERJA_DATABASE_URL": f"sqlite:///{tmp_path}/kinerja.db"}
        )

    page.goto(f"{base_url}/unggah")
    expect(page.get_by_role("heading", name="Unggah Data Kinerja")).to_be_visible(timeout=SLOW_MS)
    # Streamlit answers an unknown path with its main page under a "Page not found" dialog;
    # the default page of st.navigation is served at "/" only.
    covered = "a dialog covers the page ('Page not found'?): is /unggah a non-default page?"
    expect(page.get_by_role("dialog"), covered).to_have_count(0)
    expect(page.get_by_text("Unggah lembar data kinerja")).to_be_visible()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [
            {"name": VALID_NAME, "mimeType": XLSX_MIME, "buffer": xlsx(VALID_ROWS)},
            {"name": INVALID_NAME, "mimeType": XLSX_MIME, "buffer": xlsx(INVALID_ROWS)},
        ]
    )

    valid = file_section(page, VALID_NAME, INVALID_NAME)
    invalid = file_section(page, INVALID_NAME, VALID_NAME)
    # Inner text: what is shown, with line breaks between elements.
    expect(invalid).to_contain_text("Ditolak", use_inner_text=True, timeout=SLOW_MS)
    expect(valid).to_contain_text(re.compile(r"\bValid\b"), use_inner_text=True)
    expect(valid).not_to_contain_text("Ditolak", use_inner_text=True)

    open_expanders(invalid)
    open_expanders(valid)
    problems = [t for t in tables(invalid) if {"Baris", "Kolom", "Pesan"} <= set(t["headers"])]
    assert problems, f"no table with Baris, Kolom, Pesan in the section of {INVALID_NAME}"
    reported = [dict(zip(t["headers"], row, strict=True)) for t in problems for row in t["rows"]]
    at_row = [p for p in reported if p["Baris"] == str(INVALID_SHEET_ROW)]
    assert at_row, f"sheet row {INVALID_SHEET_ROW} not reported: {reported}"
    assert any(p["Kolom"].lower() == "realisasi" for p in at_row), at_row

    shown = tables(valid)
    previews = [
        t
        for t in shown
        if any("capaian" in h.lower() for h in t["headers"])
        and any("predikat" in h.lower() for h in t["headers"])
    ]
    assert previews, f"no preview with capaian and predikat for {VALID_NAME}: {shown}"
    assert len(previews[0]["rows"]) == len(VALID_ROWS)

    # A download button's file is the last run's: click once the run is over.
    wait_for_app_run(page)
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Unduh gabungan (.xlsx)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    workbook = openpyxl.load_workbook(saved, read_only=True)
    cells = [
        " | ".join(str(v) for v in row if v is not None)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
    ]
    for _, indikator, *_rest in VALID_ROWS:
        assert sum(indikator in row for row in cells) == 1, (indikator, cells)
    for _, indikator, *_rest in INVALID_ROWS:
        assert not any(indikator in row for row in cells), (indikator, cells)


def test_harness_shows_a_streamlit_script_in_chromium(
    streamlit_app: Callable[..., str], page: Page, tmp_path: Path
) -> None:
    script = tmp_path / "halo.py"
    script.write_text(textwrap.dedent('import streamlit as st\n\nst.title("Halo")\n'))
    base_url = streamlit_app(script)

    page.goto(base_url)
    expect(page.get_by_role("heading", name="Halo")).to_be_visible(timeout=SLOW_MS)
