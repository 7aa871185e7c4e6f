"""The Perjanjian Kinerja / Rencana Aksi sheet: bytes to the year's indicator master.

Read with the same tolerant reader as the division sheets (kinerja.workbook for the file,
kinerja.ingest.locate_table for the table, kinerja.angka for the numbers), into the store's
PK_COLUMNS and within its text limits. The reader imports the store, never the reverse.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from kinerja import schema
from kinerja.angka import parse_angka
from kinerja.ingest import locate_table
from kinerja.store.indicators import PK_COLUMNS
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


def read_pk(data: bytes, filename: str = "pk.xlsx") -> tuple[pd.DataFrame, list[str]]:
    """Read a PK sheet (columns in the README's "Format PK") into PK_COLUMNS; (frame, errors).

    The header is the first row within the first 40 of any visible sheet that names an
    indikator column; title rows, merged headers, a column-number row, blank rows, sasaran
    label rows without an indikator and the signature block are skipped. Errors are Indonesian
    and name the spreadsheet row and the column as the sheet writes it.
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
