"""A printable table sheet (XlsxWriter): title block, header, rows, signature, A4 print."""

from __future__ import annotations

import functools
import io
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from kinerja import export
from kinerja.lkjip.data import Baris, Laporan, tanggal_teks

DRAFT = "DRAFT – BELUM TERVERIFIKASI"

INDONESIA = "[$-421]"
"""The Indonesian locale on a number format: LibreOffice shows 1.234,56 whatever the
machine's locale; Excel takes its separators from the system (Indonesian: the same)."""
FORMAT_RUPIAH = INDONESIA + '"Rp" #,##0'
FORMAT_PERSEN = INDONESIA + "#,##0.00"
"""Percentages are numbers (101.46) shown with two decimals (101,46)."""
PAPER_A4 = 9


def kosong(v: object) -> bool:
    if v is None or v is pd.NA or v is pd.NaT:
        return True
    if isinstance(v, float):
        return not math.isfinite(v)
    return bool(isinstance(v, str) and not v)


@functools.lru_cache(maxsize=65536)
def _desimal(x: float) -> int:
    """Decimals a number was written with (0,7281: 4), at most 4."""
    exp = Decimal(repr(float(x))).normalize().as_tuple().exponent
    return min(max(-int(exp), 0), 4) if isinstance(exp, int) else 0


@dataclass(frozen=True)
class Kolom:
    """A table column: header, width, kind ("teks", "angka", "persen", "rupiah", "bulat",
    "no") and the row's value."""

    judul: str
    lebar: float
    jenis: str
    nilai: Callable[[Baris], object]


class Buku:
    """The workbook and its formats (one Format per look, made once)."""

    def __init__(self, laporan: Laporan) -> None:
        self.laporan = laporan
        self.buf = io.BytesIO()
        options = {**export.WORKBOOK_OPTIONS, "constant_memory": False, "in_memory": True}
        self.wb = xlsxwriter.Workbook(self.buf, options)
        self.wb.set_properties(
            {
                "title": f"Data LKjIP {laporan.kop.nama} {laporan.judul_tahun.title()}",
                "author": laporan.kop.nama,
                "comments": DRAFT if laporan.draft else "Data terverifikasi",
            }
        )
        self._formats: dict[tuple[Any, ...], Format] = {}
        self._sel: dict[tuple[str, bool, str | None, int], Format] = {}

    def fmt(self, **props: Any) -> Format:
        key = tuple(sorted(props.items()))
        if key not in self._formats:
            self._formats[key] = self.wb.add_format(props)
        return self._formats[key]

    def sel(self, jenis: str, *, tebal: bool = False, isi: str | None = None, k: int = 0) -> Format:
        """A bordered table cell of a kind."""
        key = (jenis, tebal, isi, k)
        found = self._sel.get(key)
        if found is None:
            found = self._sel[key] = self._buat_sel(jenis, tebal, isi, k)
        return found

    def _buat_sel(self, jenis: str, tebal: bool, isi: str | None, k: int) -> Format:
        props: dict[str, Any] = {"border": 1, "valign": "top", "font_size": 10}
        if tebal:
            props["bold"] = True
        if isi:
            props.update(pattern=1, bg_color=isi)
        if jenis == "teks":
            props["text_wrap"] = True
        elif jenis == "teks_q":
            props.update(text_wrap=True, quote_prefix=True)
        elif jenis == "no":
            props["align"] = "center"
        elif jenis == "persen":
            props["num_format"] = FORMAT_PERSEN
        elif jenis == "rupiah":
            props["num_format"] = FORMAT_RUPIAH
        elif jenis == "bulat":
            props.update(num_format="0", align="center")
        elif jenis == "angka":
            props["num_format"] = INDONESIA + "#,##0" + ("." + "0" * k if k else "")
        return self.fmt(**props)

    def close(self) -> bytes:
        self.wb.close()
        return self.buf.getvalue()


