"""Builders of spreadsheet bytes in memory (.xlsx, .xlsm, .xls, .ods) for the ingest tests.

The ordinary writers and the realistic long-layout rows live in kinerja.contoh (scripts/ and
bench/ use them too) and are re-exported here; this module adds the hostile and hand-spelled
files only tests need: a zip bomb, a far cell, raw XML packages.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl

from kinerja.contoh import (
    LONG_HEADER,
    XLSM_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    long_rows,
    ods,
    to_xlsm,
    xls,
    xlsx,
)

__all__ = [
    "LONG_HEADER",
    "XLSM_CONTENT_TYPE",
    "XLSX_CONTENT_TYPE",
    "far_cell_xlsx",
    "inline",
    "long_rows",
    "ods",
    "raw_ods",
    "raw_xlsx",
    "to_xlsm",
    "xls",
    "xlsx",
    "zip_bomb_xlsx",
]


# --- hostile files ------------------------------------------------------------------------

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{XLSX_CONTENT_TYPE}"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Data" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<sheetData>"
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Indikator Kinerja</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>Target</t></is></c></row>'
)
_SHEET_TAIL = (
    '<row r="2"><c r="A2" t="inlineStr"><is><t>Jumlah IKM yang dibina</t></is></c>'
    '<c r="B2"><v>120</v></c></row></sheetData></worksheet>'
)


def zip_bomb_xlsx(declared_total: int = 300 * 1024**2) -> bytes:
    """A small, well-formed .xlsx whose parts unpack to ``declared_total`` bytes in all.

    Nearly all of it is whitespace between two rows of the sheet XML: legal XML, deflated at
    level 9 to about 1/1000 of its size. The zip headers state the true sizes, so a reader that
    checks the declared sizes can refuse it, and one that trusts the archive truly inflates it.
    """
    small = {
        "[Content_Types].xml": _CONTENT_TYPES,
        "_rels/.rels": _ROOT_RELS,
        "xl/workbook.xml": _WORKBOOK,
        "xl/_rels/workbook.xml.rels": _WORKBOOK_RELS,
    }
    head, tail = _SHEET_HEAD.encode(), _SHEET_TAIL.encode()
    padding = declared_total - len(head) - len(tail) - sum(len(v.encode()) for v in small.values())
    if padding < 0:
        raise ValueError(f"declared_total {declared_total} is too small for a workbook")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, text in small.items():
            z.writestr(name, text)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(head)
            chunk = b" " * (4 * 1024**2)
            while padding > 0:
                f.write(chunk[: min(padding, len(chunk))])
                padding -= len(chunk)
            f.write(tail)
    return buf.getvalue()


def far_cell_xlsx() -> bytes:
    """A tiny valid .xlsx with a value in A1 and another in XFD1048576, the last cell of a sheet.

    Its used range spans 1,048,576 x 16,384 cells: a reader that allocates a dense grid dies.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["A1"] = "Indikator Kinerja"
    ws["XFD1048576"] = 1
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- raw packages: XML spelled exactly as a test needs it -----------------------------------

_RAW_STYLES_DEFAULT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<cellXfs count="1"><xf numFmtId="0"/></cellXfs></styleSheet>'
)


def raw_xlsx(
    sheet_data: str,
    *,
    styles: str | None = None,
    root_attrs: str = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"',
    sheet_xml: str | None = None,
    compress: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A one-sheet .xlsx whose sheet XML holds ``sheet_data`` inside <sheetData> as written
    (quotes, attribute order, missing r attributes: whatever the test spells), or the whole
    ``sheet_xml``; ``styles`` replaces styles.xml."""
    body = sheet_xml or (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"<worksheet {root_attrs}><sheetData>{sheet_data}</sheetData></worksheet>"
    )
    ct = _CONTENT_TYPES.replace(
        "</Types>",
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
        'officedocument.spreadsheetml.styles+xml"/></Types>',
    )
    rels = _WORKBOOK_RELS.replace(
        "</Relationships>",
        '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/styles" Target="styles.xml"/></Relationships>',
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compress) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", rels)
        z.writestr("xl/styles.xml", styles or _RAW_STYLES_DEFAULT)
        z.writestr("xl/worksheets/sheet1.xml", body)
    return buf.getvalue()


def inline(ref: str, text: str, quote: str = '"') -> str:
    """An inline-string cell."""
    q = quote
    return f"<c r={q}{ref}{q} t={q}inlineStr{q}><is><t>{text}</t></is></c>"


def raw_ods(table_xml: str, name: str = "Data") -> bytes:
    """A one-table .ods whose table XML is ``table_xml`` as written."""
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="{name}">'
        f"{table_xml}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", manifest)
        zf.writestr("content.xml", content)
    return buf.getvalue()
