"""The sheet factories build what they claim: values, merges and percent formats where expected."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable

import openpyxl
import pytest
import xlrd
from python_calamine import CalamineWorkbook

from tests.factories import (
    LONG_HEADER,
    XLSM_CONTENT_TYPE,
    far_cell_xlsx,
    long_rows,
    ods,
    xls,
    xlsx,
    zip_bomb_xlsx,
)

ROWS: list[list[object]] = [
    ["PEMERINTAH KABUPATEN LIMA PULUH KOTA", None, None, None, None],
    [None],
    ["No", "Indikator Kinerja", "Target", None, "Keterangan"],
    [None, None, "TW I", "TW II", None],
    [1, "Jumlah IKM yang dibina", 30, "1.250", None],
    [2, "Cakupan bina\nkelompok pengrajin", 0.555, 0.7281, "belum"],
]
MERGES = ["A1:E1", "C3:D3", "A3:A4"]
PERCENT = ["C6"]
BUILDERS: dict[str, Callable[..., bytes]] = {"xlsx": xlsx, "xls": xls, "ods": ods}
CALAMINE_ROWS = [
    ["PEMERINTAH KABUPATEN LIMA PULUH KOTA", "", "", "", ""],
    ["", "", "", "", ""],
    ["No", "Indikator Kinerja", "Target", "", "Keterangan"],
    ["", "", "TW I", "TW II", ""],
    [1, "Jumlah IKM yang dibina", 30, "1.250", ""],
    [2, "Cakupan bina\nkelompok pengrajin", 0.555, 0.7281, "belum"],
]
# calamine's merges: 0-based inclusive ((first row, first col), (last row, last col)).
CALAMINE_MERGES = {((0, 0), (0, 4)), ((2, 2), (2, 3)), ((2, 0), (3, 0))}


def calamine_sheet(data: bytes, name: str = "Data"):
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(name)


@pytest.mark.parametrize("kind", BUILDERS)
def test_values_read_back_with_calamine(kind: str) -> None:
    data = BUILDERS[kind](ROWS, merges=MERGES, percent=PERCENT)
    # Numbers come back as float from xlsx/ods and as int from xls; == covers both.
    assert calamine_sheet(data).to_python(skip_empty_area=False) == CALAMINE_ROWS


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_merges_read_back_with_calamine(kind: str) -> None:
    data = BUILDERS[kind](ROWS, merges=MERGES)
    assert set(calamine_sheet(data).merged_cell_ranges) == CALAMINE_MERGES


def test_calamine_reports_no_merges_for_ods() -> None:
    # A fact the reader must live with: python-calamine gives None for .ods merges, so a wide
    # header in an .ods must be recognised by position (or from content.xml).
    assert calamine_sheet(ods(ROWS, merges=MERGES)).merged_cell_ranges is None


@pytest.mark.parametrize("kind", BUILDERS)
def test_calamine_gives_percent_cells_as_plain_fractions(kind: str) -> None:
    data = BUILDERS[kind](ROWS, percent=PERCENT)
    assert calamine_sheet(data).to_python(skip_empty_area=False)[5][2] == 0.555


def test_xlsx_percent_format_and_sheet_order() -> None:
    data = xlsx(
        ROWS,
        merges=MERGES,
        percent=PERCENT,
        sheets_before={"Petunjuk": [["Isi kolom Target dan Realisasi"]]},
        sheets_after={"Referensi": [["Satuan"], ["orang"]]},
    )
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Petunjuk", "Data", "Referensi"]
    assert wb["Data"]["C6"].number_format == "0.0%"
    assert wb["Data"]["C6"].value == 0.555
    assert wb["Data"]["C5"].number_format == "General"
    assert sorted(str(r) for r in wb["Data"].merged_cells.ranges) == sorted(MERGES)
    cal = CalamineWorkbook.from_filelike(io.BytesIO(data))
    assert cal.sheet_names == ["Petunjuk", "Data", "Referensi"]
    assert cal.get_sheet_by_index(0).to_python() == [["Isi kolom Target dan Realisasi"]]
    assert cal.get_sheet_by_name("Referensi").to_python() == [["Satuan"], ["orang"]]


def test_xlsm_is_a_macro_enabled_package_that_calamine_reads() -> None:
    data = xlsx(ROWS, merges=MERGES, macro=True)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
    assert XLSM_CONTENT_TYPE in types
    assert "sheet.main+xml" not in types
    assert calamine_sheet(data).to_python(skip_empty_area=False) == CALAMINE_ROWS
    assert openpyxl.load_workbook(io.BytesIO(data))["Data"]["B5"].value == (
        "Jumlah IKM yang dibina"
    )


def test_xls_reads_with_xlrd_values_merges_and_percent_format() -> None:
    book = xlrd.open_workbook(
        file_contents=xls(ROWS, merges=MERGES, percent=PERCENT), formatting_info=True
    )
    sh = book.sheet_by_name("Data")
    assert sh.cell_value(0, 0) == "PEMERINTAH KABUPATEN LIMA PULUH KOTA"
    assert sh.cell_value(4, 3) == "1.250"
    assert sh.cell_value(5, 2) == 0.555
    # xlrd: (first row, last row + 1, first col, last col + 1)
    assert sorted(sh.merged_cells) == [(0, 1, 0, 5), (2, 3, 2, 4), (2, 4, 0, 1)]

    def fmt(r: int, c: int) -> str:
        return book.format_map[book.xf_list[sh.cell_xf_index(r, c)].format_key].format_str

    assert fmt(5, 2) == "0.0%"
    assert fmt(4, 2) == "General"


OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"


def ods_grid(data: bytes) -> list[list[ET.Element]]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = ET.fromstring(archive.read("content.xml"))
    return [list(row) for row in root.iter(f"{TABLE}table-row")]


def test_ods_cells_spans_and_percentage_value_type() -> None:
    grid = ods_grid(ods(ROWS, merges=MERGES, percent=PERCENT))
    title = grid[0][0]
    assert title.get(f"{TABLE}number-columns-spanned") == "5"
    assert [c.tag for c in grid[0][1:5]] == [f"{TABLE}covered-table-cell"] * 4
    assert grid[2][0].get(f"{TABLE}number-rows-spanned") == "2"
    assert grid[3][0].tag == f"{TABLE}covered-table-cell"
    assert grid[2][2].get(f"{TABLE}number-columns-spanned") == "2"
    pct = grid[5][2]
    assert pct.get(f"{OFFICE}value-type") == "percentage"
    assert float(pct.get(f"{OFFICE}value")) == 0.555
    plain = grid[5][3]
    assert plain.get(f"{OFFICE}value-type") == "float"
    assert float(plain.get(f"{OFFICE}value")) == 0.7281
    text = grid[4][3]
    assert text.get(f"{OFFICE}value-type") == "string"
    assert [p.text for p in text.iter(f"{TEXT}p")] == ["1.250"]
    assert [p.text for p in grid[5][1].iter(f"{TEXT}p")] == ["Cakupan bina", "kelompok pengrajin"]


@pytest.mark.parametrize("kind", BUILDERS)
def test_other_sheet_name(kind: str) -> None:
    data = BUILDERS[kind]([["Target"], [5]], sheet="TW II")
    assert CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names == ["TW II"]


def test_zip_bomb_is_small_and_declares_over_200_mb() -> None:
    data = zip_bomb_xlsx()
    assert len(data) < 1024**2
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    assert sum(i.file_size for i in infos) == 300 * 1024**2
    assert max(i.file_size for i in infos) > 200 * 1024**2


def test_zip_bomb_truly_inflates_to_a_well_formed_sheet() -> None:
    data = zip_bomb_xlsx(210 * 1024**2)
    parser = ET.XMLPullParser(["end"])
    inflated = 0
    with (
        zipfile.ZipFile(io.BytesIO(data)) as archive,
        archive.open("xl/worksheets/sheet1.xml") as f,
    ):
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        while chunk := f.read(8 * 1024**2):
            inflated += len(chunk)
            parser.feed(chunk)
    parser.close()
    values = [
        e.text for _, e in parser.read_events() if e.tag.endswith("}t") or e.tag.endswith("}v")
    ]
    assert inflated == info.file_size > 200 * 1024**2
    assert values == ["Indikator Kinerja", "Target", "Jumlah IKM yang dibina", "120"]


def test_far_cell_xlsx_spans_the_whole_sheet() -> None:
    data = far_cell_xlsx()
    assert len(data) < 20_000
    ws = openpyxl.load_workbook(io.BytesIO(data))["Data"]
    assert (ws.max_row, ws.max_column) == (1_048_576, 16_384)
    assert ws["A1"].value == "Indikator Kinerja"
    assert ws["XFD1048576"].value == 1
    # Never hand this to calamine in-process: get_sheet_by_index allocates the dense grid
    # (about 512 GiB) and the Rust allocator aborts the interpreter.


def test_long_rows_shape_and_unique_keys() -> None:
    rows = long_rows(2000, bidang="Bidang Pelatihan dan Penempatan Tenaga Kerja", tahun=2022)
    assert rows[0] == LONG_HEADER
    data = [dict(zip(LONG_HEADER, row, strict=True)) for row in rows[1:]]
    assert len(data) == 2000
    assert [d["Periode"] for d in data[:5]] == ["TW I", "TW II", "TW III", "TW IV", "TW I"]
    assert {d["Bidang"] for d in data} == {"Bidang Pelatihan dan Penempatan Tenaga Kerja"}
    assert {d["Tahun"] for d in data} == {2022}
    keys = {(d["Bidang"], d["Indikator Kinerja"], d["Tahun"], d["Periode"]) for d in data}
    assert len(keys) == 2000
    assert (
        data[0]["Indikator Kinerja"] == "Tenaga kerja yang mendapat pelatihan berbasis kompetensi"
    )
    assert [d["No"] for d in data[:3]] == [1, 2, 3]


def test_long_rows_targets_are_cumulative_and_capaian_follows_the_formula() -> None:
    rows = long_rows(400)
    data = [dict(zip(LONG_HEADER, row, strict=True)) for row in rows[1:]]
    first = [d["Target"] for d in data[:4]]
    assert first == sorted(first) and first[0] < first[-1]
    for d in data:
        assert d["Target"] > 0 and d["Realisasi"] >= 0
        if d["Arah"] == "Turun":
            expected = max(0.0, (2 * d["Target"] - d["Realisasi"]) / d["Target"] * 100)
        else:
            expected = d["Realisasi"] / d["Target"] * 100
        assert abs(d["Capaian (%)"] - expected) <= 0.005 + 1e-9


def test_long_rows_is_deterministic() -> None:
    assert long_rows(50) == long_rows(50)
    assert long_rows(50, tahun=2022) != long_rows(50)
