"""File bytes to canonical records plus a report of errors and warnings with spreadsheet rows."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.errors as pa_errors

from kinerja import capaian as cp
from kinerja import schema
from kinerja.angka import parse_angka
from kinerja.workbook import (
    Book,
    NoValue,
    Sheet,
    WorkbookError,
    col_letter,
    is_error_text,
    load,
)

VALUE_FIELDS = ("target", "realisasi", "capaian", "pagu", "realisasi_anggaran")
TEXT_FIELDS = ("bidang", "sasaran", "indikator", "satuan", "keterangan")
HEADER_SCAN_ROWS = 40
CAPAIAN_TOLERANCE = 0.01


@dataclass(frozen=True)
class Defaults:
    """What the upload form (or --bidang/--tahun/--periode) says when the sheet does not."""

    bidang: str | None = None
    tahun: int | None = None
    periode: str | None = None


@dataclass(frozen=True)
class Issue:
    """One finding: spreadsheet row (as the program shows it), column as the sheet names it."""

    row: int | None
    column: str | None
    message: str
    sheet: str | None = None  # the sheet the row is on, when the file has one

    def to_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "sheet": self.sheet,
        }


@dataclass
class Report:
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    sheet: str | None = None  # stamped on the issues added while it is set

    def error(self, row: int | None, column: str | None, message: str) -> None:
        self.errors.append(Issue(row, column, message, self.sheet))

    def warn(self, row: int | None, column: str | None, message: str) -> None:
        self.warnings.append(Issue(row, column, message, self.sheet))

    def sort(self) -> None:
        key = _issue_key
        self.errors.sort(key=key)
        self.warnings.sort(key=key)


def _issue_key(i: Issue) -> tuple[int, str]:
    return (i.row or 0, i.column or "")


@dataclass
class IngestResult:
    """The outcome of reading one file: records (empty when invalid) and the report."""

    file: str
    records: pd.DataFrame
    report: Report
    sheet: str | None = None  # the sheets read, "TW I, TW II" when there are several
    sheets: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.report.errors

    def to_json(self) -> dict[str, Any]:
        """The command line's JSON object for this file (a stable contract: only add)."""
        return {
            "file": self.file,
            "valid": self.valid,
            "errors": [i.to_json() for i in self.report.errors],
            "warnings": [i.to_json() for i in self.report.warnings],
            "records": records_to_json(self.records) if self.valid else [],
        }


def records_to_json(records: pd.DataFrame) -> list[dict[str, Any]]:
    """Records as JSON-ready dicts: the RECORD_COLUMNS keys, NaN as null, tahun as int.

    Then what the number means: "capaian_catatan" (text or null: why capaian is empty or
    special, or the cap note) and "melampaui_target" (bool: capaian as shown above 100). They
    come from the records' own columns (the reader's), else are computed from the stored
    capaian with capaian.catatan_capaian and capaian.melampaui_target.
    """
    cols = schema.RECORD_COLUMNS
    if records.empty:
        return []
    frame = records.reindex(columns=cols)
    # Column by column (a Python loop per cell is slow on 100.000 rows), then one dict per row.
    columns = [_json_column(frame.iloc[:, k], c) for k, c in enumerate(cols)]
    columns.append(cp.catatan_capaian(records).tolist())
    columns.append(cp.melampaui_target(records).tolist())  # a bool Series: Python bools
    keys = (*cols, "capaian_catatan", "melampaui_target")
    if keys == _JSON_KEYS:
        return list(map(_json_record, *columns))  # a dict display: built in one step
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]


def _json_record(  # one argument per key, in records_to_json's order
    bidang: Any,
    sasaran: Any,
    indikator: Any,
    satuan: Any,
    arah: Any,
    tahun: Any,
    periode: Any,
    target: Any,
    realisasi: Any,
    capaian: Any,
    predikat: Any,
    keterangan: Any,
    capaian_catatan: Any,
    melampaui_target: Any,
) -> dict[str, Any]:
    return {
        "bidang": bidang,
        "sasaran": sasaran,
        "indikator": indikator,
        "satuan": satuan,
        "arah": arah,
        "tahun": tahun,
        "periode": periode,
        "target": target,
        "realisasi": realisasi,
        "capaian": capaian,
        "predikat": predikat,
        "keterangan": keterangan,
        "capaian_catatan": capaian_catatan,
        "melampaui_target": melampaui_target,
    }


# records_to_json's keys as _json_record writes them (its argument names, in order).
_JSON_KEYS = _json_record.__code__.co_varnames[: _json_record.__code__.co_argcount]


_JSON_PLAIN = frozenset({str, type(None)})


