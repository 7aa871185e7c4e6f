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
import numbers
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

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


def _blank(v: object) -> bool:
    return v is None or v is pd.NA or v is pd.NaT or (isinstance(v, float) and v != v)


def _xlsx_text(text: str) -> str:
    """Characters an .xlsx cannot hold (control characters) written as visible escapes."""
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def to_xlsx(records: pd.DataFrame, sheet: str = "Data Kinerja") -> bytes:
    """The records as one sheet with Indonesian headers; text is never stored as a formula."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    cols = _columns(records)
    ws.append([label for _, label in cols])
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    keys = [k for k, _ in cols]
    for row in records[keys].itertuples(index=False, name=None):
        values: list[Any] = []
        for k, v in zip(keys, row, strict=True):
            if _blank(v):
                values.append(None)
            elif k in INTEGER_COLUMNS:
                values.append(int(v))
            elif isinstance(v, str):
                values.append(_xlsx_text(v))
            else:
                values.append(float(v) if k in NUMBER_COLUMNS else v)
        ws.append(values)
        for cell in ws[ws.max_row]:
            # openpyxl stores "=..." as a formula and "#N/A" as an error value: keep them text.
            if cell.data_type in ("f", "e") and isinstance(cell.value, str):
                cell.data_type = "s"
    fmt = {"capaian": "0.00", "pagu": '"Rp" #,##0', "realisasi_anggaran": '"Rp" #,##0'}
    for j, (k, label) in enumerate(cols, start=1):
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = min(60, max(10, len(label) + 2))
        if k in fmt:
            for cell in ws[letter][1:]:
                cell.number_format = fmt[k]
    for k in ("sasaran", "indikator"):
        if k in keys:
            ws.column_dimensions[get_column_letter(keys.index(k) + 1)].width = 48
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    buf = io.BytesIO()
    wb.save(buf)
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
    cols = _columns(records)
    keys = [k for k, _ in cols]
    lines = [sep.join(_quote(label) for _, label in cols)]
    for row in records[keys].itertuples(index=False, name=None):
        lines.append(sep.join(_csv_field(k, v, indonesia) for k, v in zip(keys, row, strict=True)))
    return ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")
