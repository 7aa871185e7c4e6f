"""Streaming scans of spreadsheet XML with expat, before any spreadsheet parser allocates.

What a sheet's XML says is read as XML (any attribute order, either quote, spaces around "=",
character references, namespace prefixes), never with regular expressions: the used area
(rows without `r` follow the previous one, cells without `r` the previous cell), cells shown as
a percentage, formulas without a saved value and cached error values. A DTD or entity
declaration is refused outright (no entity expansion, no external entities).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.parsers import expat

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_REL_NS = "http://purl.oclc.org/ooxml/officeDocument/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
ODS_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
ODS_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
ODS_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
ODS_CALCEXT = "urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0"

# Excel's limits: a reference past them is not a cell any program would show.
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_COLS = 16_384

_SEP = " "  # expat's namespace separator: "{uri} {local}"


class ScanError(Exception):
    """XML that no spreadsheet program would have written; `message` is for people."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class SheetScan:
    """What the scan of one sheet found (0-based rows and columns)."""

    height: int = 0  # rows up to the last one holding a cell
    width: int = 0  # columns up to the last one holding a cell
    cells: int = 0  # cells the used area holds once repeats are expanded (.ods)
    percent: set[tuple[int, int]] = field(default_factory=set)
    no_value: set[tuple[int, int]] = field(default_factory=set)  # formula, nothing saved
    errors: dict[tuple[int, int], str] = field(default_factory=dict)  # "#DIV/0!" and friends


def _parser() -> expat.XMLParserType:
    p = expat.ParserCreate(namespace_separator=_SEP)

    def refuse(*_: object) -> None:
        raise ScanError("File ditolak: XML di dalamnya memuat deklarasi DTD atau entitas.")

    p.StartDoctypeDeclHandler = refuse
    p.EntityDeclHandler = refuse
    p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    return p


def _feed(p: expat.XMLParserType, chunks: Iterable[bytes], part: str) -> None:
    try:
        for chunk in chunks:
            p.Parse(chunk, False)
        p.Parse(b"", True)
    except expat.ExpatError as exc:
        raise ScanError(
            f"File rusak: bagian '{part}' bukan XML yang sah (baris {exc.lineno}, "
            f"{expat.ErrorString(exc.code)})."
        ) from exc


def _local(name: str, *uris: str) -> str | None:
    """The local name when `name` ("{uri} {local}") is in one of uris, else None."""
    uri, _, local = name.rpartition(_SEP)
    return local if uri in uris else None


# --- xlsx: workbook, relationships, styles ------------------------------------------------


@dataclass
class XlsxSheetRef:
    name: str
    part: str | None  # path inside the package
    hidden: bool


def xlsx_sheets(workbook_xml: bytes, rels_xml: bytes | None) -> list[XlsxSheetRef]:
    """The sheets of workbook.xml in order, each with its part (via the relationships)."""
    targets: dict[str, str] = {}
    if rels_xml is not None:
        p = _parser()

        def rel(name: str, attrs: dict[str, str]) -> None:
            if _local(name, PKG_REL_NS) == "Relationship" and attrs.get("TargetMode") != "External":
                rid, target = attrs.get("Id"), attrs.get("Target")
                if rid and target:
                    targets[rid] = _resolve(target)

        p.StartElementHandler = rel
        _feed(p, [rels_xml], "xl/_rels/workbook.xml.rels")

    out: list[XlsxSheetRef] = []
    p = _parser()

    def sheet(name: str, attrs: dict[str, str]) -> None:
        if _local(name, MAIN_NS, STRICT_NS) != "sheet":
            return
        rid = attrs.get(f"{REL_NS}{_SEP}id") or attrs.get(f"{STRICT_REL_NS}{_SEP}id")
        state = attrs.get("state", "visible")
        out.append(XlsxSheetRef(attrs.get("name", ""), targets.get(rid or ""), state != "visible"))

    p.StartElementHandler = sheet
    _feed(p, [workbook_xml], "xl/workbook.xml")
    return out


def _resolve(target: str) -> str:
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join("xl", target))


