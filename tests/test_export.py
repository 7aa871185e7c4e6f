"""Exports: CSV quoting and formula neutralisation in both dialects, xlsx text stays text."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet
from python_calamine import CalamineWorkbook

from kinerja import export, schema

DIALECTS = {"bawaan": (False, ","), "indonesia": (True, ";")}


def records(**values: object) -> pd.DataFrame:
    row: dict[str, object] = {c: None for c in schema.RECORD_COLUMNS}
    row |= {"bidang": "Sekretariat", "indikator": "IKM", "tahun": 2023, "periode": "TW I"}
    row |= {"target": 80.0, "realisasi": 58.0, "capaian": 72.5}
    row |= values
    return pd.DataFrame([row])


def parse(data: bytes, sep: str) -> list[dict[str, str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "no BOM: Excel would guess the encoding"
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=sep))


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (";=1+1", "';=1+1"),
        (",=1+1", "',=1+1"),
        ('=HYPERLINK("http://x","klik")', '\'=HYPERLINK("http://x","klik")'),
        ("+1", "'+1"),
        ("-1 tidak", "'-1 tidak"),
        ("@x", "'@x"),
        (" =1", "' =1"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("; ,  -2", "'; ,  -2"),
        ("\uff1d1+1", "'\uff1d1+1"),
        ("Jumlah = 5", "Jumlah = 5"),
        ("IKM; binaan", "IKM; binaan"),
        ("", ""),
    ],
)
@pytest.mark.parametrize("dialect", DIALECTS)
def test_csv_neutralises_formula_starts(text: str, shown: str, dialect: str) -> None:
    indonesia, sep = DIALECTS[dialect]
    data = export.to_csv(records(keterangan=text, sasaran=text), indonesia=indonesia)
    (row,) = parse(data, sep)
    assert row["Keterangan"] == shown and row["Sasaran"] == shown


def test_csv_quotes_every_text_field_and_no_number() -> None:
    frame = records(sasaran="S", satuan="%", arah="naik", predikat="Sangat Rendah",
                    keterangan='kata "kutip"\nbaris 2')  # fmt: skip
    text = export.to_csv(frame).decode("utf-8-sig")
    # QUOTE_NONNUMERIC reads every unquoted field as a number: text must have been quoted.
    head, values = csv.reader(io.StringIO(text, newline=""), quoting=csv.QUOTE_NONNUMERIC)
    got = dict(zip(head, values, strict=True))
    assert got["Bidang"] == "Sekretariat" and got["Keterangan"] == 'kata "kutip"\nbaris 2'
    assert got["Tahun"] == 2023 and got["Target"] == 80.0 and got["Capaian (%)"] == 72.5


@pytest.mark.parametrize("dialect", DIALECTS)
def test_csv_round_trips_quotes_separators_and_line_breaks(dialect: str) -> None:
    indonesia, sep = DIALECTS[dialect]
    tricky = 'kata "kutip"; lalu, koma\r\nbaris 2'
    (row,) = parse(export.to_csv(records(keterangan=tricky), indonesia=indonesia), sep)
    assert row["Keterangan"] == tricky and row["Bidang"] == "Sekretariat"


@pytest.mark.parametrize(
    ("indonesia", "line"),
    [
        # ... capaian, predikat, melampaui target, keterangan capaian (none), keterangan, file
        (False, '"Sekretariat","","IKM","","",2023,"TW I",80.0,58.0,72.5,"","",,"",""'),
        (True, '"Sekretariat";"";"IKM";"";"";2023;"TW I";80,0;58,0;72,5;"";"";;"";""'),
    ],
)
def test_csv_dialect_separator_and_decimal(indonesia: bool, line: str) -> None:
    frame = records(sasaran="", satuan="", arah="", predikat="", keterangan="")
    frame["file"] = ""
    text = export.to_csv(frame, indonesia=indonesia).decode("utf-8-sig")
    assert text.split("\r\n")[1] == line


def test_csv_blank_values_are_empty_fields() -> None:
    (row,) = parse(export.to_csv(records(realisasi=None, capaian=float("nan"))), ",")
    assert (row["Realisasi"], row["Capaian (%)"], row["Sasaran"]) == ("", "", "")


def test_csv_headers_are_indonesian_labels() -> None:
    data = export.to_csv(records(), indonesia=True)
    first = data.decode("utf-8-sig").split("\r\n")[0]
    assert first.startswith('"Bidang";"Sasaran";"Indikator Kinerja"')


LABELS = [label for _, label in export.EXPORT_COLUMNS]


def full_records(n: int = 1, **values: Any) -> pd.DataFrame:
    """n records with every export column, as ingest.merge returns them."""
    frame = records(sasaran="Meningkatnya kinerja", satuan="%", arah="naik", predikat="Baik")
    frame = pd.concat([frame] * n, ignore_index=True)
    frame["keterangan"] = "aman"
    frame["pagu"] = 1_500_000.0
    frame["realisasi_anggaran"] = 1_250_000.5
    frame["file"] = "sekretariat.xlsx"
    frame["baris"] = range(6, 6 + n)
    return frame.assign(**values)


def load(data: bytes) -> Worksheet:
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert isinstance(ws, Worksheet)
    return ws


def cell(ws: Worksheet, row: int, label: str) -> Cell:
    return ws.cell(row=row, column=LABELS.index(label) + 1)


def test_xlsx_round_trips_headers_numbers_and_layout() -> None:
    ws = load(export.to_xlsx(full_records(3)))
    assert ws.title == "Data Kinerja"
    assert [c.value for c in ws[1]] == LABELS
    assert ws.max_row == 4 and ws.max_column == len(LABELS)
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:R4"
    head = ws["A1"]
    assert head.font.b and head.alignment.wrap_text
    assert head.fill.fill_type == "solid" and head.fill.fgColor.rgb.endswith("DDEBF7")
    assert not ws["A2"].font.b and ws["A2"].fill.fill_type is None
    row = {label: c.value for label, c in zip(LABELS, ws[2], strict=True)}
    assert row["Bidang"] == "Sekretariat" and row["Keterangan"] == "aman"
    assert row["Tahun"] == 2023 and type(row["Tahun"]) is int
    assert row["Baris Sumber"] == 6 and type(row["Baris Sumber"]) is int
    assert (row["Target"], row["Realisasi"], row["Capaian (%)"]) == (80.0, 58.0, 72.5)
    assert (row["Pagu"], row["Realisasi Anggaran"]) == (1_500_000, 1_250_000.5)
    assert cell(ws, 4, "Baris Sumber").value == 8


@pytest.mark.parametrize(
    ("label", "number_format"),
    [
        ("Capaian (%)", "0.00"),
        ("Pagu", '"Rp" #,##0'),
        ("Realisasi Anggaran", '"Rp" #,##0'),
        ("Target", "General"),
        ("Tahun", "General"),
    ],
)
def test_xlsx_number_formats(label: str, number_format: str) -> None:
    ws = load(export.to_xlsx(full_records(2, pagu=None)))
    assert cell(ws, 2, label).number_format == number_format
    assert cell(ws, 3, label).number_format == number_format  # blank pagu too: typed in later


@pytest.mark.parametrize(
    ("label", "width"),
    [("Bidang", 10), ("Sasaran", 48), ("Indikator Kinerja", 48), ("Realisasi Anggaran", 20)],
)
def test_xlsx_column_widths(label: str, width: int) -> None:
    ws = load(export.to_xlsx(full_records()))
    j = LABELS.index(label) + 1
    # Neighbours of one width are stored as one range (B:C), keyed by its first letter.
    (dim,) = [d for d in ws.column_dimensions.values() if d.min <= j <= d.max]
    # XlsxWriter stores Excel's displayed width plus the cell padding (48 -> 48.71).
    assert width <= dim.width < width + 1


def test_xlsx_keeps_only_present_columns_in_export_order() -> None:
    frame = full_records()[["baris", "indikator", "bidang", "capaian", "tahun"]]
    frame["kolom_lain"] = "tidak diekspor"
    ws = load(export.to_xlsx(frame, sheet="Gabungan"))
    assert ws.title == "Gabungan"
    # capaian brings what it means: the melampaui mark and the reason for an empty one
    header = ["Bidang", "Indikator Kinerja", "Tahun", "Capaian (%)", "Melampaui Target"]
    header += ["Keterangan Capaian", "Baris Sumber"]
    assert [c.value for c in ws[1]] == header
    assert ws["D2"].number_format == "0.00" and ws.auto_filter.ref == "A1:G2"


@pytest.mark.parametrize(
    "text",
    [
        "=1+1",
        '=HYPERLINK("http://x","klik")',
        "+62 812 3456",
        "-1 tidak",
        "@SUM(A1)",
        "{=A1}",
        "#N/A",
        "#DIV/0!",
        "http://contoh.go.id",
        "mailto:a@b.id",
        "1e5",
        "0072",
        "TRUE",
        "\uff1d1+1",
        " =1",
    ],
)
def test_xlsx_stores_formula_looking_text_as_text(text: str) -> None:
    ws = load(export.to_xlsx(full_records(keterangan=text, indikator=text)))
    for label in ("Keterangan", "Indikator Kinerja"):
        c = cell(ws, 2, label)
        assert (c.value, c.data_type) == (text, "s")
    assert not ws["A2"].hyperlink and not cell(ws, 2, "Keterangan").hyperlink


def test_xlsx_keeps_text_that_looks_like_an_xml_escape() -> None:
    # Stored as _x005F_x0041_, as Excel reads it. The judge is calamine (the app's own reader,
    # which unescapes like Excel): openpyxl 3.1 unescapes shared strings but not the inline
    # strings XlsxWriter writes in constant_memory mode, so it would show _x005F_x0041_.
    data = export.to_xlsx(full_records(keterangan="_x0041_ dan _x000D_"))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    assert rows[1][LABELS.index("Keterangan")] == "_x0041_ dan _x000D_"


def test_xlsx_never_writes_text_as_a_formula_or_an_error() -> None:
    frame = records(indikator='=HYPERLINK("http://x","klik")', keterangan="#N/A", sasaran="=1+1")
    ws = load(export.to_xlsx(frame))
    cells = {c.value: c.data_type for row in ws.iter_rows() for c in row if c.value is not None}
    assert cells['=HYPERLINK("http://x","klik")'] == "s"
    assert cells["#N/A"] == "s" and cells["=1+1"] == "s"
    assert not any(t in ("f", "e") for t in cells.values())


def test_xlsx_keeps_control_characters_visible_instead_of_failing() -> None:
    frame = records(indikator="IKM\x1b[31m merah", keterangan="baris 1\nbaris 2\ttab")
    ws = load(export.to_xlsx(frame))
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "IKM\\x1b[31m merah" in values and "baris 1\nbaris 2\ttab" in values


@pytest.mark.parametrize("blank", [None, float("nan"), pd.NA, ""])
@pytest.mark.parametrize("label", ["Keterangan", "Realisasi", "Capaian (%)", "Pagu"])
def test_xlsx_blank_values_are_empty_cells(blank: object, label: str) -> None:
    key = next(k for k, lab in export.EXPORT_COLUMNS if lab == label)
    frame = full_records(2)
    frame[key] = pd.Series([blank, None], dtype="object")
    ws = load(export.to_xlsx(frame))
    assert cell(ws, 2, label).value is None and cell(ws, 3, label).value is None
    assert cell(ws, 2, "Bidang").value == "Sekretariat"


def test_xlsx_nullable_integer_year() -> None:
    frame = full_records(2)
    frame["tahun"] = pd.array([2024, None], dtype="Int64")
    ws = load(export.to_xlsx(frame))
    assert cell(ws, 2, "Tahun").value == 2024 and cell(ws, 3, "Tahun").value is None


def test_xlsx_infinite_number_is_an_empty_cell_not_a_formula() -> None:
    ws = load(export.to_xlsx(full_records(realisasi=float("inf"), capaian=float("-inf"))))
    assert cell(ws, 2, "Realisasi").value is None and cell(ws, 2, "Capaian (%)").value is None
    assert cell(ws, 2, "Target").value == 80.0


def test_xlsx_without_records_is_the_header_row() -> None:
    ws = load(export.to_xlsx(full_records().iloc[:0]))
    assert [c.value for c in ws[1]] == LABELS and ws.max_row == 1
    assert ws.auto_filter.ref == "A1:R1"


def test_xlsx_refuses_more_rows_than_a_sheet_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(export, "_XLSX_MAX_ROWS", 3)
    assert load(export.to_xlsx(full_records(2))).max_row == 3
    with pytest.raises(ValueError, match="tidak muat"):
        export.to_xlsx(full_records(3))


def test_xlsx_leaves_no_temporary_file_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # constant_memory writes rows here
    assert load(export.to_xlsx(full_records(3))).max_row == 4
    with pytest.raises(ValueError):
        export.to_xlsx(full_records(3, tahun="bukan tahun"))
    assert list(tmp_path.iterdir()) == []


def test_xlsx_large_export_keeps_every_row() -> None:
    n = 20_000
    ws = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(full_records(n))), read_only=True).active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    assert len(rows) == n + 1 and rows[0] == tuple(LABELS)
    assert rows[-1][-1] == 6 + n - 1 and rows[-1][0] == "Sekretariat"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("aman", "aman"),
        ("", ""),
        (5, 5),
        (None, None),
    ],
)
def test_safe_text(value: object, expected: object) -> None:
    assert export.safe_text(value) == expected


def test_exports_say_what_each_capaian_means() -> None:
    from kinerja import capaian as cp

    frame = pd.DataFrame(
        {
            "indikator": ["Tepat", "Lebih", "Nol"],
            "arah": ["naik", "naik", "naik"],
            "tahun": [2023, 2023, 2023],
            "periode": ["TW I"] * 3,
            "target": [220.0, 10.0, 0.0],
            "realisasi": [200.189, 12.0, 5.0],
        }
    )
    frame = cp.add_capaian(frame).drop(columns=["melampaui_target"])  # as the store gives it
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(frame)))
    ws = book.active
    assert ws is not None
    head = [c.value for c in ws[1]]
    rows = {
        r[head.index("Indikator Kinerja")]: r for r in ws.iter_rows(min_row=2, values_only=True)
    }
    assert rows["Lebih"][head.index("Melampaui Target")] == "Ya"
    assert rows["Tepat"][head.index("Melampaui Target")] in (None, "")
    assert "target 0" in rows["Nol"][head.index("Keterangan Capaian")]
    text = export.to_csv(frame).decode("utf-8-sig")
    assert "Melampaui Target" in text and "target 0" in text
