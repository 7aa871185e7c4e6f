"""The metadata block of the app's own collection format (kinerja.format writes it): its
layout, finding it in an opened workbook, and the checks of a returned format against it."""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd

from kinerja import bidang, schema
from kinerja.angka import format_angka
from kinerja.ingest.locate import TitleInfo
from kinerja.ingest.results import Defaults, Issue, Report
from kinerja.workbook import Book

# The block sits in hidden columns of the format's visible "Petunjuk" sheet: the workbook
# loader parses no hidden sheet, so a hidden sheet would never reach the reader. Its first
# cell is MARK, in the sheet's first row; each row below starts with its key. The keys are
# prefixed so that none is a header alias (a "tahun" cell must never look like a table).
MARK = "kinerja_format"
VERSION = 1
KEY_BIDANG = "format_bidang"
KEY_TAHUN = "format_tahun"
KEY_PERIODE = "format_periode"
KEY_LEMBAR = "format_lembar"
KEY_BARIS = "format_baris"  # then: row, kode, indikator, target

# Warning codes (Issue.code) of a returned format.
BARIS_HILANG = "baris_format_hilang"
TARGET_DIUBAH = "target_format_diubah"

_DECIMALS = 9  # targets equal to 9 decimals are equal (as kinerja.evaluate compares them)


@dataclass(frozen=True)
class MetaRow:
    """One indicator row of the format: its row on the data sheet, and the PK's values."""

    baris: int
    kode: str | None
    indikator: str
    target: float


@dataclass(frozen=True)
class FormatMeta:
    """What the format was built for: the bidang, the round, its data sheet and rows."""

    bidang: str
    tahun: int
    periode: str
    lembar: str
    rows: tuple[MetaRow, ...]

    def block(self) -> list[list[Any]]:
        """The block as rows of cells (kinerja.format writes them from one column on)."""
        out: list[list[Any]] = [
            [MARK, VERSION],
            [KEY_BIDANG, self.bidang],
            [KEY_TAHUN, self.tahun],
            [KEY_PERIODE, self.periode],
            [KEY_LEMBAR, self.lembar],
        ]
        out += [[KEY_BARIS, r.baris, r.kode or "", r.indikator, r.target] for r in self.rows]
        return out

    def context(self, defaults: Defaults) -> TitleInfo:
        """Bidang, tahun and periode for what neither the sheet nor the form says."""
        return TitleInfo(
            tahun=self.tahun if defaults.tahun is None else None,
            periode=self.periode if defaults.periode is None else None,
            bidang=self.bidang if defaults.bidang is None else None,
        )


def find(book: Book) -> FormatMeta | None:
    """The block of the first visible sheet whose first row holds MARK; None when there is
    none or it is damaged (the file is then read like any other sheet)."""
    for name in book.sheet_names:
        sheet = book.sheets.get(name)
        if name in book.hidden or sheet is None or not sheet.rows:
            continue
        first = sheet.rows[0]
        col = next((c for c, v in enumerate(first) if isinstance(v, str) and v == MARK), None)
        if col is not None:
            return _parse([row[col:] for row in sheet.rows])
    return None


def _parse(rows: list[list[Any]]) -> FormatMeta | None:
    head: dict[str, Any] = {}
    found: list[MetaRow] = []
    for cells in rows[1:]:
        key = cells[0] if cells else None
        if not isinstance(key, str) or not key:
            break
        if key == KEY_BARIS:
            row = _meta_row(cells[1:5])
            if row is None:
                return None
            found.append(row)
        elif len(cells) > 1:
            head[key] = cells[1]
    nama = head.get(KEY_BIDANG)
    tahun = schema.parse_tahun(head.get(KEY_TAHUN))
    periode = schema.parse_periode(head.get(KEY_PERIODE))
    lembar = head.get(KEY_LEMBAR)
    if not isinstance(nama, str) or not nama.strip() or tahun is None or periode is None:
        return None
    return FormatMeta(
        nama.strip(), tahun, periode, lembar if isinstance(lembar, str) else "", tuple(found)
    )


def _meta_row(cells: list[Any]) -> MetaRow | None:
    cells = [*cells, None, None, None, None][:4]
    baris, kode, indikator, target = cells
    if not _is_number(baris) or not _is_number(target) or not isinstance(indikator, str):
        return None
    kode_text = None if kode is None or str(kode).strip() == "" else str(kode).strip()
    return MetaRow(int(baris), kode_text, indikator, float(target))


def _is_number(v: Any) -> bool:
    return type(v) is int or (type(v) is float and math.isfinite(v))


@dataclass(frozen=True)
class Placed:
    """The records of one table and where its columns are, for naming cells."""

    records: pd.DataFrame
    sheet: str | None  # the sheet stamped on issues (None when the file has one sheet)
    target_letter: str | None
    target_header: str | None
    indikator_header: str | None


def check(meta: FormatMeta, placed: list[Placed], report: Report) -> None:
    """Warn about each indicator row of the format that is gone from the sheet (code
    BARIS_HILANG) and each target that differs from the format's (TARGET_DIUBAH)."""
    seen: dict[str, tuple[Placed, int, float]] = {}
    for part in placed:
        recs = part.records
        if recs.empty:
            continue
        same_round = (recs["tahun"] == meta.tahun) & (recs["periode"] == meta.periode)
        if same_round.any():
            recs = recs[same_round]
        for ind, baris, target in zip(
            recs["indikator"], recs["baris"], recs["target"], strict=True
        ):
            if isinstance(ind, str):
                seen.setdefault(bidang.key(ind), (part, int(baris), float(target)))
    header = next((p.indikator_header for p in placed if p.indikator_header), None)
    sheet = next((p.sheet for p in placed if p.sheet), None)
    for row in meta.rows:
        hit = seen.get(bidang.key(row.indikator))
        if hit is None:
            report.warnings.append(
                Issue(
                    None,
                    header or schema.LABEL["indikator"],
                    f"Indikator '{row.indikator}' dari format (baris {row.baris}, target "
                    f"{_angka(row.target)}) tidak ada di lembar: barisnya dihapus atau nama "
                    "indikatornya diubah. Kembalikan baris itu dan isi realisasinya.",
                    sheet,
                    BARIS_HILANG,
                )
            )
            continue
        part, baris, target = hit
        if round(target, _DECIMALS) == round(row.target, _DECIMALS):
            continue
        cell = f"sel {part.target_letter}{baris}" if part.target_letter else f"baris {baris}"
        report.warnings.append(
            Issue(
                baris,
                part.target_header or schema.LABEL["target"],
                f"Target di {cell} ({_angka(target)}) berbeda dari target format (PK) untuk "
                f"indikator '{row.indikator}', yaitu {_angka(row.target)}: target tidak boleh "
                "diubah. Kembalikan ke target PK, atau hubungi Sub Koordinator Program dan "
                "Pelaporan bila PK berubah.",
                part.sheet,
                TARGET_DIUBAH,
            )
        )


def _angka(x: float) -> str:
    """x the Indonesian way with every decimal it has (4.375 -> "4,375")."""
    exponent = Decimal(repr(x)).as_tuple().exponent
    decimals = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    return format_angka(x, min(decimals, 10))
