"""SOP step 7 in a real browser over the demo data: a verified bidang's year on /ekspor, build,
then download the LKjIP workbook and the Bab III draft and read both back."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from docx import Document
from playwright.sync_api import Page, expect

from kinerja import cli, store
from kinerja.lkjip import workbook
from tests.browser.pages import SLOW_MS, wait_for_app_run

pytestmark = pytest.mark.browser

HI = "Bidang Hubungan Industrial"


def test_build_and_download_both_files(
    streamlit_app: Callable[..., str], page: Page, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'kinerja.db'}"
    assert cli.main(["demo", "--db", url]) == 0
    s = store.connect(url)
    try:
        for p in ("TW I", "TW II", "TW III", "TW IV"):
            s.verify(HI, 2023, p, user="sari")
    finally:
        s.close()
    base = streamlit_app("app.py", env={"KINERJA_DATABASE_URL": url})

    page.goto(f"{base}/ekspor")
    expect(page.get_by_role("heading", name="Ekspor Data LKjIP")).to_be_visible(timeout=SLOW_MS)
    wait_for_app_run(page)
    expect(page.get_by_text("Data terverifikasi per bidang")).to_be_visible()
    page.get_by_role("button", name="Susun data LKjIP").click()
    wait_for_app_run(page)
    expect(page.get_by_text("Langkah 7 (data kinerja disusun) tercatat")).to_be_visible(
        timeout=SLOW_MS
    )

    # A download button's file is the last run's: click once the run is over.
    wait_for_app_run(page)
    with page.expect_download() as got:
        page.get_by_role("button", name="Unduh buku kerja LKjIP (.xlsx)").click()
    assert got.value.suggested_filename == "lkjip-2023.xlsx"
    xlsx = tmp_path / "lkjip.xlsx"
    got.value.save_as(xlsx)
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == workbook.LEMBAR
    bidang = {r[0] for r in wb["Data"].iter_rows(values_only=True)} & {HI, "Sekretariat"}
    assert bidang == {HI}

    # A download button's file is the last run's: click once the run is over.
    wait_for_app_run(page)
    with page.expect_download() as got:
        page.get_by_role("button", name="Unduh draf Bab III (.docx)").click()
    assert got.value.suggested_filename == "lkjip-2023.docx"
    docx = tmp_path / "bab3.docx"
    got.value.save_as(docx)
    text = "\n".join(p.text for p in Document(str(docx)).paragraphs)
    assert "BAB III AKUNTABILITAS KINERJA" in text and "Sasaran Strategis 1" in text
