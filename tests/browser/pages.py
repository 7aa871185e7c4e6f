"""Reading and driving the app's pages in a real browser, shared by the browser tests (not a
test module): the sheets they upload, reading a table as a person would, saving an upload,
reading the history.

Every wait here is for a condition (Playwright's expect and wait_for_function), never for
a fixed time: Streamlit marks its app "notRunning" when a script run is over, and the
grid's accessible table is read only once it shows the part of the grid scrolled to.
"""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from playwright.sync_api import Locator, Page, expect

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER = ["Bidang", "Indikator Kinerja", "Satuan", "Tahun", "Periode", "Target", "Realisasi"]
VALID_ROWS: list[list[Any]] = [
    ["Sekretariat", "Persentase dokumen perencanaan tepat waktu", "%", 2024, "Tahunan", 100, 95],
    ["Sekretariat", "Jumlah laporan keuangan tersusun", "Dokumen", 2024, "Tahunan", 12, 12],
    ["Sekretariat", "Indeks kepuasan layanan internal", "Indeks", 2024, "Tahunan", 80, 84.5],
]
VALID_NAME = "sekretariat.xlsx"
# Long enough for a page that starts a server on a busy two-core machine.
SLOW_MS = 60_000

Table = dict[str, Any]  # {"headers": [str], "rows": [[str]]}


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


def wait_for_app_run(page: Page) -> None:
    """Until Streamlit's script run is over (what Streamlit's own browser tests wait for)."""
    expect(page.get_by_test_id("stApp")).to_have_attribute(
        "data-test-script-state", "notRunning", timeout=SLOW_MS
    )


# A st.dataframe is drawn on a canvas; beside it the grid keeps an accessible <table> of the
# rows and columns in view only (aria-rowindex 1 is the header row, aria-colindex counts
# from 1), updated a moment after each scroll. A st.table is a plain HTML table.
GEOMETRY_JS = """
(table) => {
    const grid = table.closest('[data-testid="stDataFrame"]');
    const scroller = grid && grid.querySelector(".dvn-scroller");
    if (!scroller) return null;
    return {
        rows: Number(table.getAttribute("aria-rowcount")),
        cols: Number(table.getAttribute("aria-colcount")),
        maxX: scroller.scrollWidth - scroller.clientWidth,
        maxY: scroller.scrollHeight - scroller.clientHeight,
        width: scroller.clientWidth,
        height: scroller.clientHeight,
    };
}
"""
PLAIN_TABLE_JS = """
(table) => {
    const text = (cells) => [...cells].map((c) => c.textContent.trim());
    return {
        headers: text(table.querySelectorAll("thead th")),
        rows: [...table.querySelectorAll("tbody tr")].map((r) => text(r.children)),
    };
}
"""
# What the accessible table shows now: [column indexes, row indexes, cells].
SHOWN_JS = """
(table) => {
    const cols = [...table.querySelectorAll("thead th[aria-colindex]")]
        .map((th) => [Number(th.getAttribute("aria-colindex")), th.textContent.trim()]);
    const rows = [...table.querySelectorAll("tbody tr[aria-rowindex]")].map((tr) => [
        Number(tr.getAttribute("aria-rowindex")),
        [...tr.querySelectorAll("td[aria-colindex]")]
            .map((td) => [Number(td.getAttribute("aria-colindex")), td.textContent.trim()]),
    ]);
    return [cols, rows];
}
"""
SCROLL_JS = """
(table, [x, y]) => {
    const scroller = table.closest('[data-testid="stDataFrame"]').querySelector(".dvn-scroller");
    scroller.scrollTo(x, y);
}
"""
# True once the accessible table shows what the scroll brought into view: the first or last
# column or row when the scroll went to an edge, and anything new after a page-wide step.
REDRAWN_JS = """
([table, before, col, row]) => {
    const key = () => [...table.querySelectorAll("th[aria-colindex], tr[aria-rowindex]")]
        .map((e) => e.getAttribute("aria-colindex") || e.getAttribute("aria-rowindex"))
        .join();
    if (before !== null && key() === before) return false;
    if (col !== null && !table.querySelector(`thead th[aria-colindex="${col}"]`)) return false;
    if (row !== null && !table.querySelector(`tbody tr[aria-rowindex="${row}"]`)) return false;
    return true;
}
"""
KEY_JS = """
(table) => [...table.querySelectorAll("th[aria-colindex], tr[aria-rowindex]")]
    .map((e) => e.getAttribute("aria-colindex") || e.getAttribute("aria-rowindex"))
    .join()
"""


