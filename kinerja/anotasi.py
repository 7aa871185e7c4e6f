"""A refused file given back annotated: its sheets as values, every cell a problem names
marked and commented, and a first sheet "Daftar Masalah" listing the problems.

Where an issue lands: the reader's Issue carries the spreadsheet row and the column header as
the sheet writes it, not the column letter. The letter is found the structured way: the sheet
is opened again through workbook.load (the same two walls as any read) and the reader's own
locator (ingest.locate_tables) is run on it, which finds the same tables the reader found; the
issue's row picks the table and its header picks the column. Where that says nothing (a
generic label such as "Indikator Kinerja" for a sheet headed "Uraian", a column the table does
not have), the field the label names is looked up in the table, then the "sel H12" reference
the reader writes into most messages; a row-level issue with neither marks the row's first
filled cell. Adding the letter to Issue would be simpler still, but Issue belongs to the
reader's JSON contract and its owners.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from kinerja import schema
from kinerja.export import WORKBOOK_OPTIONS, xlsx_text
from kinerja.ingest.locate import Table, locate_tables
from kinerja.ingest.results import IngestResult, Issue
from kinerja.workbook import (
    Book,
    CellError,
    Sheet,
    WorkbookError,
    col_index,
    col_letter,
    load,
)

LIST_SHEET = "Daftar Masalah"
LIST_HEADER = ("Lembar", "Baris", "Kolom", "Jenis", "Pesan", "Sel")
LIST_HEADER_ROW = 3  # 0-based: a title and a legend above it
KESALAHAN = "Kesalahan"
PERINGATAN = "Peringatan"
ERROR_FILL = "#FFC7CE"  # Excel's "Bad" red
WARNING_FILL = "#FFF2CC"  # a pale yellow, lighter than the errors'
SUFFIX = "-diperiksa"
# Why a refused file gets no annotated copy (can_annotate is False), for the page and the CLI.
NOT_ANNOTATED = (
    "masalahnya ada pada file secara keseluruhan (bukan spreadsheet, terenkripsi, rusak atau "
    "melewati batas), bukan pada sel tertentu, jadi tidak ada sel yang dapat ditandai."
)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Bounds on what a hostile file can make the copy hold in memory: comments beyond the first
# MAX_COMMENTS marked cells are left out (the cells are still coloured and every problem is in
# the list), and merges beyond MAX_MERGED_CELLS covered cells are written unmerged.
MAX_COMMENTS = 10_000
MAX_MERGED_CELLS = 200_000
_MAX_ROWS = 1_048_576
_MAX_COLS = 16_384
_MAX_LINKS = 65_000  # Excel takes 65.530 links per sheet
_MAX_COMMENT_CHARS = 30_000  # a comment holds 32.767

_CELL_REF = re.compile(r"\b[Ss]el\s+([A-Z]{1,3})([1-9][0-9]{0,6})\b")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


@dataclass(frozen=True)
class Tanda:
    """Where one issue lands: the sheet it is on (the workbook's name; None for the file as a
    whole) and its cells, 0-based (row, column), the top-left one of a merged area; no cell
    when the issue names no row."""

    issue: Issue
    kind: str  # KESALAHAN or PERINGATAN
    sheet: str | None
    cells: tuple[tuple[int, int], ...] = ()

    @property
    def error(self) -> bool:
        return self.kind == KESALAHAN


def output_name(filename: str, n: int = 1) -> str:
    """The annotated copy's file name: "a/salah.xls" -> "salah-diperiksa.xlsx"; the n-th of
    several with the same stem "salah-diperiksa-2.xlsx"."""
    stem = PurePosixPath(filename.replace("\\", "/")).stem.strip() or "berkas"
    return f"{stem}{SUFFIX}{f'-{n}' if n > 1 else ''}.xlsx"


def can_annotate(result: IngestResult) -> bool:
    """False when the report is only about the file as a whole and no sheet was read (not a
    spreadsheet, encrypted, damaged, over a limit): there is no cell to mark."""
    if result.sheets:
        return True
    issues = [*result.report.errors, *result.report.warnings]
    return any(i.row is not None or i.column is not None for i in issues)


def annotate(data: bytes, filename: str, result: IngestResult) -> bytes | None:
    """The file as an .xlsx to return to the bidang, or None when no cell can be marked.

    Every visible sheet is written again as values (a formula's saved value, never a live
    formula: text starting with = + - @ stays text), with its merged areas; each cell a
    problem names gets a fill (errors red, warnings a paler yellow) and a comment giving the
    problem with its row and column as the report says them. A first sheet "Daftar Masalah"
    lists Lembar, Baris, Kolom, Jenis (Kesalahan/Peringatan), Pesan and a link to the cell,
    errors first, each in the report's order. Hidden sheets are left out. None for a file
    that cannot be opened (see can_annotate; the file is opened through workbook.load).
    """
    if not can_annotate(result):
        return None
    try:
        book = load(data, filename=filename)
    except WorkbookError:
        return None
    return _write(filename, place(book, result), book)


def problem_list(filename: str, result: IngestResult) -> bytes:
    """Only the "Daftar Masalah" sheet, for a file whose sheets cannot be opened again."""
    marks = [Tanda(i, k, i.sheet) for k, issues in _kinds(result) for i in issues]
    return _write(filename, marks, None)


def place(book: Book, result: IngestResult) -> list[Tanda]:
    """Where each issue of result lands in book: errors, then warnings, in the report's order."""
    visible = _visible(book)
    tables: dict[str, list[Table]] = {}
    merges: dict[str, _Merges] = {}
    out: list[Tanda] = []
    for kind, issues in _kinds(result):
        for issue in issues:
            name = _sheet_of(issue, book, visible)
            if name is None or issue.row is None or not 1 <= issue.row <= _MAX_ROWS:
                out.append(Tanda(issue, kind, name))
                continue
            sheet = book.sheets[name]
            if name not in tables:
                tables[name] = locate_tables(sheet)
                merges[name] = _Merges(sheet.merges)
            cols = _columns_of(issue, sheet, tables[name])
            r0 = issue.row - 1
            cells = tuple(dict.fromkeys(merges[name].top_left(r0, c) for c in cols))
            out.append(Tanda(issue, kind, name, cells))
    return out