def _json_value(key: str, v: Any) -> Any:
    """One cell as JSON: NaN and None as None, tahun as int, numpy floats as floats."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if key == "tahun":
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    return v


def _json_column(s: pd.Series, key: str) -> list[Any]:
    """_json_value over one column, with fast paths for numpy numbers and pandas text.

    The values are the ones iterating the column gives (Python scalars for numpy dtypes).
    """
    dtype = s.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "fiub":
        values = s.to_numpy().tolist()
        if dtype.kind == "f":
            if key == "tahun":
                return [None if v != v else int(v) for v in values]
            return [None if v != v else v for v in values]
        return [int(v) for v in values] if key == "tahun" else values
    if isinstance(dtype, pd.StringDtype) and dtype.na_value is np.nan:
        # Text repeats: convert each distinct string once (missing is code -1, so None).
        codes, distinct = pd.factorize(s)
        lookup = np.empty(len(distinct) + 1, dtype=object)
        lookup[:-1] = distinct.to_numpy(dtype=object)
        lookup[-1] = None
        values = lookup[codes].tolist()
    elif isinstance(dtype, np.dtype) and dtype.kind == "O":
        values = s.to_numpy().tolist()  # the objects themselves, as iterating gives them
    else:
        values = list(s)
    if key != "tahun" and set(map(type, values)) <= _JSON_PLAIN:
        return values
    return [_json_value(key, v) for v in values]


# --- locating the table --------------------------------------------------------------------


@dataclass
class Column:
    index: int
    field: str
    header: str  # as the sheet names it
    periode: str | None = None  # set in the wide layout
    tahun: int | None = None  # a year the header names ("Realisasi 2022")

    @property
    def letter(self) -> str:
        return col_letter(self.index)


@dataclass
class Table:
    sheet: Sheet
    grid: list[list[Any]]  # merges filled
    header_row: int  # 0-based, first header row
    data_start: int  # 0-based, first row after the header(s)
    columns: list[Column]
    unknown: list[tuple[int, str]]
    data_end: int = -1  # 0-based, exclusive: where the next table's title or header begins
    header_width: int = 1  # rows the header takes (2 with a row of periods under it)
    context: list[Column] = field(default_factory=list)  # other years' columns, not read

    @property
    def wide(self) -> bool:
        return any(c.periode for c in self.columns)

    def plain(self, name: str) -> Column | None:
        for c in self.columns:
            if c.field == name and c.periode is None:
                return c
        return None


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else str(v)
    return str(v).strip()


def _fill_merges(sheet: Sheet) -> list[list[Any]]:
    """A copy of the grid where every merged area carries its top-left value."""
    grid = sheet.rows
    if not sheet.merges:
        return grid
    grid = [list(r) for r in grid]
    height = len(grid)
    width = max((len(r) for r in grid), default=0)
    for r0, c0, r1, c1 in sheet.merges:
        if r0 >= height or c0 >= width:
            continue
        v = grid[r0][c0] if c0 < len(grid[r0]) else ""
        if v == "" or v is None:
            continue
        r1 = min(r1, height - 1)
        c1 = min(c1, width - 1)
        for r in range(r0, r1 + 1):
            row = grid[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = v
    return grid


def _merge_followers(sheet: Sheet, row: int) -> set[int]:
    """Columns of `row` covered by a merge that starts further left: one cell, not several."""
    out: set[int] = set()
    for r0, c0, r1, c1 in sheet.merges:
        if r0 <= row <= r1 and c1 > c0:
            out.update(range(c0 + 1, c1 + 1))
    return out


_WIDE_HEADER = re.compile(r"^(target|realisasi|capaian)\s*[-/:]?\s*(.+)$")
_SAMPAI = re.compile(r"^(?:s\.?\s*d\.?|s/d|sd|sampai(?:\s+dengan)?|hingga)\s+")
_HEADER_YEAR = re.compile(r"\b(20\d\d)\b")


def _split_wide(text: str) -> tuple[str, str] | None:
    """'Target TW I' -> ('target', 'TW I'); 'Realisasi s.d. Triwulan III' -> ('realisasi',
    'TW III')."""
    m = _WIDE_HEADER.match(schema.normalize_header(text))
    if not m:
        return None
    rest = _SAMPAI.sub("", m[2]).strip()
    p = schema.parse_periode(rest)
    return (m[1], p) if p else None


def _period_label(v: Any) -> str | None:
    """A sub-header cell naming a period; only text counts (a number there is data)."""
    if not isinstance(v, str) or not v.strip():
        return None
    return schema.parse_periode(v)


def _header_fields(
    grid: list[list[Any]], r: int, field_of: Callable[[object], str | None]
) -> set[str | None]:
    row = grid[r]
    fields = {field_of(v) for v in row if isinstance(v, str)}
    fields |= {w[0] for v in row if isinstance(v, str) and (w := _split_wide(v))}
    if r + 1 < len(grid) and any(_period_label(v) for v in row):
        # "TW I" over "Target | Realisasi": the fields sit on the next row
        fields |= {field_of(v) for v in grid[r + 1] if isinstance(v, str)}
    return fields


def locate_table(
    sheet: Sheet,
    field_of: Callable[[object], str | None] = schema.header_field,
    required: Iterable[str] = ("indikator",),
    any_of: Iterable[str] = ("target", "realisasi"),
) -> Table | None:
    """Find the header row(s) of the first data table and map its columns to fields.

    Title rows above the header, merged header cells, a second header row of periods (the
    wide layout, either "Target" over "TW I..TW IV" or "TW I" over "Target | Realisasi") and a
    column-number row "(1) (2) (3)" below the header are recognised. None when no row within the
    first HEADER_SCAN_ROWS names every required field and one of any_of.
    """
    tables = locate_tables(sheet, field_of, required, any_of)
    return tables[0] if tables else None


def locate_tables(
    sheet: Sheet,
    field_of: Callable[[object], str | None] = schema.header_field,
    required: Iterable[str] = ("indikator",),
    any_of: Iterable[str] = ("target", "realisasi"),
) -> list[Table]:
    """Every data table of a sheet, top to bottom: a row that repeats a header starts the next.

    The first header must stand within the first HEADER_SCAN_ROWS rows; later ones anywhere.
    Each table ends where the title rows of the next one begin (blank row or label above the
    repeated header), so labels such as "SASARAN 2: ..." belong to the table they introduce.
    """
    grid = _fill_merges(sheet)
    required = tuple(required)
    any_of = tuple(any_of)

    def is_header(r: int) -> bool:
        fields = _header_fields(grid, r, field_of)
        return all(f in fields for f in required) and any(f in fields for f in any_of)

    first = next((r for r in range(min(HEADER_SCAN_ROWS, len(grid))) if is_header(r)), None)
    if first is None:
        return []
    tables = [_build_table(sheet, grid, first, field_of)]
    ind = next((c.index for c in tables[0].columns if c.field in required), None)
    r = tables[0].data_start
    if ind is not None:
        # Cheap first look at one cell per row (sheets of 100.000 rows pass through here): only
        # rows whose indikator cell names a required field may repeat the header. Each distinct
        # text is judged once.
        try:
            cells = list(map(itemgetter(ind), grid[r:]))
        except IndexError:  # a short row: no cell there
            cells = [row[ind] if ind < len(row) else None for row in grid[r:]]
        names = {
            v for v in set(cells) if isinstance(v, str) and len(v) <= 60 and field_of(v) in required
        }
        at = [r + k for k, v in enumerate(cells) if v in names] if names else []
        for h in at:
            if h < r or not is_header(h):
                continue  # inside the header rows of the table just found, or not a header
            nxt = _build_table(sheet, grid, h, field_of)
            tables[-1].data_end = _title_start(grid, tables[-1].data_start, h)
            tables.append(nxt)
            r = nxt.data_start
    for t in tables:
        if t.data_end < 0:
            t.data_end = len(grid)
    return tables


def _title_start(grid: list[list[Any]], lo: int, header: int) -> int:
    """The first of the rows above a repeated header that introduce it (labels, blanks)."""
    r = header
    while r > lo:
        cells = {_text(v) for v in grid[r - 1] if _text(v)}
        if len(cells) > 1 or any(type(v) in (int, float) for v in grid[r - 1]):
            break
        r -= 1
    return r


def _build_table(
    sheet: Sheet,
    grid: list[list[Any]],
    r: int,
    field_of: Callable[[object], str | None],
) -> Table:
    top = list(grid[r])
    width = max(len(top), len(grid[r + 1]) if r + 1 < len(grid) else 0)
    top += [""] * (width - len(top))
    sub: list[Any] = list(grid[r + 1]) if r + 1 < len(grid) else []
    sub += [""] * (width - len(sub))
    value_fields = {"target", "realisasi", "capaian"}

    # A row under the header is a sub-header only when it carries no indikator: a number typed
    # as text ("2" under Target) in the first data row is data, not "TW II".
    ind = next((c for c in range(width) if field_of(top[c]) == "indikator"), None)
    sub_is_data = ind is not None and _text(sub[ind]) != "" and sub[ind] != top[ind]
    sub_periods = [None if sub_is_data else _period_label(v) for v in sub]
    sub_fields = [None if sub_is_data or not isinstance(v, str) else field_of(v) for v in sub]
    # A group header written once and left blank to its right (no real merge) covers the
    # columns under it that have a sub-header.
    top_ff = list(top)
    for c in range(1, width):
        if _text(top_ff[c]) == "" and (sub_periods[c] or sub_fields[c]):
            top_ff[c] = top_ff[c - 1]
    top_periods = [_period_label(v) for v in top_ff]
    top_fields = [field_of(v) if isinstance(v, str) else None for v in top_ff]
    two_rows = not sub_is_data and any(
        (sub_periods[c] and top_fields[c] in value_fields)
        or (top_periods[c] and sub_fields[c] in value_fields)
        or (top_fields[c] == "pagu" and sub_fields[c] == "realisasi")
        for c in range(width)
    )
    if two_rows:
        top = top_ff
    followers = _merge_followers(sheet, r)
    sub_followers = _merge_followers(sheet, r + 1) if two_rows else set()

    columns: list[Column] = []
    unknown: list[tuple[int, str]] = []
    for c in range(width):
        t, s = _text(top[c]), _text(sub[c]) if two_rows else ""
        distinct_sub = bool(two_rows and s and s != t)
        if c in followers and (not distinct_sub or c in sub_followers):
            continue  # one merged header cell over several columns names one column
        header = " ".join((t if not distinct_sub else f"{t} {s}").split())
        w = _split_wide(t) if t else None
        ft = None if w else (field_of(t) if t else None)
        col: Column | None = None
        if distinct_sub:
            fs = field_of(s)
            ws = _split_wide(s)
            if ft in value_fields and sub_periods[c]:
                col = Column(c, ft, header, sub_periods[c])
            elif top_periods[c] and fs in value_fields:
                col = Column(c, fs, header, top_periods[c])
            elif fs and ft in ("pagu",) and fs == "realisasi":
                col = Column(c, "realisasi_anggaran", header)
            elif ws:
                col = Column(c, ws[0], header, ws[1])
            elif fs:
                col = Column(c, fs, header)
        if col is None and w:
            col = Column(c, w[0], header, w[1])
        if col is None and ft:
            col = Column(c, ft, header)
        if col is None:
            h = header.strip()
            if h and schema.normalize_header(h) not in schema.IGNORED_HEADERS:
                unknown.append((c, h))
            continue
        if col.field != "tahun" and (y := _HEADER_YEAR.search(header)):
            col.tahun = int(y[1])
        columns.append(col)

    start = r + (2 if two_rows else 1)
    # Skip blank rows and the column-number row "(1) (2) (3) ..." right under the header.
    while start < len(grid):
        row = grid[start]
        cells = [_text(v) for v in row if _text(v) != ""]
        if not cells:
            start += 1
            continue
        if len(cells) >= 3 and all(_NUMBER_ROW.match(x) for x in cells):
            start += 1
            continue
        break
    return Table(sheet, grid, r, start, columns, unknown, header_width=2 if two_rows else 1)


_NUMBER_ROW = re.compile(r"^\(?\d{1,2}\)?$")


# --- title rows -------------------------------------------------------------------------

_TITLE_TAHUN = re.compile(r"\btahun\s+(?:anggaran\s+)?(\d{4})\b", re.I)
_TITLE_PERIODE = re.compile(r"\b(triwulan|tw|semester)\s*(?:ke\s*-?\s*)?(i{1,3}|iv|[1-4])\b", re.I)
_TITLE_BIDANG = re.compile(r"^\s*(?:unit kerja|bidang)\s*[:：]\s*(.+)$", re.I)
_TITLE_BIDANG_PLAIN = re.compile(r"^\s*(bidang\s+.+|sekretariat)\s*$", re.I)
# "DATA KINERJA BIDANG PERINDUSTRIAN TRIWULAN II TAHUN 2023": the words after "bidang" up to
# the period, the year or the end name it.
_TITLE_BIDANG_INNER = re.compile(
    r"\bbidang\s+(?!/)(.+?)\s*(?=$|[,(]|\b(?:triwulan|tw|semester|tahun|periode|kabupaten|kab\.)\b)",
    re.I,
)
_SHEET_YEAR = re.compile(r"\b(20\d\d)\b")
_SASARAN_TITLE = re.compile(r"^\s*(?:(?:[0-9]+|[IVX]+|[A-Za-z])[.)]\s*)?sasaran\b", re.I)


@dataclass
class TitleInfo:
    tahun: int | None = None
    periode: str | None = None
    bidang: str | None = None

    def over(self, other: TitleInfo) -> TitleInfo:
        """This info, with what it lacks taken from other."""
        return TitleInfo(
            self.tahun if self.tahun is not None else other.tahun,
            self.periode or other.periode,
            self.bidang or other.bidang,
        )


def read_title(grid: list[list[Any]], header_row: int, start: int = 0) -> TitleInfo:
    """Tahun, periode and bidang as the title rows above the table (from start) state them."""
    info = TitleInfo()
    for r in range(start, header_row):
        for v in grid[r]:
            if not isinstance(v, str) or not v.strip():
                continue
            s = " ".join(v.split())
            if info.tahun is None and (m := _TITLE_TAHUN.search(s)):
                info.tahun = schema.parse_tahun(m[1])
            if info.periode is None and (m := _TITLE_PERIODE.search(s)):
                info.periode = schema.parse_periode(f"{m[1]} {m[2]}")
            if info.bidang is None:
                info.bidang = _bidang_in(s)
    return info


def _bidang_in(s: str) -> str | None:
    if m := _TITLE_BIDANG.match(s):
        return m[1].strip()
    if m := _TITLE_BIDANG_PLAIN.match(s):
        return _title_case(m[1])
    if (m := _TITLE_BIDANG_INNER.search(s)) and m[1].strip():
        return "Bidang " + _title_case(m[1].strip())
    return None


def sheet_name_info(name: str) -> TitleInfo:
    """What a sheet's name says: "TW II" a periode, "2023" a tahun, "Bidang X" a bidang."""
    s = " ".join(name.split())
    info = TitleInfo(periode=schema.parse_periode(s))
    if info.periode is None and (m := _TITLE_PERIODE.search(s)):
        info.periode = schema.parse_periode(f"{m[1]} {m[2]}")
    if m := _SHEET_YEAR.search(s):
        info.tahun = schema.parse_tahun(m[1])
    if m := _TITLE_BIDANG_PLAIN.match(s):
        info.bidang = _title_case(m[1])
    return info


