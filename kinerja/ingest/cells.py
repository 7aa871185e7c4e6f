"""Cell columns to values: text cleaned once per distinct value, numbers read the
Indonesian way, with an issue per cell that cannot be read."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from kinerja import schema
from kinerja.angka import parse_angka
from kinerja.ingest.locate import Column, Table, _text, _title_case
from kinerja.ingest.results import Report
from kinerja.workbook import (
    NoValue,
    is_error_text,
)

VALUE_FIELDS = ("target", "realisasi", "capaian", "pagu", "realisasi_anggaran")


TEXT_FIELDS = ("bidang", "sasaran", "indikator", "satuan", "keterangan")

# What parse_angka's note says of a text that is a valid number both ways ("5,748"): the one
# note that is doubt, coded "angka_ambigu" for the evaluation step.
AMBIGU_NOTE = "(koma sebagai desimal)"


def _wide_col(cols: list[Column], f: str, p: str) -> Column | None:
    for c in cols:
        if c.field == f and c.periode == p:
            return c
    return None


def _column(body: list[list[Any]], idx: int) -> np.ndarray:
    """One column of the data rows as an object array (blank = "")."""
    try:
        values = [row[idx] for row in body]
    except IndexError:
        values = [row[idx] if idx < len(row) else "" for row in body]
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


def _columns(body: list[list[Any]], indices: list[int]) -> dict[int, np.ndarray]:
    """The data rows' columns at indices as object arrays (blank = "")."""
    width = len(body[0]) if body else 0
    if body and indices and indices[-1] < width and set(map(len, body)) == {width}:
        # A rectangular grid (the parser's usual): one copy into a 2-D array, then columns.
        grid = np.empty((len(body), width), dtype=object)
        grid[:] = body
        return {i: grid[:, i] for i in indices}
    return {i: _column(body, i) for i in indices}


def _factorize(
    values: np.ndarray, fn: Callable[[Any], Any]
) -> tuple[np.ndarray, list[Any], list[Any]]:
    """values as codes into their distinct values, those values, and fn of each.

    fn runs once per distinct value, on its first occurrence, in order (sheets repeat the same
    text thousands of times): fn(values[k]) is results[codes[k]]. One pass over the cells; the
    rest is numpy on the codes.
    """
    index: dict[Any, int] = {}
    distinct: list[Any] = []
    codes: list[int] = []
    for v in values:
        try:
            codes.append(index[v])
        except KeyError:
            index[v] = len(distinct)
            codes.append(len(distinct))
            distinct.append(v)
    return np.array(codes, dtype=np.intp), distinct, [fn(v) for v in distinct]


def _text_values(results: list[Any], codes: np.ndarray) -> Any:
    """results[codes] for a frame column: as the list would be (text with None, pandas infers
    its text dtype), built from the few distinct values instead of one object per row."""
    if all(type(r) is str or r is None for r in results) and any(r is not None for r in results):
        return pd.array(results, dtype="str").take(codes)
    return [results[c] for c in codes.tolist()]


def _numeric_row(row: list[Any]) -> bool:
    return any(type(v) is float or type(v) is int for v in row)


def _clean_text(v: Any) -> str | None:
    if type(v) is str:  # the usual cell: _text would only strip it, and split() trims too
        if not v.isascii():
            v = _no_lone_surrogates(v)
        return " ".join(v.split()) or None
    s = _text(v)
    return " ".join(s.split()) if s else None


def _no_lone_surrogates(s: str) -> str:
    """A lone surrogate (old .xls files hold them) as U+FFFD: it is no character a person
    wrote, and no encoder takes it."""
    return s.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


_LABEL_PREFIX = re.compile(
    r"^\s*(?:(?:[0-9]+|[A-Za-z]|[IVX]+)[.)]\s*)?(?:sasaran(?:\s+strategis)?\s*\d*\s*[:.]\s*)?",
    re.I,
)


def _group_label(
    label: str, i: int, group_sasaran: dict[int, str], group_bidang: dict[int, str]
) -> None:
    s = " ".join(label.split())
    low = s.lower()
    if low.startswith("bidang ") or low == "sekretariat":
        group_bidang[i] = _title_case(s)
        return
    cleaned = _LABEL_PREFIX.sub("", s).strip()
    if cleaned:
        group_sasaran[i] = cleaned


