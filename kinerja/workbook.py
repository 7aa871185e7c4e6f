"""Spreadsheet bytes to cell grids, safely: type, size and unpack limits, merges, cell facts.

Two walls stand between a file and the process that asked for it. First, before any parser
sees the file, the archive is checked (declared and real unpacked sizes, damage, encryption)
and every sheet's XML is streamed through expat (kinerja.xmlscan) to find its used area, which
is refused when too large. Second, the spreadsheet parser (python-calamine) runs in a child
process with a memory ceiling (kinerja.isolate): a file that gets past the scan can end that
child, never the app server or the command line. The Book that comes back holds plain grids.

This module stays light (standard library, python-calamine, xlrd) so that the child starts
fast and the command line can read files while pandas is still being imported.
"""

from __future__ import annotations

import gc
import io
import marshal
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine as pc
import xlrd

from kinerja import isolate, xmlscan

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 200_000
# A sheet's used area (rows x columns) is allocated densely by the parser; bound it.
MAX_CELLS = 20_000_000
# Files larger than this are scanned in a child of their own, beside the parser's.
SCAN_IN_CHILD_BYTES = 1024 * 1024
_CHUNK = 1 << 20


class WorkbookError(Exception):
    """A file that cannot be read; `message` is for people (Indonesian)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NoValue:
    """A formula cell whose file holds no computed value (written by a script, never opened)."""

    __slots__ = ()

    def __str__(self) -> str:
        return ""

    def __repr__(self) -> str:
        return "NoValue()"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NoValue)

    def __hash__(self) -> int:
        return 0


class CellError(str):
    """A cached error value ("#DIV/0!", "#REF!", "#N/A" ...): never a number, never blank."""

    __slots__ = ()


# Error literals as spreadsheet programs show them; LibreOffice also writes "Err:502".
ERROR_TEXTS = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}
)


def is_error_text(value: object) -> bool:
    """True for a cell that shows a spreadsheet error value, cached or typed as text."""
    if isinstance(value, CellError):
        return True
    if not isinstance(value, str):
        return False
    s = value.strip().upper()
    return s in ERROR_TEXTS or (s.startswith("ERR:") and s[4:].isdigit())


@dataclass
class Sheet:
    """One sheet as a grid: rows[0] is spreadsheet row 1, rows[r][0] is column A.

    A formula cell without a saved value holds NoValue(), a cached error a CellError.
    """

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


@dataclass
class Book:
    """An opened workbook: its visible and hidden worksheets, each visible one as a grid."""

    name: str
    kind: str
    sheet_names: list[str]
    hidden: set[str]
    sheets: dict[str, Sheet]

    def sheet(self, name: str) -> Sheet:
        """The grid of one visible sheet."""
        try:
            return self.sheets[name]
        except KeyError:
            raise WorkbookError(
                f"Lembar '{name}' tidak dibaca (tersembunyi atau tidak ada)."
            ) from None


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


def mb(n: int) -> str:
    """A size in MB, Indonesian style: 22334668 -> "21,3 MB", 20971520 -> "20 MB"."""
    value = n / (1024 * 1024)
    text = f"{value:.1f}".replace(".", ",")
    return (text[:-2] if text.endswith(",0") else text) + " MB"


def _ribuan(n: int) -> str:
    return f"{n:,}".replace(",", ".")


_ENCRYPTED = (
    "File terenkripsi atau berkata sandi: buka proteksinya di Excel atau LibreOffice, simpan, "
    "lalu unggah lagi."
)
_DAMAGED = (
    "File rusak: isi arsip spreadsheet tidak utuh ({why}). Simpan ulang file di Excel atau "
    "LibreOffice."
)
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def sniff(data: bytes) -> str | None:
    """The spreadsheet kind of some bytes, by content (never by file name); None if none.

    Raises WorkbookError for an encrypted or password-protected file, which has a kind of
    its own that nobody can read without the password.
    """
    if data[:8] == _OLE_MAGIC:
        if "EncryptedPackage".encode("utf-16-le") in data:
            raise WorkbookError(_ENCRYPTED)  # an encrypted .xlsx is an OLE container
        return "xls"
    if data[:4] != b"PK\x03\x04":
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = set(zf.namelist())
            if any(i.flag_bits & 0x1 for i in zf.infolist()):
                raise WorkbookError(_ENCRYPTED)
            if "mimetype" in names:
                mime = zf.read("mimetype")[:100]
                return "ods" if b"opendocument.spreadsheet" in mime else None
            if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
                if zf.getinfo("[Content_Types].xml").file_size > 1_000_000:
                    return None
                ct = zf.read("[Content_Types].xml")
                return "xlsm" if b"macroEnabled" in ct else "xlsx"
    except WorkbookError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        return None
    return None


# --- the first wall: limits, checked before the parser sees the file -----------------------


@dataclass
class _Scan:
    """What the pre-scan learnt: sheet facts by name (None for a kind with no XML)."""

    sheets: dict[str, xmlscan.SheetScan] = field(default_factory=dict)


class _Budget:
    """Counts what really unpacks, whatever the archive declares."""

    def __init__(self) -> None:
        self.left = MAX_UNPACKED_BYTES

    def stream(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
        try:
            with zf.open(info) as fh:
                while chunk := fh.read(_CHUNK):
                    self.left -= len(chunk)
                    if self.left < 0:
                        raise WorkbookError(
                            "File ditolak: isinya terurai lebih dari batas "
                            f"{mb(MAX_UNPACKED_BYTES)}."
                        )
                    yield chunk
        except WorkbookError:
            raise
        except RuntimeError as exc:  # zipfile: "File ... is encrypted, password required"
            raise WorkbookError(_ENCRYPTED) from exc
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, OSError) as exc:
            why = _why(exc)
            raise WorkbookError(_DAMAGED.format(why=f"bagian '{info.filename}': {why}")) from exc

    def read(self, zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
        return b"".join(self.stream(zf, info))


def _why(exc: BaseException) -> str:
    if isinstance(exc, zipfile.BadZipFile) and "CRC" in str(exc):
        return "CRC tidak cocok"
    if isinstance(exc, zlib.error):
        return "data terkompresi rusak"
    if isinstance(exc, EOFError):
        return "data terpotong"
    if isinstance(exc, NotImplementedError):
        return "metode kompresi tidak dikenal"
    return "arsip tidak sah"


def _check_size(sheet: str, height: int, width: int) -> None:
    if height > MAX_ROWS:
        raise WorkbookError(
            f"Lembar '{sheet}' ditolak: {_ribuan(height)} baris, lebih dari batas "
            f"{_ribuan(MAX_ROWS)} baris."
        )
    if height * width > MAX_CELLS:
        raise WorkbookError(
            f"Lembar '{sheet}' ditolak: area terpakai {_ribuan(height)} baris x "
            f"{_ribuan(width)} kolom terlalu besar (batas {_ribuan(MAX_CELLS)} sel)."
        )


def _scan_error(sheet: str | None, exc: xmlscan.ScanError, ods: bool = False) -> WorkbookError:
    sheet = getattr(exc, "sheet", None) or sheet
    if isinstance(exc, xmlscan.TooManyRows):
        how = "dengan baris berulang " if ods else ""
        return WorkbookError(
            f"Lembar '{sheet}' ditolak: {how}lebih dari batas {_ribuan(MAX_ROWS)} baris."
        )
    if isinstance(exc, xmlscan.TooManyCells):
        how = "sel berulang terurai menjadi " if ods else "area terpakai "
        return WorkbookError(
            f"Lembar '{sheet}' ditolak: {how}{_ribuan(exc.height)} baris x "
            f"{_ribuan(exc.width)} kolom, terlalu besar (batas {_ribuan(MAX_CELLS)} sel)."
        )
    return WorkbookError(exc.message)


def _prescan(data: bytes, kind: str) -> _Scan:
    if kind == "xls":
        return _Scan()
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise WorkbookError(_DAMAGED.format(why="arsip tidak dapat dibuka")) from exc
    with zf:
        infos = zf.infolist()
        declared = sum(i.file_size for i in infos)
        if declared > MAX_UNPACKED_BYTES:
            raise WorkbookError(
                f"File ditolak: isinya terurai menjadi {mb(declared)}, lebih dari batas "
                f"{mb(MAX_UNPACKED_BYTES)}."
            )
        budget = _Budget()
        scan = _scan_ods(zf, budget) if kind == "ods" else _scan_xlsx(zf, budget)
        # Every other part is unpacked too: its real size counts, and damage shows here and
        # not later inside the parser.
        for info in infos:
            if info.filename not in scan.read_parts:
                for _ in budget.stream(zf, info):
                    pass
    return scan.result


@dataclass
class _ScanRun:
    result: _Scan
    read_parts: set[str]


def _scan_xlsx(zf: zipfile.ZipFile, budget: _Budget) -> _ScanRun:
    names = {i.filename: i for i in zf.infolist()}
    read: set[str] = set()

    def part(name: str) -> bytes | None:
        info = names.get(name)
        if info is None:
            return None
        read.add(name)
        return budget.read(zf, info)

    try:
        workbook_xml = part("xl/workbook.xml") or b""
        refs = xmlscan.xlsx_sheets(workbook_xml, part("xl/_rels/workbook.xml.rels"))
        styles = part("xl/styles.xml")
        percent_styles = xmlscan.xlsx_percent_styles(styles) if styles else set()
    except xmlscan.ScanError as exc:
        raise WorkbookError(exc.message) from exc
    out = _Scan()
    for ref in refs:
        info = names.get(ref.part or "")
        if info is None or ref.part in read:
            continue
        read.add(info.filename)
        try:
            xml = budget.read(zf, info)
            scan = xmlscan.scan_xlsx_part(xml, info.filename, percent_styles, MAX_ROWS)
            del xml
        except xmlscan.ScanError as exc:
            raise _scan_error(ref.name, exc) from exc
        _check_size(ref.name, scan.height, scan.width)
        out.sheets[ref.name] = scan
    return _ScanRun(out, read)


def _scan_ods(zf: zipfile.ZipFile, budget: _Budget) -> _ScanRun:
    try:
        info = zf.getinfo("content.xml")
    except KeyError as exc:
        raise WorkbookError("File .ods rusak: content.xml tidak ada.") from exc
    try:
        tables = xmlscan.scan_ods(budget.stream(zf, info), MAX_ROWS, MAX_CELLS)
    except (xmlscan.TooManyRows, xmlscan.TooManyCells) as exc:
        raise _scan_error(None, exc, ods=True) from exc
    except xmlscan.ScanError as exc:
        raise WorkbookError(exc.message) from exc
    for name, scan in tables.items():
        _check_size(name, scan.height, scan.width)
    return _ScanRun(_Scan(tables), {"content.xml"})


# --- parsing (inside the child process) -----------------------------------------------------


@dataclass
class _Parsed:
    """What the parser gives, before the scan's facts are put in (it crosses processes)."""

    sheet_names: list[str]
    hidden: set[str]
    grids: dict[str, tuple[list[list[Any]], list[tuple[int, int, int, int]]]]
    facts: dict[str, xmlscan.SheetScan]  # .xls only: its formulas, errors and percent cells
    # The grids' rows packed with marshal, when every cell is a plain value (no dates): it
    # writes 100,000 rows in 0,02 s where pickle takes 0,2 s, and that is on the read's path.
    packed: bytes | None = None

    def pack(self) -> _Parsed:
        try:
            self.packed = marshal.dumps({n: rows for n, (rows, _) in self.grids.items()})
        except ValueError:  # a date or time cell: pickle carries those
            return self
        self.grids = {n: ([], merges) for n, (_, merges) in self.grids.items()}
        return self

    def unpack(self) -> None:
        if self.packed is not None:
            # marshal builds a million values and lists, none of them in a cycle; a collection
            # meanwhile would only walk the caller's heap again and again (half of the time).
            collecting = gc.isenabled()
            gc.disable()
            try:
                rows = marshal.loads(self.packed)
            finally:
                if collecting:
                    gc.enable()
            self.grids = {n: (rows[n], merges) for n, (_, merges) in self.grids.items()}
            self.packed = None


