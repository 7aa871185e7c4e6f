"""No file can stop the process: the XML scan, the memory-limited child, damaged archives."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from kinerja import ingest, isolate, workbook, xmlscan
from tests import factories as f


@pytest.fixture(autouse=True)
def _children_forked_from_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests here patch the reader in this process; its children must be forked from it."""
    monkeypatch.setenv("KINERJA_ISOLATE", "fork")


HEAD = f.inline("A1", "Indikator Kinerja") + f.inline("B1", "Target")
DATA_ROW = '<row r="2">' + f.inline("A2", "Jumlah IKM") + '<c r="B2"><v>120</v></c></row>'


def read(data: bytes, name: str = "lembar.xlsx", **defaults: object) -> ingest.IngestResult:
    base = {"bidang": "Bidang Perindustrian", "tahun": 2023, "periode": "TW I"} | defaults
    return ingest.read(data, filename=name, defaults=ingest.Defaults(**base))  # type: ignore[arg-type]


class _ParserMustNotRun:
    """Stands in for python-calamine: the test fails if the parser is reached."""

    class CalamineWorkbook:
        @staticmethod
        def from_filelike(*_: object) -> None:
            raise AssertionError("the parser ran on a file the scan should have refused")


# Valid XML that spells the far cell differently: each must be refused by the scan.
FAR_CELLS = {
    "single quotes": f"<row r='1'>{f.inline('A1', 'Indikator Kinerja', chr(39))}</row>"
    "<row r='1048576'><c r='XFD1048576'><v>1</v></c></row>",
    "spaces around =": '<row r = "1">' + HEAD + "</row>"
    '<row r =\t"1048576" ><c  r = "XFD1048576" ><v>1</v></c></row>',
    "attribute order, other attrs": '<row spans="1:2" r="1">' + HEAD + "</row>"
    '<row ht="15" customHeight="1" r="900000"><c s="0" t="n" r="XFD900000"><v>1</v></c></row>',
    "character reference": '<row r="1">' + HEAD + "</row>"
    '<row r="&#49;048576"><c r="&#88;FD1048576"><v>1</v></c></row>',
    "rows without r": '<row r="1">' + HEAD + "</row>" + "<row><c><v>1</v></c></row>" * 200_001,
    "cells without r": '<row r="1">'
    + HEAD
    + '</row><row r="2000">'
    + "<c><v>1</v></c>" * 16_000
    + "</row>",
    "namespace prefix": "",  # built below
}


def _far_cell(case: str) -> bytes:
    if case == "namespace prefix":
        xml = (
            '<?xml version="1.0"?><x:worksheet '
            'xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
            '<x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>Indikator Kinerja</x:t></x:is>'
            '</x:c></x:row><x:row r="1048576"><x:c r="XFD1048576"><x:v>1</x:v></x:c></x:row>'
            "</x:sheetData></x:worksheet>"
        )
        return f.raw_xlsx("", sheet_xml=xml)
    return f.raw_xlsx(FAR_CELLS[case])


