"""User text stays text in a real browser: Markdown links and images in a file name, a sheet
name and a cell are shown literally, never as a link, an image or a request to their host."""

from __future__ import annotations

import io
import re
import zipfile
from html import escape
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["Bidang", "Indikator Kinerja", "Satuan", "Tahun", "Periode", "Target", "Realisasi"]
EVIL = re.compile(r"evil\.example")
IMAGE = "![x](https://evil.example/track.png)"
LINK = "[tautan](https://evil.example/a)"
FILE_NAME = "[Klik](https://evil.example/v).xlsx"
TWIN_NAME = f"kembar {IMAGE}.xlsx"
REFUSED_NAME = f"ditolak {LINK} a@evil.example.xlsx"
# Excel and openpyxl refuse [ ] / : in a sheet name; a forged workbook carries them anyway.
SHEET_NAME = f"Lembar {IMAGE} {LINK}"
INDIKATOR = f"Jumlah IKM {IMAGE} {LINK} www.evil.example"
ROW = ["Sekretariat", INDIKATOR, "unit", 2024, "Tahunan", 10, 9]


def workbook(rows: list[list[Any]], sheet: str) -> bytes:
    """A one-sheet .xlsx whose sheet is named `sheet`, whatever Excel would allow."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Data"
    for row in [HEADER, *rows]:
        ws.append(row)
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/workbook.xml":
                named = f'name="{escape(sheet, quote=True)}"'.encode()
                data = data.replace(b'name="Data"', named)
                assert named in data
            dst.writestr(info, data)
    return out.getvalue()


def literally(text: str) -> re.Pattern[str]:
    """`text` as shown; an invisible WORD JOINER (U+2060) may sit between two characters
    (the app puts one where a bare URL or e-mail address would start, to keep it a text)."""
    return re.compile("\u2060?".join(re.escape(c) for c in text))


MARKDOWN = ':is([data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"])'


def shows(page: Page, text: str, where: str = MARKDOWN) -> Locator:
    """The Markdown-rendered element (text, caption; alert when asked) showing `text` as is."""
    return page.locator(where).filter(has_text=literally(text)).first


def assert_nothing_from_evil(page: Page, requested: list[str]) -> None:
    expect(page.locator('a[href*="evil.example"]')).to_have_count(0)
    expect(page.locator('img[src*="evil.example"]')).to_have_count(0)
    expect(page.locator('[data-testid="stMain"] img')).to_have_count(0)
    assert requested == [], f"the page asked for {requested}"


def upload(page: Page, *files: tuple[str, bytes]) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [{"name": name, "mimeType": XLSX_MIME, "buffer": data} for name, data in files]
    )


def test_links_and_images_in_user_text_stay_text(app_url: str, page: Page) -> None:
    base = app_url
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url) if EVIL.search(r.url) else None)
    page.route(EVIL, lambda route: route.abort())  # recorded above, never sent
    data = workbook([ROW], SHEET_NAME)

    # Two files with the same row: each card names its file and sheet, the clash its cell.
    page.goto(f"{base}/unggah")
    expect(page.get_by_role("heading", name="Unggah Data Kinerja")).to_be_visible(timeout=60_000)
    upload(page, (FILE_NAME, data), (TWIN_NAME, data))
    clash = shows(page, INDIKATOR, '[data-testid="stAlert"]')
    expect(clash).to_be_visible(timeout=60_000)
    expect(clash).to_contain_text(literally(FILE_NAME))
    expect(clash).to_contain_text(literally(TWIN_NAME))
    expect(shows(page, f"{FILE_NAME} — Valid")).to_be_visible()
    expect(shows(page, f"{TWIN_NAME} — Valid")).to_be_visible()
    expect(shows(page, f"dari lembar '{SHEET_NAME}'")).to_be_visible()
    assert_nothing_from_evil(page, requested)

    # A new session: the file saved beside a refused one whose cell is an image.
    page.goto(f"{base}/unggah")
    expect(page.get_by_text("Belum ada file")).to_be_visible(timeout=60_000)
    refused = workbook([[*ROW[:5], 10, IMAGE]], "Data")
    upload(page, (FILE_NAME, data), (REFUSED_NAME, refused))
    save = page.get_by_role("button", name="Simpan ke basis data")
    expect(save).to_be_enabled(timeout=60_000)
    save.click()
    saved = shows(page, f"{FILE_NAME}: Berkas {FILE_NAME} disimpan", '[data-testid="stAlert"]')
    expect(saved).to_be_visible(timeout=60_000)
    expect(
        shows(page, f"{REFUSED_NAME}: Berkas ditolak", '[data-testid="stAlert"]')
    ).to_contain_text(literally(IMAGE))
    assert_nothing_from_evil(page, requested)

    # The screens that read them back.
    page.goto(f"{base}/riwayat")
    expect(page.get_by_role("heading", name="Riwayat Kiriman dan Data Tersimpan")).to_be_visible(
        timeout=60_000
    )
    expect(page.locator('[data-testid="stDataFrame"]').first).to_be_visible(timeout=60_000)
    assert_nothing_from_evil(page, requested)
    page.goto(base)
    expect(page.locator('[data-testid="stMetric"]').first).to_be_visible(timeout=60_000)
    assert_nothing_from_evil(page, requested)
