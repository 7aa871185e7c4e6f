"""A refused file given back annotated: the problem list is the report, the cells it names are
filled and commented, the values survive as values, for .xlsx, .xls and .ods inputs; and
`kinerja validate --annotate DIR`."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from kinerja import anotasi, cli, ingest
from kinerja.workbook import Book, Sheet
from tests import factories as f

HEADER = ["Bidang", "Indikator Kinerja", "Satuan", "Tahun", "Periode", "Target", "Realisasi"]
RED = "FF" + anotasi.ERROR_FILL[1:]
YELLOW = "FF" + anotasi.WARNING_FILL[1:]

# A refused sheet with one mistake of each common kind, and values of each type around them.
ROWS: list[list[object]] = [
    ["PEMERINTAH KABUPATEN LIMA PULUH KOTA"],
    HEADER,
    ["Sekretariat", "Jumlah rapat koordinasi", "kali", 2023, "TW I", 10, "sembilan puluh"],
    ["Sekretariat", "Indeks kepuasan layanan", "%", 2023, "TW I", 80, None],
    ["Sekretariat", "Persentase dokumen tepat waktu", "%", 2023, "TW 5", 100, 72.5],
    ["Sekretariat", "Jumlah laporan", "dokumen", 2023, "TW II", -3, "5,748"],
    ["Sekretariat", "@SUM(1+1) IKM baru", "-", 2023, "TW III", 12, 7],
]
# (row, column letter, header, kind) of every issue the reader finds in ROWS.
EXPECTED = [
    (3, "G", "Realisasi", anotasi.KESALAHAN),
    (5, "E", "Periode", anotasi.KESALAHAN),
    (6, "F", "Target", anotasi.KESALAHAN),
    (4, "G", "Realisasi", anotasi.PERINGATAN),
    (6, "G", "Realisasi", anotasi.PERINGATAN),
]


def build(kind: str, rows: list[list[object]], **kw: Any) -> bytes:
    return {"xlsx": f.xlsx, "xls": f.xls, "ods": f.ods}[kind](rows, **kw)


def annotated(data: bytes, name: str) -> tuple[ingest.IngestResult, openpyxl.Workbook]:
    result = ingest.read(data, filename=name)
    out = anotasi.annotate(data, name, result)
    assert out is not None
    return result, openpyxl.load_workbook(io.BytesIO(out))


def problem_rows(wb: openpyxl.Workbook) -> list[tuple[Any, ...]]:
    ws = wb[anotasi.LIST_SHEET]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[anotasi.LIST_HEADER_ROW] == anotasi.LIST_HEADER
    return rows[anotasi.LIST_HEADER_ROW + 1 :]


def report_rows(result: ingest.IngestResult, sheet: str | None) -> list[tuple[Any, ...]]:
    """The report as the list must show it: errors, then warnings, each in its order."""
    out = []
    for kind, issues in (
        (anotasi.KESALAHAN, result.report.errors),
        (anotasi.PERINGATAN, result.report.warnings),
    ):
        for i in issues:
            out.append((i.sheet or sheet, i.row, i.column, kind, i.message))
    return out


def fill(cell: Any) -> str | None:
    return cell.fill.fgColor.rgb if cell.fill.fill_type == "solid" else None


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
def test_the_problem_list_and_the_marked_cells_are_the_report(kind: str) -> None:
    result, wb = annotated(build(kind, ROWS), f"salah.{kind}")
    assert not result.valid
    assert wb.sheetnames == [anotasi.LIST_SHEET, "Data"]
    listed = problem_rows(wb)
    assert [r[:5] for r in listed] == report_rows(result, "Data")
    assert [(r[1], r[5], r[2], r[3]) for r in listed] == [
        (row, f"{letter}{row}", header, jenis) for row, letter, header, jenis in EXPECTED
    ]
    ws = wb["Data"]
    marked = {(row, letter) for row, letter, *_ in EXPECTED}
    for row, letter, header, jenis in EXPECTED:
        cell = ws[f"{letter}{row}"]
        issues = [i for i in result.report.errors + result.report.warnings if i.row == row]
        errors_here = any(r == row and c == letter and j == "Kesalahan" for r, c, _, j in EXPECTED)
        assert fill(cell) == (RED if errors_here else YELLOW), cell.coordinate
        comment = cell.comment.text
        assert f"{jenis} (baris {row}, kolom {header}): " in comment
        assert any(i.message in comment for i in issues if i.column == header)
    # Nothing else is marked.
    for line in ws.iter_rows():
        for cell in line:
            if (cell.row, cell.column_letter) not in marked:
                assert fill(cell) is None and cell.comment is None, cell.coordinate


@pytest.mark.parametrize("kind", ["xlsx", "xls", "ods"])
def test_values_survive_as_values(kind: str) -> None:
    _, wb = annotated(build(kind, ROWS), f"salah.{kind}")
    ws = wb["Data"]
    assert ws["A1"].value == "PEMERINTAH KABUPATEN LIMA PULUH KOTA"
    assert [c.value for c in ws[2]] == HEADER
    assert ws["B3"].value == "Jumlah rapat koordinasi" and ws["B3"].data_type == "s"
    assert ws["D3"].value == 2023 and isinstance(ws["D3"].value, int | float)
    assert ws["G5"].value == 72.5 and ws["F6"].value == -3
    assert ws["G3"].value == "sembilan puluh" and ws["G6"].value == "5,748"
    assert ws["G4"].value is None  # a blank stays blank (marked as a warning)
    # Text that a spreadsheet would run stays text: "-" and "@SUM(...)".
    assert ws["C7"].value == "-" and ws["C7"].data_type == "s"
    assert ws["B7"].value == "@SUM(1+1) IKM baru" and ws["B7"].data_type == "s"
    assert all(c.data_type != "f" for line in ws.iter_rows() for c in line)


@pytest.mark.parametrize("kind", ["xls", "ods"])
def test_text_that_looks_like_a_formula_stays_text(kind: str) -> None:
    # openpyxl would store "=cmd" as a formula; xlwt and odfpy store it as the text it is.
    rows = [HEADER, ["Sekretariat", "=cmd|' /C calc'!A0", "unit", 2023, "TW I", 10, "x"]]
    data = build(kind, rows)
    out = anotasi.annotate(data, f"rumus.{kind}", ingest.read(data, filename=f"rumus.{kind}"))
    assert out is not None
    cell = openpyxl.load_workbook(io.BytesIO(out))["Data"]["B2"]
    assert cell.value == "=cmd|' /C calc'!A0" and cell.data_type == "s"
    with zipfile.ZipFile(io.BytesIO(out)) as z:  # no formula element anywhere in the package
        assert not any(b"<f>" in z.read(n) for n in z.namelist() if n.endswith(".xml"))


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_merged_areas_are_kept_and_a_row_issue_marks_the_first_cell(kind: str) -> None:
    rows: list[list[object]] = [
        ["DATA KINERJA SEKRETARIAT TAHUN 2023"],
        ["No", "Sasaran", "Indikator Kinerja", None, "Periode", "Target", "Realisasi"],
        [1, "Sasaran A", "IKM satu", None, "TW I", 10, "x"],
        [2, None, "IKM dua", None, "TW I", 10, 9],
        ["Jumlah", None, None, None, None, 20, 19],
    ]
    merges = ["A1:G1", "B3:B4", "C2:D2", "C3:D3", "C4:D4"]
    result, wb = annotated(build(kind, rows, merges=merges), f"gabung.{kind}")
    ws = wb["Data"]
    assert {str(m) for m in ws.merged_cells.ranges} == set(merges)
    assert ws["B3"].value == "Sasaran A" and ws["C4"].value == "IKM dua"
    assert fill(ws["G3"]) == RED
    (summary,) = [w for w in result.report.warnings if w.column is None]
    assert summary.row == 5
    assert fill(ws["A5"]) == YELLOW and "baris ringkasan" in ws["A5"].comment.text


def test_where_issues_land_in_a_hand_made_book() -> None:
    sheet = Sheet(
        "Data",
        [
            ["", "DATA KINERJA BIDANG ENTAH"],
            ["Sasaran", "Indikator Kinerja", "Target"],
            ["Sasaran A", "IKM satu", 1],
            ["", "IKM dua", 2],
        ],
        merges=[(2, 0, 3, 0)],
    )
    book = Book("x.xlsx", "xlsx", ["Data"], set(), {"Data": sheet})
    report = ingest.Report()
    report.error(4, "Sasaran", "Sasaran terlalu panjang.")  # under a merge: its top-left
    report.error(4, "Target", "Target salah.")
    report.error(1, "Bidang", "Bidang 'Entah' tidak dikenal (baris 1).")  # a title row
    report.error(3, "Satuan", "Satuan aneh (sel D3).")  # no such column: the message's cell
    report.warn(None, "Tahun", "Tahun dari formulir.")  # no row: no cell
    result = ingest.IngestResult("x.xlsx", ingest.schema.empty_records(), report)
    marks = anotasi.place(book, result)
    assert [m.cells for m in marks] == [((2, 0),), ((3, 2),), ((0, 1),), ((2, 3),), ()]
    assert {m.sheet for m in marks} == {"Data"}


def test_each_sheet_gets_its_issues_and_a_generic_label_finds_its_column() -> None:
    # Two sheets with the same key: the reader names "Indikator Kinerja" and the sheet, while
    # the sheets head that column "Uraian".
    head = ["Bidang", "Uraian", "Periode", "Tahun", "Target", "Realisasi"]
    data = f.xlsx(
        [head, ["Sekretariat", "IKM", "TW I", 2023, 10, 9]],
        sheet="TW I a",
        sheets_before={"Petunjuk": [["Isi kolom kuning."]]},
        sheets_after={"TW I b": [head, [], ["Sekretariat", "IKM", "TW I", 2023, 10, 8]]},
    )
    result, wb = annotated(data, "dua.xlsx")
    assert wb.sheetnames == [anotasi.LIST_SHEET, "Petunjuk", "TW I a", "TW I b"]
    assert [(e.sheet, e.row, e.column) for e in result.report.errors] == [
        ("TW I a", 2, "Indikator Kinerja"),
        ("TW I b", 3, "Indikator Kinerja"),
    ]
    assert [r[:5] for r in problem_rows(wb)] == report_rows(result, None)
    assert wb["Petunjuk"]["A1"].value == "Isi kolom kuning."
    assert fill(wb["TW I a"]["B2"]) == RED and "Data ganda" in wb["TW I a"]["B2"].comment.text
    assert fill(wb["TW I b"]["B3"]) == RED and fill(wb["TW I a"]["B3"]) is None


def test_a_header_written_twice_marks_both_cells() -> None:
    data = f.xlsx(
        [["Bidang", "Indikator Kinerja", "Target", "Target"], ["Sekretariat", "IKM", 1, 2]]
    )
    result, wb = annotated(data, "ganda.xlsx")
    assert [(e.row, e.column) for e in result.report.errors] == [(1, "Target")]
    ws = wb["Data"]
    assert fill(ws["C1"]) == RED and fill(ws["D1"]) == RED
    assert problem_rows(wb)[0][5] == "C1, D1"


def test_a_sheet_without_a_table_comes_back_with_the_list() -> None:
    result, wb = annotated(f.xlsx([["Catatan rapat"], ["apa saja", 1]]), "catatan.xlsx")
    assert wb.sheetnames == [anotasi.LIST_SHEET, "Data"]
    assert [r[:5] for r in problem_rows(wb)] == report_rows(result, "Data")
    assert problem_rows(wb)[0][5] is None  # no row: no cell to link to
    assert wb["Data"]["A2"].value == "apa saja"


def _damaged() -> bytes:
    """A real .xlsx whose sheet's deflate stream is broken in the middle."""
    data = bytearray(f.xlsx(ROWS))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    extra = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + len(info.filename) + extra
    for k in range(start + 2, start + min(info.compress_size, 40)):
        data[k] ^= 0x5A
    return bytes(data)