def parse_unguarded(data: bytes, kind: str) -> _Parsed:
    """Parse every visible worksheet with python-calamine, in this process.

    Only for a process that may die: load() runs it in a child with a memory ceiling while
    the calling process scans the file.
    """
    try:
        wb = pc.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception as exc:  # calamine raises several types for damaged files
        raise _calamine_error(exc) from exc
    sheet_names: list[str] = []
    hidden: set[str] = set()
    for meta in wb.sheets_metadata:
        if meta.typ != pc.SheetTypeEnum.WorkSheet:
            continue
        sheet_names.append(meta.name)
        if meta.visible != pc.SheetVisibleEnum.Visible:
            hidden.add(meta.name)
    facts = _xls_cells(data) if kind == "xls" else {}
    grids = {}
    for sheet_name in sheet_names:
        if sheet_name in hidden:
            continue
        grids[sheet_name] = _read_sheet(wb, sheet_name)
        if kind == "xls":
            facts.setdefault(sheet_name, xmlscan.SheetScan()).percent = _xls_percent(
                data, sheet_name
            )
    return _Parsed(sheet_names, hidden, grids, facts).pack()


def _assemble(name: str, kind: str, parsed: _Parsed, scan: _Scan) -> Book:
    parsed.unpack()
    sheets = {}
    for sheet_name, (rows, merges) in parsed.grids.items():
        facts = scan.sheets.get(sheet_name) or parsed.facts.get(sheet_name)
        percent: set[tuple[int, int]] = set()
        if facts is not None:
            percent = facts.percent
            _mark(rows, facts.no_value, lambda _: NoValue())
            _mark(rows, facts.errors.keys(), lambda pos, f=facts: CellError(f.errors[pos]))
        sheets[sheet_name] = Sheet(name=sheet_name, rows=rows, merges=merges, percent=percent)
    return Book(name, kind, parsed.sheet_names, parsed.hidden, sheets)