def _kinds(result: IngestResult) -> list[tuple[str, list[Issue]]]:
    return [(KESALAHAN, result.report.errors), (PERINGATAN, result.report.warnings)]


def _visible(book: Book) -> list[str]:
    return [n for n in book.sheet_names if n not in book.hidden and n in book.sheets]


def _sheet_of(issue: Issue, book: Book, visible: list[str]) -> str | None:
    """The reader names the sheet only when the workbook has several visible ones."""
    if issue.sheet is not None:
        return issue.sheet if issue.sheet in book.sheets else None
    return visible[0] if len(visible) == 1 else None


def _columns_of(issue: Issue, sheet: Sheet, tables: list[Table]) -> list[int]:
    """The columns (0-based) an issue on a row names; see the module's docstring."""
    r0 = (issue.row or 1) - 1
    refs = [c for r, c in _message_cells(issue.message) if r == r0]
    table = next((t for t in reversed(tables) if t.header_row <= r0), None)
    cols: list[int] = []
    if table is not None and issue.column:
        cols = _named(table, issue.column)
        if len(cols) > 1:  # the same header twice: the one the message names, else both
            cols = [c for c in cols if c in refs] or cols
        if not cols:
            f = schema.header_field(issue.column)
            col = table.plain(f) if f else None
            cols = [col.index] if col is not None else []
    return cols or list(dict.fromkeys(refs)) or [_first_cell(sheet, r0)]


def _named(table: Table, header: str) -> list[int]:
    """Columns of the table whose header is written so (read, other years', unknown ones)."""
    found = {c.index for c in (*table.columns, *table.context) if c.header == header}
    found |= {pos for pos, h in table.unknown if h == header}
    return sorted(found)


def _message_cells(message: str) -> list[tuple[int, int]]:
    """The cells a message names as "sel H12" / "Sel H12", 0-based."""
    out = []
    for m in _CELL_REF.finditer(message):
        c = col_index(m[1])
        if c < _MAX_COLS:
            out.append((int(m[2]) - 1, c))
    return out


