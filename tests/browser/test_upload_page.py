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

import io
import re
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.browser

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["Bidang", "Indikator Kinerja", "Satuan", "Tahun", "Periode", "Target", "Realisasi"]
VALID_ROWS: list[list[Any]] = [
    ["Sekretariat", "Persentase dokumen perencanaan tepat waktu", "%", 2024, "Tahunan", 100, 95],
    ["Sekretariat", "Jumlah laporan keuangan tersusun", "Dokumen", 2024, "Tahunan", 12, 12],
    ["Sekretariat", "Indeks kepuasan layanan internal", "Indeks", 2024, "Tahunan", 80, 84.5],
]
# Sheet row 3 (the second data row) has its realisasi written out in words.
INVALID_ROWS: list[list[Any]] = [
    ["Bidang Statistik", "Jumlah data sektoral terpublikasi", "Dataset", 2024, "Tahunan", 50, 48],
    ["Bidang Statistik", "Persentase OPD menyampaikan data", "%", 2024, "Tahunan", 100,
     "sembilan puluh"],
    ["Bidang Statistik", "Jumlah rilis statistik", "Rilis", 2024, "Tahunan", 4, 4],
]  # fmt: skip
INVALID_SHEET_ROW = 3
VALID_NAME = "sekretariat.xlsx"
INVALID_NAME = "statistik.xlsx"

Table = dict[str, Any]  # {"headers": [str], "rows": [[str]]}

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


