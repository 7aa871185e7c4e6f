"""Exports of verified data: the merged dataset as .xlsx or .csv, safe to open in a spreadsheet."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kinerja import schema

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

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
    """Neutralise text a spreadsheet would run as a formula ("=HYPERLINK(...)" and friends)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _columns(records: pd.DataFrame) -> list[tuple[str, str]]:
    return [(k, label) for k, label in EXPORT_COLUMNS if k in records.columns]


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
            if v is None or (isinstance(v, float) and v != v):
                values.append(None)
            elif k == "tahun" or k == "baris":
                values.append(int(v))
            elif isinstance(v, str):
                values.append(v)
            else:
                values.append(
                    float(v)
                    if k in schema.ANGGARAN_COLUMNS or k in ("target", "realisasi", "capaian")
                    else v
                )
        ws.append(values)
        for cell in ws[ws.max_row]:
            if cell.data_type == "f":  # openpyxl treats "=..." as a formula: store as text
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


def to_csv(records: pd.DataFrame) -> bytes:
    """The records as UTF-8 CSV (with BOM, for Excel) and Indonesian headers, formula-safe."""
    cols = _columns(records)
    frame = records[[k for k, _ in cols]].copy()
    for k in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[k]):
            frame[k] = frame[k].astype(object).map(safe_text)
    frame.columns = [label for _, label in cols]
    return frame.to_csv(index=False).encode("utf-8-sig")
