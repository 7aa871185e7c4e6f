"""The collection format of a round (SOP step 2): one protected .xlsx per bidang built from the
PK master, with a Petunjuk sheet and the metadata the reader recognises it by; all as a .zip."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd
import xlsxwriter
from xlsxwriter.format import Format as CellFormat
from xlsxwriter.worksheet import Worksheet

from kinerja import bidang as bidang_mod
from kinerja import schema

# The PK target column of each periode, as the evaluation compares targets (one mapping).
from kinerja.evaluate.checks import PK_TARGET
from kinerja.ingest.meta import FormatMeta, MetaRow

# The data sheet's columns, as the reader knows them (docs/format.md); input columns last.
HEADERS = [
    "No",
    "Sasaran",
    "Indikator Kinerja",
    "Satuan",
    "Arah",
    "Target",
    "Realisasi",
    "Keterangan",
    "Pagu Anggaran (Rp)",
    "Realisasi Anggaran (Rp)",
]
_WIDTHS = [5, 32, 46, 11, 8, 13, 14, 36, 19, 19]
COL_TARGET, COL_REALISASI, COL_KETERANGAN, COL_PAGU, COL_REALISASI_ANGGARAN = 5, 6, 7, 8, 9
PETUNJUK = "Petunjuk"
META_COL = 26  # column AA of the Petunjuk sheet, hidden: where the metadata block starts
_MAX_DECIMALS = 6
# Realisasi may be negative (a growth rate); the bounds only keep text out of the cell.
_BATAS_ANGKA = 1e15

_FILL_LOCKED = "#F2F2F2"
_FILL_INPUT = "#FFF2CC"
_FILL_HEADER = "#D9E1F2"


@dataclass(frozen=True)
class Format:
    """One bidang's format: the file and what it holds."""

    bidang: str
    tahun: int
    periode: str
    nama_file: str
    data: bytes
    indikator: int  # indicator rows in the format
    tanpa_target: tuple[str, ...]  # PK indicators with no target for the periode: left out


def target_column(periode: str) -> str:
    """The PK column holding a periode's target: TW n target_twn, Semester I target_tw2,
    Semester II target_tw4, Tahunan target (kinerja.evaluate's mapping)."""
    p = schema.parse_periode(periode)
    if p is None:
        raise ValueError(f"periode {periode!r} tidak dikenal")
    return PK_TARGET[p]


def period_targets(pk: pd.DataFrame, periode: str) -> pd.Series:
    """Each PK row's target for the periode (NaN where the PK has none).

    A periode ending the year (TW IV, Semester II) whose Rencana Aksi leaves the quarter
    empty takes the annual target, as the evaluation does for Semester II: an indicator
    measured once a year is reported at the year's end."""
    p = schema.parse_periode(periode)
    col = target_column(periode)
    target = pd.to_numeric(pk[col], errors="coerce").astype("float64")
    if p is not None and schema.PERIODE_AKHIR_BULAN[p] == 12 and col != "target":
        target = target.fillna(pd.to_numeric(pk["target"], errors="coerce").astype("float64"))
    return target