def _first_cell(sheet: Sheet, r0: int) -> int:
    row = sheet.rows[r0] if r0 < len(sheet.rows) else []
    return next((c for c, v in enumerate(row) if not _blank(v)), 0)


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v == "")


class _Merges:
    """A sheet's merged areas that the copy keeps: inside the sheet's bounds, more than one
    cell, not overlapping an earlier one (Excel refuses the file), within MAX_MERGED_CELLS."""

    def __init__(self, merges: Iterable[tuple[int, int, int, int]]) -> None:
        self.boxes: list[tuple[int, int, int, int]] = []
        self.covered: dict[tuple[int, int], tuple[int, int]] = {}
        budget = MAX_MERGED_CELLS
        for r0, c0, r1, c1 in merges:
            r0, r1 = sorted((r0, r1))
            c0, c1 = sorted((c0, c1))
            area = (r1 - r0 + 1) * (c1 - c0 + 1)
            if r0 < 0 or c0 < 0 or r1 >= _MAX_ROWS or c1 >= _MAX_COLS or area < 2:
                continue
            if area > budget:
                continue
            cells = [(r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1)]
            if any(p in self.covered for p in cells):
                continue
            budget -= area
            self.boxes.append((r0, c0, r1, c1))
            for p in cells:
                self.covered[p] = (r0, c0)

    def top_left(self, r: int, c: int) -> tuple[int, int]:
        return self.covered.get((r, c), (r, c))

    def hidden(self, r: int, c: int) -> bool:
        """A cell under a merged area other than its top-left one."""
        return self.covered.get((r, c), (r, c)) != (r, c)


# --- writing --------------------------------------------------------------------------------


def _text(s: str) -> str:
    """Text an .xlsx can hold: lone surrogates (old .xls files) as U+FFFD, controls escaped."""
    if not s.isascii():
        s = s.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return xlsx_text(s)


def _sheet_names(names: Sequence[str]) -> dict[str, str]:
    """Each sheet's name in the copy: Excel's rules (31 characters, no []:*?/\\, no
    apostrophe at either end, unique ignoring case, "History" reserved) and none taken by
    the problem list; a name that already keeps them is kept."""
    taken = {LIST_SHEET.lower(), "history"}
    out: dict[str, str] = {}
    for name in names:
        base = _fit(_BAD_SHEET_CHARS.sub("_", _text(name))) or "Lembar"
        candidate, k = base, 2
        while candidate.lower() in taken:
            tail = f" ({k})"
            candidate, k = _fit(base, 31 - len(tail)) + tail, k + 1
        taken.add(candidate.lower())
        out[name] = candidate
    return out


def _fit(name: str, limit: int = 31) -> str:
    """name cut to limit UTF-16 units (Excel's measure), no apostrophe or space at the ends."""
    while len(name.encode("utf-16-le")) // 2 > limit:
        name = name[:-1]
    return name.strip("' ")