def open_unguarded(data: bytes, kind: str, name: str) -> Book:
    """Scan, then parse, in this process (benchmarks and tests of the parts; load() is the
    guarded route)."""
    scan = _prescan(data, kind)
    return _assemble(name, kind, parse_unguarded(data, kind), scan)


def _calamine_error(exc: BaseException) -> WorkbookError:
    text = str(exc).lower()
    if "password" in text or "encrypt" in text:
        return WorkbookError(_ENCRYPTED)
    return WorkbookError(
        "File rusak: tidak dapat dibaca sebagai spreadsheet. Simpan ulang file di Excel atau "
        "LibreOffice."
    )


def _read_sheet(wb: Any, name: str) -> tuple[list[list[Any]], list[tuple[int, int, int, int]]]:
    try:
        ws = wb.get_sheet_by_name(name)
        start, end = ws.start, ws.end
        if start is not None and end is not None:
            _check_size(name, end[0] + 1, end[1] + 1)
        rows = ws.to_python(skip_empty_area=False, nrows=MAX_ROWS + 1)
        merges_raw = ws.merged_cell_ranges or []
    except WorkbookError:
        raise
    except Exception as exc:
        raise WorkbookError(
            f"Lembar '{name}' tidak dapat dibaca: isinya rusak. Simpan ulang file di Excel atau "
            "LibreOffice."
        ) from exc
    if len(rows) > MAX_ROWS:
        raise WorkbookError(f"Lembar '{name}' ditolak: lebih dari {_ribuan(MAX_ROWS)} baris.")
    return rows, [(a[0], a[1], b[0], b[1]) for a, b in merges_raw]