_SMALL = {"dan", "di", "ke", "dari", "yang", "untuk", "pada"}


def _title_case(s: str) -> str:
    if s != s.upper():
        return s.strip()
    words = s.strip().lower().split()
    return " ".join(w if (i and w in _SMALL) else w.capitalize() for i, w in enumerate(words))


# --- reading ----------------------------------------------------------------------------


def read(
    source: bytes | str | Path | Book,
    *,
    filename: str | None = None,
    defaults: Defaults = Defaults(),  # noqa: B008 - immutable
    settings: cp.Settings | None = None,
) -> IngestResult:
    """Read one spreadsheet (bytes, a path, or an opened Book) into records and a report.

    Never raises for bad input: every problem is an Issue in the report (Indonesian, with the
    spreadsheet row and the column as the sheet names it). Records are empty when any error
    was found, so nothing half-read can be stored.
    """
    settings = settings or cp.Settings()
    name = filename or (source.name if isinstance(source, Book) else _source_name(source))
    try:
        book = source if isinstance(source, Book) else load(source, filename=name)
        return _read_book(book, name, defaults, settings)
    except WorkbookError as exc:
        report = Report()
        report.error(None, None, exc.message)
        return IngestResult(name, schema.empty_records(), report)
    except Exception as exc:  # a reader bug must still reach people as a message
        report = Report()
        report.error(
            None,
            None,
            f"Terjadi kesalahan tak terduga saat membaca file ({type(exc).__name__}: {exc}). "
            "File tidak diterima; laporkan ke pengelola aplikasi.",
        )
        return IngestResult(name, schema.empty_records(), report)


def _source_name(source: bytes | str | Path) -> str:
    if isinstance(source, bytes | bytearray | memoryview):
        return "berkas"
    return Path(source).name


