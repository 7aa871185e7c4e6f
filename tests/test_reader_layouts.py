"""Rows are never lost or misread: the sheets people send, and what each must give."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from kinerja import ingest
from tests import factories as f

HEADER = ["Indikator Kinerja", "Satuan", "Target", "Realisasi"]
FORM = {"bidang": "Bidang Perindustrian", "tahun": 2023, "periode": "TW II"}


def read(data: bytes, name: str = "lembar.xlsx", **form: object) -> ingest.IngestResult:
    return ingest.read(data, filename=name, defaults=ingest.Defaults(**(FORM | form)))  # type: ignore[arg-type]


def text(issues: list[ingest.Issue]) -> str:
    return " | ".join(i.message for i in issues)


@pytest.mark.parametrize("maker", [f.xlsx, f.xls, f.ods], ids=["xlsx", "xls", "ods"])
def test_number_typed_as_text_in_the_first_data_row_is_data(maker) -> None:  # type: ignore[no-untyped-def]
    res = read(maker([HEADER, ["Jumlah IKM", "unit", "2", "3"], ["Sentra IKM", "unit", "4", "4"]]))
    assert res.valid, text(res.report.errors)
    assert res.records["target"].tolist() == [2.0, 4.0]
    assert set(res.records["periode"]) == {"TW II"}


def test_data_row_with_indikator_merged_over_columns_is_kept() -> None:
    rows = [
        ["No", "Indikator Kinerja", None, None, "Target", "Realisasi"],
        [1, "Jumlah IKM yang dibina", None, None, 10, 9],
        [2, "Jumlah sentra IKM", None, None, 4, 4],
    ]
    res = read(f.xlsx(rows, merges=["B1:D1", "B2:D2", "B3:D3"]))
    assert res.valid, text(res.report.errors)
    assert res.records["indikator"].tolist() == ["Jumlah IKM yang dibina", "Jumlah sentra IKM"]


@pytest.mark.parametrize("label", ["Jumlah", "TOTAL", "Rata-rata", "Rata-rata Capaian", "Jumlah:"])
@pytest.mark.parametrize("where", ["indikator", "no"])
def test_summary_rows_are_skipped_with_a_warning(label: str, where: str) -> None:
    total = [label, None, None, 14, 13] if where == "no" else [None, label, None, 14, 13]
    rows = [
        ["No", *HEADER],
        [1, "Jumlah IKM yang dibina", "unit", 10, 9],
        [2, "Jumlah sentra IKM", "unit", 4, 4],
        total,
    ]
    res = read(f.xlsx(rows))
    assert res.valid, text(res.report.errors)
    assert res.records["indikator"].tolist() == ["Jumlah IKM yang dibina", "Jumlah sentra IKM"]
    assert "ringkasan" in text(res.report.warnings)


@pytest.mark.parametrize(
    ("label", "summary"),
    [
        ("Jumlah", True),
        ("Rata-rata capaian kinerja", True),
        ("Jumlah IKM yang dibina", False),
        ("Total ekspor produk IKM", False),
        ("Rata-rata lama menganggur", False),
    ],
)
def test_summary_label_is_the_whole_cell(label: str, summary: bool) -> None:
    assert ingest.is_summary_label(label) is summary


def _formula_xlsx() -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADER)
    ws.append(["Jumlah IKM", "unit", 10, "=B9*2"])
    import io

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _formula_xls() -> bytes:
    import io

    import xlwt

    book = xlwt.Workbook()
    ws = book.add_sheet("Data")
    for c, h in enumerate(HEADER):
        ws.write(0, c, h)
    ws.write(1, 0, "Jumlah IKM")
    ws.write(1, 1, "unit")
    ws.write(1, 2, 10)
    ws.write(1, 3, xlwt.Formula("B9*2"))
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def _formula_ods() -> bytes:
    return f.raw_ods(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{h}</text:p></table:table-cell>'
            for h in HEADER
        )
        + '</table:table-row><table:table-row><table:table-cell office:value-type="string">'
        "<text:p>Jumlah IKM</text:p></table:table-cell><table:table-cell "
        'office:value-type="string"><text:p>unit</text:p></table:table-cell>'
        '<table:table-cell office:value-type="float" office:value="10"><text:p>10</text:p>'
        '</table:table-cell><table:table-cell table:formula="of:=[.B9]*2"/>'
        "</table:table-row>"
    )


@pytest.mark.parametrize(
    ("make", "name"),
    [(_formula_xlsx, "a.xlsx"), (_formula_xls, "a.xls"), (_formula_ods, "a.ods")],
    ids=["openpyxl", "xlwt", "odfpy-like"],
)
def test_formula_without_saved_value_is_an_error_naming_the_cell(make, name: str) -> None:  # type: ignore[no-untyped-def]
    res = read(make(), name=name)
    assert not res.valid
    err = res.report.errors[0]
    assert err.row == 2 and "rumus tanpa nilai tersimpan" in err.message.lower()
    assert "D2" in err.message


def test_cached_error_value_is_an_error_quoting_it() -> None:
    sheet = (
        '<row r="1">'
        + "".join(f.inline(f"{c}1", h) for c, h in zip("ABCD", HEADER, strict=True))
        + '</row><row r="2">'
        + f.inline("A2", "Jumlah IKM")
        + f.inline("B2", "unit")
        + '<c r="C2"><v>10</v></c><c r="D2" t="e"><f>1/0</f><v>#DIV/0!</v></c></row>'
    )
    res = read(f.raw_xlsx(sheet))
    assert not res.valid
    assert "#DIV/0!" in res.report.errors[0].message and "D2" in res.report.errors[0].message


@pytest.mark.parametrize("value", ["#N/A", "#REF!", "#VALUE!", "Err:502"])
def test_error_values_typed_or_saved_as_text_are_errors(value: str) -> None:
    res = read(f.xlsx([HEADER, ["Jumlah IKM", "unit", 10, value]]))
    assert not res.valid and value in res.report.errors[0].message


def test_a_sheet_with_no_data_rows_left_is_refused() -> None:
    rows = [
        ["Indikator Kinerja", "Target", None],
        [None, "TW I", "TW II"],
        ["Jumlah IKM", None, None],
    ]
    res = read(f.xlsx(rows, merges=["B1:C1"]))
    assert not res.valid and "tidak berisi baris data" in text(res.report.errors)


def test_several_tables_on_one_sheet_each_with_its_sasaran() -> None:
    rows = [
        ["DATA KINERJA TRIWULAN II TAHUN 2023"],
        [],
        ["SASARAN 1: Meningkatnya daya saing IKM"],
        HEADER,
        ["Jumlah IKM yang dibina", "unit", 10, 9],
        [],
        ["SASARAN 2: Menurunnya pengangguran"],
        HEADER,
        ["Pencari kerja yang ditempatkan", "orang", 100, 80],
        ["Tenaga kerja yang dilatih", "orang", 50, 55],
    ]
    res = read(f.xlsx(rows), periode=None)
    assert res.valid, text(res.report.errors)
    got = res.records[["indikator", "sasaran", "periode"]].values.tolist()
    assert got == [
        ["Jumlah IKM yang dibina", "Meningkatnya daya saing IKM", "TW II"],
        ["Pencari kerja yang ditempatkan", "Menurunnya pengangguran", "TW II"],
        ["Tenaga kerja yang dilatih", "Menurunnya pengangguran", "TW II"],
    ]
    assert res.records["baris"].tolist() == [5, 9, 10]


def test_one_visible_sheet_per_quarter_all_read_hidden_skipped() -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, real in (("TW I", 3), ("TW II", 6), ("Lama", 1)):
        ws = wb.create_sheet(name)
        ws.append(HEADER)
        ws.append(["Jumlah IKM", "unit", 10, real])
        if name == "Lama":
            ws.sheet_state = "hidden"
    import io

    buf = io.BytesIO()
    wb.save(buf)
    res = read(buf.getvalue(), periode=None)
    assert res.valid, text(res.report.errors)
    assert res.records[["periode", "realisasi"]].values.tolist() == [["TW I", 3.0], ["TW II", 6.0]]
    assert res.sheets == ["TW I", "TW II"]


def test_same_indicator_twice_across_sheets_names_both() -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in ("A", "B"):
        ws = wb.create_sheet(name)
        ws.append(HEADER)
        ws.append(["Jumlah IKM", "unit", 10, 3])
    import io

    buf = io.BytesIO()
    wb.save(buf)
    res = read(buf.getvalue())
    assert not res.valid
    assert {e.sheet for e in res.report.errors} == {"A", "B"}
    assert "lembar 'B' baris 2" in res.report.errors[0].message


def test_cumulative_headers_beside_an_annual_target() -> None:
    rows = [
        [
            "Indikator Kinerja",
            "Satuan",
            "Target Tahun 2023",
            "Target s.d. TW III",
            "Realisasi s.d. Triwulan III",
        ],
        ["Jumlah IKM", "unit", 40, 30, 28],
    ]
    res = read(f.xlsx(rows), periode=None)
    assert res.valid, text(res.report.errors)
    rec = res.records.iloc[0]
    assert (rec["periode"], rec["target"], rec["realisasi"]) == ("TW III", 30.0, 28.0)


def test_other_years_columns_are_context_not_a_clash() -> None:
    rows = [
        ["FORMAT DATA KINERJA TAHUN 2023"],
        ["Indikator Kinerja", "Satuan", "Realisasi 2022", "Target 2023", "Realisasi 2023"],
        ["Jumlah IKM", "unit", 7, 10, 9],
    ]
    res = read(f.xlsx(rows), tahun=None)
    assert res.valid, text(res.report.errors)
    rec = res.records.iloc[0]
    assert (rec["tahun"], rec["target"], rec["realisasi"]) == (2023, 10.0, 9.0)
    assert "tahun lain" in text(res.report.warnings)


@pytest.mark.parametrize(
    ("title", "bidang"),
    [
        ("DATA KINERJA BIDANG PERINDUSTRIAN", "Bidang Perindustrian"),
        (
            "FORMAT DATA KINERJA BIDANG HUBUNGAN INDUSTRIAL TRIWULAN II TAHUN 2023",
            "Bidang Hubungan Industrial",
        ),
        ("Unit Kerja: Sekretariat", "Sekretariat"),
    ],
)
def test_bidang_named_only_in_the_title(title: str, bidang: str) -> None:
    res = read(f.xlsx([[title], HEADER, ["Jumlah IKM", "unit", 10, 9]]), bidang=None)
    assert res.valid, text(res.report.errors)
    assert res.records["bidang"].tolist() == [bidang]


def test_annual_target_is_reused_for_each_quarter_in_the_wide_layout() -> None:
    rows = [
        ["Indikator Kinerja", "Target", "Realisasi", None],
        [None, None, "TW I", "TW II"],
        ["Jumlah IKM", 40, 10, 22],
    ]
    res = read(f.xlsx(rows, merges=["C1:D1"]), periode=None)
    assert res.valid, text(res.report.errors)
    assert res.records[["periode", "target", "realisasi"]].values.tolist() == [
        ["TW I", 40.0, 10.0],
        ["TW II", 40.0, 22.0],
    ]
    assert "tahunan" in text(res.report.warnings)


def test_pagu_over_realisasi_is_realisasi_anggaran() -> None:
    rows = [
        ["Indikator Kinerja", "Target", "Realisasi", "Pagu", None],
        [None, None, None, "Pagu", "Realisasi"],
        ["Jumlah IKM", 10, 9, "Rp 1.500.000", "Rp 1.200.000"],
    ]
    res = read(f.xlsx(rows, merges=["D1:E1"]))
    assert res.valid, text(res.report.errors)
    rec = res.records.iloc[0]
    assert (rec["pagu"], rec["realisasi_anggaran"]) == (1_500_000.0, 1_200_000.0)


@pytest.mark.parametrize(
    ("value", "needle"),
    [(True, "benar/salah"), (dt.datetime(2023, 6, 30), "Tanggal")],
)
def test_boolean_and_date_cells_in_number_columns_are_errors(value: object, needle: str) -> None:
    res = read(f.xlsx([HEADER, ["Jumlah IKM", "unit", 10, value]]))
    assert not res.valid
    assert needle in res.report.errors[0].message and "D2" in res.report.errors[0].message


def test_percent_cell_whose_satuan_is_not_percent_is_read_as_is_with_a_warning() -> None:
    res = read(f.xlsx([HEADER, ["Jumlah IKM", "unit", 10, 0.5]], percent=["D2"]))
    assert res.valid
    assert res.records["realisasi"].tolist() == [0.5]
    assert "berformat persen" in text(res.report.warnings)


def test_header_merged_across_columns_is_one_column() -> None:
    rows = [["Indikator Kinerja", None, "Target", "Realisasi"], ["Jumlah IKM", None, 10, 9]]
    res = read(f.xlsx(rows, merges=["A1:B1", "A2:B2"]))
    assert res.valid, text(res.report.errors)
    assert "dua kali" not in text(res.report.errors)


def test_a_lone_surrogate_in_a_cell_is_replaced_not_a_crash() -> None:
    from kinerja import workbook

    sheet = workbook.Sheet("Data", [HEADER, ["Jumlah\ud800 IKM", "unit", 10, 9]])
    book = workbook.Book("x.xls", "xls", ["Data"], set(), {"Data": sheet})
    res = ingest.read(book, filename="x.xls", defaults=ingest.Defaults(**FORM))  # type: ignore[arg-type]
    assert res.valid, text(res.report.errors)
    assert res.records["indikator"].tolist() == ["Jumlah\ufffd IKM"]


@pytest.mark.parametrize(("field", "column"), [("bidang", "A"), ("satuan", "C")])
def test_text_longer_than_the_database_keeps_is_refused_with_row_and_column(
    field: str, column: str
) -> None:
    from kinerja import schema

    limit = schema.FIELD_LENGTHS[field]
    row = ["Bidang X", "Jumlah IKM", "unit", 10, 9]
    row[0 if field == "bidang" else 2] = "x" * (limit + 1)
    res = read(f.xlsx([["Bidang", "Indikator Kinerja", "Satuan", "Target", "Realisasi"], row]))
    assert not res.valid
    err = res.report.errors[0]
    assert err.row == 2 and f"sel {column}2" in err.message and "terlalu panjang" in err.message
    ok = list(row)
    ok[0 if field == "bidang" else 2] = "x" * limit
    assert read(
        f.xlsx([["Bidang", "Indikator Kinerja", "Satuan", "Target", "Realisasi"], ok])
    ).valid


def test_field_lengths_are_the_databases() -> None:
    from kinerja import schema, store

    assert schema.FIELD_LENGTHS.items() <= store.LENGTHS.items()