def xlsx(rows: list[list[Any]]) -> bytes:
    """A one-sheet workbook: the long-layout header, then `rows`."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# Reads one <table> into {"headers": [...], "rows": [[...], ...]}. A st.dataframe is drawn
# on a canvas; the grid keeps an accessible table beside it, but only of the rows and
# columns in view, so the grid is scrolled through as a person would and the cells are
# gathered by their aria row and column indexes. A st.table is a plain HTML table.
READ_TABLE_JS = """
async (table) => {
    const grid = table.closest('[data-testid="stDataFrame"]');
    const scroller = grid && grid.querySelector(".dvn-scroller");
    if (!scroller) {
        const text = (cells) => [...cells].map((c) => c.textContent.trim());
        return {
            headers: text(table.querySelectorAll("thead th")),
            rows: [...table.querySelectorAll("tbody tr")].map((r) => text(r.children)),
        };
    }
    const headers = new Map();
    const rows = new Map();
    const gather = () => {
        for (const th of grid.querySelectorAll("thead th[aria-colindex]")) {
            headers.set(Number(th.getAttribute("aria-colindex")), th.textContent.trim());
        }
        for (const tr of grid.querySelectorAll("tbody tr[aria-rowindex]")) {
            const row = rows.get(tr.getAttribute("aria-rowindex")) || new Map();
            for (const td of tr.querySelectorAll("td[aria-colindex]")) {
                row.set(Number(td.getAttribute("aria-colindex")), td.textContent.trim());
            }
            rows.set(tr.getAttribute("aria-rowindex"), row);
        }
    };
    // The grid redraws its accessible table a moment after a scroll: wait for the change.
    const shown = () => [...grid.querySelectorAll("th[aria-colindex], tr[aria-rowindex]")]
        .map((e) => e.getAttribute("aria-colindex") || e.getAttribute("aria-rowindex"))
        .join();
    const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
    const scrollTo = async (x, y) => {
        if (scroller.scrollLeft === x && scroller.scrollTop === y) return;
        const before = shown();
        scroller.scrollTo(x, y);
        for (let i = 0; i < 40 && shown() === before; i++) await sleep(25);
        await sleep(50);
    };
    const maxX = scroller.scrollWidth - scroller.clientWidth;
    const maxY = scroller.scrollHeight - scroller.clientHeight;
    for (let y = 0; ; y = Math.min(maxY, y + scroller.clientHeight)) {
        for (let x = 0; ; x = Math.min(maxX, x + scroller.clientWidth)) {
            await scrollTo(x, y);
            gather();
            if (x >= maxX) break;
        }
        if (y >= maxY) break;
    }
    await scrollTo(0, 0);
    const columns = [...headers.keys()].sort((a, b) => a - b);
    return {
        headers: columns.map((c) => headers.get(c)),
        rows: [...rows.keys()]
            .sort((a, b) => a - b)
            .map((r) => columns.map((c) => rows.get(r).get(c) ?? "")),
    };
}
"""


def tables(scope: Locator, wanted: Callable[[Table], bool], timeout_s: float = 30) -> list[Table]:
    """The tables in scope (st.dataframe or st.table) that `wanted` accepts, waiting for
    them to be drawn; [] if none shows up in time."""
    deadline = time.monotonic() + timeout_s
    while True:
        found = [t for t in (x.evaluate(READ_TABLE_JS) for x in scope.locator("table").all())]
        found = [t for t in found if wanted(t)]
        if found or time.monotonic() > deadline:
            return found
        scope.page.wait_for_timeout(250)


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


def upload_and_save(page: Page, base_url: str) -> None:
    """Open /unggah, upload the valid sheet, save it, and wait for the confirmation."""
    page.goto(f"{base_url}/unggah")
    expect(page.get_by_role("heading", name="Unggah Data Kinerja")).to_be_visible(timeout=60_000)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [{"name": VALID_NAME, "mimeType": XLSX_MIME, "buffer": xlsx(VALID_ROWS)}]
    )
    save = page.get_by_role("button", name="Simpan ke basis data")
    expect(save).to_be_enabled(timeout=60_000)
    save.click()
    expect(page.get_by_text(f"{VALID_NAME}: Berkas {VALID_NAME} disimpan")).to_be_visible(
        timeout=60_000
    )


def history_rows(page: Page) -> list[dict[str, str]]:
    expect(page.get_by_role("heading", name="Riwayat Kiriman dan Data Tersimpan")).to_be_visible(
        timeout=60_000
    )
    found = tables(page.locator('[data-testid="stMain"]'), lambda t: "File" in t["headers"])
    assert found, "no history table"
    return [dict(zip(found[0]["headers"], r, strict=True)) for r in found[0]["rows"]]


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
    expect(page.get_by_role("heading", name="Unggah Data Kinerja")).to_be_visible(timeout=60_000)
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
    expect(invalid).to_contain_text("Ditolak", use_inner_text=True, timeout=60_000)
    expect(valid).to_contain_text(re.compile(r"\bValid\b"), use_inner_text=True)
    expect(valid).not_to_contain_text("Ditolak", use_inner_text=True)

    open_expanders(invalid)
    open_expanders(valid)
    problems = tables(invalid, lambda t: {"Baris", "Kolom", "Pesan"} <= set(t["headers"]))
    assert problems, f"no table with Baris, Kolom, Pesan in the section of {INVALID_NAME}"
    reported = [dict(zip(t["headers"], row, strict=True)) for t in problems for row in t["rows"]]
    at_row = [p for p in reported if p["Baris"] == str(INVALID_SHEET_ROW)]
    assert at_row, f"sheet row {INVALID_SHEET_ROW} not reported: {reported}"
    assert any(p["Kolom"].lower() == "realisasi" for p in at_row), at_row

    previews = tables(
        valid,
        lambda t: (
            any("capaian" in h.lower() for h in t["headers"])
            and any("predikat" in h.lower() for h in t["headers"])
        ),
    )
    assert previews, (
        f"no preview with capaian and predikat for {VALID_NAME}: {tables(valid, lambda t: True, 1)}"
    )
    assert len(previews[0]["rows"]) == len(VALID_ROWS)

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
    expect(page.get_by_role("heading", name="Halo")).to_be_visible(timeout=60_000)
    # Kept for a person to look at after a run.
    shot = Path("/tmp/kinerja-shot.png")
    page.screenshot(path=shot, full_page=True)
    assert shot.read_bytes().startswith(b"\x89PNG")