def _read_book(book: Book, name: str, defaults: Defaults, settings: cp.Settings) -> IngestResult:
    """Every table of every visible sheet, each with its own title and name as context."""
    report = Report()
    frames: list[pd.DataFrame] = []
    read_sheets: list[str] = []
    partial: list[str] = []
    several = sum(1 for n in book.sheet_names if n not in book.hidden) > 1
    for sheet_name in book.sheet_names:
        if sheet_name in book.hidden:
            continue
        sheet = book.sheet(sheet_name)
        tables = locate_tables(sheet)
        if not tables:
            if locate_table(sheet, any_of=("indikator",)) is not None:
                partial.append(sheet_name)
            continue
        read_sheets.append(sheet_name)
        part = Report(sheet=sheet_name if several else None)
        sheet_title = read_title(tables[0].grid, tables[0].header_row).over(
            sheet_name_info(sheet_name) if several else TitleInfo()
        )
        for k, table in enumerate(tables):
            if k == 0:
                title, label = sheet_title, _table_label(table.grid, 0, table.header_row, True)
            else:
                lo = tables[k - 1].data_end
                title = read_title(table.grid, table.header_row, lo).over(sheet_title)
                label = _table_label(table.grid, lo, table.header_row, False)
            frames.append(_read_table(table, defaults, settings, part, title, label))
        part.sort()
        report.errors += part.errors
        report.warnings += part.warnings
    if not read_sheets:
        if partial:
            report.error(
                None,
                "Target",
                f"Lembar '{partial[0]}' memiliki kolom Indikator tetapi tidak ada kolom Target "
                "atau Realisasi.",
            )
        else:
            report.error(
                None,
                "Indikator Kinerja",
                "Tidak ditemukan tabel data: tidak ada baris judul kolom yang memuat "
                "'Indikator Kinerja' dan 'Target' di lembar mana pun.",
            )
        return IngestResult(name, schema.empty_records(), report)
    records = pd.concat(frames, ignore_index=True) if frames else schema.empty_records()
    if not report.errors and sum(not f.empty for f in frames) > 1:
        # A single table's records were already checked for duplicates by its validation.
        _duplicates_across(records, report)
    if not report.errors and records.empty:
        report.error(
            None,
            None,
            "Lembar tidak berisi baris data: tidak ada indikator dengan target atau realisasi.",
        )
    if report.errors:
        records = schema.empty_records()
    shown = ", ".join(read_sheets)
    return IngestResult(name, records, report, sheet=shown, sheets=read_sheets)


def _table_label(grid: list[list[Any]], lo: int, header: int, first: bool) -> str | None:
    """The label above a table naming its sasaran (or bidang): the last lone text row.

    Above the first table only a row that says "Sasaran ..." counts (the rows there are the
    document's titles); between tables, the lone text row that introduces the next one.
    """
    for r in range(header - 1, lo - 1, -1):
        cells = {_text(v) for v in grid[r] if _text(v)}
        if len(cells) != 1:
            continue
        text = next(iter(cells))
        if first and not _SASARAN_TITLE.match(text):
            continue
        return text
    return None


def _duplicates_across(records: pd.DataFrame, report: Report) -> None:
    """The same bidang + indikator + tahun + periode in two tables or sheets of one file."""
    if records.empty or "lembar" not in records:
        return
    key = schema.KEY_COLUMNS
    dup = records[records.duplicated(key, keep=False)]
    bidang, indikator, tahun, periode = (dup[c].to_numpy() for c in key)
    lembar, baris = dup["lembar"].to_numpy(), dup["baris"].to_numpy()
    for group in _groups(dup, key):
        k = group[0]
        where = [
            (f"lembar '{lembar[i]}' " if lembar[i] else "") + f"baris {int(baris[i])}"
            for i in group
        ]
        for i in group:
            s, b = lembar[i], baris[i]
            others = ", ".join(
                w for w in where if w != (f"lembar '{s}' " if s else "") + f"baris {int(b)}"
            )
            report.errors.append(
                Issue(
                    int(b),
                    "Indikator Kinerja",
                    f"Data ganda: bidang '{bidang[k]}', indikator '{indikator[k]}', tahun "
                    f"{tahun[k]}, periode {periode[k]} juga ada di {others}.",
                    s or None,
                )
            )


def _groups(frame: pd.DataFrame, key: list[str]) -> list[np.ndarray]:
    """The positions of each group of frame.groupby(key, sort=False), groups in its order and
    rows in frame's (a row with a missing key is in none, as groupby leaves it out). Reading
    columns as arrays by these beats a groupby loop by far when thousands of keys repeat."""
    gid = frame.groupby(key, sort=False).ngroup().to_numpy(dtype=float, na_value=np.nan)
    pos = np.flatnonzero(~np.isnan(gid))
    pos = pos[np.argsort(gid[pos], kind="stable")]
    starts = np.flatnonzero(np.diff(gid[pos]))
    return np.split(pos, starts + 1) if len(pos) else []


def _cell(col: Column, row0: int) -> str:
    return f"{col.letter}{row0 + 1}"


_SUMMARY_FIRST = ("jumlah", "total", "subtotal", "sub total", "rata-rata", "rata rata", "rerata")
_SUMMARY_WORDS = frozenset(
    {
        "jumlah",
        "total",
        "sub",
        "subtotal",
        "keseluruhan",
        "seluruhnya",
        "rata-rata",
        "rata",
        "rata2",
        "rerata",
        "capaian",
        "kinerja",
        "akhir",
        "nilai",
        "sasaran",
        "bidang",
        "%",
        "(%)",
        "umum",
        "grand",
    }
)


def is_summary_label(text: object) -> bool:
    """ "Jumlah", "TOTAL", "Rata-rata Capaian": a row that sums up the table, not an indicator.

    "Jumlah IKM yang dibina" is an indicator: every word of a summary label is one of the
    words that such rows use.
    """
    if not isinstance(text, str):
        return False
    words = text.replace(":", " ").lower().split()
    if not " ".join(words).startswith(_SUMMARY_FIRST):
        return False
    return _SUMMARY_WORDS.issuperset(words)


def _choose_year_columns(
    table: Table, title: TitleInfo, defaults: Defaults, report: Report
) -> int | None:
    """Keep this year's columns where headers name years ("Realisasi 2022 | Target 2023 |
    Realisasi 2023"); another year's columns are context, never read as this year's values.
    Returns the year the headers point to (the sheet's year when it states none)."""
    tagged = [c for c in table.columns if c.tahun is not None and c.field in VALUE_FIELDS]
    if not tagged:
        return None
    year = title.tahun or defaults.tahun
    if year is None:
        years = [c.tahun for c in tagged if c.field == "target" and c.tahun] or [
            c.tahun for c in tagged if c.tahun
        ]
        year = max(years)
    keep: list[Column] = []
    other: list[Column] = []
    for c in table.columns:
        elsewhere = c.tahun is not None and c.tahun != year and c.field in VALUE_FIELDS
        (other if elsewhere else keep).append(c)
    if other:
        table.columns = keep
        table.context = other
        names = ", ".join(f"'{c.header}'" for c in other)
        report.warn(
            table.header_row + 1,
            other[0].header,
            f"Kolom {names} berisi data tahun lain; dibaca sebagai konteks, bukan nilai tahun "
            f"{year}.",
        )
    return year


