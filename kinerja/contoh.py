"""Sample spreadsheets built in memory: the demo generator's writers and realistic rows.

A small module of builders shared by scripts/make_demo.py (data/demo), bench/ and the tests
(tests/factories.py re-exports them). Nothing here runs in the app: no streamlit, and .xls
needs xlwt, which only the ``test`` extra installs (imported when xls() is called).

Every writer takes ``rows``: rows[0] is spreadsheet row 1 and rows[i][0] is column A; None is
an empty cell. ``merges`` are A1 ranges ("A1:D1") whose top-left cell keeps its value;
``percent`` are A1 references of cells stored as a percentage (the value stays the fraction,
0.555, and the cell is formatted "0.0%", as Excel and LibreOffice store a typed "55,5%").
``long_rows(n)`` is a long-layout header and n data rows like a bidang's real report.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import zipfile
from collections.abc import Iterable, Sequence
from typing import Any

import openpyxl
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, range_boundaries

Rows = list[list[object]]

PERCENT_FORMAT = "0.0%"
XLSM_CONTENT_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def _cell_index(ref: str) -> tuple[int, int]:
    """0-based (row, column) of an A1 reference."""
    letters, row = coordinate_from_string(ref)
    return row - 1, column_index_from_string(letters) - 1


def _merge_box(ref: str) -> tuple[int, int, int, int]:
    """0-based inclusive (first row, first col, last row, last col) of an A1 range."""
    min_col, min_row, max_col, max_row = range_boundaries(ref)
    return min_row - 1, min_col - 1, max_row - 1, max_col - 1


def _covered(merges: Iterable[str]) -> set[tuple[int, int]]:
    """Cells hidden under a merge (every cell of each range except its top-left)."""
    cells: set[tuple[int, int]] = set()
    for ref in merges:
        r1, c1, r2, c2 = _merge_box(ref)
        cells.update((r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1))
        cells.discard((r1, c1))
    return cells


# --- .xlsx / .xlsm ------------------------------------------------------------------------


def _fill_openpyxl(ws: Any, rows: Rows, merges: Sequence[str], percent: Sequence[str]) -> None:
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    for ref in merges:
        ws.merge_cells(ref)
    for ref in percent:
        ws[ref].number_format = PERCENT_FORMAT


def to_xlsm(data: bytes) -> bytes:
    """Re-declare the workbook part of an .xlsx package as macro-enabled (.xlsm)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            payload = src.read(info)
            if info.filename == "[Content_Types].xml":
                text = payload.decode("utf-8")
                assert XLSX_CONTENT_TYPE in text, "unexpected openpyxl content types"
                payload = text.replace(XLSX_CONTENT_TYPE, XLSM_CONTENT_TYPE).encode("utf-8")
            dst.writestr(info, payload)
    return out.getvalue()


def xlsx(
    rows: Rows,
    *,
    sheet: str = "Data",
    merges: Sequence[str] = (),
    percent: Sequence[str] = (),
    sheets_before: dict[str, Rows] | None = None,
    sheets_after: dict[str, Rows] | None = None,
    macro: bool = False,
) -> bytes:
    """An .xlsx workbook (an .xlsm package when ``macro``) with ``rows`` on sheet ``sheet``.

    ``sheets_before`` / ``sheets_after`` are extra sheets (name -> rows) placed before / after the
    data sheet, e.g. {"Petunjuk": [["Isi kolom ..."]]}.
    """
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, extra in (sheets_before or {}).items():
        _fill_openpyxl(wb.create_sheet(name), extra, (), ())
    _fill_openpyxl(wb.create_sheet(sheet), rows, merges, percent)
    for name, extra in (sheets_after or {}).items():
        _fill_openpyxl(wb.create_sheet(name), extra, (), ())
    wb.active = len(sheets_before or {})
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    return to_xlsm(data) if macro else data


# --- .xls ---------------------------------------------------------------------------------