@pytest.mark.parametrize("case", sorted(FAR_CELLS))
def test_far_cells_however_spelled_are_refused_before_the_parser(
    case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(workbook, "pc", _ParserMustNotRun)
    res = read(_far_cell(case))
    assert not res.valid
    msg = res.report.errors[0].message
    assert "ditolak" in msg and ("baris" in msg or "kolom" in msg), msg


def test_dtd_and_entities_are_refused() -> None:
    xml = (
        '<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY big "1048576">]>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="&big;"><c r="A1"><v>1</v></c></row></sheetData></worksheet>'
    )
    res = read(f.raw_xlsx("", sheet_xml=xml))
    assert not res.valid and "DTD" in res.report.errors[0].message


def test_ods_million_empty_rows_before_one_value_is_refused_before_the_parser(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bomb = f.raw_ods(
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Indikator'
        "</text:p></table:table-cell></table:table-row>"
        '<table:table-row table:number-rows-repeated="1000000"><table:table-cell/>'
        '</table:table-row><table:table-row><table:table-cell office:value-type="float" '
        'office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>'
    )
    assert len(bomb) < 2000
    monkeypatch.setattr(workbook, "pc", _ParserMustNotRun)
    res = read(bomb, name="bom.ods")
    assert not res.valid and "baris" in res.report.errors[0].message


def test_ods_trailing_empty_repeats_as_libreoffice_writes_them_are_free() -> None:
    rows = [["Indikator Kinerja", "Target", "Realisasi"], ["Jumlah IKM", 10, 9]]
    data = f.ods(rows)
    # LibreOffice closes every sheet with a huge run of empty rows and cells.
    tail = (
        '<table:table-row table:number-rows-repeated="1048570">'
        '<table:table-cell table:number-columns-repeated="16384"/></table:table-row>'
    )
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            payload = src.read(info)
            if info.filename == "content.xml":
                payload = payload.replace(b"</table:table>", tail.encode() + b"</table:table>")
            dst.writestr(info, payload)
    res = read(out.getvalue(), name="lo.ods")
    assert res.valid, res.report.errors
    assert res.records["realisasi"].tolist() == [9.0]


def test_the_second_wall_a_file_past_the_scan_ends_only_the_child(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Pretend the scan missed the far cell: calamine then asks for 512 GiB in the child."""

    def blind_scan(xml, part, percent_styles, max_rows):  # type: ignore[no-untyped-def]
        return xmlscan.SheetScan()

    monkeypatch.setattr(xmlscan, "scan_xlsx_part", blind_scan)
    monkeypatch.setattr(workbook, "_check_size", lambda *a: None)  # and the second size check
    res = read(f.far_cell_xlsx())
    assert not res.valid
    assert "memori" in res.report.errors[0].message
    # This process is alive and still reads the next file.
    assert read(f.xlsx([["Indikator Kinerja", "Target"], ["Jumlah IKM", 5]])).valid


def test_child_memory_ceiling_refuses_a_parse_that_grows_past_it() -> None:
    with pytest.raises(workbook.WorkbookError, match="memori"):
        isolate.start(_allocate, limit_mb=64).result()


def _allocate() -> int:
    block = bytearray(512 * 1024 * 1024)  # past a 64 MB ceiling: MemoryError in the child
    return len(block)


def test_a_legitimate_200000_row_sheet_still_reads() -> None:
    rows = "".join(
        f'<row r="{r}">' + f.inline(f"A{r}", f"Indikator {r}") + f'<c r="B{r}"><v>{r}</v></c>'
        f'<c r="C{r}"><v>{r}</v></c></row>'
        for r in range(2, 200_001)
    )
    head = '<row r="1">' + HEAD + f.inline("C1", "Realisasi") + "</row>"
    res = read(f.raw_xlsx(head + rows), periode="Tahunan")
    assert res.valid, res.report.errors[:3]
    assert len(res.records) == 199_999


# --- percent formats read from styles.xml as XML ---------------------------------------------

_PCT_SHEET = (
    '<row r="1">'
    + f.inline("A1", "Indikator Kinerja")
    + f.inline("B1", "Satuan")
    + f.inline("C1", "Target")
    + f.inline("D1", "Realisasi")
    + "</row>"
    '<row r="2">'
    + f.inline("A2", "Tingkat partisipasi")
    + f.inline("B2", "%")
    + '<c r="C2" s="1"><v>0.6</v></c><c r="D2" s="1"><v>0.555</v></c></row>'
)


@pytest.mark.parametrize(
    "numfmt",
    [
        '<numFmt numFmtId="164" formatCode="0.0%"/>',
        '<numFmt formatCode="0.0%" numFmtId="164"/>',
        "<numFmt formatCode='0.0%' numFmtId='164'/>",
        '<numFmt numFmtId = "164" formatCode = "0.0&#37;" />',
    ],
)
def test_percent_styles_are_parsed_as_xml(numfmt: str) -> None:
    styles = (
        "<styleSheet xmlns='http://schemas.openxmlformats.org/spreadsheetml/2006/main'>"
        f"<numFmts count='1'>{numfmt}</numFmts>"
        "<cellXfs count='2'><xf numFmtId='0'/><xf applyNumberFormat='1' numFmtId='164'/>"
        "</cellXfs></styleSheet>"
    )
    res = read(f.raw_xlsx(_PCT_SHEET, styles=styles))
    assert res.valid, res.report.errors
    assert res.records[["target", "realisasi"]].iloc[0].tolist() == pytest.approx([60, 55.5])


@pytest.mark.parametrize(
    ("code", "percent"),
    [("0%", True), ("0.00%", True), ('0.0"%"', False), ("0\\%", False), ("#,##0", False)],
)
def test_percent_format_codes(code: str, percent: bool) -> None:
    assert xmlscan.is_percent_format(code) is percent


# --- one bad file never hides the others -----------------------------------------------------


def _good() -> bytes:
    return f.xlsx([["Indikator Kinerja", "Target", "Realisasi"], ["Jumlah IKM", 10, 9]])


def _stored_then_corrupt(data: bytes, how: str) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
    raw = bytearray(out.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    name_len = len(info.filename.encode())
    extra_len = int.from_bytes(raw[info.header_offset + 28 : info.header_offset + 30], "little")
    start = info.header_offset + 30 + name_len + extra_len
    if how == "crc":
        # the central directory's CRC is what zipfile checks against
        pos = raw.find(info.filename.encode(), raw.find(b"PK\x01\x02"))
        while pos > 0:
            hdr = pos - 46
            if raw[hdr : hdr + 4] == b"PK\x01\x02":
                raw[hdr + 16] ^= 0xFF
                break
            pos = raw.find(info.filename.encode(), pos + 1)
    elif how == "deflate":
        for k in range(start + 2, start + min(info.compress_size, 40)):
            raw[k] ^= 0x5A
    elif how == "sizes":
        pos = raw.find(info.filename.encode(), raw.find(b"PK\x01\x02"))
        hdr = pos - 46
        raw[hdr + 24 : hdr + 28] = (10).to_bytes(4, "little")  # declares 10 bytes unpacked
    return bytes(raw)


def _zipcrypto(data: bytes) -> bytes:
    raw = bytearray(data)
    # set the "encrypted" flag bit on every entry (local headers and central directory)
    for sig, off in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        pos = raw.find(sig)
        while pos >= 0:
            raw[pos + off] |= 0x01
            pos = raw.find(sig, pos + 4)
    return bytes(raw)


def _ole_encrypted() -> bytes:
    head = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return head + "EncryptionInfo".encode("utf-16-le") + "EncryptedPackage".encode("utf-16-le")


@pytest.mark.parametrize(
    ("make", "needle"),
    [
        (lambda: _stored_then_corrupt(_good(), "crc"), "rusak"),
        (lambda: _stored_then_corrupt(_good(), "deflate"), "rusak"),
        (lambda: _stored_then_corrupt(_good(), "sizes"), "rusak"),
        (lambda: _zipcrypto(_good()), "terenkripsi"),
        (_ole_encrypted, "terenkripsi"),
        (lambda: b"PK\x03\x04" + b"\x00" * 100, "bukan spreadsheet"),
        (lambda: b"", "kosong"),
    ],
    ids=[
        "bad-crc",
        "broken-deflate",
        "lying-sizes",
        "zipcrypto",
        "encrypted-ooxml",
        "junk",
        "empty",
    ],
)
def test_damaged_and_encrypted_files_have_their_own_message(make, needle: str) -> None:  # type: ignore[no-untyped-def]
    res = read(make())
    assert not res.valid
    msg = res.report.errors[0].message
    assert needle in msg, msg
    assert "tak terduga" not in msg and "Error" not in msg


def test_a_directory_is_reported_as_a_folder(tmp_path: Path) -> None:
    res = ingest.read(tmp_path)
    assert not res.valid and "folder" in res.report.errors[0].message


def test_a_missing_file_is_said_in_indonesian(tmp_path: Path) -> None:
    res = ingest.read(tmp_path / "tidak-ada.xlsx")
    msg = res.report.errors[0].message
    assert "tidak ditemukan" in msg and "No such file" not in msg


def test_size_message_shows_the_real_size(tmp_path: Path) -> None:
    p = tmp_path / "besar.xlsx"
    p.write_bytes(b"\0" * int(21.3 * 1024 * 1024))
    msg = ingest.read(p).report.errors[0].message
    assert "21,3 MB" in msg and "batas 20 MB" in msg


def test_sizes_in_mb_are_indonesian() -> None:
    assert workbook.mb(20 * 1024 * 1024) == "20 MB"
    assert workbook.mb(int(21.3 * 1024 * 1024)) == "21,3 MB"


# --- the fast route of the scan sees what expat sees -----------------------------------------


def _sheet_xml(data: bytes) -> tuple[bytes, set[int]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        styles = zf.read("xl/styles.xml") if "xl/styles.xml" in zf.namelist() else b""
        return zf.read("xl/worksheets/sheet1.xml"), xmlscan.xlsx_percent_styles(styles)


def _openpyxl_with_formulas() -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["Indikator Kinerja", "Target", "Realisasi", "Capaian"])
    for r in range(2, 40):
        ws.append([f"Indikator {r}", r, r + 1, f"=C{r}/B{r}*100"])
    ws["B5"].number_format = "0.0%"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


SAMPLES = {
    "plain": lambda: f.xlsx([["Indikator Kinerja", "Target"], ["A", 1], ["B", 2]]),
    "percent and merges": lambda: f.xlsx(
        [["Indikator Kinerja", "Satuan", "Target"], ["A", "%", 0.5], ["B", "%", 0.25]],
        percent=["C2", "C3"],
        merges=["A4:C4"],
    ),
    "formulas without values": _openpyxl_with_formulas,
    "single quotes, spaces": lambda: f.raw_xlsx(
        "<row r = '1'>" + f.inline("A1", "Indikator", "'") + "</row><row r='2'><c r = 'B2' "
        "t='e'><f>1/0</f><v>#DIV/0!</v></c><c r='C2'><f>SUM(1)</f><v/></c></row>"
    ),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_the_fast_route_of_the_scan_agrees_with_expat(name: str) -> None:
    xml, pct = _sheet_xml(SAMPLES[name]())
    fast = xmlscan.scan_xlsx_sheet_fast(xml, "sheet", pct, 200_000)
    slow = xmlscan.scan_xlsx_sheet([xml], "sheet", pct, 200_000)
    assert fast is not None, "these sheets are in the usual spelling: the fast route applies"
    assert (fast.height, fast.width, fast.percent, fast.no_value, fast.errors) == (
        slow.height,
        slow.width,
        slow.percent,
        slow.no_value,
        slow.errors,
    )


@pytest.mark.parametrize(
    "sheet_data",
    [
        "<!-- <row r='1048576'> -->" + '<row r="1">' + HEAD + "</row>",
        '<row r="1">' + HEAD + "</row><row><c><v>1</v></c></row>",
        '<row r="1"><c r="&#65;1"><v>1</v></c></row>',
    ],
    ids=["comment", "row without r", "character reference"],
)
def test_the_fast_route_steps_aside_when_it_cannot_vouch(sheet_data: str) -> None:
    xml, pct = _sheet_xml(f.raw_xlsx(sheet_data))
    assert xmlscan.scan_xlsx_sheet_fast(xml, "sheet", pct, 200_000) is None


# --- the usual-spelling route of the area agrees with reading every tag's r --------------------


def _worksheet(sheet_data: str) -> bytes:
    return (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml'
        f'/2006/main"><sheetData>{sheet_data}</sheetData></worksheet>'
    ).encode()


def _rows(first: int, last: int, cols: str = "ABC") -> str:
    return "".join(
        f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in cols) + "</row>"
        for r in range(first, last + 1)
    )


USUAL = {
    "plain": _rows(1, 60),
    "two- and three-letter columns": '<row r="1"><c r="A1"><v>1</v></c><c r="AZ1"><v>1</v></c>'
    '</row><row r="2"><c r="AAB2"><v>1</v></c></row>' + _rows(3, 40),
    "an empty last row": _rows(1, 40) + '<row r="75"/>',
    "rows 9, 10, 99, 100": '<row r="9"><c r="B9"><v>1</v></c></row><row r="10"/>'
    '<row r="99"><c r="B99"><v>1</v></c></row><row r="100"><c r="J100"><v>1</v></c></row>',
}
UNUSUAL = {
    "a wide cell between the samples": _rows(1, 30)
    + '<row r="31"><c r="AB31"><v>1</v></c></row>'
    + _rows(32, 60),
    "a far cell in a near row": _rows(1, 30)
    + '<row r="31"><c r="A900"><v>1</v></c></row>'
    + _rows(32, 60),
    "rows out of order": _rows(1, 20)
    + '<row r="500"><c r="A500"><v>1</v></c></row>'
    + _rows(21, 60),
    "attributes before r": _rows(1, 30) + '<row spans="1:3" r="31"><c s="0" r="C31"><v>1</v>'
    "</c></row>" + _rows(32, 60),
    "single quotes": _rows(1, 30) + "<row r='31'><c r='D31'><v>1</v></c></row>" + _rows(32, 60),
    "a leading zero": _rows(1, 30) + '<row r="31"><c r="A031"><v>1</v></c></row>' + _rows(32, 60),
}


@pytest.mark.parametrize(("name", "sheet_data"), sorted(USUAL.items()) + sorted(UNUSUAL.items()))
def test_the_usual_route_of_the_area_agrees_with_every_tag_read(
    name: str, sheet_data: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Sample a few cells only, so that what lies between the samples must be found by search.
    monkeypatch.setattr(xmlscan, "_SAMPLE_BYTES", 200)
    xml = _worksheet(sheet_data)
    usual = xmlscan._usual_area(xml)
    tagged = xmlscan._tagged_area(xml)
    careful = xmlscan.scan_xlsx_sheet([xml], "sheet", set(), 200_000)
    fast = xmlscan.scan_xlsx_sheet_fast(xml, "sheet", set(), 200_000)
    area = (careful.height, careful.width)
    if name in USUAL:
        assert usual == tagged == area, name
        assert fast is not None
    else:
        assert usual is None, name  # it steps aside for the routes that read every tag
        assert tagged in (None, area), name
    assert fast is None or (fast.height, fast.width) == area, name


@pytest.mark.parametrize("limit", [1, 7, 9, 10, 99, 100, 105, 1000, 4096, 100_005, 1_048_576])
def test_row_bounds_of_the_usual_route_hold_exactly_the_numbers_up_to_the_limit(
    limit: int,
) -> None:
    import re

    pattern = re.compile(xmlscan._up_to(str(limit), "0", "9", "1"))
    near = range(max(1, limit - 1200), limit + 1200)
    for n in sorted({*range(1, 1200), *near, limit * 10, limit * 10 + 9}):
        assert bool(pattern.fullmatch(str(n).encode())) == (n <= limit), (limit, n)
    assert not pattern.fullmatch(b"0") and not pattern.fullmatch(b"01")


@pytest.mark.parametrize("limit", [1, 12, 26, 27, 52, 702, 703, 731, 16_384])
def test_column_bounds_of_the_usual_route_hold_exactly_the_columns_up_to_the_limit(
    limit: int,
) -> None:
    import re

    pattern = re.compile(xmlscan._up_to(workbook.col_letter(limit - 1), "A", "Z", "A"))
    for col in range(18_278):  # every column of one to three letters
        letters = workbook.col_letter(col).encode()
        assert bool(pattern.fullmatch(letters)) == (col < limit), (limit, letters)


PERCENT_STYLES = {1, 10}  # cellXfs indexes shown as a percentage
USUAL_PERCENT = {
    "r, s, t as programs write them": '<row r="1"><c r="A1" s="1"><v>0.5</v></c>'
    '<c r="B1" s="1" t="n"><v>0.5</v></c><c r="C1" s="1" t="s"><v>0</v></c>'
    '<c r="D1" s="0"><v>1</v></c><c r="E1" s="10"/><c r="F1" s="10" />'
    '<c r="G1" s="100"><v>1</v></c><c r="H1" t="n"><v>1</v></c></row>' + _rows(2, 40),
    "no percent cell": _rows(1, 40),
}
UNUSUAL_PERCENT = {
    "t before s": _rows(1, 20) + '<row r="21"><c r="A21" t="n" s="1"><v>1</v></c></row>',
    "single quotes": _rows(1, 20) + '<row r="21"><c r="A21" s=\'1\'><v>1</v></c></row>',
    "another attribute": _rows(1, 20) + '<row r="21"><c r="A21" s="1" cm="1"><v>1</v></c></row>',
    "spaces in the value": _rows(1, 20) + '<row r="21"><c r="A21" s=" 1 "><v>1</v></c></row>',
    "a leading zero": _rows(1, 20) + '<row r="21"><c r="A21" s="01"><v>1</v></c></row>',
}


@pytest.mark.parametrize(
    ("name", "sheet_data"), sorted(USUAL_PERCENT.items()) + sorted(UNUSUAL_PERCENT.items())
)
def test_the_usual_route_of_percent_cells_agrees_with_expat(name: str, sheet_data: str) -> None:
    xml = _worksheet(sheet_data)
    usual = xmlscan._usual_percent(xml, PERCENT_STYLES)
    careful = xmlscan.scan_xlsx_sheet([xml], "sheet", PERCENT_STYLES, 200_000)
    fast = xmlscan.scan_xlsx_sheet_fast(xml, "sheet", PERCENT_STYLES, 200_000)
    assert fast is not None and fast.percent == careful.percent, name
    if name in USUAL_PERCENT:
        assert usual == careful.percent, name
    else:
        assert usual is None and careful.percent == {(20, 0)}, name