def _group_rows(table: Table, start: int, end: int) -> set[int]:
    """Rows where one merged cell covers the indikator column and a value column: a label
    ("1. Meningkatnya ...") spread over the table, not a data row."""
    ind = table.plain("indikator")
    values = {c.index for c in table.columns if c.field in VALUE_FIELDS}
    out: set[int] = set()
    if ind is None:
        return out
    for r0, c0, r1, c1 in table.sheet.merges:
        spans_value = any(c0 <= v <= c1 for v in values)
        if r0 == r1 and start <= r0 < end and c0 <= ind.index <= c1 and spans_value:
            out.add(r0)
    return out


def _read_table(
    table: Table,
    defaults: Defaults,
    settings: cp.Settings,
    report: Report,
    title: TitleInfo,
    label: str | None = None,
) -> pd.DataFrame:
    grid = table.grid
    n_rows = table.data_end if table.data_end >= 0 else len(grid)
    header_year = _choose_year_columns(table, title, defaults, report)
    if header_year is not None and title.tahun is None:
        title = TitleInfo(header_year, title.periode, title.bidang)
    cols = table.columns
    header_of = {c.field: c.header for c in cols if c.periode is None}

    # Columns that name the same field twice make the sheet ambiguous.
    seen: dict[tuple[str, str | None], Column] = {}
    failed_before = len(report.errors)
    for c in cols:
        key = (c.field, c.periode)
        if key in seen:
            report.error(
                table.header_row + 1,
                c.header,
                f"Kolom '{c.header}' ({c.letter}) muncul dua kali; kolom pertama di "
                f"{seen[key].letter}.",
            )
        else:
            seen[key] = c
    for pos, h in table.unknown:
        report.warn(
            table.header_row + 1,
            h,
            f"Kolom '{h}' ({col_letter(pos)}) tidak dikenali dan diabaikan.",
        )
    if len(report.errors) > failed_before:
        return schema.empty_records()

    wide_periods = sorted(
        {c.periode for c in cols if c.periode}, key=lambda p: schema.PERIODE.index(p)
    )
    value_cols = [c for c in cols if c.field in VALUE_FIELDS]
    if not wide_periods and table.plain("target") is None:
        report.error(table.header_row + 1, "Target", "Kolom Target tidak ditemukan.")
        return schema.empty_records()

    rows = list(range(table.data_start, n_rows))
    body = grid[table.data_start : n_rows]
    data = _columns(body, sorted({c.index for c in cols}))
    num_mask = np.zeros(len(rows), dtype=bool)
    for c in value_cols:
        num_mask |= data[c.index] != ""
    group_rows = _group_rows(table, table.data_start, n_rows)
    for r0 in group_rows:
        num_mask[r0 - table.data_start] = False
    ind_col = table.plain("indikator")
    assert ind_col is not None  # locate_table requires it
    # One pass over the indikator column: its distinct cells, blank or not, summary or not.
    ind_codes, ind_cells, ind_summary = _factorize(data[ind_col.index], is_summary_label)
    ind_mask = np.array([v != "" for v in ind_cells], dtype=bool)[ind_codes]
    summary = np.array(ind_summary, dtype=bool)[ind_codes]
    for k in map(int, np.flatnonzero(summary & num_mask)):
        r0 = rows[k]
        report.warn(
            r0 + 1,
            ind_col.header,
            f"Baris {r0 + 1} ('{_text(data[ind_col.index][k])}') adalah baris ringkasan, bukan "
            "indikator; diabaikan.",
        )
    num_mask &= ~summary
    ind_mask &= ~summary

    last_num = int(np.flatnonzero(num_mask)[-1]) if num_mask.any() else -1
    keep = num_mask & ind_mask
    group_sasaran: dict[int, str] = {}
    group_bidang: dict[int, str] = {}
    if label:
        _group_label(label, 0, group_sasaran, group_bidang)
    sas_col = table.plain("sasaran")
    bid_col = table.plain("bidang")
    descriptor_cols = [
        table.plain(f) for f in ("satuan", "periode", "arah", "tahun") if table.plain(f)
    ]
    first_value = min((c.index for c in value_cols), default=0)

    # Only rows that are not plainly data rows need a closer look.
    for i in map(int, np.flatnonzero(~keep)):
        r0 = rows[i]
        if summary[i] or all(v == "" or v is None for v in grid[r0]):
            continue
        distinct = {_text(v) for v in grid[r0] if _text(v) != ""}
        if r0 in group_rows or (
            len(distinct) == 1 and not ind_mask[i] and not _numeric_row(grid[r0])
        ):
            # A label over the rows below ("1. Meningkatnya ...", "BIDANG PERINDUSTRIAN"),
            # or a signature line under the table.
            if i < last_num:
                _group_label(next(iter(distinct)), i, group_sasaran, group_bidang)
            continue
        if num_mask[i]:
            before = grid[r0][:first_value]
            if any(is_summary_label(v) for v in before):
                report.warn(
                    r0 + 1, None, f"Baris {r0 + 1} adalah baris ringkasan (jumlah); diabaikan."
                )
                continue
            report.error(
                r0 + 1,
                ind_col.header,
                f"Baris {r0 + 1} berisi angka tetapi Indikator Kinerja kosong (sel "
                f"{_cell(ind_col, r0)}).",
            )
            continue
        # A row with text and no numbers: a group label, a signature line, or an indicator
        # that was not filled in.
        if i > last_num:
            looks_like_data = ind_mask[i] and any(
                _text(data[c.index][i]) for c in descriptor_cols if c is not None
            )
            if not looks_like_data:
                continue  # signature block, notes
        if ind_mask[i]:
            if table.wide:
                report.warn(
                    r0 + 1,
                    ind_col.header,
                    f"Indikator '{_text(data[ind_col.index][i])}' tidak memiliki nilai target "
                    "maupun realisasi; tidak ada data yang dibaca dari baris ini.",
                )
            else:
                tcol = table.plain("target")
                assert tcol is not None
                report.error(
                    r0 + 1,
                    tcol.header,
                    f"Target kosong (sel {_cell(tcol, r0)}) untuk indikator "
                    f"'{_text(data[ind_col.index][i])}'.",
                )

    idx = np.flatnonzero(keep)
    if len(idx) == 0:
        return schema.empty_records()

    every_row = len(idx) == len(rows)

    def take(col: Column | None) -> np.ndarray:
        if col is None:
            return np.full(len(idx), "", dtype=object)
        # Read only: the column itself when every row is kept (a copy touches every cell).
        return data[col.index] if every_row else data[col.index][idx]

    # rows[i] is table.data_start + i: the spreadsheet row is one more.
    base = pd.DataFrame({"baris": (idx + (table.data_start + 1)).astype(np.int64)})
    for f in TEXT_FIELDS:
        if f == "indikator" and every_row:  # the cells factorised above, in the same order
            codes, cleaned = ind_codes, [_clean_text(v) for v in ind_cells]
        else:
            codes, _, cleaned = _factorize(take(table.plain(f)), _clean_text)
        base[f] = _text_values(cleaned, codes)
    # Grouping columns: a blank cell under a filled one repeats it (people leave repeats blank),
    # and group label rows fill them where the sheet has no such column.
    for f, labels, col in (
        ("sasaran", group_sasaran, sas_col),
        ("bidang", group_bidang, bid_col),
    ):
        if labels:
            label_series = pd.Series(labels, dtype="object").reindex(range(len(rows))).ffill()
            from_label = label_series.iloc[idx].to_numpy()
            base[f] = base[f].where(base[f].notna(), pd.Series(from_label, index=base.index))
        if col is not None:
            base[f] = base[f].ffill()

    _resolve_context(base, table, title, defaults, report, take)
    _resolve_arah(base, table, report, take)

    if wide_periods:
        frames = []
        fallback_target = table.plain("target")
        used_fallback = False
        for p in wide_periods:
            part = base.copy()
            part["periode"] = p
            failed = np.zeros(len(idx), dtype=bool)
            for f in VALUE_FIELDS:
                col = _wide_col(cols, f, p)
                if col is None and f in ("pagu", "realisasi_anggaran"):
                    col = table.plain(f)
                part[f], bad = _numbers(col, idx, rows, data, table, base, report)
                failed = failed | bad
            own_target = _wide_col(cols, "target", p) is not None
            if not own_target and fallback_target is not None:
                part["target"], bad = _numbers(
                    fallback_target, idx, rows, data, table, base, report
                )
                failed = failed | bad
                has_value = part["realisasi"].notna().to_numpy()
                used_fallback = used_fallback or bool(has_value.any())
            else:
                has_value = (part["target"].notna() | part["realisasi"].notna()).to_numpy()
            _blank_issues(part, has_value & ~failed, table, p, data, idx, report)
            frames.append(part[has_value & ~failed])
        if used_fallback:
            report.warn(
                table.header_row + 1,
                header_of.get("target"),
                "Target per triwulan tidak ada; kolom Target (tahunan) dipakai untuk tiap "
                "triwulan.",
            )
        records = pd.concat(frames, ignore_index=True)
    else:
        records = base
        failed = np.zeros(len(idx), dtype=bool)
        for f in VALUE_FIELDS:
            records[f], bad = _numbers(table.plain(f), idx, rows, data, table, base, report)
            failed = failed | bad
        _blank_issues(records, ~failed, table, None, data, idx, report)
        if failed.any():  # else keep the frame (_validate renumbers it either way)
            records = records[~failed]
    records = _validate(records, table, report)
    if report.errors:
        return schema.empty_records()
    records = _with_capaian(records, table, settings, report)
    records["lembar"] = report.sheet
    return records