def _is_none(values: list[Any]) -> np.ndarray:
    return np.array([v is None for v in values], dtype=bool)


_NUM_TYPES = (float, int)


def _numbers(
    col: Column | None,
    idx: np.ndarray,
    rows: list[int],
    data: dict[int, np.ndarray],
    table: Table,
    base: pd.DataFrame,
    report: Report,
) -> tuple[np.ndarray, np.ndarray]:
    """Parse one value column of the kept rows: floats (NaN = blank) and a mask of bad cells.

    Numbers stored as numbers take a vectorised path; text goes through parse_angka once per
    distinct string.
    """
    n = len(idx)
    out = np.full(n, np.nan)
    failed = np.zeros(n, dtype=bool)
    if col is None:
        return out, failed
    vals = data[col.index]
    if n != len(vals):
        vals = vals[idx]  # else every row is kept: read the column itself
    is_num = np.fromiter((type(v) in _NUM_TYPES for v in vals), dtype=bool, count=n)
    if is_num.all():
        out = vals.astype(float)
        rest = np.flatnonzero(~is_num)
    else:
        out[is_num] = vals[is_num].astype(float)
        other = np.flatnonzero(~is_num)
        rest = other[vals[other] != ""]
    cache: dict[str, Any] = {}
    # The sheet's own capaian is recomputed anyway: what it cannot give is only a warning.
    problem = report.warn if col.field == "capaian" else report.error
    for k in rest:
        v = vals[k]
        row = rows[idx[k]] + 1
        cell = f"sel {col.letter}{row}"
        if isinstance(v, NoValue):
            problem(
                row,
                col.header,
                f"Rumus tanpa nilai tersimpan ({cell}): buka dan simpan file di Excel atau "
                "LibreOffice, lalu unggah lagi.",
            )
            failed[k] = col.field != "capaian"
            continue
        if is_error_text(v):
            problem(
                row,
                col.header,
                f"Nilai galat '{_text(v)}' ({cell}): perbaiki rumusnya atau isi angkanya; "
                "galat bukan berarti belum dilaporkan.",
            )
            failed[k] = col.field != "capaian"
            continue
        if type(v) is str:
            a = cache.get(v)
            if a is None:
                a = cache[v] = parse_angka(v)
            if a.kind == "kosong":
                continue
            if a.kind == "salah":
                report.error(row, col.header, f"'{_text(v)}' bukan angka ({cell}).")
                failed[k] = True
                continue
            if a.note:
                # Only the comma-and-three-digits note is doubt ("5,748" may mean 5748); the
                # others name a reading that has no rival ("9.38", "1,234,567"). The sheet's
                # capaian is recomputed anyway, so its doubt changes no value.
                doubt = AMBIGU_NOTE in a.note and col.field != "capaian"
                code = "angka_ambigu" if doubt else None
                report.warn(row, col.header, f"Sel {col.letter}{row}: {a.note}", code)
            out[k] = a.value
        elif isinstance(v, bool):
            report.error(row, col.header, f"Nilai benar/salah '{_text(v)}' bukan angka ({cell}).")
            failed[k] = True
        elif v is not None:  # a date or time: not a number a person would write here
            report.error(row, col.header, f"Tanggal/waktu '{_text(v)}' bukan angka ({cell}).")
            failed[k] = True
    percent = [r for (r, c) in table.sheet.percent if c == col.index]
    if percent:
        pos = dict(zip((idx + rows[0]).tolist(), range(n), strict=True))  # rows[i] is rows[0] + i
        satuan = base["satuan"].to_numpy()
        persen: dict[Any, bool] = {}  # schema.is_persen per distinct satuan
        for r in percent:
            at = pos.get(r)
            if at is None or not is_num[at]:
                continue
            unit = satuan[at]
            if col.field != "capaian" and unit not in persen:
                persen[unit] = schema.is_persen(unit)
            if col.field == "capaian" or persen[unit]:
                out[at] *= 100.0
            else:
                report.warn(
                    r + 1,
                    col.header,
                    f"Sel {col.letter}{r + 1} berformat persen tetapi satuannya "
                    f"'{satuan[at] or '-'}'; nilai dibaca apa adanya.",
                )
    return out, failed
