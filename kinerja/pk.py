"""The Perjanjian Kinerja / Rencana Aksi sheet: bytes to the year's indicator master.

Read with the same tolerant reader as the division sheets (kinerja.workbook for the file,
kinerja.ingest.locate_table for the table, kinerja.angka for the numbers), into the store's
PK_COLUMNS and within its text limits. The reader imports the store, never the reverse.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from typing import Any

import pandas as pd
import xlsxwriter

from kinerja import bidang, schema
from kinerja.angka import parse_angka
from kinerja.export import WORKBOOK_OPTIONS, xlsx_text
from kinerja.ingest import locate_table
from kinerja.store.indicators import PK_COLUMNS, PK_LABELS
from kinerja.store.tables import Indikator, string_lengths
from kinerja.workbook import WorkbookError, load

PK_HEADERS: dict[str, tuple[str, ...]] = {
    "kode": ("kode", "kode indikator", "no. indikator", "kode iku"),
    "bidang": schema.HEADER_ALIASES["bidang"],
    "sasaran": schema.HEADER_ALIASES["sasaran"],
    "indikator": schema.HEADER_ALIASES["indikator"],
    "satuan": ("satuan",),
    "arah": schema.HEADER_ALIASES["arah"],
    "agregasi": ("agregasi", "cara agregasi", "metode", "cara perhitungan tahunan"),
    "target": ("target", "target tahunan", "target pk", "target tahun"),
    "target_tw1": ("target tw i", "tw i", "triwulan i", "target triwulan i", "tw 1"),
    "target_tw2": ("target tw ii", "tw ii", "triwulan ii", "target triwulan ii", "tw 2"),
    "target_tw3": ("target tw iii", "tw iii", "triwulan iii", "target triwulan iii", "tw 3"),
    "target_tw4": ("target tw iv", "tw iv", "triwulan iv", "target triwulan iv", "tw 4"),
    "target_renstra": ("target renstra", "target akhir renstra", "target akhir"),
    "tahun_renstra": ("tahun renstra", "tahun akhir renstra"),
    "program": ("program", "program / kegiatan", "program/kegiatan", "kegiatan"),
    "pagu": schema.HEADER_ALIASES["pagu"],
}
_PK_ALIAS = {alias: f for f, aliases in PK_HEADERS.items() for alias in aliases}
_NUMERIC = {"target", "target_tw1", "target_tw2", "target_tw3", "target_tw4", "target_renstra"}
_MONEY = {"pagu"}
# What the indicator master holds (kode 64, bidang 200, satuan 100 characters).
_LENGTHS = string_lengths(Indikator)
# "Target" over "TW I..TW IV" (the wide layout) names the quarterly targets.
_TW_FIELD = {p: f"target_tw{i}" for i, p in enumerate(schema.TRIWULAN, start=1)}


def _pk_field(text: object) -> str | None:
    return _PK_ALIAS.get(schema.normalize_header(text))


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip()) or v != v


def read_pk(
    data: bytes, filename: str = "pk.xlsx", *, daftar_bidang: Sequence[str] = ()
) -> tuple[pd.DataFrame, list[str]]:
    """Read a PK sheet (columns in the README's "Format PK") into PK_COLUMNS; (frame, errors).

    The header is the first row within the first 40 of any visible sheet that names an
    indikator column; title rows, merged headers, a column-number row, blank rows, sasaran
    label rows without an indikator and the signature block are skipped. Errors are Indonesian
    and name the spreadsheet row and the column as the sheet writes it.

    daftar_bidang: the agency's bidang list. Each bidang is then written in the list's
    spelling (kinerja.bidang.match: case, spacing, a "Bidang" on one side); one not in the
    list is an error naming its cell, with the closest names. Empty: any name as written.
    """
    try:
        book = load(data, filename=filename)
        sheets = [book.sheet(n) for n in book.sheet_names if n not in book.hidden]
    except WorkbookError as exc:
        return pd.DataFrame(columns=PK_COLUMNS), [f"Berkas PK tidak dapat dibaca: {exc.message}"]
    for sheet in sheets:
        table = locate_table(sheet, field_of=_pk_field, any_of=("indikator",))
        if table is None:
            continue
        columns: dict[str, Any] = {}
        for col in table.columns:
            if col.periode and col.field != "target":
                continue  # a realisasi column has no place in a PK
            field = _TW_FIELD.get(col.periode, col.field) if col.periode else col.field
            if field and field not in columns:
                columns[field] = col
        errors: list[str] = []
        out: list[dict[str, Any]] = []
        seen: dict[tuple[Any, Any], int] = {}
        last: dict[str, Any] = {}
        for r0 in range(table.data_start, len(table.grid)):
            cells = table.grid[r0]
            row = {f: cells[c.index] if c.index < len(cells) else None for f, c in columns.items()}
            if _blank(row.get("indikator")):
                continue  # blank rows, sasaran labels, the signature block
            texts = [str(v).strip() for v in row.values() if not _blank(v)]
            if all(t.strip("()").isdigit() for t in texts):
                continue  # the column-number row "(1) (2) ..."
            r = r0 + 1
            for f in ("bidang", "sasaran"):  # people leave repeats blank under a group
                if f in row and _blank(row[f]):
                    row[f] = last.get(f)
                elif f in row:
                    last[f] = row[f]
            rec: dict[str, Any] = dict.fromkeys(PK_COLUMNS)
            for f, v in row.items():
                if _blank(v):
                    continue
                where = f"Baris {r}, kolom {columns[f].header}"
                if f in _NUMERIC or f in _MONEY:
                    a = parse_angka(v)
                    if a.kind == "salah" or isinstance(v, bool):
                        errors.append(f"{where}: {v!r} bukan angka.")
                    elif a.value is not None and a.value < 0:
                        errors.append(f"{where}: {v!r} tidak boleh negatif.")
                    else:
                        rec[f] = a.value
                elif f == "tahun_renstra":
                    rec[f] = schema.parse_tahun(v)
                    if rec[f] is None:
                        errors.append(f"{where}: tahun {v!r} tidak sah.")
                elif f == "arah":
                    rec[f] = schema.parse_arah(v)
                    if rec[f] is None:
                        errors.append(f"{where}: arah {v!r} tidak dikenal.")
                elif f == "agregasi":
                    a_ = str(v).strip().lower().replace("rata rata", "rata-rata")
                    if a_ not in schema.AGREGASI:
                        errors.append(f"{where}: agregasi {v!r} tidak dikenal.")
                    rec[f] = a_
                else:
                    rec[f] = " ".join(str(v).split())
                    limit = _LENGTHS.get(f)
                    if limit is not None and len(rec[f]) > limit:
                        errors.append(
                            f"{where}: terlalu panjang ({len(rec[f])} karakter, "
                            f"paling banyak {limit})."
                        )
            if not rec["bidang"]:
                errors.append(f"Baris {r}: kolom Bidang kosong.")
            elif daftar_bidang:
                found = bidang.match(rec["bidang"], daftar_bidang)
                if found is None:
                    col = columns["bidang"]
                    cell = f"sel {col.letter}{r}"
                    errors.append(
                        f"Baris {r}, kolom {col.header}: "
                        + bidang.tidak_dikenal(rec["bidang"], daftar_bidang, cell)
                    )
                else:
                    rec["bidang"] = found
            key = (rec["bidang"], rec["indikator"])
            if key in seen:
                errors.append(
                    f"Baris {r}: indikator {rec['indikator']!r} bidang {rec['bidang']!r} "
                    f"ganda (sama dengan baris {seen[key]})."
                )
            seen.setdefault(key, r)
            out.append(rec)
        if not out and not errors:
            errors.append("Lembar PK tidak berisi baris indikator.")
        return pd.DataFrame(out, columns=PK_COLUMNS), errors
    return pd.DataFrame(columns=PK_COLUMNS), [
        "Tidak ditemukan tabel PK: tidak ada kolom 'Indikator Kinerja' di berkas ini."
    ]


_WHERE = re.compile(r"^Baris (\d+)(?:, kolom (.+?))?: (.*)$", re.DOTALL)


def issues(errors: Sequence[str]) -> pd.DataFrame:
    """read_pk's errors as a table: Baris (the spreadsheet's row, None for the file), Kolom
    (as the sheet writes it, "" when none), Pesan."""
    rows: list[tuple[int | None, str, str]] = []
    for e in errors:
        m = _WHERE.match(e)
        if m:
            rows.append((int(m.group(1)), m.group(2) or "", m.group(3)))
        else:
            rows.append((None, "", e))
    return pd.DataFrame(rows, columns=["Baris", "Kolom", "Pesan"]).astype({"Baris": "Int64"})


_MONEY_FORMAT = '"Rp" #,##0'


def to_xlsx(indicators: pd.DataFrame, *, tahun: int, judul: str = "") -> bytes:
    """The year's indicator master as an .xlsx that read_pk reads back: an optional title
    row, then one header row (PK_LABELS) and a row per indicator. Text is stored as text
    (never a formula), numbers as numbers (pagu as "Rp" #,##0), blanks as empty cells."""
    buf = io.BytesIO()
    with xlsxwriter.Workbook(buf, WORKBOOK_OPTIONS) as wb:
        ws = wb.add_worksheet(f"PK {tahun}")
        bold = wb.add_format({"bold": True})
        header = wb.add_format({"bold": True, "text_wrap": True, "bg_color": "#DDEBF7"})
        money = wb.add_format({"num_format": _MONEY_FORMAT})
        title = judul or f"PERJANJIAN KINERJA DAN RENCANA AKSI TAHUN {tahun}"
        ws.write_string(0, 0, xlsx_text(title), bold)
        head = 2
        for j, c in enumerate(PK_COLUMNS):
            ws.write_string(head, j, PK_LABELS[c], header)
            ws.set_column(j, j, 40 if c in ("sasaran", "indikator", "program") else 14)
        for i, row in enumerate(indicators[PK_COLUMNS].to_dict("records"), start=head + 1):
            for j, c in enumerate(PK_COLUMNS):
                v = row[c]
                if v is None or (isinstance(v, float) and not math.isfinite(v)) or v is pd.NA:
                    continue
                if c == "tahun_renstra":
                    ws.write_number(i, j, int(v))
                elif isinstance(v, str):
                    ws.write_string(i, j, xlsx_text(v))
                else:
                    ws.write_number(i, j, float(v), money if c == "pagu" else None)
        ws.freeze_panes(head + 1, 0)
    return buf.getvalue()


def _same(a: Any, b: Any) -> bool:
    if _blank(a) or _blank(b):
        return _blank(a) and _blank(b)
    if isinstance(a, str) or isinstance(b, str):
        return " ".join(str(a).split()) == " ".join(str(b).split())
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return bool(a == b)


def changed(before: pd.DataFrame, after: pd.DataFrame) -> dict[int, dict[str, Any]]:
    """What an editor changed: indicator id (both frames' index) -> {column: new value} for
    the PK_COLUMNS whose value differs. Blank, None and NaN are one value; text is compared
    with its spacing tidied (the store tidies it too); a blank new value is None."""
    out: dict[int, dict[str, Any]] = {}
    columns = [c for c in PK_COLUMNS if c in before.columns and c in after.columns]
    for i in after.index.intersection(before.index):
        row = {
            c: None if _blank(after.at[i, c]) else after.at[i, c]
            for c in columns
            if not _same(before.at[i, c], after.at[i, c])
        }
        if row:
            out[int(i)] = row
    return out