def _blank_issues(
    part: pd.DataFrame,
    mask: np.ndarray,
    table: Table,
    periode: str | None,
    data: dict[int, np.ndarray],
    idx: np.ndarray,
    report: Report,
) -> None:
    """Blank target is an error; blank realisasi is a warning (not yet reported)."""
    for f in ("target", "realisasi"):
        col = _wide_col(table.columns, f, periode) if periode else table.plain(f)
        if col is None and f == "target":
            col = table.plain("target")
        blank = mask & part[f].isna().to_numpy()
        baris = part["baris"].to_numpy()
        for k in np.flatnonzero(blank):
            row = int(baris[k])
            raw = _text(data[col.index][idx[k]]) if col is not None else ""
            shown = f"'{raw}', " if raw else ""
            name = col.header if col else schema.LABEL[f]
            cell = f"sel {col.letter}{row}" if col else f"baris {row}"
            if f == "target":
                report.error(row, name, f"Target kosong ({shown}{cell}).")
            else:
                report.warn(
                    row,
                    name,
                    f"Realisasi belum dilaporkan ({shown}{cell}); capaian dikosongkan.",
                )


def _wide_col(cols: list[Column], f: str, p: str) -> Column | None:
    for c in cols:
        if c.field == f and c.periode == p:
            return c
    return None


def _column(body: list[list[Any]], idx: int) -> np.ndarray:
    """One column of the data rows as an object array (blank = "")."""
    try:
        values = [row[idx] for row in body]
    except IndexError:
        values = [row[idx] if idx < len(row) else "" for row in body]
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _columns(body: list[list[Any]], indices: list[int]) -> dict[int, np.ndarray]:
    """The data rows' columns at indices as object arrays (blank = "")."""
    width = len(body[0]) if body else 0
    if body and indices and indices[-1] < width and set(map(len, body)) == {width}:
        # A rectangular grid (the parser's usual): one copy into a 2-D array, then columns.
        grid = np.empty((len(body), width), dtype=object)
        grid[:] = body
        return {i: grid[:, i] for i in indices}
    return {i: _column(body, i) for i in indices}


def _factorize(
    values: np.ndarray, fn: Callable[[Any], Any]
) -> tuple[np.ndarray, list[Any], list[Any]]:
    """values as codes into their distinct values, those values, and fn of each.

    fn runs once per distinct value, on its first occurrence, in order (sheets repeat the same
    text thousands of times): fn(values[k]) is results[codes[k]]. One pass over the cells; the
    rest is numpy on the codes.
    """
    index: dict[Any, int] = {}
    distinct: list[Any] = []
    codes: list[int] = []
    for v in values:
        try:
            codes.append(index[v])
        except KeyError:
            index[v] = len(distinct)
            codes.append(len(distinct))
            distinct.append(v)
    return np.array(codes, dtype=np.intp), distinct, [fn(v) for v in distinct]


def _text_values(results: list[Any], codes: np.ndarray) -> Any:
    """results[codes] for a frame column: as the list would be (text with None, pandas infers
    its text dtype), built from the few distinct values instead of one object per row."""
    if all(type(r) is str or r is None for r in results) and any(r is not None for r in results):
        return pd.array(results, dtype="str").take(codes)
    return [results[c] for c in codes.tolist()]


def _numeric_row(row: list[Any]) -> bool:
    return any(type(v) is float or type(v) is int for v in row)


def _nonblank(vals: list[Any]) -> np.ndarray:
    return np.fromiter(
        (v is not None and v != "" and not (isinstance(v, str) and not v.strip()) for v in vals),
        dtype=np.int64,
        count=len(vals),
    )


def _clean_text(v: Any) -> str | None:
    if type(v) is str:  # the usual cell: _text would only strip it, and split() trims too
        if not v.isascii():
            v = _no_lone_surrogates(v)
        return " ".join(v.split()) or None
    s = _text(v)
    return " ".join(s.split()) if s else None


def _no_lone_surrogates(s: str) -> str:
    """A lone surrogate (old .xls files hold them) as U+FFFD: it is no character a person
    wrote, and no encoder takes it."""
    return s.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


_LABEL_PREFIX = re.compile(
    r"^\s*(?:(?:[0-9]+|[A-Za-z]|[IVX]+)[.)]\s*)?(?:sasaran(?:\s+strategis)?\s*\d*\s*[:.]\s*)?",
    re.I,
)


def _group_label(
    label: str, i: int, group_sasaran: dict[int, str], group_bidang: dict[int, str]
) -> None:
    s = " ".join(label.split())
    low = s.lower()
    if low.startswith("bidang ") or low == "sekretariat":
        group_bidang[i] = _title_case(s)
        return
    cleaned = _LABEL_PREFIX.sub("", s).strip()
    if cleaned:
        group_sasaran[i] = cleaned


