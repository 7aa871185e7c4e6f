"""Spreadsheet bytes to cell grids, safely: type, size and unpack limits, merges, percent cells.

This module stays light (standard library and python-calamine only) so that the command line can
start parsing a file in a thread while pandas and pandera are still being imported.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine as pc

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 200_000
# A sheet's used area (rows x columns) is allocated densely by the parser; bound it.
MAX_CELLS = 20_000_000
_CHUNK = 1 << 20

KINDS = ("xlsx", "xlsm", "xls", "ods")


class WorkbookError(Exception):
    """A file that cannot be read; `message` is for people (Indonesian)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Sheet:
    """One sheet as a grid: rows[0] is spreadsheet row 1, rows[r][0] is column A."""

    name: str
    rows: list[list[Any]]
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1
    percent: set[tuple[int, int]] = field(default_factory=set)  # 0-based cells shown as %

    @property
    def height(self) -> int:
        return len(self.rows)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def col_letter(index: int) -> str:
    """0 -> "A", 27 -> "AB"."""
    s = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        s = chr(65 + rem) + s
    return s


def col_index(letters: str) -> int:
    """ "A" -> 0, "AB" -> 27."""
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def sniff(data: bytes) -> str | None:
    """The spreadsheet kind of some bytes, by content (never by file name); None if none."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        return "xls"
    if data[:4] != b"PK\x03\x04":
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if "mimetype" in names:
                mime = zf.read("mimetype")[:100]
                return "ods" if b"opendocument.spreadsheet" in mime else None
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                ct = zf.read("[Content_Types].xml")
                if len(ct) > 1_000_000:
                    return None
                return "xlsm" if b"macroEnabled" in ct else "xlsx"
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


class Book:
    """An opened workbook: sheet names, and each sheet's grid loaded on demand (cached)."""

    def __init__(self, data: bytes, kind: str, name: str) -> None:
        self.data = data
        self.kind = kind
        self.name = name
        self._xlsx_parts: dict[str, str] = {}
        self._percent_styles: set[int] = set()
        self._prescan()
        try:
            self._wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
        except Exception as exc:  # calamine raises several types for damaged files
            raise WorkbookError(f"File tidak dapat dibaca sebagai spreadsheet ({exc}).") from exc
        self.sheet_names: list[str] = []
        self.hidden: set[str] = set()
        for meta in self._wb.sheets_metadata:
            if str(meta.typ) != "SheetTypeEnum.WorkSheet":
                continue
            self.sheet_names.append(meta.name)
            if str(meta.visible) != "SheetVisibleEnum.Visible":
                self.hidden.add(meta.name)
        self._cache: dict[str, Sheet] = {}

    # -- limits, checked before the parser sees the file ----------------------------------

    def _prescan(self) -> None:
        if self.kind in ("xlsx", "xlsm", "ods"):
            self._prescan_zip()

    def _prescan_zip(self) -> None:
        try:
            zf = zipfile.ZipFile(io.BytesIO(self.data))
        except zipfile.BadZipFile as exc:
            raise WorkbookError("File rusak: arsip spreadsheet tidak dapat dibuka.") from exc
        with zf:
            infos = zf.infolist()
            declared = sum(i.file_size for i in infos)
            if declared > MAX_UNPACKED_BYTES:
                raise WorkbookError(
                    f"File ditolak: isinya terurai menjadi {_mb(declared)}, lebih dari batas "
                    f"{_mb(MAX_UNPACKED_BYTES)}."
                )
            if self.kind == "ods":
                self._scan_ods(zf)
            else:
                self._scan_xlsx(zf, infos)

    def _stream(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> Any:
        """Yield an entry's bytes in chunks, counting what is really unpacked against budget."""
        with zf.open(info) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    return
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    raise WorkbookError(
                        f"File ditolak: isinya terurai lebih dari batas {_mb(MAX_UNPACKED_BYTES)}."
                    )
                yield chunk

    def _scan_xlsx(self, zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
        budget = [MAX_UNPACKED_BYTES]
        names = {i.filename: i for i in infos}
        styles = names.get("xl/styles.xml")
        if styles is not None:
            xml = b"".join(self._stream(zf, styles, budget))
            self._percent_styles = _percent_styles(xml)
        self._xlsx_parts = _sheet_parts(zf, names)
        self._xlsx_percent: dict[str, set[tuple[int, int]]] = {}
        pct_re = _percent_cell_regex(self._percent_styles)
        for sheet_name, part in self._xlsx_parts.items():
            info = names.get(part)
            if info is None:
                continue
            max_row, max_col, rows_seen = 0, 0, 0
            cells: set[tuple[int, int]] = set()
            carry = b""
            for chunk in self._stream(zf, info, budget):
                buf = carry + chunk
                cut = buf.rfind(b"<")
                if cut <= 0:
                    carry = buf
                    continue
                body, carry = buf[:cut], buf[cut:]
                rows_seen += body.count(b"<row")
                found = _ROW_R.findall(body)
                if found:
                    max_row = max(max_row, max(map(int, found)))
                wide = set(_WIDE_COL.findall(body))
                if wide:
                    max_col = max(max_col, max(col_index(w.decode()) for w in wide))
                if pct_re is not None:
                    for m in pct_re.finditer(body):
                        cells.add((int(m[2]) - 1, col_index(m[1].decode())))
            height = max(max_row, rows_seen)
            _check_size(sheet_name, height, max(max_col + 1, 26))
            self._xlsx_percent[sheet_name] = cells
        # The other parts the parser reads (shared strings above all): count what they really
        # unpack to, since declared sizes can lie.
        parts = set(self._xlsx_parts.values()) | {"xl/styles.xml"}
        for info in infos:
            name = info.filename
            if name.startswith("xl/") and name.endswith(".xml") and name not in parts:
                for _ in self._stream(zf, info, budget):
                    pass

    def _scan_ods(self, zf: zipfile.ZipFile) -> None:
        budget = [MAX_UNPACKED_BYTES]
        try:
            info = zf.getinfo("content.xml")
        except KeyError as exc:
            raise WorkbookError("File .ods rusak: content.xml tidak ada.") from exc
        filled_rows = 0
        pct = False
        carry = b""
        for chunk in self._stream(zf, info, budget):
            buf = carry + chunk
            end = buf.rfind(b"</table:table-row>")
            if end < 0:
                carry = buf
                continue
            cut = end + len(b"</table:table-row>")
            body, carry = buf[:cut], buf[cut:]
            pct = pct or b'value-type="percentage"' in body
            filled_rows += _ods_filled(body)
        filled_rows += _ods_filled(carry)
        if filled_rows > MAX_CELLS:
            raise WorkbookError(
                f"File ditolak: sel berulang di lembar .ods terurai menjadi lebih dari "
                f"{_ribuan(MAX_CELLS)} sel."
            )
        self._ods_has_percent = pct or b'value-type="percentage"' in carry

    # -- sheets ------------------------------------------------------------------------------

    def sheet(self, name: str) -> Sheet:
        """The grid of one sheet (cached); raises WorkbookError when it is too large."""
        if name in self._cache:
            return self._cache[name]
        try:
            ws = self._wb.get_sheet_by_name(name)
            start, end = ws.start, ws.end
            if start is not None and end is not None:
                _check_size(name, end[0] + 1, end[1] + 1)
            rows = ws.to_python(skip_empty_area=False, nrows=MAX_ROWS + 1)
            merges_raw = ws.merged_cell_ranges or []
        except WorkbookError:
            raise
        except Exception as exc:
            raise WorkbookError(f"Lembar '{name}' tidak dapat dibaca ({exc}).") from exc
        if len(rows) > MAX_ROWS:
            raise WorkbookError(f"Lembar '{name}' ditolak: lebih dari {_ribuan(MAX_ROWS)} baris.")
        merges = [(a[0], a[1], b[0], b[1]) for a, b in merges_raw]
        sheet = Sheet(name=name, rows=rows, merges=merges, percent=self._percent_cells(name))
        self._cache[name] = sheet
        return sheet

    def load_all(self) -> None:
        """Parse every visible sheet now (the command line does this in a background thread)."""
        for name in self.sheet_names:
            if name not in self.hidden:
                self.sheet(name)

    def _percent_cells(self, name: str) -> set[tuple[int, int]]:
        if self.kind in ("xlsx", "xlsm"):
            return getattr(self, "_xlsx_percent", {}).get(name, set())
        if self.kind == "xls":
            return _xls_percent(self.data, name)
        if self.kind == "ods" and getattr(self, "_ods_has_percent", False):
            return _ods_percent(self.data, name)
        return set()


def _ribuan(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _check_size(sheet: str, height: int, width: int) -> None:
    if height > MAX_ROWS:
        raise WorkbookError(
            f"Lembar '{sheet}' ditolak: {_ribuan(height)} baris, lebih dari batas "
            f"{_ribuan(MAX_ROWS)} baris."
        )
    if height * width > MAX_CELLS:
        raise WorkbookError(
            f"Lembar '{sheet}' ditolak: area terpakai {_ribuan(height)} baris x "
            f"{_ribuan(width)} kolom terlalu besar."
        )


_ROW_R = re.compile(rb'<row\b[^>]*?\br="(\d+)"')
_WIDE_COL = re.compile(rb'\sr="([A-Z]{2,3})\d')


def _percent_styles(styles_xml: bytes) -> set[int]:
    """Indexes of cellXfs whose number format shows a percentage (built-ins 9, 10, or a '%')."""
    custom = {
        int(m[1])
        for m in re.finditer(
            rb'<numFmt\b[^>]*numFmtId="(\d+)"[^>]*formatCode="([^"]*)"', styles_xml
        )
        if b"%" in m[2].replace(b"\\%", b"").replace(b'"%"', b"%")
    }
    pct_ids = {9, 10} | custom
    block = re.search(rb"<cellXfs\b[^>]*>(.*?)</cellXfs>", styles_xml, re.S)
    if not block:
        return set()
    out = set()
    for i, m in enumerate(re.finditer(rb"<xf\b([^>]*)", block[1])):
        fid = re.search(rb'numFmtId="(\d+)"', m[1])
        if fid and int(fid[1]) in pct_ids:
            out.add(i)
    return out


def _percent_cell_regex(styles: set[int]) -> re.Pattern[bytes] | None:
    if not styles:
        return None
    alt = b"|".join(str(s).encode() for s in sorted(styles))
    return re.compile(rb'<c\b(?=[^>]*?\bs="(?:' + alt + rb')")[^>]*?\br="([A-Z]+)(\d+)"')


def _sheet_parts(zf: zipfile.ZipFile, names: dict[str, zipfile.ZipInfo]) -> dict[str, str]:
    """Sheet name -> part path inside an xlsx, from workbook.xml and its relationships."""
    try:
        wb = zf.read("xl/workbook.xml")
        rels = (
            zf.read("xl/_rels/workbook.xml.rels") if "xl/_rels/workbook.xml.rels" in names else b""
        )
    except KeyError:
        return {}
    targets = {}
    for m in re.finditer(rb"<Relationship\b([^>]*)/?>", rels):
        rid = re.search(rb'\bId="([^"]+)"', m[1])
        tgt = re.search(rb'\bTarget="([^"]+)"', m[1])
        if rid and tgt:
            t = tgt[1].decode()
            t = t.lstrip("/") if t.startswith("/") else "xl/" + t
            targets[rid[1].decode()] = t
    out = {}
    for m in re.finditer(rb"<(?:\w+:)?sheet\b([^>]*)/?>", wb):
        nm = re.search(rb'\bname="([^"]*)"', m[1])
        rid = re.search(rb'\br:id="([^"]+)"|\b\w+:id="([^"]+)"', m[1])
        if nm and rid:
            key = (rid[1] or rid[2]).decode()
            if key in targets:
                out[_xml_unescape(nm[1].decode())] = targets[key]
    return out


def _xml_unescape(s: str) -> str:
    return (
        s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
    ).replace("&amp;", "&")


_ODS_REPEAT_ROW = re.compile(
    rb'<table:table-row\b[^>]*number-rows-repeated="(\d+)"[^>]*>(.*?)</table:table-row>', re.S
)
_ODS_CELL = re.compile(
    rb"<table:(?:covered-)?table-cell\b([^>]*?)(/>|>(.*?)</table:(?:covered-)?table-cell>)", re.S
)
_ODS_COLS_REPEATED = re.compile(rb'number-columns-repeated="(\d+)"')
_ODS_REPEAT_CELL = re.compile(
    rb'<table:table-cell\b([^>]*number-columns-repeated="(\d+)"[^>]*)(/>|>(.*?)</table:table-cell>)',
    re.S,
)


def _ods_content_width(row_xml: bytes) -> int:
    """Cells with a value in one row, counting column repeats (empty repeats are free)."""
    width = 0
    for m in _ODS_CELL.finditer(row_xml):
        if b"office:value" in m[1] or (m[3] and b"<text:p" in m[3]):
            rep = _ODS_COLS_REPEATED.search(m[1])
            width += int(rep[1]) if rep else 1
    return width


def _ods_filled(xml: bytes) -> int:
    """Cells that repeated rows and columns with content expand to (a bomb measure).

    LibreOffice writes trailing empty rows and cells as huge repeats; only repeats that carry
    a value count.
    """
    total = 0
    for m in _ODS_REPEAT_ROW.finditer(xml):
        width = _ods_content_width(m[2])
        if width:
            total += int(m[1]) * width
    for m in _ODS_REPEAT_CELL.finditer(xml):
        if b"office:value" in m[1] or (m[4] and b"<text:p" in m[4]):
            total += int(m[2])
    return total


def _xls_percent(data: bytes, name: str) -> set[tuple[int, int]]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception:
        return set()
    pct_xf = {
        i
        for i, xf in enumerate(book.xf_list)
        if "%" in getattr(book.format_map.get(xf.format_key), "format_str", "")
    }
    if not pct_xf:
        return set()
    try:
        sh = book.sheet_by_name(name)
    except xlrd.XLRDError:
        return set()
    out = set()
    for r in range(sh.nrows):
        for c in range(sh.ncols):
            if sh.cell_type(r, c) == xlrd.XL_CELL_NUMBER and sh.cell_xf_index(r, c) in pct_xf:
                out.add((r, c))
    return out


def _ods_percent(data: bytes, name: str) -> set[tuple[int, int]]:
    import xml.etree.ElementTree as ET

    ns_t = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
    ns_o = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    out: set[tuple[int, int]] = set()
    with zipfile.ZipFile(io.BytesIO(data)) as zf, zf.open("content.xml") as fh:
        in_table = False
        row = 0
        col = 0
        for event, el in ET.iterparse(fh, events=("start", "end")):
            tag = el.tag
            if event == "start":
                if tag == f"{{{ns_t}}}table":
                    in_table = el.get(f"{{{ns_t}}}name") == name
                    row = 0
                elif in_table and tag == f"{{{ns_t}}}table-row":
                    col = 0
                continue
            if not in_table:
                if tag == f"{{{ns_t}}}table-row":
                    el.clear()
                continue
            if tag in (f"{{{ns_t}}}table-cell", f"{{{ns_t}}}covered-table-cell"):
                rep = int(el.get(f"{{{ns_t}}}number-columns-repeated", "1"))
                if el.get(f"{{{ns_o}}}value-type") == "percentage":
                    for k in range(min(rep, 1024)):
                        out.add((row, col + k))
                col += rep
            elif tag == f"{{{ns_t}}}table-row":
                row += int(el.get(f"{{{ns_t}}}number-rows-repeated", "1"))
                el.clear()
            elif tag == f"{{{ns_t}}}table":
                in_table = False
    return out


def load(source: bytes | str | Path, filename: str | None = None) -> Book:
    """Open a spreadsheet from bytes or a path, enforcing the limits of FORMAT.md.

    Raises WorkbookError (Indonesian message) for a file that is too large, unpacks too far,
    is not a spreadsheet, or is damaged. Nothing is parsed before the size checks pass.
    """
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        name = filename or "berkas"
    else:
        path = Path(source)
        name = filename or path.name
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise WorkbookError(f"File '{name}' tidak dapat dibuka ({exc.strerror}).") from exc
        if size > MAX_FILE_BYTES:
            raise WorkbookError(
                f"File ditolak: ukurannya {_mb(size)}, lebih dari batas {_mb(MAX_FILE_BYTES)}."
            )
        data = path.read_bytes()
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookError(
            f"File ditolak: ukurannya {_mb(len(data))}, lebih dari batas {_mb(MAX_FILE_BYTES)}."
        )
    if not data:
        raise WorkbookError("File kosong.")
    kind = sniff(data)
    if kind is None:
        raise WorkbookError(
            "File ini bukan spreadsheet yang dikenali. Gunakan .xlsx, .xlsm, .xls atau .ods."
        )
    return Book(data, kind, name)