@pytest.mark.parametrize(
    "make",
    [
        lambda: b"bukan spreadsheet sama sekali",
        lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + "EncryptedPackage".encode("utf-16-le") * 40,
        _damaged,
    ],
    ids=["not-a-spreadsheet", "encrypted", "damaged"],
)
def test_a_problem_with_the_whole_file_gives_no_annotated_file(make: Any) -> None:
    data = make()
    result = ingest.read(data, filename="rusak.xlsx")
    assert not result.valid and not anotasi.can_annotate(result)
    assert anotasi.annotate(data, "rusak.xlsx", result) is None
    listed = openpyxl.load_workbook(io.BytesIO(anotasi.problem_list("rusak.xlsx", result)))
    assert listed.sheetnames == [anotasi.LIST_SHEET]
    assert [r[4] for r in problem_rows(listed)] == [e.message for e in result.report.errors]


def test_sheet_names_excel_refuses_are_made_valid_and_unique() -> None:
    names = anotasi._sheet_names(["Daftar Masalah", "a/b", "'x'", "y" * 40, "A/B", "History"])
    assert list(names.values()) == [
        "Daftar Masalah (2)",
        "a_b",
        "x",
        "y" * 31,
        "A_B (2)",
        "History (2)",
    ]


def test_output_names() -> None:
    assert anotasi.output_name("data/salah.xls") == "salah-diperiksa.xlsx"
    assert anotasi.output_name("C:\\Users\\x\\TW II.ods", 2) == "TW II-diperiksa-2.xlsx"