def _resolve_context(
    base: pd.DataFrame,
    table: Table,
    title: TitleInfo,
    defaults: Defaults,
    report: Report,
    take: Callable[[Column | None], np.ndarray],
) -> None:
    """Fill bidang, tahun and periode: the sheet's column, then its title rows, then the form."""
    for label, said, form in (
        ("Bidang", title.bidang, defaults.bidang),
        ("Tahun", title.tahun, defaults.tahun),
        ("Periode", None if table.wide else title.periode, defaults.periode),
    ):
        if said is not None and form is not None and str(said).lower() != str(form).lower():
            report.warn(
                None,
                label,
                f"Formulir menyebut {label.lower()} '{form}', judul lembar menyebut '{said}'; "
                "yang dipakai isi lembar.",
            )
    rows = base["baris"].to_numpy()

    fallback_bidang = title.bidang or defaults.bidang
    if base["bidang"].isna().any():
        if fallback_bidang:
            base["bidang"] = base["bidang"].fillna(fallback_bidang)
        else:
            first = int(base.loc[base["bidang"].isna(), "baris"].iloc[0])
            report.error(
                first if table.plain("bidang") else None,
                "Bidang",
                "Bidang tidak diketahui: lembar tidak menyebutnya (kolom Bidang atau judul) "
                "dan formulir unggah tidak mengisinya.",
            )

    codes, tahun = _context_column(
        take(table.plain("tahun")),
        schema.parse_tahun,
        title.tahun or defaults.tahun,
        table.plain("tahun"),
        rows,
        report,
        "Tahun",
        "Tahun '{v}' tidak sah (sel {cell}); tulis tahun 2000-2100.",
    )
    base["tahun"] = np.asarray([t if t is not None else 0 for t in tahun], dtype=np.int64)[codes]
    if table.wide:
        return  # wide sheets carry the periode in their columns
    codes, periode = _context_column(
        take(table.plain("periode")),
        schema.parse_periode,
        title.periode or defaults.periode,
        table.plain("periode"),
        rows,
        report,
        "Periode",
        "Periode '{v}' tidak dikenal (sel {cell}); gunakan TW I-TW IV, Semester I/II atau Tahunan.",
    )
    base["periode"] = _text_values(periode, codes)


def _context_column(
    raw: np.ndarray,
    parse: Callable[[Any], Any],
    fallback: Any,
    col: Column | None,
    rows: np.ndarray,
    report: Report,
    label: str,
    bad_message: str,
) -> tuple[np.ndarray, list[Any]]:
    """One of tahun/periode per record: parsed cell, else the fallback; issues per bad cell.

    As codes into the column's distinct cells and the value of each (see _factorize).
    """
    codes, cells, parsed = _factorize(raw, parse)
    blank_cell = np.array([v == "" for v in cells], dtype=bool)
    blank = blank_cell[codes]
    out = [fallback if b else p for b, p in zip(blank_cell.tolist(), parsed, strict=True)]
    for k in np.flatnonzero((_is_none(parsed) & ~blank_cell)[codes]):
        row = int(rows[k])
        assert col is not None
        v = _text(raw[k])
        report.error(row, col.header, bad_message.format(v=v, cell=f"{col.letter}{row}"))
    if fallback is None and blank.any():
        if col is None:
            report.error(
                None,
                label,
                f"{label} tidak diketahui: lembar tidak menyebutnya (kolom {label} atau judul) "
                "dan formulir unggah tidak mengisinya.",
            )
        else:
            first = int(np.flatnonzero(blank)[0])
            row = int(rows[first])
            report.error(row, col.header, f"{label} kosong (sel {col.letter}{row}).")
    return codes, out


def _resolve_arah(
    base: pd.DataFrame,
    table: Table,
    report: Report,
    take: Callable[[Column | None], np.ndarray],
) -> None:
    acol = table.plain("arah")
    if acol is None:
        base["arah"] = "naik"
        return
    raw = take(acol)
    codes, cells, parsed = _factorize(raw, lambda v: schema.parse_arah(_text(v)))
    blank = np.array([v == "" for v in cells], dtype=bool)
    rows = base["baris"].to_numpy()
    for k in np.flatnonzero((_is_none(parsed) & ~blank)[codes]):
        row = int(rows[k])
        report.error(
            row,
            acol.header,
            f"Arah '{_text(raw[k])}' tidak dikenal (sel {acol.letter}{row}); gunakan Naik "
            "(semakin tinggi semakin baik) atau Turun (semakin rendah semakin baik).",
        )
    arah = ["naik" if b else (p or "naik") for b, p in zip(blank.tolist(), parsed, strict=True)]
    base["arah"] = _text_values(arah, codes)


def _is_none(values: list[Any]) -> np.ndarray:
    return np.array([v is None for v in values], dtype=bool)


_NUM_TYPES = (float, int)


def _numbers(
    col: Column | None,
    idx: np.ndarray,
    rows: list[int],
    data: dict[int, np.ndarray],
    table: Table,
    base: pd.DataFrame,
    report: Report,
) -> tuple[np.ndarray, np.ndarray]:
    """Parse one value column of the kept rows: floats (NaN = blank) and a mask of bad cells.

    Numbers stored as numbers take a vectorised path; text goes through parse_angka once per
    distinct string.
    """
    n = len(idx)
    out = np.full(n, np.nan)
    failed = np.zeros(n, dtype=bool)
    if col is None:
        return out, failed
    vals = data[col.index]
    if n != len(vals):
        vals = vals[idx]  # else every row is kept: read the column itself
    is_num = np.fromiter((type(v) in _NUM_TYPES for v in vals), dtype=bool, count=n)
    if is_num.all():
        out = vals.astype(float)
        rest = np.flatnonzero(~is_num)
    else:
        out[is_num] = vals[is_num].astype(float)
        other = np.flatnonzero(~is_num)
        rest = other[vals[other] != ""]
    cache: dict[str, Any] = {}
    # The sheet's own capaian is recomputed anyway: what it cannot give is only a warning.
    problem = report.warn if col.field == "capaian" else report.error
    for k in rest:
        v = vals[k]
        row = rows[idx[k]] + 1
        cell = f"sel {col.letter}{row}"
        if isinstance(v, NoValue):
            problem(
                row,
                col.header,
                f"Rumus tanpa nilai tersimpan ({cell}): buka dan simpan file di Excel atau "
                "LibreOffice, lalu unggah lagi.",
            )
            failed[k] = col.field != "capaian"
            continue
        if is_error_text(v):
            problem(
                row,
                col.header,
                f"Nilai galat '{_text(v)}' ({cell}): perbaiki rumusnya atau isi angkanya; "
                "galat bukan berarti belum dilaporkan.",
            )
            failed[k] = col.field != "capaian"
            continue
        if type(v) is str:
            a = cache.get(v)
            if a is None:
                a = cache[v] = parse_angka(v)
            if a.kind == "kosong":
                continue
            if a.kind == "salah":
                report.error(row, col.header, f"'{_text(v)}' bukan angka ({cell}).")
                failed[k] = True
                continue
            if a.note:
                report.warn(row, col.header, f"Sel {col.letter}{row}: {a.note}")
            out[k] = a.value
        elif isinstance(v, bool):
            report.error(row, col.header, f"Nilai benar/salah '{_text(v)}' bukan angka ({cell}).")
            failed[k] = True
        elif v is not None:  # a date or time: not a number a person would write here
            report.error(row, col.header, f"Tanggal/waktu '{_text(v)}' bukan angka ({cell}).")
            failed[k] = True
    percent = [r for (r, c) in table.sheet.percent if c == col.index]
    if percent:
        pos = dict(zip((idx + rows[0]).tolist(), range(n), strict=True))  # rows[i] is rows[0] + i
        satuan = base["satuan"].to_numpy()
        persen: dict[Any, bool] = {}  # schema.is_persen per distinct satuan
        for r in percent:
            at = pos.get(r)
            if at is None or not is_num[at]:
                continue
            unit = satuan[at]
            if col.field != "capaian" and unit not in persen:
                persen[unit] = schema.is_persen(unit)
            if col.field == "capaian" or persen[unit]:
                out[at] *= 100.0
            else:
                report.warn(
                    r + 1,
                    col.header,
                    f"Sel {col.letter}{r + 1} berformat persen tetapi satuannya "
                    f"'{satuan[at] or '-'}'; nilai dibaca apa adanya.",
                )
    return out, failed