def _steps(last: int, page: int) -> list[int]:
    """Scroll offsets 0, page, 2*page, ... and the last one."""
    return sorted({*range(0, last, max(1, page)), last})


def read_table(table: Locator) -> Table:
    """Every header and cell of one table, scrolling a st.dataframe through as a person would.

    The grid is visited page by page; at each stop the accessible table is read once it
    shows that stop (see REDRAWN_JS). Each step is less than a page, so no row or column
    is skipped, and a grid that does not redraw fails the wait instead of giving less.
    """
    handle = table.element_handle()
    geometry = handle.evaluate(GEOMETRY_JS)
    if geometry is None:
        return handle.evaluate(PLAIN_TABLE_JS)
    rows, cols = geometry["rows"], geometry["cols"]
    row_height = (geometry["maxY"] + geometry["height"]) / max(1, rows)
    headers: dict[int, str] = {}
    cells: dict[int, dict[int, str]] = {r: {} for r in range(2, rows + 1)}
    xs = _steps(geometry["maxX"], geometry["width"] - 8)
    # The header row covers the top of the grid: a step leaves two rows of overlap, and moves
    # at least one row (so what is shown changes).
    ys = _steps(geometry["maxY"], int(max(row_height, geometry["height"] - 2 * row_height)))
    for y in ys:
        for x in xs:
            # At an edge the first or last column or row must show; inside, anything new.
            edge_col = 1 if x == 0 else cols if x == geometry["maxX"] else None
            edge_row = 2 if y == 0 else rows if y == geometry["maxY"] else None
            inside = x not in (0, geometry["maxX"]) or y not in (0, geometry["maxY"])
            if rows < 2:  # no data rows: only the header row shows
                edge_row = None
            before = handle.evaluate(KEY_JS) if inside else None
            handle.evaluate(SCROLL_JS, [x, y])
            table.page.wait_for_function(
                REDRAWN_JS, arg=[handle, before, edge_col, edge_row], polling="raf"
            )
            shown_cols, shown_rows = handle.evaluate(SHOWN_JS)
            headers.update({c: text for c, text in shown_cols})
            for r, row_cells in shown_rows:
                cells.setdefault(r, {}).update({c: text for c, text in row_cells})
    missing = [c for c in range(1, cols + 1) if c not in headers] + [
        (r, c) for r in cells for c in range(1, cols + 1) if c not in cells[r]
    ]
    assert not missing, f"grid cells never shown while scrolling: {missing[:20]}"
    return {
        "headers": [headers[c] for c in range(1, cols + 1)],
        "rows": [[cells[r][c] for c in range(1, cols + 1)] for r in sorted(cells)],
    }


def tables(scope: Locator) -> list[Table]:
    """Every table in scope (st.dataframe or st.table), read whole, once the run is over, no
    element is still loading (a skeleton stands in for a grid until its code has loaded) and
    each grid has drawn its accessible table."""
    wait_for_app_run(scope.page)
    expect(scope.get_by_test_id("stSkeleton")).to_have_count(0, timeout=SLOW_MS)
    for grid in scope.locator('[data-testid="stDataFrame"]').all():
        expect(grid.locator("table[aria-rowcount]")).to_have_count(1, timeout=SLOW_MS)
    return [read_table(t) for t in scope.locator("table").all()]


def upload_and_save(page: Page, base_url: str) -> None:
    """Open /unggah, upload the valid sheet, save it, and wait for the confirmation."""
    page.goto(f"{base_url}/unggah")
    expect(page.get_by_role("heading", name="Unggah Data Kinerja")).to_be_visible(timeout=SLOW_MS)
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [{"name": VALID_NAME, "mimeType": XLSX_MIME, "buffer": xlsx(VALID_ROWS)}]
    )
    save = page.get_by_role("button", name="Simpan ke basis data")
    expect(save).to_be_enabled(timeout=SLOW_MS)
    save.click()
    expect(page.get_by_text(f"{VALID_NAME}: Berkas {VALID_NAME} disimpan")).to_be_visible(
        timeout=SLOW_MS
    )


def history_rows(page: Page) -> list[dict[str, str]]:
    """The rows of the history table on /riwayat, as {header: cell}."""
    expect(page.get_by_role("heading", name="Riwayat Kiriman dan Data Tersimpan")).to_be_visible(
        timeout=SLOW_MS
    )
    found = [t for t in tables(page.get_by_test_id("stMain")) if "File" in t["headers"]]
    assert len(found) == 1, f"not one history table (a table with a File column): {found}"
    return [dict(zip(found[0]["headers"], r, strict=True)) for r in found[0]["rows"]]