def _mark(rows: list[list[Any]], cells: Any, make: Any) -> None:
    """Put a marker where the parser left a blank that is not one (formulas, errors)."""
    for pos in cells:
        r, c = pos
        if r >= len(rows):
            continue
        row = rows[r]
        if c >= len(row):
            row.extend([""] * (c + 1 - len(row)))
        if row[c] == "" or row[c] is None:
            row[c] = make(pos)


# .xls (BIFF8): calamine reads the values; formulas without a saved result and error values
# come from the records themselves.
_BIFF_ERRORS = {
    0x00: "#NULL!",
    0x07: "#DIV/0!",
    0x0F: "#VALUE!",
    0x17: "#REF!",
    0x1D: "#NAME?",
    0x24: "#NUM!",
    0x2A: "#N/A",
}


def _xls_cells(data: bytes) -> dict[str, xmlscan.SheetScan]:
    """Per sheet of an .xls: formula cells with no saved result, and error values."""
    from xlrd import compdoc

    try:
        stream = compdoc.CompDoc(data).get_named_stream("Workbook")
    except Exception:
        return {}
    if not stream:
        return {}
    sheets: list[tuple[int, str]] = []
    pos = 0
    n = len(stream)
    while pos + 4 <= n:  # the globals: BOUNDSHEET records until the first EOF
        rtype, size = struct.unpack_from("<HH", stream, pos)
        body = stream[pos + 4 : pos + 4 + size]
        pos += 4 + size
        if rtype == 0x0085 and size >= 8:
            offset = struct.unpack_from("<I", body)[0]
            cch, flags = body[6], body[7]
            raw = body[8:]
            name = (
                raw[: cch * 2].decode("utf-16-le", "replace")
                if flags & 1
                else (raw[:cch].decode("latin-1"))
            )
            sheets.append((offset, name))
        elif rtype == 0x000A:
            break
    out: dict[str, xmlscan.SheetScan] = {}
    for offset, name in sheets:
        facts = xmlscan.SheetScan()
        pos = offset
        while pos + 4 <= n:
            rtype, size = struct.unpack_from("<HH", stream, pos)
            body = stream[pos + 4 : pos + 4 + size]
            pos += 4 + size
            if rtype == 0x000A:  # EOF of this sheet
                break
            if rtype == 0x0006 and size >= 14:  # FORMULA: row, col, xf, result (8 bytes)
                row, col = struct.unpack_from("<HH", body)
                result = body[6:14]
                if result[6:8] == b"\xff\xff":
                    if result[0] == 3:  # an empty result: what a script writes, never computed
                        facts.no_value.add((row, col))
                    elif result[0] == 2:
                        facts.errors[(row, col)] = _BIFF_ERRORS.get(result[2], "#VALUE!")
            elif rtype == 0x0205 and size >= 8 and body[7] == 1:  # BOOLERR holding an error
                row, col = struct.unpack_from("<HH", body)
                facts.errors[(row, col)] = _BIFF_ERRORS.get(body[6], "#VALUE!")
        out[name] = facts
    return out