# Indonesian messages for pandera's checks, by check name prefix.
_CHECK_MESSAGES: dict[str, str] = {
    "greater_than_or_equal_to": "{value} tidak boleh negatif",
    "less_than_or_equal_to": "{value} di luar batas",
    "isin": "'{value}' tidak dikenal",
    "str_length": "tidak boleh kosong",
    "not_nullable": "tidak boleh kosong",
    "coerce_dtype": "'{value}' tidak sesuai jenisnya",
}


def _validate(records: pd.DataFrame, table: Table, report: Report) -> pd.DataFrame:
    """Run the pandera input model; turn its failure cases into row-and-column issues."""
    bad_rows = {e.row for e in report.errors}
    if None in bad_rows:
        return records
    if bad_rows:  # rows already refused (another table of the sheet) are not checked again
        records = records[~records["baris"].isin(bad_rows)]
    records = records.reset_index(drop=True)
    try:
        return schema.RecordInput.validate(records, lazy=True)
    except pa_errors.SchemaErrors as exc:
        _report_failures(exc.failure_cases, records, table, report)
        return records


def _report_failures(
    failures: pd.DataFrame, records: pd.DataFrame, table: Table, report: Report
) -> None:
    dup_done: set[tuple[int, ...]] = set()
    header_of = {c.field: c for c in table.columns if c.periode is None}
    baris = records["baris"].to_numpy()  # read by position below, not row by row
    periode = records["periode"].to_numpy() if table.wide else None
    # A duplicate key fails once per row and key column (400.000 cases on a sheet of 100.000
    # repeated rows): those only need their check's name; the rest are read in full.
    checks = [str(c) for c in failures["check"].tolist()]
    duplicate = [("unique" in c or c.startswith("multiple_fields_uniqueness")) for c in checks]
    cells = ["check", "column", "index", "failure_case"]
    rest = iter(failures.loc[~np.array(duplicate, dtype=bool), cells].to_dict("records"))
    for dup_check in duplicate:
        if dup_check:
            _report_duplicates(records, dup_done, report, table)
            continue
        fc = next(rest)
        check = str(fc["check"])
        column = fc["column"] if isinstance(fc["column"], str) else None
        index = fc["index"]
        if index is None or (isinstance(index, float) and math.isnan(index)):
            report.error(None, column, f"Kolom {column}: {check}")
            continue
        row = int(baris[int(index)])
        col = header_of.get(column or "")
        if column in ("target", "realisasi", "pagu", "realisasi_anggaran") and table.wide:
            assert periode is not None
            col = _wide_col(table.columns, column, periode[int(index)]) or col
        name = col.header if col else schema.LABEL.get(column or "", column)
        cell = f" (sel {col.letter}{row})" if col else ""
        tmpl = next(
            (m for k, m in _CHECK_MESSAGES.items() if check.startswith(k)),
            "'{value}' tidak memenuhi aturan " + check,
        )
        value = _text(fc["failure_case"])
        text = tmpl.format(value=value)
        limit = schema.FIELD_LENGTHS.get(column or "")
        if check.startswith("str_length") and limit is not None and len(value) > limit:
            text = f"terlalu panjang: {len(value)} karakter, paling banyak {limit}"
        report.error(row, name, f"{schema.LABEL.get(column or '', column)} {text}{cell}.")


def _report_duplicates(
    records: pd.DataFrame, done: set[tuple[int, ...]], report: Report, table: Table
) -> None:
    if done:
        return
    key = schema.KEY_COLUMNS
    dup = records[records.duplicated(key, keep=False)]
    bidang, indikator, tahun, periode = (dup[c].to_numpy() for c in key)
    baris = dup["baris"].to_numpy()
    for group in _groups(dup, key):
        rows = tuple(sorted(int(x) for x in set(baris[group].tolist())))
        if rows in done:
            continue
        done.add(rows)
        k = group[0]
        ind = table.plain("indikator")
        for r in rows:
            others = ", ".join(str(x) for x in rows if x != r) or str(r)
            report.error(
                r,
                ind.header if ind else "Indikator Kinerja",
                f"Data ganda: bidang '{bidang[k]}', indikator '{indikator[k]}', "
                f"tahun {tahun[k]}, periode {periode[k]} juga ada di baris {others}.",
            )
    done.add((-1,))


def _with_capaian(
    records: pd.DataFrame, table: Table, settings: cp.Settings, report: Report
) -> pd.DataFrame:
    """Recompute capaian; warn where the sheet's own capaian differs by more than 0,01."""
    sheet_capaian = records["capaian"].to_numpy(dtype=float)
    out = cp.add_capaian(records, settings)
    if any(c.field == "capaian" for c in table.columns):
        computed = out["capaian"].to_numpy(dtype=float)
        both = ~np.isnan(sheet_capaian) & ~np.isnan(computed)
        diff = np.zeros(len(out), dtype=bool)
        diff[both] = np.abs(sheet_capaian[both] - computed[both]) > CAPAIAN_TOLERANCE
        periode, baris = out["periode"].to_numpy(), out["baris"].to_numpy()  # not row by row
        for k in np.flatnonzero(diff):
            col = _wide_col(table.columns, "capaian", periode[k]) or table.plain("capaian")
            row = int(baris[k])
            report.warn(
                row,
                col.header if col else "Capaian",
                f"Capaian di lembar {_fmt(sheet_capaian[k])} berbeda dari hasil hitung "
                f"{_fmt(computed[k])} (sel {col.letter if col else ''}{row}); yang dipakai hasil "
                "hitung.",
            )
    cols = [
        *schema.RECORD_COLUMNS,
        *schema.ANGGARAN_COLUMNS,
        "capaian_catatan",
        *(["melampaui_target"] if "melampaui_target" in out.columns else []),
        "baris",
    ]
    return out.reindex(columns=cols)


def _fmt(x: float) -> str:
    from kinerja.angka import format_angka

    return format_angka(x, desimal=2)


# --- merging ----------------------------------------------------------------------------


def merge(results: list[IngestResult]) -> tuple[pd.DataFrame, list[Issue]]:
    """One dataset from many read files; issues name the files that hold the same key twice.

    Invalid files contribute nothing. The dataset carries a "file" column.
    """
    frames = []
    for res in results:
        if res.valid and not res.records.empty:
            frames.append(res.records.assign(file=res.file))
    if not frames:
        return schema.empty_records().assign(file=pd.Series(dtype="object")), []
    merged = pd.concat(frames, ignore_index=True)
    issues: list[Issue] = []
    key = schema.KEY_COLUMNS
    dup = merged[merged.duplicated(key, keep=False)]
    for k, group in dup.groupby(key, sort=False):
        files = sorted(set(group["file"]))
        where = "; ".join(
            f"{f} baris {int(b)}" for f, b in zip(group["file"], group["baris"], strict=True)
        )
        issues.append(
            Issue(
                None,
                None,
                f"Data ganda antar file: bidang '{k[0]}', indikator '{k[1]}', tahun {k[2]}, "
                f"periode {k[3]} ada di {len(files)} file ({where}).",
            )
        )
    return merged, issues