def tulis(
    ws: Worksheet,
    buku: Buku,
    r: int,
    c: int,
    v: object,
    jenis: str,
    *,
    tebal: bool = False,
    isi: str | None = None,
) -> None:
    """One cell of a table. Text is always a string cell (never a formula; a text a
    spreadsheet would run as one also gets the quote prefix, so editing it keeps it text);
    numbers are numbers; empty is a bordered blank."""
    if isinstance(v, float) and jenis != "angka" and math.isfinite(v):
        ws.write_number(r, c, v, buku.sel(jenis, tebal=tebal, isi=isi))
        return
    if kosong(v):
        ws.write_blank(r, c, None, buku.sel("teks", tebal=tebal, isi=isi))
        return
    if isinstance(v, bool):
        v = "Ya" if v else ""
    if isinstance(v, str):
        teks = export.xlsx_text(v)
        kind = "teks_q" if export.safe_text(v) != v else "teks"
        if jenis == "no":
            kind = "no"
        ws.write_string(r, c, teks, buku.sel(kind, tebal=tebal, isi=isi))
        return
    x = float(v)  # type: ignore[arg-type]
    k = _desimal(x) if jenis == "angka" else 0
    ws.write_number(r, c, x, buku.sel(jenis, tebal=tebal, isi=isi, k=k))


