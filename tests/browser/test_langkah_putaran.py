"""A round walked in a real browser: open it on Beranda with its deadline, record the format
steps by hand, upload a bidang's sheet, see the matrix and the steps change, and follow the
matrix cell to that bidang's history."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from kinerja import putaran
from tests.browser.pages import SLOW_MS, XLSX_MIME, wait_for_app_run

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SUSULAN = ROOT / "data" / "contoh-susulan" / "bidang-perindustrian-tw-iv-2023.xlsx"
PERINDUSTRIAN = "Bidang Perindustrian"


def choose(page: Page, label: str, option: str) -> None:
    box = page.locator('[data-testid="stSelectbox"]').filter(
        has=page.get_by_text(label, exact=True)
    )
    field = box.first.locator("input")
    field.click()
    field.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app_run(page)


def matrix_cell(page: Page, bidang: str, periode: str) -> Locator:
    """The link in the completeness matrix for bidang in periode."""
    table = page.locator("table").filter(has=page.get_by_role("columnheader", name="TW IV"))
    headers = [h.strip() for h in table.locator("thead th").all_inner_texts()]
    row = table.locator("tbody tr").filter(has=page.get_by_text(bidang, exact=True))
    return row.locator("td").nth(headers.index(periode)).locator("a")


def step_status(page: Page, nomor: int) -> str:
    """The Status cell of step nomor in the steps grid (read through its accessible table)."""
    grid = page.locator('[data-testid="stDataFrame"]').first
    table = grid.locator("table[aria-rowcount]")
    expect(table).to_have_count(1, timeout=SLOW_MS)
    headers = table.locator('[role="columnheader"]').all_inner_texts()
    col = [h.strip() for h in headers].index("Status")
    row = table.locator('[role="row"]').nth(nomor)
    return row.locator('[role="gridcell"]').nth(col).inner_text().strip()


def record_step(page: Page, nomor: int, note: str) -> None:
    form = page.locator('[data-testid="stForm"]').filter(has_text="Catat langkah")
    if not form.is_visible():  # the expander stays open after the first record
        page.get_by_text("Catat langkah secara manual").click()
    expect(form).to_be_visible()
    option = f"{nomor}. {putaran.BY_NOMOR[nomor].nama}"
    field = form.locator('[data-testid="stSelectbox"]').first.locator("input")
    if field.input_value() != option:
        field.click()
        field.fill(option)
        page.get_by_role("option", name=option, exact=True).click()
    expect(field).to_have_value(option)
    form.get_by_label("Catatan").fill(note)
    form.get_by_role("button", name="Catat langkah").click()
    expect(page.get_by_text(f"Langkah {nomor} (")).to_be_visible(timeout=SLOW_MS)
    wait_for_app_run(page)


def test_open_a_round_record_steps_upload_and_see_the_matrix_change(
    app_url: str, page: Page
) -> None:
    page.goto(app_url)
    expect(page.get_by_text("Belum ada putaran pengumpulan data")).to_be_visible(timeout=SLOW_MS)
    wait_for_app_run(page)
    page.get_by_label("Nama pengunggah (untuk riwayat)").fill("Sub Koordinator")
    page.get_by_label("Nama pengunggah (untuk riwayat)").press("Enter")
    wait_for_app_run(page)

    # Open TW IV 2023 with a deadline far ahead (so nothing is late yet).
    tahun = page.get_by_label("Tahun")
    tahun.fill("2023")
    tahun.press("Enter")
    wait_for_app_run(page)
    choose(page, "Periode", "TW IV")
    tenggat = page.locator('[data-testid="stDateInput"]').filter(has_text="Tenggat")
    # Streamlit 1.67's date field: a spin button per part; typing the digits fills them in turn.
    tenggat.get_by_role("spinbutton", name="day, Tenggat").click()
    page.keyboard.type("31122030")
    page.keyboard.press("Tab")
    wait_for_app_run(page)
    expect(tenggat.get_by_role("spinbutton", name="year, Tenggat")).to_have_text("2030")
    page.get_by_label("Catatan disposisi").fill("Surat 005/017")
    page.get_by_role("button", name="Buka putaran").click()
    expect(page.get_by_text("Putaran TW IV 2023 dibuka; tenggat 31 Des 2030.")).to_be_visible(
        timeout=SLOW_MS
    )
    wait_for_app_run(page)
    expect(page.get_by_role("heading", name="Putaran TW IV 2023")).to_be_visible()
    assert step_status(page, 1) == "Selesai"
    assert step_status(page, 2) == "Sedang berjalan"
    cell = matrix_cell(page, PERINDUSTRIAN, "TW IV")
    expect(cell).to_have_text("Belum masuk")

    # The format is built and sent outside the app: recorded by hand, with a note.
    record_step(page, 2, "Format disusun dari PK")
    record_step(page, 3, "Dikirim lewat surel")
    assert step_status(page, 3) == "Selesai"
    assert step_status(page, 4) == "Sedang berjalan"
    expect(page.get_by_text("Langkah sekarang: 4. Bidang mengisi format")).to_be_visible()

    # Perindustrian's sheet comes in through the upload page.
    page.goto(f"{app_url}/unggah")
    expect(page.get_by_role("heading", name="Unggah Data Kinerja")).to_be_visible(timeout=SLOW_MS)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [{"name": SUSULAN.name, "mimeType": XLSX_MIME, "buffer": SUSULAN.read_bytes()}]
    )
    save = page.get_by_role("button", name="Simpan ke basis data")
    expect(save).to_be_enabled(timeout=SLOW_MS)
    save.click()
    expect(page.get_by_text(f"{SUSULAN.name}: Berkas {SUSULAN.name} disimpan")).to_be_visible(
        timeout=SLOW_MS
    )

    # Beranda: the cell turned, the counts are this round's, step 4 has its first bidang.
    page.goto(app_url)
    expect(page.get_by_role("heading", name="Putaran TW IV 2023")).to_be_visible(timeout=SLOW_MS)
    wait_for_app_run(page)
    cell = matrix_cell(page, PERINDUSTRIAN, "TW IV")
    expect(cell).to_have_text("Diterima")
    expect(matrix_cell(page, "Sekretariat", "TW IV")).to_have_text("Belum masuk")
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Bidang yang sudah mengirim")
    expect(metric.locator('[data-testid="stMetricValue"]')).to_have_text("1 dari 4 bidang")
    expect(page.get_by_text("(1 dari 4 bidang)")).to_be_visible()

    # The cell leads to that bidang's history in that round.
    href = cell.get_attribute("href")
    assert href is not None and "bidang=Bidang+Perindustrian" in href and "periode=TW+IV" in href
    page.goto(f"{app_url}/{href}")
    expect(page.get_by_role("heading", name="Riwayat Kiriman dan Data Tersimpan")).to_be_visible(
        timeout=SLOW_MS
    )
    wait_for_app_run(page)
    expect(page.get_by_role("combobox", name="Bidang")).to_have_value(PERINDUSTRIAN)
    expect(page.get_by_role("combobox", name="Periode")).to_have_value("TW IV")
    expect(page.get_by_label("Tahun")).to_have_value("2023")
    expect(page.get_by_text(f"Kiriman #1: {SUSULAN.name}")).to_be_visible(timeout=SLOW_MS)