class _Styles:
    """The few formats the copy uses, made once each: a number format and a fill."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.wb = wb
        self.cache: dict[tuple[str | None, str | None, bool], Format | None] = {}

    def get(self, num_format: str | None, fill: str | None, wrap: bool = False) -> Format | None:
        key = (num_format, fill, wrap)
        if key not in self.cache:
            props: dict[str, Any] = {}
            if num_format:
                props["num_format"] = num_format
            if fill:
                props |= {"pattern": 1, "bg_color": fill}
                if fill == ERROR_FILL:
                    props["font_color"] = "#9C0006"
            if wrap:
                props |= {"text_wrap": True, "valign": "top"}
            self.cache[key] = self.wb.add_format(props) if props else None
        return self.cache[key]


def _num_format(v: Any, percent: bool) -> str | None:
    if isinstance(v, dt.datetime):
        return "dd/mm/yyyy hh:mm"
    if isinstance(v, dt.date):
        return "dd/mm/yyyy"
    if isinstance(v, dt.time):
        return "hh:mm:ss"
    if isinstance(v, dt.timedelta):
        return "[h]:mm:ss"
    if percent and type(v) in (int, float):
        return "0.00%"
    return None


def _put(ws: Worksheet, r: int, c: int, v: Any, fmt: Format | None) -> int:
    """One value with its type; text always as text. Returns its width in characters."""
    if isinstance(v, bool):
        ws.write_boolean(r, c, v, fmt)
        return 5
    if isinstance(v, int | float) and math.isfinite(v):
        ws.write_number(r, c, float(v), fmt)
        return min(len(repr(v)), 15)
    if isinstance(v, dt.datetime | dt.date | dt.time | dt.timedelta):
        try:
            ws.write_datetime(r, c, v, fmt)
            return 16
        except (TypeError, ValueError, OverflowError):  # an aware or out-of-range date
            pass
    if isinstance(v, str):  # CellError ("#DIV/0!") too: shown as the text it was
        s = _text(str(v) if isinstance(v, CellError) else v)
    elif v is None or not str(v):  # NoValue: a formula without a saved value
        ws.write_blank(r, c, None, fmt)
        return 0
    else:
        s = _text(str(v))
    ws.write_string(r, c, s, fmt)
    return max((len(line) for line in s.splitlines()), default=0)


def _comment(tandas: list[Tanda]) -> str:
    text = "\n\n".join(f"{t.kind} ({_where(t.issue)}): {_text(t.issue.message)}" for t in tandas)
    return text if len(text) <= _MAX_COMMENT_CHARS else text[: _MAX_COMMENT_CHARS - 1] + "…"


def _where(issue: Issue) -> str:
    parts = []
    if issue.row is not None:
        parts.append(f"baris {issue.row}")
    if issue.column:
        parts.append(f"kolom {_text(issue.column)}")
    return ", ".join(parts) or "seluruh file"


@dataclass
class _Budget:
    """Comments left to write in the whole copy, and the marked cells that got none."""

    comments: int = field(default_factory=lambda: MAX_COMMENTS)
    skipped: int = 0


def _write(filename: str, marks: list[Tanda], book: Book | None) -> bytes:
    visible = _visible(book) if book is not None else []
    names = _sheet_names(visible)
    by_sheet: dict[str, dict[int, dict[int, list[Tanda]]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for t in marks:
        if t.sheet in names:
            for r, c in t.cells:
                by_sheet[t.sheet][r][c].append(t)
    buf = io.BytesIO()
    # constant_memory: rows go to a temporary file as they are written, so a large sheet costs
    # little memory; every write below is therefore made in row order.
    with xlsxwriter.Workbook(buf, WORKBOOK_OPTIONS) as wb:
        styles = _Styles(wb)
        listing = wb.add_worksheet(LIST_SHEET)
        budget = _Budget()
        for name in visible:
            assert book is not None
            ws = wb.add_worksheet(names[name])
            _write_sheet(ws, book.sheets[name], by_sheet.get(name, {}), styles, budget)
        _write_list(listing, filename, marks, names, styles, budget)
        listing.activate()
    return buf.getvalue()


def _write_sheet(
    ws: Worksheet,
    sheet: Sheet,
    marks: dict[int, dict[int, list[Tanda]]],
    styles: _Styles,
    budget: _Budget,
) -> None:
    merges = _Merges(sheet.merges)
    starts: dict[int, list[tuple[int, int, int, int]]] = defaultdict(list)
    for box in merges.boxes:
        starts[box[0]].append(box)
    widths: dict[int, int] = {}
    rows = sheet.rows
    last = max(len(rows), max(marks, default=-1) + 1)
    for r in range(min(last, _MAX_ROWS)):
        for r0, c0, r1, c1 in starts.get(r, ()):
            # No data and no format: XlsxWriter records the area and pads nothing, so the rows
            # below are still written in order (the top-left value is written with its row).
            ws.merge_range(r0, c0, r1, c1, None)
        row = rows[r] if r < len(rows) else []
        here = marks.get(r, {})
        for c, v in enumerate(row):
            if c in here or _blank(v) or c >= _MAX_COLS or merges.hidden(r, c):
                continue
            fmt = styles.get(_num_format(v, (r, c) in sheet.percent), None)
            w = _put(ws, r, c, v, fmt)
            if w > widths.get(c, 0):
                widths[c] = w
        for c in sorted(here):
            if c >= _MAX_COLS:
                continue
            tandas = here[c]
            v = row[c] if c < len(row) else None
            fill = ERROR_FILL if any(t.error for t in tandas) else WARNING_FILL
            fmt = styles.get(_num_format(v, (r, c) in sheet.percent), fill)
            if _blank(v):
                ws.write_blank(r, c, None, fmt)
            else:
                widths[c] = max(widths.get(c, 0), _put(ws, r, c, v, fmt))
            if budget.comments > 0:
                budget.comments -= 1
                text = _comment(tandas)
                color = ERROR_FILL if fill == ERROR_FILL else "#FFFFE1"
                height = min(12.0, 1.5 + len(text) / 110 + text.count("\n") * 0.15)
                ws.write_comment(
                    r,
                    c,
                    text,
                    {"author": "Kinerja", "x_scale": 2.5, "y_scale": height, "color": color},
                )
            else:
                budget.skipped += 1
    for c, w in widths.items():
        ws.set_column(c, c, min(60, max(9, w + 2)))


def _link(sheet: str, cell: tuple[int, int]) -> str:
    quoted = sheet.replace("'", "''")
    return f"internal:'{quoted}'!{col_letter(cell[1])}{cell[0] + 1}"


def _write_list(
    ws: Worksheet,
    filename: str,
    marks: list[Tanda],
    names: dict[str, str],
    styles: _Styles,
    budget: _Budget,
) -> None:
    errors = sum(t.error for t in marks)
    bold = styles.wb.add_format({"bold": True, "font_size": 13})
    head = styles.wb.add_format(
        {"bold": True, "pattern": 1, "bg_color": "#DDEBF7", "border": 1, "valign": "top"}
    )
    ws.write_string(0, 0, _text(f"Daftar masalah: {filename}"), bold)
    legend = (
        f"{errors} kesalahan (merah: file ditolak sampai diperbaiki), "
        f"{len(marks) - errors} peringatan (kuning: periksa kembali). Sel yang disebut diberi "
        "warna dan komentar di lembarnya; kolom Sel menautkan ke sel itu."
    )
    ws.write_string(1, 0, legend)
    if budget.skipped:
        ws.write_string(
            2,
            0,
            f"Komentar hanya pada {MAX_COMMENTS:,} sel bertanda pertama".replace(",", ".")
            + f"; {budget.skipped:,} sel lain hanya diberi warna.".replace(",", "."),
        )
    for c, label in enumerate(LIST_HEADER):
        ws.write_string(LIST_HEADER_ROW, c, label, head)
    room = _MAX_ROWS - LIST_HEADER_ROW - 2  # the last row says what did not fit
    wrap = styles.get(None, None, wrap=True)
    r = LIST_HEADER_ROW
    links = 0
    for t in marks[:room]:
        r += 1
        i = t.issue
        shown = names.get(t.sheet or "")  # the sheet as named in this copy
        if shown or t.sheet:
            ws.write_string(r, 0, shown or _text(t.sheet or ""))
        if i.row is not None:
            ws.write_number(r, 1, i.row)
        if i.column:
            ws.write_string(r, 2, _text(i.column))
        ws.write_string(r, 3, t.kind, styles.get(None, ERROR_FILL if t.error else WARNING_FILL))
        ws.write_string(r, 4, _text(i.message), wrap)
        if t.cells and shown:
            ref = ", ".join(f"{col_letter(c)}{row + 1}" for row, c in t.cells[:3])
            if links < _MAX_LINKS:
                links += 1
                ws.write_url(r, 5, _link(shown, t.cells[0]), string=ref)
            else:
                ws.write_string(r, 5, ref)
    if len(marks) > room:
        ws.write_string(r + 1, 0, f"... dan {len(marks) - room} masalah lainnya.")
    for c, width in enumerate((18, 7, 22, 12, 90, 10)):
        ws.set_column(c, c, width)
    ws.freeze_panes(LIST_HEADER_ROW + 1, 0)
    ws.autofilter(LIST_HEADER_ROW, 0, max(r, LIST_HEADER_ROW), len(LIST_HEADER) - 1)