_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')
BUILTIN_PERCENT_FORMATS = frozenset({9, 10})


def is_percent_format(code: str) -> bool:
    """True when a number format code shows a percentage ('0.0%'; not '"%"' or '\\%')."""
    return "%" in _QUOTED.sub("", code)


def xlsx_percent_styles(styles_xml: bytes) -> set[int]:
    """Indexes of cellXfs (a cell's `s`) whose number format shows a percentage."""
    custom: dict[int, str] = {}
    xfs: list[int] = []
    depth = {"cellXfs": 0}
    p = _parser()

    def start(name: str, attrs: dict[str, str]) -> None:
        local = _local(name, MAIN_NS, STRICT_NS)
        if local == "numFmt":
            fid = _int(attrs.get("numFmtId"))
            if fid is not None:
                custom[fid] = attrs.get("formatCode", "")
        elif local == "cellXfs":
            depth["cellXfs"] += 1
        elif local == "xf" and depth["cellXfs"]:
            xfs.append(_int(attrs.get("numFmtId")) or 0)

    def end(name: str) -> None:
        if _local(name, MAIN_NS, STRICT_NS) == "cellXfs":
            depth["cellXfs"] -= 1

    p.StartElementHandler = start
    p.EndElementHandler = end
    _feed(p, [styles_xml], "xl/styles.xml")
    pct = {i for i, code in custom.items() if is_percent_format(code)}
    pct |= BUILTIN_PERCENT_FORMATS - custom.keys()
    return {i for i, fid in enumerate(xfs) if fid in pct}


def _int(text: str | None) -> int | None:
    if text is None:
        return None
    text = text.strip()
    return int(text) if text.isdigit() else None


# --- xlsx: a worksheet --------------------------------------------------------------------

_COLS: dict[str, int] = {}
_DIGITS = "0123456789"


def _column(letters: str, ref: str) -> int:
    col = 0
    for ch in letters:
        if not ("A" <= ch <= "Z"):
            raise ScanError(f"File rusak: alamat sel '{ref[:20]}' tidak sah.")
        col = col * 26 + ord(ch) - 64
    if not 1 <= col <= XLSX_MAX_COLS or len(letters) > 3:
        raise ScanError(f"File rusak: alamat sel '{ref[:20]}' di luar batas lembar.")
    if len(_COLS) < 20_000:
        _COLS[letters] = col - 1
    return col - 1


def _cell_ref(ref: str) -> tuple[int, int]:
    """ "XFD1048576" -> (1048575, 16383); ScanError for what no program writes."""
    ref = ref.strip()
    letters = ref.rstrip(_DIGITS)
    digits = ref[len(letters) :]
    col = _COLS.get(letters)
    if col is None:
        col = _column(letters.upper(), ref)
    if not digits.isascii() or not digits.isdigit():
        raise ScanError(f"File rusak: alamat sel '{ref[:20]}' tidak sah.")
    row = int(digits)
    if not 1 <= row <= XLSX_MAX_ROWS:
        raise ScanError(f"File rusak: alamat sel '{ref[:20]}' di luar batas lembar.")
    return row - 1, col