def xls(
    rows: Rows,
    *,
    sheet: str = "Data",
    merges: Sequence[str] = (),
    percent: Sequence[str] = (),
) -> bytes:
    """An Excel 97-2003 (.xls, BIFF8) workbook written with xlwt."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    ws = book.add_sheet(sheet)
    plain = xlwt.XFStyle()
    pct = xlwt.XFStyle()
    pct.num_format_str = PERCENT_FORMAT
    date = xlwt.XFStyle()
    date.num_format_str = "DD/MM/YYYY"
    percent_cells = {_cell_index(ref) for ref in percent}

    def style_of(r: int, c: int, value: object) -> xlwt.XFStyle:
        if (r, c) in percent_cells:
            return pct
        if isinstance(value, dt.date):
            return date
        return plain

    def value_at(r: int, c: int) -> object:
        return rows[r][c] if r < len(rows) and c < len(rows[r]) else None

    covered = _covered(merges)
    for ref in merges:
        r1, c1, r2, c2 = _merge_box(ref)
        value = value_at(r1, c1)
        ws.write_merge(r1, r2, c1, c2, "" if value is None else value, style_of(r1, c1, value))
    tops = {(_merge_box(ref)[0], _merge_box(ref)[1]) for ref in merges}
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or (r, c) in covered or (r, c) in tops:
                continue
            ws.write(r, c, value, style_of(r, c, value))
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


# --- .ods ---------------------------------------------------------------------------------


def ods(
    rows: Rows,
    *,
    sheet: str = "Data",
    merges: Sequence[str] = (),
    percent: Sequence[str] = (),
) -> bytes:
    """An OpenDocument spreadsheet (.ods) written with odfpy, laid out as LibreOffice saves it.

    Numbers are value-type "float", percent cells value-type "percentage" (office:value the
    fraction), text is text:p (one per line), merges are number-columns/rows-spanned on the
    top-left cell with covered-table-cell elements in the rest of the range.
    """
    from odf.number import Number, PercentageStyle
    from odf.number import Text as NumberText
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style
    from odf.table import CoveredTableCell, Table, TableCell, TableColumn, TableRow
    from odf.text import P

    doc = OpenDocumentSpreadsheet()
    pct_data = PercentageStyle(name="N10")
    pct_data.addElement(Number(decimalplaces="1", minintegerdigits="1"))
    pct_data.addElement(NumberText(text="%"))
    doc.automaticstyles.addElement(pct_data)
    pct_style = Style(name="ce1", family="table-cell", datastylename="N10")
    doc.automaticstyles.addElement(pct_style)

    spans = {}
    for ref in merges:
        r1, c1, r2, c2 = _merge_box(ref)
        spans[(r1, c1)] = (r2 - r1 + 1, c2 - c1 + 1)
    covered = _covered(merges)
    percent_cells = {_cell_index(ref) for ref in percent}
    width = max([len(row) for row in rows] + [c2 + 1 for *_, c2 in map(_merge_box, merges)] + [1])
    height = max([len(rows)] + [r2 + 1 for _, _, r2, _ in map(_merge_box, merges)])

    table = Table(name=sheet)
    table.addElement(TableColumn(numbercolumnsrepeated=str(width)))
    for r in range(height):
        row = rows[r] if r < len(rows) else []
        tr = TableRow()
        last = max([c for c, v in enumerate(row) if v is not None] + [-1])
        last = max([last] + [c for (rr, c) in covered | spans.keys() if rr == r])
        for c in range(last + 1):
            value = row[c] if c < len(row) else None
            if (r, c) in covered:
                tr.addElement(CoveredTableCell())
                continue
            attrs: dict[str, str] = {}
            if (r, c) in spans:
                nrows, ncols = spans[(r, c)]
                attrs["numberrowsspanned"] = str(nrows)
                attrs["numbercolumnsspanned"] = str(ncols)
            text: str | None = None
            if value is None:
                cell = TableCell(**attrs)
            elif (r, c) in percent_cells:
                if not isinstance(value, int | float) or isinstance(value, bool):
                    raise TypeError(f"percent cell {r},{c} must hold a number, not {value!r}")
                cell = TableCell(
                    valuetype="percentage", value=repr(float(value)), stylename=pct_style, **attrs
                )
                text = f"{value * 100:.1f}%"
            elif isinstance(value, bool):
                cell = TableCell(valuetype="boolean", booleanvalue=str(value).lower(), **attrs)
                text = "TRUE" if value else "FALSE"
            elif isinstance(value, int | float):
                cell = TableCell(valuetype="float", value=repr(value), **attrs)
                text = str(value)
            elif isinstance(value, dt.datetime | dt.date):
                cell = TableCell(valuetype="date", datevalue=value.isoformat(), **attrs)
                text = value.isoformat()
            else:
                cell = TableCell(valuetype="string", **attrs)
                text = str(value)
            if text is not None:
                for line in text.split("\n"):
                    cell.addElement(P(text=line))
            tr.addElement(cell)
        table.addElement(tr)
    doc.spreadsheet.addElement(table)
    buf = io.BytesIO()
    doc.write(buf)
    return buf.getvalue()


# --- realistic long-layout rows -----------------------------------------------------------

LONG_HEADER: list[object] = [
    "No",
    "Bidang",
    "Sasaran",
    "Indikator Kinerja",
    "Satuan",
    "Arah",
    "Tahun",
    "Periode",
    "Target",
    "Realisasi",
    "Capaian (%)",
    "Keterangan",
]

# (sasaran, indikator, satuan, arah, annual target, cumulative quarters?) per unit.
_INDIKATOR: dict[str, list[tuple[str, str, str, str, float, bool]]] = {
    "industri": [
        (
            "Meningkatnya daya saing industri kecil dan menengah",
            "Jumlah IKM yang dibina",
            "unit",
            "Naik",
            120,
            True,
        ),
        (
            "Meningkatnya daya saing industri kecil dan menengah",
            "Jumlah sentra IKM",
            "sentra",
            "Naik",
            8,
            True,
        ),
        (
            "Meningkatnya kapasitas kelompok pengrajin",
            "Cakupan bina kelompok pengrajin",
            "%",
            "Naik",
            85,
            False,
        ),
        (
            "Meningkatnya kapasitas kelompok pengrajin",
            "Jumlah IKM yang memperoleh sertifikat halal",
            "unit",
            "Naik",
            40,
            True,
        ),
    ],
    "pelatihan": [
        (
            "Meningkatnya kompetensi dan daya saing tenaga kerja",
            "Tenaga kerja yang mendapat pelatihan berbasis kompetensi",
            "orang",
            "Naik",
            200,
            True,
        ),
        (
            "Meningkatnya kompetensi dan daya saing tenaga kerja",
            "Pencari kerja terdaftar yang ditempatkan",
            "orang",
            "Naik",
            400,
            True,
        ),
        (
            "Menurunnya tingkat pengangguran terbuka",
            "Persentase lowongan kerja yang terpenuhi",
            "%",
            "Naik",
            75,
            False,
        ),
        (
            "Menurunnya tingkat pengangguran terbuka",
            "Tingkat pengangguran terbuka",
            "%",
            "Turun",
            4.3,
            False,
        ),
    ],
    "hubungan": [
        (
            "Terciptanya hubungan industrial yang harmonis",
            "Angka sengketa pengusaha-pekerja",
            "kasus",
            "Turun",
            10,
            True,
        ),
        (
            "Terciptanya hubungan industrial yang harmonis",
            "Kasus yang diselesaikan dengan Perjanjian Bersama",
            "kasus",
            "Naik",
            8,
            True,
        ),
        (
            "Terciptanya hubungan industrial yang harmonis",
            "Persentase perselisihan hubungan industrial yang diselesaikan",
            "%",
            "Naik",
            85,
            False,
        ),
        (
            "Meningkatnya perlindungan tenaga kerja",
            "Pekerja peserta program Jamsostek",
            "orang",
            "Naik",
            3400,
            False,
        ),
    ],
    "sekretariat": [
        (
            "Meningkatnya akuntabilitas kinerja perangkat daerah",
            "Persentase realisasi anggaran",
            "%",
            "Naik",
            95,
            True,
        ),
        (
            "Meningkatnya akuntabilitas kinerja perangkat daerah",
            "Nilai SAKIP",
            "nilai",
            "Naik",
            65,
            False,
        ),
        (
            "Meningkatnya kualitas pelayanan publik",
            "Indeks kepuasan masyarakat",
            "nilai",
            "Naik",
            82,
            False,
        ),
    ],
}
KECAMATAN: list[str] = [
    "Akabiluru",
    "Bukik Barisan",
    "Guguak",
    "Gunuang Omeh",
    "Harau",
    "Kapur IX",
    "Lareh Sago Halaban",
    "Luak",
    "Mungka",
    "Pangkalan Koto Baru",
    "Payakumbuh",
    "Situjuah Limo Nagari",
    "Suliki",
]
_TW = ["TW I", "TW II", "TW III", "TW IV"]
_COUNTS = frozenset({"unit", "orang", "kasus", "sentra"})
_KETERANGAN = [
    None,
    None,
    "Sesuai rencana aksi",
    "Kegiatan bergeser ke triwulan berikutnya",
    "Anggaran refocusing",
    None,
]


def _pool(bidang: str) -> list[tuple[str, str, str, str, float, bool]]:
    key = bidang.lower()
    for word, pool in _INDIKATOR.items():
        if word in key:
            return pool
    return [item for pool in _INDIKATOR.values() for item in pool]


def _capaian(target: float, realisasi: float, arah: str) -> float | None:
    if target == 0:
        return None
    if arah.lower() == "turun":
        return max(0.0, (2 * target - realisasi) / target * 100)
    return realisasi / target * 100


def long_rows(n: int, *, bidang: str = "Bidang Perindustrian", tahun: int = 2023) -> Rows:
    """A long-layout header and ``n`` data rows: each indicator over TW I..TW IV, then the next.

    Indicators come from the unit's pool (picked by a word of ``bidang``), then the same per
    kecamatan, then numbered packages, so bidang + indikator + tahun + periode never repeats.
    Targets are cumulative quarterly ("5, 10, 18, 25") for counts; realisasi is 70-120 % of
    target (seeded), capaian matches the docs/format.md formula rounded to two decimals.
    """
    rng = random.Random(f"{bidang}/{tahun}/{n}")
    pool = _pool(bidang)
    rows: Rows = [list(LONG_HEADER)]
    for i in range(n):
        k, quarter = divmod(i, 4)
        base, variant = k % len(pool), k // len(pool)
        sasaran, indikator, satuan, arah, annual, cumulative = pool[base]
        if variant:
            kec, paket = divmod(variant - 1, len(KECAMATAN))
            indikator = f"{indikator} di Kecamatan {KECAMATAN[paket]}"
            if kec:
                indikator = f"{indikator} (paket {kec + 1})"
        share = (0.2, 0.45, 0.72, 1.0)[quarter] if cumulative else 1.0
        count = satuan in _COUNTS
        target = max(1, round(annual * share)) if count else round(annual * share, 2)
        realisasi = target * rng.uniform(0.7, 1.2)
        realisasi = round(realisasi) if count else round(realisasi, 2)
        capaian = _capaian(target, realisasi, arah)
        rows.append(
            [
                i + 1,
                bidang,
                sasaran,
                indikator,
                satuan,
                arah,
                tahun,
                _TW[quarter],
                target,
                realisasi,
                None if capaian is None else round(capaian, 2),
                rng.choice(_KETERANGAN),
            ]
        )
    return rows