def _xls_percent(data: bytes, name: str) -> set[tuple[int, int]]:
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception:
        return set()
    pct_xf = {
        i
        for i, xf in enumerate(book.xf_list)
        if xmlscan.is_percent_format(getattr(book.format_map.get(xf.format_key), "format_str", ""))
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


# --- the second wall and the entry point ---------------------------------------------------


def _read_bytes(source: bytes | str | Path, filename: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes | bytearray | memoryview):
        data = bytes(source)
        name = filename or "berkas"
    else:
        path = Path(source)
        name = filename or str(source)
        try:
            if path.is_dir():
                raise WorkbookError(f"'{name}' adalah folder, bukan file spreadsheet.")
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                raise WorkbookError(
                    f"File ditolak: ukurannya {mb(size)}, lebih dari batas {mb(MAX_FILE_BYTES)}."
                )
            data = path.read_bytes()
        except OSError as exc:
            raise WorkbookError(f"File '{name}' tidak dapat dibuka ({os_reason(exc)}).") from exc
    if len(data) > MAX_FILE_BYTES:
        raise WorkbookError(
            f"File ditolak: ukurannya {mb(len(data))}, lebih dari batas {mb(MAX_FILE_BYTES)}."
        )
    if not data:
        raise WorkbookError("File kosong (0 byte).")
    return data, name


def os_reason(exc: OSError) -> str:
    """An operating-system error in Indonesian (never the English strerror)."""
    import errno

    return {
        errno.ENOENT: "tidak ditemukan",
        errno.EACCES: "izin ditolak",
        errno.EPERM: "izin ditolak",
        errno.EISDIR: "adalah folder",
        errno.ENOTDIR: "jalurnya bukan folder",
        errno.ENAMETOOLONG: "namanya terlalu panjang",
        errno.ELOOP: "tautan berputar",
        errno.EIO: "kesalahan baca perangkat",
    }.get(exc.errno or 0, "kesalahan sistem berkas")


class Loading:
    """A file being read by two guarded children at once: one scans it (the first wall), one
    parses it (the second wall). The scan's verdict comes first; the calling process only
    waits, so a server's other sessions and the command line's imports keep its CPU."""

    def __init__(self, data: bytes, kind: str, name: str) -> None:
        self._data, self._kind, self._name = data, kind, name
        # A small file is scanned here (the scan is bounded; a child would cost more than it).
        big = len(data) > SCAN_IN_CHILD_BYTES
        self._scan = isolate.start(_prescan, data, kind) if big else None
        self._parse = isolate.start(parse_unguarded, data, kind)

    def result(self) -> Book:
        """The Book; WorkbookError when the scan refuses the file (the parser is stopped) or
        the parser fails."""
        try:
            scan = self._scan.result() if self._scan else _prescan(self._data, self._kind)
        except BaseException:
            self._parse.cancel()
            raise
        return _assemble(self._name, self._kind, self._parse.result(), scan)


def start_load(
    source: bytes | str | Path, filename: str | None = None
) -> Loading | isolate.Pending:
    """Begin reading a spreadsheet; .result() gives the Book or raises WorkbookError.

    The parser starts at once in a child process with a memory ceiling; the scan of the first
    wall runs when .result() is called, in the calling process, and its verdict comes first:
    a file it refuses is refused with its message whatever the child did (the child is
    stopped), and nothing of the child's work is used before the scan has passed.
    """
    try:
        data, name = _read_bytes(source, filename)
        kind = sniff(data)
        if kind is None:
            raise WorkbookError(
                "File ini bukan spreadsheet yang dikenali. Gunakan .xlsx, .xlsm, .xls atau .ods."
            )
    except WorkbookError as exc:
        return isolate.Pending.failed(exc)
    return Loading(data, kind, name)


def load(source: bytes | str | Path, filename: str | None = None) -> Book:
    """Open a spreadsheet from bytes or a path, enforcing the limits of the sheet contract.

    Raises WorkbookError (Indonesian message) for a file that is too large, unpacks too far,
    is not a spreadsheet, is encrypted or damaged, or makes the parser need more memory than
    the ceiling (kinerja.isolate). Nothing is parsed before the size checks pass, and the
    parsing happens in a child process.
    """
    return start_load(source, filename).result()