def scan_xlsx_sheet(
    chunks: Iterable[bytes], part: str, percent_styles: set[int], max_rows: int
) -> SheetScan:
    """Stream one worksheet part: used area, percent cells, formulas without a value, errors.

    Raises ScanError as soon as the rows pass max_rows, so a sheet of a million rows is
    refused after reading the first of them.
    """
    out = SheetScan()
    p = _parser()
    row_tag = f"{MAIN_NS}{_SEP}row"
    c_tag = f"{MAIN_NS}{_SEP}c"
    f_tag = f"{MAIN_NS}{_SEP}f"
    v_tag = f"{MAIN_NS}{_SEP}v"
    strict = {f"{STRICT_NS}{_SEP}{t}": f"{MAIN_NS}{_SEP}{t}" for t in ("row", "c", "f", "v")}
    # state: row, col, max_row, max_col, and the open cell (row, col, type, has_f, text)
    st = {"row": -1, "col": -1, "max_row": -1, "max_col": -1}
    cell: list[object] = [None, None, False]  # (row, col), type, has_f
    text: list[str] = []

    def close_cell() -> None:
        pos, typ, has_f = cell[0], cell[1], cell[2]
        value = "".join(text).strip()
        if typ == "e" and value:
            out.errors[pos] = value  # type: ignore[index]
        elif has_f and not value and typ not in ("str", "inlineStr"):
            out.no_value.add(pos)  # type: ignore[arg-type]
        cell[0] = None
        p.CharacterDataHandler = None
        text.clear()

    def start(name: str, attrs: dict[str, str]) -> None:
        name = strict.get(name, name)
        if name == c_tag:
            if cell[0] is not None and (cell[2] or cell[1] == "e"):
                close_cell()
            ref = attrs.get("r")
            if ref is not None:
                row, col = _cell_ref(ref)
            else:
                row, col = max(st["row"], 0), st["col"] + 1
                if col >= XLSX_MAX_COLS:
                    raise ScanError("File rusak: baris memuat lebih dari 16.384 kolom.")
            st["col"] = col
            if row > st["max_row"]:
                st["max_row"] = row
            if col > st["max_col"]:
                st["max_col"] = col
            typ = attrs.get("t", "n")
            if percent_styles and typ == "n":
                s = attrs.get("s")
                if s is not None and _int(s) in percent_styles:
                    out.percent.add((row, col))
            cell[0], cell[1], cell[2] = (row, col), typ, False
        elif name == row_tag:
            if cell[0] is not None and (cell[2] or cell[1] == "e"):
                close_cell()
            ref = attrs.get("r")
            if ref is not None:
                r = _int(ref)
                if r is None or not 1 <= r <= XLSX_MAX_ROWS:
                    raise ScanError(f"File rusak: nomor baris '{ref[:20]}' tidak sah.")
                row = r - 1
            else:
                row = st["row"] + 1
            st["row"], st["col"] = row, -1
            if row > st["max_row"]:
                st["max_row"] = row
                if row >= max_rows:
                    raise _TooManyRows(row + 1)
        elif name == f_tag:
            cell[2] = True
        elif name == v_tag and (cell[2] or cell[1] == "e"):
            # Only the text of <v> counts, and only where it can matter.
            p.CharacterDataHandler = text.append

    p.StartElementHandler = start
    p.buffer_text = True
    _feed(p, chunks, part)
    if cell[0] is not None and (cell[2] or cell[1] == "e"):
        close_cell()
    out.height = st["max_row"] + 1
    out.width = st["max_col"] + 1
    out.cells = out.height * out.width
    return out


class _TooManyRows(ScanError):
    def __init__(self, rows: int, sheet: str | None = None) -> None:
        super().__init__(f"lebih dari {rows - 1} baris")
        self.rows = rows
        self.sheet = sheet


TooManyRows = _TooManyRows


# --- ods: content.xml ---------------------------------------------------------------------


@dataclass
class _OdsRow:
    repeat: int = 1
    col: int = 0
    last_col: int = -1  # last column holding content
    content_cells: int = 0
    percent: list[int] = field(default_factory=list)
    no_value: list[int] = field(default_factory=list)
    errors: dict[int, str] = field(default_factory=dict)


