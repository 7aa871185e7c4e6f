"""Exports of verified data: the merged dataset as .xlsx or .csv, safe to open in a spreadsheet.

CSV has two dialects. The default is what any program reads: comma separator, decimal point,
UTF-8 with a BOM (so Excel sees the encoding). The Indonesian one (``to_csv(indonesia=True)``,
``kinerja merge --csv-indonesia``) is what Excel on a computer set to Indonesian opens straight
into columns: semicolon separator, decimal comma ("72,5"), also UTF-8 with a BOM. In both, every
text field is quoted, numbers are not, and text that a spreadsheet would run as a formula is
prefixed with a single quote (see ``safe_text``). In the .xlsx, text is always stored as text.
"""

from __future__ import annotations

import io
import math
import numbers
import re

import pandas as pd
import xlsxwriter

from kinerja import schema

# A spreadsheet runs text starting with one of these as a formula (the full-width forms too:
# Excel in East Asian locales folds them).
_FORMULA_START = ("=", "+", "-", "@", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# Text that starts with these is neutralised whatever follows (OWASP's CSV injection list).
_CONTROL_START = ("\t", "\r", "\n")
# Skipped before looking for a formula start: spaces, and the separators of both CSV dialects,
# so " =1", ";=1+1" and ",=1" are caught whichever separator the reader splits on.
_LEADING = " \t\r\n\u00a0\u3000;,"

INTEGER_COLUMNS = ("tahun", "baris")
NUMBER_COLUMNS = ("target", "realisasi", "capaian", *schema.ANGGARAN_COLUMNS)

EXPORT_COLUMNS: list[tuple[str, str]] = [
    ("bidang", "Bidang"),
    ("sasaran", "Sasaran"),
    ("indikator", "Indikator Kinerja"),
    ("satuan", "Satuan"),
    ("arah", "Arah"),
    ("tahun", "Tahun"),
    ("periode", "Periode"),
    ("target", "Target"),
    ("realisasi", "Realisasi"),
    ("capaian", "Capaian (%)"),
    ("predikat", "Predikat"),
    ("melampaui_target", "Melampaui Target"),
    ("capaian_catatan", "Keterangan Capaian"),
    ("keterangan", "Keterangan"),
    ("pagu", "Pagu"),
    ("realisasi_anggaran", "Realisasi Anggaran"),
    ("file", "File Sumber"),
    ("baris", "Baris Sumber"),
]


def safe_text(value: object) -> object:
    """Neutralise text a spreadsheet would run as a formula: prefix it with a single quote.

    Caught: text starting with =, +, -, @ (also after leading spaces, ';' or ',', as in
    " =1" or ";=1+1"), and text starting with a tab, CR or LF. Anything else is returned as is.
    """
    if isinstance(value, str) and (
        value.startswith(_CONTROL_START) or value.lstrip(_LEADING).startswith(_FORMULA_START)
    ):
        return "'" + value
    return value


def _columns(records: pd.DataFrame) -> list[tuple[str, str]]:
    return [(k, label) for k, label in EXPORT_COLUMNS if k in records.columns]


def with_meaning(records: pd.DataFrame) -> pd.DataFrame:
    """Records with what their capaian means: "Ya" under Melampaui Target where the capaian
    as shown is above 100, and the reason for an empty capaian (records read back from the
    store carry no melampaui mark; the reader's do)."""
    if "capaian" not in records.columns:
        return records
    if records.empty:
        return records.assign(
            melampaui_target=pd.Series(dtype=object), capaian_catatan=pd.Series(dtype=object)
        )
    from kinerja import capaian

    out = records.copy()
    numbers = out.assign(
        **{
            c: pd.to_numeric(out[c], errors="coerce")
            for c in ("target", "realisasi", "capaian")
            if c in out.columns
        }
    )
    flag = capaian.melampaui_target(numbers)
    out["melampaui_target"] = ["Ya" if f else "" for f in flag]
    if "capaian_catatan" not in out.columns:
        reason = capaian.catatan_capaian(numbers)
        out["capaian_catatan"] = reason.where(numbers["capaian"].isna(), None).to_numpy()
    return out


def _blank(v: object) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)