def current_periode(today: dt.date) -> str:
    """The quarter a date falls in: "TW I" for January to March, ... "TW IV"."""
    return schema.TRIWULAN[(today.month - 1) // 3]


def bidang_order(pk: pd.DataFrame, settings: Mapping[str, Any]) -> list[str]:
    """The PK's bidang in the agency's order (settings "bidang"), the others after it."""
    in_pk = list(dict.fromkeys(str(b) for b in pk["bidang"].dropna()))
    daftar = [str(b) for b in settings.get("bidang") or []]
    first = [b for b in daftar if b in in_pk]
    return first + [b for b in in_pk if b not in first]


def bidang_without_pk(pk: pd.DataFrame, settings: Mapping[str, Any]) -> list[str]:
    """The agency's bidang (settings) with no indicator in this PK."""
    in_pk = [str(b) for b in pk["bidang"].dropna().unique()]
    return [b for b in settings.get("bidang") or [] if bidang_mod.match(str(b), in_pk) is None]


def file_name(bidang: str, tahun: int, periode: str) -> str:
    """ "format-kinerja-2023-tw-ii-bidang-perindustrian.xlsx": lower case, ASCII, dashes."""
    slug = re.sub(r"[^a-z0-9]+", "-", f"{tahun} {periode} {bidang}".lower()).strip("-")
    return f"format-kinerja-{slug}.xlsx"


def build(
    pk: pd.DataFrame,
    settings: Mapping[str, Any],
    *,
    tahun: int,
    periode: str,
    bidang: str | None = None,
) -> list[Format]:
    """The formats of a round, one per bidang of the PK (or only ``bidang``, matched ignoring
    case and spacing), in the agency's order. [] when the PK has no such bidang. A bidang none
    of whose indicators has a target for the periode gets no format (bidang_without_target).

    pk: the year's indicator master (store.indicators: PK_COLUMNS), in its order.
    settings: the agency's (nama, kabupaten, kota, alamat, bidang, subkoordinator; each may
    be absent). An indicator with no target for the periode is left out and named in
    Format.tanpa_target.
    """
    p = schema.parse_periode(periode)
    if p is None:
        raise ValueError(f"periode {periode!r} tidak dikenal")
    names = bidang_order(pk, settings)
    if bidang is not None:
        chosen = bidang_mod.match(bidang, names)
        names = [chosen] if chosen else []
    targets = period_targets(pk, p) if len(pk) else pd.Series(dtype="float64")
    out = []
    for name in names:
        mask = (pk["bidang"] == name).to_numpy()
        rows = pk[mask].assign(_target=targets[mask])
        made = build_one(rows, settings, tahun=tahun, periode=p, bidang=name)
        if made.indikator:
            out.append(made)
    return out


def bidang_without_target(pk: pd.DataFrame, formats: Sequence[Format]) -> list[str]:
    """The PK's bidang that got no format: none of their indicators has the periode's target."""
    made = {f.bidang for f in formats}
    return [b for b in dict.fromkeys(str(x) for x in pk["bidang"].dropna()) if b not in made]


def build_one(
    rows: pd.DataFrame, settings: Mapping[str, Any], *, tahun: int, periode: str, bidang: str
) -> Format:
    """One bidang's format from its PK rows; "_target" holds the periode's target when
    given (build computes it once for every bidang), else it is computed here."""
    if "_target" not in rows.columns:
        rows = rows.assign(_target=period_targets(rows, periode))
    has_target = rows["_target"].notna().to_numpy()
    missing = tuple(str(i) for i in rows.loc[~has_target, "indikator"])
    rows = rows[has_target]
    data, meta = _workbook(rows, settings, tahun, periode, bidang)
    return Format(
        bidang=bidang,
        tahun=tahun,
        periode=periode,
        nama_file=file_name(bidang, tahun, periode),
        data=data,
        indikator=len(meta.rows),
        tanpa_target=missing,
    )


def to_zip(formats: Sequence[Format]) -> bytes:
    """Every format in one .zip, each under its file name."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for f in formats:
            zf.writestr(f.nama_file, f.data)
    return buf.getvalue()


def zip_name(tahun: int, periode: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", f"{tahun} {periode}".lower()).strip("-")
    return f"format-kinerja-{slug}.zip"


def periode_title(periode: str) -> str:
    """The periode as a title writes it: "TRIWULAN II", "SEMESTER I", "TAHUNAN"."""
    if periode.startswith("TW "):
        return "TRIWULAN " + periode[3:]
    return periode.upper()


# --- the workbook -------------------------------------------------------------------------


class _Styles:
    """The workbook's cell formats, created once (XlsxWriter keeps one per combination)."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self.wb = wb
        base = {"font_name": "Arial", "font_size": 10, "valign": "top"}
        self.base = base
        self.title = wb.add_format({**base, "bold": True, "font_size": 12, "align": "center"})
        self.subtitle = wb.add_format({**base, "bold": True, "align": "center"})
        self.centered = wb.add_format({**base, "align": "center"})
        self.plain = wb.add_format(base)
        self.note = wb.add_format({**base, "italic": True, "font_color": "#595959"})
        self.header = wb.add_format(
            {
                **base,
                "bold": True,
                "border": 1,
                "text_wrap": True,
                "align": "center",
                "valign": "vcenter",
                "bg_color": _FILL_HEADER,
            }
        )
        self.number = wb.add_format(
            {**base, "italic": True, "font_size": 8, "border": 1, "align": "center"}
        )
        cell = {**base, "border": 1, "text_wrap": True}
        self.locked_text = wb.add_format({**cell, "bg_color": _FILL_LOCKED})
        self.locked_center = wb.add_format({**cell, "bg_color": _FILL_LOCKED, "align": "center"})
        self.input_number = wb.add_format({**cell, "bg_color": _FILL_INPUT, "locked": False})
        self.input_money = wb.add_format(
            {**cell, "bg_color": _FILL_INPUT, "locked": False, "num_format": "#,##0"}
        )
        self.input_text = wb.add_format({**cell, "bg_color": _FILL_INPUT, "locked": False})
        self.wrap = wb.add_format({**base, "text_wrap": True})
        self.heading = wb.add_format({**base, "bold": True, "font_size": 12})
        self._targets: dict[int, CellFormat] = {}

    def target(self, value: float) -> CellFormat:
        """A locked number shown with every decimal it has (up to six)."""
        k = _decimals(value)
        if k not in self._targets:
            num = "#,##0" + ("." + "0" * k if k else "")
            self._targets[k] = self.wb.add_format(
                {
                    **self.base,
                    "border": 1,
                    "bg_color": _FILL_LOCKED,
                    "num_format": num,
                    "align": "right",
                }
            )
        return self._targets[k]


def _decimals(value: float) -> int:
    exponent = Decimal(repr(float(value))).as_tuple().exponent
    return min(-exponent, _MAX_DECIMALS) if isinstance(exponent, int) and exponent < 0 else 0


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA:
        return ""
    return " ".join(str(v).split())


def _number(v: Any) -> float | None:
    if v is None or v is pd.NA or isinstance(v, bool | str):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _workbook(
    rows: pd.DataFrame, settings: Mapping[str, Any], tahun: int, periode: str, bidang: str
) -> tuple[bytes, FormatMeta]:
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    wb.set_properties(
        {
            "title": f"Format Data Kinerja {periode} {tahun} - {bidang}",
            "author": _text(settings.get("nama")) or "Kinerja",
            "comments": "Dibuat oleh aplikasi Kinerja dari Perjanjian Kinerja.",
        }
    )
    styles = _Styles(wb)
    petunjuk = wb.add_worksheet(PETUNJUK)
    sheet = wb.add_worksheet(periode)  # the sheet's name is the periode: context for the reader
    meta = _data_sheet(sheet, styles, rows, settings, tahun, periode, bidang)
    _petunjuk_sheet(petunjuk, styles, settings, tahun, periode, bidang, len(meta.rows))
    for r, cells in enumerate(meta.block()):
        for c, v in enumerate(cells):
            if isinstance(v, str):
                petunjuk.write_string(r, META_COL + c, v)
            else:
                petunjuk.write_number(r, META_COL + c, v)
    petunjuk.set_column(META_COL, META_COL + 4, None, None, {"hidden": True})
    sheet.activate()
    wb.close()
    return buf.getvalue(), meta


def _title_lines(
    settings: Mapping[str, Any], tahun: int, periode: str, bidang: str
) -> list[tuple[str, str]]:
    """The title rows: (text, "judul" | "alamat" | "unit")."""
    lines = []
    kabupaten = _text(settings.get("kabupaten"))
    if kabupaten:
        if not re.match(r"(?i)(kabupaten|kota)\b", kabupaten):
            kabupaten = "Kabupaten " + kabupaten
        lines.append((f"PEMERINTAH {kabupaten.upper()}", "judul"))
    nama = _text(settings.get("nama"))
    if nama:
        lines.append((nama.upper(), "judul"))
    alamat = _text(settings.get("alamat"))
    if alamat:
        lines.append((alamat, "alamat"))
    lines.append((f"FORMAT DATA KINERJA {periode_title(periode)} TAHUN {tahun}", "judul"))
    lines.append((f"Unit Kerja: {bidang}", "unit"))
    return lines


def _data_sheet(
    ws: Worksheet,
    styles: _Styles,
    rows: pd.DataFrame,
    settings: Mapping[str, Any],
    tahun: int,
    periode: str,
    bidang: str,
) -> FormatMeta:
    last_col = len(HEADERS) - 1
    lines = _title_lines(settings, tahun, periode, bidang)
    style = {"judul": styles.title, "alamat": styles.centered, "unit": styles.subtitle}
    for r, (line, kind) in enumerate(lines):
        ws.merge_range(r, 0, r, last_col, line, style[kind])
    header = len(lines) + 1
    for c, (h, width) in enumerate(zip(HEADERS, _WIDTHS, strict=True)):
        ws.set_column(c, c, width)
        ws.write_string(header, c, h, styles.header)
        ws.write_string(header + 1, c, f"({c + 1})", styles.number)
    ws.set_row(header, 30)
    first = header + 2

    sasaran = [_text(v) for v in rows["sasaran"]] if "sasaran" in rows else [""] * len(rows)
    indikator = [_text(v) for v in rows["indikator"]]
    satuan = [_text(v) for v in rows["satuan"]] if "satuan" in rows else [""] * len(rows)
    arah = [_text(v) or "naik" for v in rows["arah"]] if "arah" in rows else ["naik"] * len(rows)
    kode = [_text(v) or None for v in rows["kode"]] if "kode" in rows else [None] * len(rows)
    pagu = [_number(v) for v in rows["pagu"]] if "pagu" in rows else [None] * len(rows)
    targets = [float(v) for v in rows["_target"]]
    meta_rows = []
    for i in range(len(rows)):
        r = first + i
        ws.write_number(r, 0, i + 1, styles.locked_center)
        ws.write_string(r, 2, indikator[i], styles.locked_text)
        ws.write_string(r, 3, satuan[i], styles.locked_center)
        ws.write_string(r, 4, arah[i].capitalize(), styles.locked_center)
        ws.write_number(r, COL_TARGET, targets[i], styles.target(targets[i]))
        ws.write_blank(r, COL_REALISASI, None, styles.input_number)
        ws.write_blank(r, COL_KETERANGAN, None, styles.input_text)
        if pagu[i] is not None:
            ws.write_number(r, COL_PAGU, pagu[i], styles.input_money)
        else:
            ws.write_blank(r, COL_PAGU, None, styles.input_money)
        ws.write_blank(r, COL_REALISASI_ANGGARAN, None, styles.input_money)
        meta_rows.append(MetaRow(r + 1, kode[i], indikator[i], targets[i]))
    # Sasaran: one cell merged down over its consecutive indicators.
    start = 0
    for i in range(1, len(rows) + 1):
        if i == len(rows) or sasaran[i] != sasaran[start]:
            if i - start > 1:
                ws.merge_range(
                    first + start, 1, first + i - 1, 1, sasaran[start], styles.locked_text
                )
            else:
                ws.write_string(first + start, 1, sasaran[start], styles.locked_text)
            start = i
    last = first + len(rows) - 1
    if rows.empty:
        last = first
        ws.write_string(first, 2, "(tidak ada indikator dengan target periode ini)", styles.note)
    else:
        _validations(ws, first, last, tahun, periode)
    _signature(ws, styles, last + 2, settings, tahun, bidang)
    ws.freeze_panes(first, 3)
    ws.repeat_rows(header, header + 1)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.protect("", {"format_columns": True, "format_rows": True})
    return FormatMeta(bidang, tahun, periode, ws.name, tuple(meta_rows))


def _validations(ws: Worksheet, first: int, last: int, tahun: int, periode: str) -> None:
    """Numbers only in the number cells, and an Indonesian note on every input cell."""
    round_ = f"{periode} {tahun}"
    ws.data_validation(
        first,
        COL_REALISASI,
        last,
        COL_REALISASI,
        {
            "validate": "decimal",
            "criteria": "between",
            "minimum": -_BATAS_ANGKA,
            "maximum": _BATAS_ANGKA,
            "input_title": f"Realisasi {round_}"[:32],
            "input_message": "Isi angka realisasi periode ini dalam satuan indikator, "
            "misalnya 1.250 atau 72,5 (tanpa tanda %). Kosongkan bila datanya belum ada.",
            "error_title": "Realisasi harus angka",
            "error_message": "Isi angka saja, misalnya 72,5. Tulis penjelasan di kolom Keterangan.",
        },
    )
    ws.data_validation(
        first,
        COL_KETERANGAN,
        last,
        COL_KETERANGAN,
        {
            "validate": "any",
            "input_title": "Keterangan",
            "input_message": "Faktor pendukung atau penghambat dan upaya tindak lanjut; "
            "wajib bila capaian di bawah target.",
        },
    )
    for col, title in ((COL_PAGU, "Pagu anggaran"), (COL_REALISASI_ANGGARAN, "Realisasi anggaran")):
        ws.data_validation(
            first,
            col,
            last,
            col,
            {
                "validate": "decimal",
                "criteria": ">=",
                "value": 0,
                "input_title": f"{title} (Rp)",
                "input_message": "Isi angka rupiah tanpa 'Rp', misalnya 150000000. "
                "Kosongkan bila indikator ini tidak didukung anggaran.",
                "error_title": "Harus angka rupiah",
                "error_message": "Isi angka 0 atau lebih, tanpa 'Rp' dan tanpa teks.",
            },
        )


def _signature(
    ws: Worksheet,
    styles: _Styles,
    row: int,
    settings: Mapping[str, Any],
    tahun: int,
    bidang: str,
) -> None:
    """The signature block under the table (the reader skips it), in the Keterangan column."""
    kota = _text(settings.get("kota"))
    jabatan = "Sekretaris" if bidang_mod.key(bidang) == "sekretariat" else f"Kepala {bidang}"
    col = COL_KETERANGAN
    place = f"{kota + ', ' if kota else ''}.................... {tahun}"
    ws.write_string(row, col, place, styles.plain)
    ws.write_string(row + 1, col, jabatan, styles.plain)
    ws.write_string(row + 5, col, "(........................................)", styles.plain)
    ws.write_string(row + 6, col, "NIP. ........................................", styles.plain)


def _petunjuk_sheet(
    ws: Worksheet,
    styles: _Styles,
    settings: Mapping[str, Any],
    tahun: int,
    periode: str,
    bidang: str,
    n: int,
) -> None:
    ws.set_column(0, 0, 110)
    nama = _text(settings.get("nama")) or "Instansi"
    lines = [
        ("PETUNJUK PENGISIAN FORMAT DATA KINERJA", styles.heading),
        (f"{nama}: {bidang}, {periode} tahun {tahun} ({n} indikator).", styles.plain),
        ("", styles.plain),
    ]
    steps = [
        f"Buka lembar '{periode}'. Setiap baris adalah satu indikator dari Perjanjian Kinerja "
        f"(PK) {tahun} beserta targetnya untuk {periode}.",
        "Isi kolom Realisasi (sel berwarna kuning) dengan angka yang dicapai, dalam satuan "
        "indikator: angka saja, boleh desimal (72,5), tanpa tanda % dan tanpa teks.",
        "Bila datanya belum ada, kosongkan sel Realisasi; jangan diisi '-' atau 'belum'.",
        "Isi Keterangan dengan faktor pendukung atau penghambat dan upaya tindak lanjut, "
        "terutama bila capaian di bawah target.",
        "Pagu Anggaran dan Realisasi Anggaran (Rp): isi angka rupiah bila indikator didukung "
        "anggaran program atau kegiatan; kosongkan bila tidak.",
        "Sasaran, Indikator Kinerja, Satuan, Arah dan Target berasal dari PK dan dikunci "
        "(tanpa kata sandi, hanya agar tidak terubah tanpa sengaja). Jangan mengubah target, "
        "menghapus baris, atau menambah baris; bila ada yang keliru, hubungi Sub Koordinator "
        "Program dan Pelaporan.",
        "Simpan sebagai .xlsx (Excel) atau .ods (LibreOffice) lalu kirim kembali. Nama file "
        "boleh diganti: aplikasi mengenali format ini dari data teknis di dalamnya.",
    ]
    lines += [(f"{k}. {s}", styles.wrap) for k, s in enumerate(steps, start=1)]
    sub = settings.get("subkoordinator")
    if isinstance(sub, Mapping) and _text(sub.get("nama")):
        nip = _text(sub.get("nip"))
        who = _text(sub.get("nama")) + (f" (NIP {nip})" if nip else "")
        lines += [("", styles.plain), (f"Pertanyaan: {who}, Sub Koordinator.", styles.plain)]
    for r, (text, fmt) in enumerate(lines):
        if text:
            ws.write_string(r, 0, text, fmt)
    ws.protect("", {"format_columns": True, "format_rows": True})