def scan_ods(chunks: Iterable[bytes], max_rows: int, max_cells: int) -> dict[str, SheetScan]:
    """Stream content.xml: per table, the used area once repeats are expanded, and its cells.

    LibreOffice writes runs of empty rows and cells as one element with a repeat count; only
    the area up to the last cell with content counts (what a parser materialises). A repeat
    that would expand past max_rows rows or max_cells cells raises before anything expands.
    """
    tables: dict[str, SheetScan] = {}
    p = _parser()
    t = f"{ODS_TABLE}{_SEP}"
    o = f"{ODS_OFFICE}{_SEP}"
    table_tag, row_tag = t + "table", t + "table-row"
    cell_tag, covered_tag = t + "table-cell", t + "covered-table-cell"
    textp_tag = f"{ODS_TEXT}{_SEP}p"
    a_rows, a_cols = t + "number-rows-repeated", t + "number-columns-repeated"
    a_vtype, a_formula = o + "value-type", t + "formula"
    a_calc_vtype = f"{ODS_CALCEXT}{_SEP}value-type"

    cur: dict[str, object] = {"scan": None, "row_index": 0, "row": None, "cell": None, "name": ""}
    text: list[str] = []

    def collect(data: str) -> None:
        text.append(data)

    def start(name: str, attrs: dict[str, str]) -> None:
        if name in (cell_tag, covered_tag):
            rep = _repeat(attrs.get(a_cols))
            vtype = attrs.get(a_vtype)
            cur["cell"] = {
                "repeat": rep,
                "content": vtype is not None,
                "percent": vtype == "percentage",
                "formula": a_formula in attrs and vtype is None,
                "error": attrs.get(a_calc_vtype) == "error",
            }
            if cur["cell"]["error"]:  # type: ignore[index]
                text.clear()
                p.CharacterDataHandler = collect
        elif name == textp_tag and cur["cell"] is not None:
            cur["cell"]["content"] = True  # type: ignore[index]
        elif name == row_tag:
            cur["row"] = _OdsRow(repeat=_repeat(attrs.get(a_rows)))
        elif name == table_tag:
            scan = SheetScan()
            name = attrs.get(t + "name", f"Sheet{len(tables) + 1}")
            tables[name] = scan
            cur["scan"], cur["row_index"], cur["name"] = scan, 0, name

    def end(name: str) -> None:
        if name in (cell_tag, covered_tag):
            c = cur["cell"]
            row = cur["row"]
            cur["cell"] = None
            if c is None or not isinstance(row, _OdsRow):
                return
            rep = c["repeat"]  # type: ignore[index]
            if c["content"]:  # type: ignore[index]
                row.last_col = row.col + rep - 1
                row.content_cells += rep
                if c["percent"]:  # type: ignore[index]
                    row.percent.extend(range(row.col, row.col + min(rep, XLSX_MAX_COLS)))
                if c["error"]:  # type: ignore[index]
                    row.errors[row.col] = "".join(text).strip()
            elif c["formula"]:  # type: ignore[index]
                row.no_value.append(row.col)
            if c["error"]:  # type: ignore[index]
                p.CharacterDataHandler = None
            row.col += rep
        elif name == row_tag:
            row = cur["row"]
            scan = cur["scan"]
            cur["row"] = None
            if not isinstance(row, _OdsRow) or not isinstance(scan, SheetScan):
                return
            first = int(cur["row_index"])  # type: ignore[call-overload]
            if row.last_col >= 0 or row.no_value:
                last = first + row.repeat - 1
                if last >= max_rows:
                    raise _TooManyRows(last + 1, str(cur["name"]))
                scan.height = last + 1
                scan.width = max(scan.width, row.last_col + 1, max(row.no_value, default=-1) + 1)
                scan.cells += row.repeat * row.content_cells
                if scan.cells > max_cells or scan.height * scan.width > max_cells:
                    raise _TooManyCells(scan.height, scan.width, str(cur["name"]))
                for r in range(first, min(last + 1, first + 1024)):
                    scan.percent.update((r, c) for c in row.percent)
                    scan.no_value.update((r, c) for c in row.no_value)
                    scan.errors.update({(r, c): v for c, v in row.errors.items()})
            cur["row_index"] = first + row.repeat

    p.StartElementHandler = start
    p.EndElementHandler = end
    p.buffer_text = True
    _feed(p, chunks, "content.xml")
    return tables


def _repeat(text: str | None) -> int:
    if text is None:
        return 1
    n = _int(text)
    if n is None or n < 1:
        raise ScanError(f"File rusak: jumlah ulang '{text[:20]}' tidak sah.")
    return n


class _TooManyCells(ScanError):
    def __init__(self, height: int, width: int, sheet: str | None = None) -> None:
        super().__init__(f"{height} x {width}")
        self.height = height
        self.width = width
        self.sheet = sheet


