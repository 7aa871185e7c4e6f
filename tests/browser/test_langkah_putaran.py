"""A round walked in a real browser: open it on Beranda with its deadline, build the formats on
/format and download one bidang's, fill it in as the bidang would, upload it, see the matrix
and the steps change, and follow the matrix cell to that bidang's history."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from playwright.sync_api import Locator, Page, expect

from kinerja import cli, putaran
from tests.browser.pages import SLOW_MS, XLSX_MIME, wait_for_app_run

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
PK_2023 = ROOT / "data" / "demo" / "pk" / "pk-2023.xlsx"
PERINDUSTRIAN = "Bidang Perindustrian"
FILLED = "isian perindustrian (1).xlsx"  # any name: the format is known by its metadata


@pytest.fixture
def pk_app(streamlit_app: Callable[..., str], tmp_path: Path) -> str:
    """app.py on a database holding the demo agency's PK 2023 and no round yet."""
    url = f"sqlite:///{tmp_path}/app.db"
    assert cli.main(["db", "init", "--db", url]) == 0
    assert cli.main(["pk", "import", "--tahun", "2023", "--db", url, str(PK_2023)]) == 0
    return streamlit_app("app.py", env={"KINERJA_DATABASE_URL": url})


def fill_format(data: bytes) -> tuple[bytes, int]:
    """The downloaded format filled in as a bidang would: every indicator's realisasi equal to
    its target (the sheet as downloaded: protection and metadata left alone). Returns the file
    and the number of indicators filled."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = next(ws for ws in book.worksheets if ws.title != "Petunjuk")
    header = next(r for r in sheet.iter_rows() if any(c.value == "Realisasi" for c in r))
    col = {c.value: c.column for c in header}
    filled = 0
    for row in range(header[0].row + 1, sheet.max_row + 1):
        target = sheet.cell(row, col["Target"]).value
        if isinstance(target, (int, float)) and not isinstance(target, bool):
            sheet.cell(row, col["Realisasi"]).value = target
            filled += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue(), filled


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
        field.fill(option)  # the list filtered to the one option, chosen with the keyboard
        expect(page.get_by_role("option", name=option, exact=True)).to_be_visible()
        field.press("Enter")
    expect(field).to_have_value(option)
    form.get_by_label("Catatan").fill(note)
    form.get_by_role("button", name="Catat langkah").click()
    expect(page.get_by_text(f"Langkah {nomor} (")).to_be_visible(timeout=SLOW_MS)
    wait_for_app_run(page)


def test_open_a_round_build_and_fill_a_format_upload_and_see_the_matrix_change(
    pk_app: str, page: Page
) -> None:
    app_url = pk_app
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

    # Steps 2 and 3 in the app: /format builds the round's formats from the PK, and
    # Perindustrian's is downloaded.
    page.goto(f"{app_url}/format")
    expect(page.get_by_role("heading", name="Format Data Kinerja")).to_be_visible(timeout=SLOW_MS)
    wait_for_app_run(page)
    choose(page, "Periode", "TW IV")
    row = page.locator('[data-testid="stHorizontalBlock"]').filter(
        has=page.get_by_text(PERINDUSTRIAN, exact=True)
    )
    # A download button's file is the last run's: click once the run is over.
    wait_for_app_run(page)
    with page.expect_download() as got:
        row.last.get_by_role("button", name="Unduh .xlsx").click()
    expect(page.get_by_text(f"Format {PERINDUSTRIAN} diunduh")).to_be_visible(timeout=SLOW_MS)
    data, filled = fill_format(Path(got.value.path()).read_bytes())
    assert filled > 0

    page.goto(app_url)
    expect(page.get_by_role("heading", name="Putaran TW IV 2023")).to_be_visible(timeout=SLOW_MS)
    wait_for_app_run(page)
    assert step_status(page, 2) == "Selesai"
    assert step_status(page, 3) == "Selesai"
    assert step_status(page, 4) == "Sedang berjalan"
    expect(page.get_by_text("Langkah sekarang: 4. Bidang mengisi format")).to_be_visible()

    # The filled format comes back under another name, with no bidang, tahun or periode given
    # on the form: the reader knows it by its metadata, with no warning.
    page.goto(f"{app_url}/unggah")
    expect(page.get_by_role("heading", name="Unggah Data Kinerja")).to_be_visible(timeout=SLOW_MS)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [{"name": FILLED, "mimeType": XLSX_MIME, "buffer": data}]
    )
    save = page.get_by_role("button", name="Simpan ke basis data")
    expect(save).to_be_enabled(timeout=SLOW_MS)
    expect(page.get_by_text(f"{filled} data dari lembar 'TW IV', 0 peringatan")).to_be_visible()
    save.click()
    expect(page.get_by_text(f"{FILLED}: Berkas {FILLED} disimpan")).to_be_visible(timeout=SLOW_MS)

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

    # What happens outside the app is recorded by hand, with its note.
    record_step(page, 5, "Data Sekretariat diserahkan tercetak")
    assert step_status(page, 5) == "Selesai"
    assert step_status(page, 4) == "Sedang berjalan"  # three bidang have not sent yet

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
    expect(page.get_by_text(f"Kiriman #1: {FILLED}")).to_be_visible(timeout=SLOW_MS)
