"""Exports: CSV quoting and formula neutralisation in both dialects, xlsx text stays text."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

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
        (False, '"Sekretariat","","IKM","","",2023,"TW I",80.0,58.0,72.5,"","",""'),
        (True, '"Sekretariat";"";"IKM";"";"";2023;"TW I";80,0;58,0;72,5;"";"";""'),
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


def test_xlsx_never_writes_text_as_a_formula_or_an_error() -> None:
    frame = records(indikator='=HYPERLINK("http://x","klik")', keterangan="#N/A", sasaran="=1+1")
    ws = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(frame))).active
    cells = {c.value: c.data_type for row in ws.iter_rows() for c in row if c.value is not None}
    assert cells['=HYPERLINK("http://x","klik")'] == "s"
    assert cells["#N/A"] == "s" and cells["=1+1"] == "s"
    assert not any(t in ("f", "e") for t in cells.values())


def test_xlsx_keeps_control_characters_visible_instead_of_failing() -> None:
    frame = records(indikator="IKM\x1b[31m merah", keterangan="baris 1\nbaris 2")
    ws = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(frame))).active
    values = [c.value for row in ws.iter_rows() for c in row]
    assert "IKM\\x1b[31m merah" in values and "baris 1\nbaris 2" in values


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