class Lembar:
    """A sheet laid out as reports print them: title block, header, column numbers, rows,
    signature block; A4 landscape with the header rows repeated on every page."""

    def __init__(self, buku: Buku, nama: str, judul: str, kolom: Sequence[Kolom]) -> None:
        self.buku = buku
        self.ws = buku.wb.add_worksheet(nama)
        self.kolom = list(kolom)
        self.n = len(self.kolom)
        self.judul = judul
        self.r = 0
        for j, k in enumerate(self.kolom):
            self.ws.set_column(j, j, k.lebar)

    def _baris_judul(self, teks: str, **props: Any) -> None:
        fmt = self.buku.fmt(align="center", valign="vcenter", **props)
        if self.n > 1:
            self.ws.merge_range(self.r, 0, self.r, self.n - 1, "", fmt)
        self.ws.write_string(self.r, 0, export.xlsx_text(teks), fmt)
        self.r += 1

    def kepala(self, kelompok: Sequence[tuple[str, int]] | None = None) -> None:
        """Title block, header (two rows when kelompok groups columns: (label, span), a
        span of 1 is a column merged over both rows) and the column-number row."""
        lap = self.buku.laporan
        if lap.kop.pemerintah:
            self._baris_judul(lap.kop.pemerintah, bold=True, font_size=12)
        self._baris_judul(lap.kop.nama.upper(), bold=True, font_size=12)
        if lap.kop.alamat:
            self._baris_judul(lap.kop.alamat, font_size=9, italic=True)
        self._baris_judul(self.judul.upper(), bold=True, font_size=12)
        self._baris_judul(lap.judul_tahun, bold=True, font_size=11)
        if lap.draft:
            self._baris_judul(DRAFT, bold=True, font_color="#C00000", font_size=12)
        self.r += 1
        kepala = self.buku.fmt(
            bold=True,
            border=1,
            text_wrap=True,
            align="center",
            valign="vcenter",
            pattern=1,
            bg_color="#DDEBF7",
            font_size=10,
        )
        atas = self.r
        if kelompok:
            j = 0
            for label, span in kelompok:
                if span == 1:
                    self.ws.merge_range(atas, j, atas + 1, j, "", kepala)
                    self.ws.write_string(atas, j, self.kolom[j].judul, kepala)
                else:
                    self.ws.merge_range(atas, j, atas, j + span - 1, "", kepala)
                    self.ws.write_string(atas, j, export.xlsx_text(label), kepala)
                    for i in range(j, j + span):
                        self.ws.write_string(atas + 1, i, self.kolom[i].judul, kepala)
                j += span
            self.ws.set_row(atas + 1, 30)
            self.r += 2
        else:
            for j, k in enumerate(self.kolom):
                self.ws.write_string(atas, j, k.judul, kepala)
            self.ws.set_row(atas, 30)
            self.r += 1
        nomor = self.buku.fmt(border=1, align="center", italic=True, font_size=8)
        for j in range(self.n):
            self.ws.write_string(self.r, j, f"({j + 1})", nomor)
        self.r += 1
        self.ws.repeat_rows(atas, self.r - 1)
        self.ws.freeze_panes(self.r, 0)
        self.awal_data = self.r

    def baris(self, row: Baris, *, tebal: bool = False, isi: str | None = None) -> int:
        for j, k in enumerate(self.kolom):
            tulis(self.ws, self.buku, self.r, j, k.nilai(row), k.jenis, tebal=tebal, isi=isi)
        self.r += 1
        return self.r - 1

    def semua(self, rows: Sequence[Baris], nomor: bool = False, berbingkai: bool = True) -> None:
        """Plain rows (numbered 1, 2, ... in "no" when nomor): tulis() per cell, with the
        common cases (a finite float, a plain text) written straight away; a regency's
        year is a few hundred thousand cells. berbingkai=False leaves an empty cell unwritten
        (no border: the Data sheet's table style draws its own)."""
        ws, sel = self.ws, self.buku.sel
        teks, angka = sel("teks"), {k: sel("angka", k=k) for k in range(5)}
        spec = [(k.nilai, k.jenis, sel(k.jenis)) for k in self.kolom]
        for n, row in enumerate(rows, start=1):
            if nomor:
                row = {**row, "no": n}
            r = self.r
            for j, (nilai, jenis, fmt) in enumerate(spec):
                v = nilai(row)
                if type(v) is float and math.isfinite(v):
                    if jenis == "angka":
                        ws.write_number(r, j, v, angka[_desimal(v)])
                    else:
                        ws.write_number(r, j, v, fmt)
                elif type(v) is str and v and export.safe_text(v) is v and jenis != "no":
                    ws.write_string(r, j, v if v.isprintable() else export.xlsx_text(v), teks)
                elif not berbingkai and kosong(v):
                    continue
                else:
                    tulis(ws, self.buku, r, j, v, jenis)
            self.r += 1

    def label(self, teks: str, *, mulai: int = 1, no: object = None) -> None:
        """A group row (a sasaran): its number, then its name merged over the other columns."""
        fmt = self.buku.sel("teks", tebal=True, isi="#F2F2F2")
        tulis(self.ws, self.buku, self.r, 0, no, "no", tebal=True, isi="#F2F2F2")
        if self.n - 1 > mulai:
            self.ws.merge_range(self.r, mulai, self.r, self.n - 1, "", fmt)
        tulis(self.ws, self.buku, self.r, mulai, teks, "teks", tebal=True, isi="#F2F2F2")
        self.r += 1

    def pesan(self, teks: str) -> None:
        """A line in place of rows (nothing to show)."""
        fmt = self.buku.fmt(border=1, italic=True, text_wrap=True, font_size=10)
        self.ws.merge_range(self.r, 0, self.r, self.n - 1, "", fmt)
        self.ws.write_string(self.r, 0, teks, fmt)
        self.r += 1

    def tanda_tangan(self) -> None:
        """Place and date, office, room to sign, name, NIP: right, under the table."""
        lap = self.buku.laporan
        kepala = lap.kop.kepala
        lebar = min(3, self.n)
        kiri = self.n - lebar
        self.r += 1
        tempat = f"{lap.kop.kota}, " if lap.kop.kota else ""
        garis: list[tuple[str, dict[str, Any]]] = [
            (f"{tempat}{tanggal_teks(lap.tanggal)}", {}),
            (kepala.jabatan, {"text_wrap": True}),
            ("", {}),
            ("", {}),
            (kepala.nama or "(nama)", {"bold": True, "underline": 1}),
            (f"NIP. {kepala.nip}" if kepala.nip else "NIP. –", {}),
        ]
        for teks, props in garis:
            fmt = self.buku.fmt(align="center", font_size=10, **props)
            if lebar > 1:
                self.ws.merge_range(self.r, kiri, self.r, self.n - 1, "", fmt)
            self.ws.write_string(self.r, kiri, export.xlsx_text(teks), fmt)
            self.r += 1

    def cetak(self) -> None:
        """A4 landscape, one page wide, header rows on every page, page numbers."""
        ws = self.ws
        ws.set_paper(PAPER_A4)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
        ws.center_horizontally()
        ws.print_area(0, 0, max(self.r - 1, 0), self.n - 1)
        ws.set_footer("&L&8" + kaki(self.buku.laporan) + "&R&8Halaman &P dari &N")
        if self.buku.laporan.draft:
            ws.set_header("&C&12&B" + DRAFT)


def kaki(laporan: Laporan) -> str:
    """Footer text: the agency and year, "&" doubled (a control character there)."""
    teks = f"Data LKjIP {laporan.kop.nama} {laporan.judul_tahun.title()}"
    return export.xlsx_text(teks).replace("&", "&&")[:200]