# Characters an .xlsx cell cannot hold: the C0 controls except tab, LF and CR (openpyxl's
# ILLEGAL_CHARACTERS_RE, spelled here so the export does not import openpyxl).
_XLSX_ILLEGAL = re.compile(r"[\000-\010\013\014\016-\037]")
_XLSX_MAX_ROWS = 1_048_576  # header included
_XLSX_FORMATS = {"capaian": "0.00", "pagu": '"Rp" #,##0', "realisasi_anggaran": '"Rp" #,##0'}
_WIDE_COLUMNS = ("sasaran", "indikator")
_HEADER_FORMAT = {
    "bold": True,
    "pattern": 1,  # solid fill
    "bg_color": "#DDEBF7",
    "text_wrap": True,
    "valign": "vcenter",
}
# Every cell goes through a typed write_*() call; the strings_to_* options are spelled out all
# the same, as with XlsxWriter's defaults write() makes "=..." a formula and "http..." a link.
WORKBOOK_OPTIONS = {
    # Rows go to a temporary file as they are written instead of a cell table held in memory:
    # as fast, and 100.000 rows cost tens of MB instead of hundreds (bench/export.py).
    # XlsxWriter ignores it under in_memory, so in_memory is off.
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def xlsx_text(text: str) -> str:
    """Characters an .xlsx cannot hold (control characters) written as visible escapes."""
    return _XLSX_ILLEGAL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def _empty(v: object) -> bool:
    """An empty cell: blank, "" or infinite (XlsxWriter could only store infinity as =1/0)."""
    if isinstance(v, str):
        return not v
    return _blank(v) or (isinstance(v, float) and not math.isfinite(v))


def _width(key: str, label: str) -> int:
    return 48 if key in _WIDE_COLUMNS else min(60, max(10, len(label) + 2))


def to_xlsx(records: pd.DataFrame, sheet: str = "Data Kinerja") -> bytes:
    """The records as one sheet with Indonesian headers; text is never stored as a formula.

    Columns: those of EXPORT_COLUMNS present in ``records``, in that order, under a bold,
    wrapped, shaded header row that stays frozen, with an autofilter over header and data.
    tahun and baris are whole numbers; target, realisasi, capaian and the budget columns are
    numbers (capaian shown as 0.00, pagu and realisasi anggaran as "Rp" #,##0). Text is stored
    as text exactly as written ("=1+1", "#N/A" stay text, not formula or error), except control
    characters, written as visible escapes ("\\x1b"), and text past Excel's 32.767-character
    cell limit, which is cut there. None, NaN, NA, infinity and "" are empty cells. Raises
    ValueError when the records do not fit in one sheet (1.048.575 rows).
    """
    if len(records) >= _XLSX_MAX_ROWS:
        raise ValueError(
            f"{len(records)} baris tidak muat dalam satu lembar .xlsx "
            f"(batas {_XLSX_MAX_ROWS - 1} baris data)."
        )
    records = with_meaning(records)
    cols = _columns(records)
    keys = [k for k, _ in cols]
    buf = io.BytesIO()
    # The with block closes the workbook on an error too, which deletes its temporary file.
    with xlsxwriter.Workbook(buf, WORKBOOK_OPTIONS) as wb:
        ws = wb.add_worksheet(sheet)
        header = wb.add_format(_HEADER_FORMAT)
        formats = [
            wb.add_format({"num_format": _XLSX_FORMATS[k]}) if k in _XLSX_FORMATS else None
            for k in keys
        ]
        for j, (k, label) in enumerate(cols):
            ws.set_column(j, j, _width(k, label))
            ws.write_string(0, j, label, header)
        integer = [k in INTEGER_COLUMNS for k in keys]
        number = [k in NUMBER_COLUMNS for k in keys]
        # Row by row, as constant_memory requires; one pass over plain Python lists.
        columns = [records[k].tolist() for k in keys]
        for r, row in enumerate(zip(*columns, strict=True), start=1):
            for j, v in enumerate(row):
                fmt = formats[j]
                if _empty(v):
                    if fmt is not None:  # the format waits on the empty cell, as on the others
                        ws.write_blank(r, j, None, fmt)
                elif integer[j]:
                    ws.write_number(r, j, int(v), fmt)
                elif isinstance(v, str):
                    ws.write_string(r, j, xlsx_text(v), fmt)
                elif number[j]:
                    ws.write_number(r, j, float(v), fmt)
                elif isinstance(v, bool):
                    ws.write_boolean(r, j, v, fmt)
                elif isinstance(v, numbers.Real):
                    ws.write_number(r, j, float(v), fmt)
                else:
                    ws.write_string(r, j, xlsx_text(str(v)), fmt)
        ws.freeze_panes(1, 0)
        if cols:
            ws.autofilter(0, 0, len(records), len(cols) - 1)
    return buf.getvalue()


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _csv_field(key: str, v: object, decimal_comma: bool) -> str:
    if _blank(v):
        return ""
    if isinstance(v, str):
        return _quote(str(safe_text(v)))
    if isinstance(v, numbers.Integral):
        return str(int(v))
    if isinstance(v, numbers.Real):
        x = float(v)
        if key in INTEGER_COLUMNS and x.is_integer():
            return str(int(x))
        text = repr(x)
        return text.replace(".", ",") if decimal_comma else text
    return _quote(str(safe_text(str(v))))


def to_csv(records: pd.DataFrame, *, indonesia: bool = False) -> bytes:
    """The records as CSV with Indonesian headers, UTF-8 with a BOM, formula-safe.

    Default: comma separator and decimal point. ``indonesia``: semicolon separator and decimal
    comma, for Excel set to Indonesian. Text fields are always quoted, numbers never; a blank
    value is an empty field. Lines end with CRLF (RFC 4180).
    """
    sep = ";" if indonesia else ","
    records = with_meaning(records)
    cols = _columns(records)
    keys = [k for k, _ in cols]
    lines = [sep.join(_quote(label) for _, label in cols)]
    for row in records[keys].itertuples(index=False, name=None):
        lines.append(sep.join(_csv_field(k, v, indonesia) for k, v in zip(keys, row, strict=True)))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")