def test_comments_stop_at_the_cap_and_the_list_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(anotasi, "MAX_COMMENTS", 2)
    result, wb = annotated(f.xlsx(ROWS), "salah.xlsx")
    ws = wb["Data"]
    commented = [c for line in ws.iter_rows() for c in line if c.comment]
    filled = [c for line in ws.iter_rows() for c in line if fill(c)]
    assert len(commented) == 2 and len(filled) == len(EXPECTED)
    assert "sel lain hanya diberi warna" in (wb[anotasi.LIST_SHEET]["A3"].value or "")
    assert len(problem_rows(wb)) == len(result.report.errors) + len(result.report.warnings)


# --- the command line ------------------------------------------------------------------------


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_validate_annotate_writes_each_refused_file(capsys, in_tmp: Path) -> None:
    Path("hasil").mkdir()
    Path("baik.xlsx").write_bytes(f.xlsx([HEADER, ROWS[6]]))
    Path("salah.xls").write_bytes(f.xls(ROWS))
    Path("a").mkdir()
    Path("a/salah.ods").write_bytes(f.ods(ROWS))
    Path("rusak.xlsx").write_bytes(b"bukan spreadsheet")
    files = ["baik.xlsx", "salah.xls", "a/salah.ods", "rusak.xlsx"]
    code, out, err = run(capsys, "validate", "--annotate", "hasil", "--json", *files)
    assert code == 1 and err == ""
    data = json.loads(out)
    assert [d["annotated"] for d in data] == [
        None,
        "hasil/salah-diperiksa.xlsx",
        "hasil/salah-diperiksa-2.xlsx",
        None,
    ]
    assert all({"file", "valid", "errors", "warnings", "records"} <= set(d) for d in data)
    for d in data[1:3]:
        wb = openpyxl.load_workbook(d["annotated"])
        assert [r[4] for r in problem_rows(wb)] == [
            i["message"] for i in d["errors"] + d["warnings"]
        ]
        assert fill(wb["Data"]["G3"]) == RED
    assert sorted(p.name for p in Path("hasil").iterdir()) == [
        "salah-diperiksa-2.xlsx",
        "salah-diperiksa.xlsx",
    ]

    code, out, _ = run(capsys, "validate", "--annotate", "hasil", *files)
    assert code == 1
    assert "  File bertanda: hasil/salah-diperiksa.xlsx" in out
    assert f"  Tidak ada file bertanda: {anotasi.NOT_ANNOTATED}" in out
    assert out.count("File bertanda:") == 2  # not for the valid file


def test_validate_json_has_annotated_null_without_the_option(capsys, in_tmp: Path) -> None:
    Path("salah.xlsx").write_bytes(f.xlsx(ROWS))
    code, out, _ = run(capsys, "validate", "--json", "salah.xlsx")
    assert code == 1 and json.loads(out)[0]["annotated"] is None
    assert not list(in_tmp.glob("*-diperiksa.xlsx"))


@pytest.mark.parametrize("make", [lambda: "tidak-ada", lambda: Path("berkas").touch() or "berkas"])
def test_annotate_into_no_folder_is_a_usage_error_before_reading(
    capsys, in_tmp: Path, monkeypatch: pytest.MonkeyPatch, make: Any
) -> None:
    folder = make()
    read: list[object] = []
    monkeypatch.setattr(cli, "read_files", lambda *a: read.append(a) or [])
    code, out, err = run(capsys, "validate", "--annotate", folder, "x.xlsx")
    assert code == 2 and out == "" and not read
    assert f"--annotate '{folder}'" in err and "kesalahan penggunaan" in err