TooManyCells = _TooManyCells


# --- xlsx: the fast route for a well-formed sheet in the usual spelling ----------------------
#
# Calling Python for every element costs about 3 s on the 66 MB of XML of a 100,000-row sheet.
# The fast route lets expat read the whole part without element callbacks (it proves the XML
# well-formed and free of DTDs, and reports comments, CDATA, processing instructions and
# namespace declarations), and then reads row and cell tags with patterns that follow XML's
# grammar for attributes exactly: in a well-formed document without comments, CDATA or
# instructions, every "<" opens markup and no attribute value holds "<", so these patterns
# see the tags expat saw. Whenever a condition for that does not hold (a prefixed main
# namespace, character references, a row or cell without r, an r the patterns do not take),
# it answers None and scan_xlsx_sheet reads the part element by element.

_ATTR = rb"""(?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))"""
_ONE_ATTR = re.compile(rb"""\s+([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# Every row and cell tag, with its r when r is there in the usual form (empty groups
# otherwise): the attributes before r are skipped whole, so an "r=" inside another attribute's
# value is never taken for it.
_NOT_R = rb"""(?:\s+(?!r\s*=)[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*"""
_ROW_R = re.compile(rb"<row(?=[\s/>])" + _NOT_R + rb"""(?:\s+r\s*=\s*(["'])([1-9][0-9]{0,6})\1)?""")
_CELL_R = re.compile(
    rb"<c(?=[\s/>])" + _NOT_R + rb"""(?:\s+r\s*=\s*(["'])([A-Z]{1,3})([1-9][0-9]{0,6})\1)?"""
)
_F_OPEN = (b"<f ", b"<f>", b"<f/>", b"<f\t", b"<f\n", b"<f\r")
_ANY_F = re.compile(rb"<f[\s/>]")
_ANY_E = re.compile(rb"""\st\s*=\s*["']e["']""")
_ERROR_CELL = re.compile(rb"<c" + _ATTR + rb"""*?\s+t\s*=\s*(?:"e"|'e')""")
_MAX_SNIPPETS = 20_000


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    return {m[1]: m[2] if m[2] is not None else m[3] for m in _ONE_ATTR.finditer(raw)}


def _plain_xml(xml: bytes) -> bool:
    """True when expat finds xml well-formed, with the main namespace as the default one and
    no comment, CDATA section or processing instruction. Raises ScanError on a DTD or bad XML."""
    p = _parser()
    seen = {"odd": False}

    def odd(*_: object) -> None:
        seen["odd"] = True

    def namespace(prefix: str | None, uri: str) -> None:
        if (prefix and uri in (MAIN_NS, STRICT_NS)) or (
            not prefix and uri not in (MAIN_NS, STRICT_NS)
        ):
            seen["odd"] = True

    p.CommentHandler = odd
    p.ProcessingInstructionHandler = odd
    p.StartCdataSectionHandler = odd
    p.StartNamespaceDeclHandler = namespace
    _feed(p, [xml], "sheet")
    return not seen["odd"]


def _cell_start(xml: bytes, pos: int) -> int:
    """Where the <c> element holding position pos starts (-1 when none)."""
    while True:
        at = xml.rfind(b"<c", 0, pos)
        if at < 0 or xml[at + 2 : at + 3] in (b" ", b">", b"/", b"\t", b"\n", b"\r"):
            return at
        pos = at


# The usual spelling, as Excel, LibreOffice, openpyxl and XlsxWriter write it: r first, in
# double quotes, right after the tag name and one space.
_USUAL_LAST_ROW = re.compile(rb'<row r="([1-9][0-9]{0,6})"')
_USUAL_CELL = re.compile(rb'<c r="([A-Z]{1,3})[1-9]')
_SAMPLE_BYTES = 1 << 20
# Literal searches: the regex engine finds a literal prefix several times faster than
# `bytes in bytes` does on a large part.
_CHAR_REF = re.compile(rb"&#")
_QUOTED_E = (re.compile(rb'"e"'), re.compile(rb"'e'"))


def _up_to(limit: str, lowest: str, highest: str, first: str) -> bytes:
    """A pattern for the strings of one alphabet (lowest..highest, first digit >= first) that
    count no further than `limit`: all shorter ones, and those of its length that sort no
    later (for numbers without leading zeros and for column letters, that is the order)."""
    alts = []
    if len(limit) > 1:
        alts.append(f"[{first}-{highest}][{lowest}-{highest}]{{0,{len(limit) - 2}}}")
    for i, ch in enumerate(limit):
        low = first if i == 0 else lowest
        if ch > low:
            rest = len(limit) - i - 1
            alts.append(f"{limit[:i]}[{low}-{chr(ord(ch) - 1)}][{lowest}-{highest}]{{{rest}}}")
    alts.append(limit)
    return ("(?:" + "|".join(alts) + ")").encode()


def _usual_area(xml: bytes) -> tuple[int, int] | None:
    """(height, width) of a part whose every row and cell tag spells r the usual way, found
    with a few searches and no Python object per cell; None when that does not hold (the
    caller then takes every tag's r, however it is spelled).

    The last row tag gives a candidate height, the cells of the first and last megabyte a
    candidate width; two searches then look for a row or cell tag that is not spelled the
    usual way or lies past the candidates. Finding none proves both exact: each candidate is
    the r of a tag that exists, and no tag lies past it. Only for XML that _plain_xml vouched
    for (there, every "<" opens markup, so each match is a tag)."""
    at = xml.rfind(b'<row r="')
    last = _USUAL_LAST_ROW.match(xml, at) if at >= 0 else None
    if last is None:
        return None
    height = int(last[1])
    sample = _USUAL_CELL.findall(xml, 0, _SAMPLE_BYTES)
    sample += _USUAL_CELL.findall(xml, max(0, len(xml) - _SAMPLE_BYTES))
    if not sample:
        return None
    widest = max(sample, key=lambda c: (len(c), c)).decode()
    width = 0
    for ch in widest:
        width = width * 26 + ord(ch) - 64
    if width > XLSX_MAX_COLS:
        return None  # refused by the route that reads every r, with its message
    rows = _up_to(str(height), "0", "9", "1")
    cols = _up_to(widest, "A", "Z", "A")
    # Two searches: each has a literal prefix to look for, which one alternation lacks.
    for stray in (
        rb'<row(?! r="' + rows + rb'")[\s/>]',
        rb'<c(?! r="' + cols + rows + rb'")[\s/>]',
    ):
        if re.search(stray, xml):
            return None
    return height, width


# A cell tag exactly as Excel, LibreOffice and openpyxl write it: r, then s, then t (s and t
# each optional), nothing else, and no space but one before each attribute.
_STRICT_TAIL = rb'(?: s="(?:0|[1-9][0-9]{0,8})")?(?: t="[a-zA-Z]{1,9}")?(?: ?/>|>)'
_NOT_STRICT_CELL = re.compile(rb'<c(?! r="[A-Z]{1,3}[1-9][0-9]{0,6}"' + _STRICT_TAIL + rb")[\s/>]")


def _usual_percent(xml: bytes, percent_styles: set[int]) -> set[tuple[int, int]] | None:
    """The cells shown as a percentage (a percent style, number type) when every cell tag is
    spelled exactly the usual way, with one pattern that takes only those cells; None when
    a cell tag is spelled otherwise (the caller then reads each styled tag's attributes)."""
    if _NOT_STRICT_CELL.search(xml):
        return None
    alt = b"|".join(str(s).encode() for s in sorted(percent_styles))
    styled = re.compile(
        rb'<c r="([A-Z]{1,3})([1-9][0-9]{0,6})" s="(?:' + alt + rb')"(?: t="n")?(?: ?/>|>)'
    )
    cols: dict[bytes, int] = {}
    out: set[tuple[int, int]] = set()
    for letters, digits in styled.findall(xml):
        col = cols.get(letters)
        if col is None:
            col = cols[letters] = _column(letters.decode(), letters.decode())
        out.add((int(digits) - 1, col))
    return out


def _tagged_area(xml: bytes) -> tuple[int, int] | None:
    """(height, width) from every row and cell tag's r, whatever the attribute order, quotes
    or spaces; None for a row or cell without r, or an r spelled another way."""
    row_numbers = {r for _, r in _ROW_R.findall(xml)}
    if b"" in row_numbers:
        return None  # a row without r: rows count on from the one before (careful route)
    cells = _CELL_R.findall(xml)
    letters = {c for _, c, _ in cells}
    digits = {r for _, _, r in cells}
    del cells
    if b"" in letters:
        return None  # a cell without r, or an r spelled another way: the careful route
    max_row = max(map(int, row_numbers | digits), default=0)
    max_col = 0
    for col in letters:
        max_col = max(max_col, _column(col.decode(), col.decode()) + 1)
    return max_row, max_col


def scan_xlsx_sheet_fast(
    xml: bytes, part: str, percent_styles: set[int], max_rows: int
) -> SheetScan | None:
    """scan_xlsx_sheet for a whole part in memory, at C speed; None when it cannot vouch."""
    if _CHAR_REF.search(xml) or not _plain_xml(xml):
        return None
    out = SheetScan()
    area = _usual_area(xml) or _tagged_area(xml)
    if area is None:
        return None
    max_row, max_col = area
    if max_row > max_rows:
        raise _TooManyRows(max_row)
    out.height, out.width = max_row, max_col
    out.cells = max_row * max_col

    # Formulas and error values: read each such cell on its own, element by element.
    starts: set[int] = set()
    if _ANY_F.search(xml):
        if sum(xml.count(tag) for tag in _F_OPEN) > _MAX_SNIPPETS:
            return None
        for tag in _F_OPEN:
            at = xml.find(tag)
            while at >= 0:
                starts.add(_cell_start(xml, at))
                at = xml.find(tag, at + 1)
    if any(q.search(xml) for q in _QUOTED_E) and _ANY_E.search(xml):
        for m in _ERROR_CELL.finditer(xml):
            starts.add(m.start())
            if len(starts) > _MAX_SNIPPETS:
                return None
    starts.discard(-1)
    if starts:
        head = f'<w xmlns="{MAIN_NS}">'.encode()
        snippets = [head]
        for at in sorted(starts):
            end = xml.find(b"</c>", at)
            close = xml.find(b"/>", at)
            gt = xml.find(b">", at)
            if close >= 0 and close + 1 == gt:  # <c .../> holds nothing
                continue
            if end < 0:
                return None
            snippets.append(xml[at : end + 4])
        snippets.append(b"</w>")
        found = scan_xlsx_sheet([b"".join(snippets)], part, set(), max_rows)
        out.no_value, out.errors = found.no_value, found.errors

    usual = _usual_percent(xml, percent_styles) if percent_styles else None
    if usual is not None:
        out.percent = usual
    elif percent_styles:
        alt = b"|".join(str(s).encode() for s in sorted(percent_styles))
        styled = re.compile(
            rb"<c("
            + _ATTR
            + rb"*?\s+s\s*=\s*(?:\"\s*0*(?:"
            + alt
            + rb")\s*\"|'\s*0*(?:"
            + alt
            + rb")\s*')"
            + _ATTR
            + rb"*)\s*/?>"
        )
        for m in styled.finditer(xml):
            a = _attrs(m[1])
            if a.get(b"t", b"n") != b"n":
                continue
            ref = a.get(b"r")
            if ref is None:
                return None
            out.percent.add(_cell_ref(ref.decode()))
    return out


def scan_xlsx_part(xml: bytes, part: str, percent_styles: set[int], max_rows: int) -> SheetScan:
    """One worksheet part: the fast route when it can vouch, else element by element."""
    fast = scan_xlsx_sheet_fast(xml, part, percent_styles, max_rows)
    return fast if fast is not None else scan_xlsx_sheet([xml], part, percent_styles, max_rows)
