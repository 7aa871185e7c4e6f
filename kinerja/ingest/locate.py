"""Where the tables of a sheet are: header rows, columns and their fields, title rows,
labels and summary rows."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from kinerja import schema
from kinerja.workbook import (
    Sheet,
    col_letter,
)

HEADER_SCAN_ROWS = 40


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
