"""The checks after reading: the pandera model's failures as row-and-column issues,
duplicate keys, and the recomputed capaian."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from kinerja import bidang, schema
from kinerja import capaian as cp
from kinerja.ingest.cells import _clean_text, _factorize, _wide_col
from kinerja.ingest.locate import Column, Table, TitleInfo, _text, sheet_name_info
from kinerja.ingest.results import Issue, Report

CAPAIAN_TOLERANCE = 0.01


def _duplicates_across(records: pd.DataFrame, report: Report) -> None:
    """The same bidang + indikator + tahun + periode in two tables or sheets of one file."""
    if records.empty or "lembar" not in records:
        return
    key = schema.KEY_COLUMNS
    dup = records[records.duplicated(key, keep=False)]
    bidang, indikator, tahun, periode = (dup[c].to_numpy() for c in key)
    lembar, baris = dup["lembar"].to_numpy(), dup["baris"].to_numpy()
    for group in _groups(dup, key):
        k = group[0]
        where = [
            (f"lembar '{lembar[i]}' " if lembar[i] else "") + f"baris {int(baris[i])}"
            for i in group
        ]
        for i in group:
            s, b = lembar[i], baris[i]
            others = ", ".join(
                w for w in where if w != (f"lembar '{s}' " if s else "") + f"baris {int(b)}"
            )
            report.errors.append(
                Issue(
                    int(b),
                    "Indikator Kinerja",
                    f"Data ganda: bidang '{bidang[k]}', indikator '{indikator[k]}', tahun "
                    f"{tahun[k]}, periode {periode[k]} juga ada di {others}.",
                    s or None,
                )
            )


def _groups(frame: pd.DataFrame, key: list[str]) -> list[np.ndarray]:
    """The positions of each group of frame.groupby(key, sort=False), groups in its order and
    rows in frame's (a row with a missing key is in none, as groupby leaves it out). Reading
    columns as arrays by these beats a groupby loop by far when thousands of keys repeat."""
    gid = frame.groupby(key, sort=False).ngroup().to_numpy(dtype=float, na_value=np.nan)
    pos = np.flatnonzero(~np.isnan(gid))
    pos = pos[np.argsort(gid[pos], kind="stable")]
    starts = np.flatnonzero(np.diff(gid[pos]))
    return np.split(pos, starts + 1) if len(pos) else []


def _match_bidang(
    base: pd.DataFrame,
    table: Table,
    title: TitleInfo,
    form: str | None,
    daftar: tuple[str, ...],
    report: Report,
    take: Callable[[Column | None], np.ndarray],
) -> None:
    """Every record's bidang in the agency's spelling (kinerja.bidang.match), in place; one
    that is not in ``daftar`` is an error naming where it is written (see _bidang_written)."""
    values = base["bidang"]
    spelled: dict[str, str] = {}
    for v in values.dropna().unique().tolist():
        found = bidang.match(v, daftar)
        if found is None:
            row, column, where = _bidang_written(v, base, table, title, form, report, take)
            issue = Issue(row, column, bidang.tidak_dikenal(v, daftar, where), report.sheet)
            if issue not in report.errors:  # the same title or form over several tables
                report.errors.append(issue)
        elif found != v:
            spelled[v] = found
    if spelled:
        base["bidang"] = values.replace(spelled)


def _bidang_written(
    v: str,
    base: pd.DataFrame,
    table: Table,
    title: TitleInfo,
    form: str | None,
    report: Report,
    take: Callable[[Column | None], np.ndarray],
) -> tuple[int | None, str, str]:
    """Where a record's bidang ``v`` is written, as (row, column, place): its cells in the
    Bidang column; else a row of the table that holds it (a label over the rows below); else
    a title row above the header; else the sheet's name; else the upload form."""
    col = table.plain("bidang")
    if col is not None:
        codes, _, cleaned = _factorize(take(col), _clean_text)
        own = np.isin(codes, [k for k, c in enumerate(cleaned) if c == v])
        if own.any():
            row = int(base["baris"].iloc[int(np.flatnonzero(own)[0])])
            more = f" dan {int(own.sum()) - 1} sel lain" if own.sum() > 1 else ""
            return row, col.header, f"sel {col.letter}{row}{more}"
    k = bidang.key(v)
    end = table.data_end if table.data_end >= 0 else len(table.grid)
    for r0 in range(table.data_start, end):
        if any(_key(c) == k for c in table.grid[r0]):
            return r0 + 1, "Bidang", f"baris {r0 + 1}"
    if v == title.bidang:
        for r0 in range(table.header_row - 1, -1, -1):
            if any(k in _key(c) for c in table.grid[r0]):
                return r0 + 1, "Bidang", f"judul lembar, baris {r0 + 1}"
        if report.sheet is not None and sheet_name_info(report.sheet).bidang == v:
            return None, "Bidang", f"nama lembar '{report.sheet}'"
    if v == form:
        return None, "Bidang", "formulir unggah"
    return None, "Bidang", "judul lembar"


def _key(cell: Any) -> str:
    text = _clean_text(cell) if isinstance(cell, str) else None
    return bidang.key(text) if text else ""


# Indonesian messages for pandera's checks, by check name prefix.
_CHECK_MESSAGES: dict[str, str] = {
    "greater_than_or_equal_to": "{value} tidak boleh negatif",
    "less_than_or_equal_to": "{value} di luar batas",
    "isin": "'{value}' tidak dikenal",
    "str_length": "tidak boleh kosong",
    "not_nullable": "tidak boleh kosong",
    "coerce_dtype": "'{value}' tidak sesuai jenisnya",
}


def _validate(records: pd.DataFrame, table: Table, report: Report) -> pd.DataFrame:
    """Run the pandera input model; turn its failure cases into row-and-column issues."""
    bad_rows = {e.row for e in report.errors}
    if None in bad_rows:
        return records
    if bad_rows:  # rows already refused (another table of the sheet) are not checked again
        records = records[~records["baris"].isin(bad_rows)]
    records = records.reset_index(drop=True)
    # pandera is imported with its model on the first validation (schema.RecordInput), not
    # with the package: a page or command that never reads a sheet never pays for it.
    import pandera.errors as pa_errors

    try:
        return schema.RecordInput.validate(records, lazy=True)
    except pa_errors.SchemaErrors as exc:
        _report_failures(exc.failure_cases, records, table, report)
        return records


def _report_failures(
    failures: pd.DataFrame, records: pd.DataFrame, table: Table, report: Report
) -> None:
    dup_done: set[tuple[int, ...]] = set()
    header_of = {c.field: c for c in table.columns if c.periode is None}
    baris = records["baris"].to_numpy()  # read by position below, not row by row
    periode = records["periode"].to_numpy() if table.wide else None
    # A duplicate key fails once per row and key column (400.000 cases on a sheet of 100.000
    # repeated rows): those only need their check's name; the rest are read in full.
    checks = [str(c) for c in failures["check"].tolist()]
    duplicate = [("unique" in c or c.startswith("multiple_fields_uniqueness")) for c in checks]
    cells = ["check", "column", "index", "failure_case"]
    rest = iter(failures.loc[~np.array(duplicate, dtype=bool), cells].to_dict("records"))
    for dup_check in duplicate:
        if dup_check:
            _report_duplicates(records, dup_done, report, table)
            continue
        fc = next(rest)
        check = str(fc["check"])
        column = fc["column"] if isinstance(fc["column"], str) else None
        index = fc["index"]
        if index is None or (isinstance(index, float) and math.isnan(index)):
            report.error(None, column, f"Kolom {column}: {check}")
            continue
        row = int(baris[int(index)])
        col = header_of.get(column or "")
        if column in ("target", "realisasi", "pagu", "realisasi_anggaran") and table.wide:
            assert periode is not None
            col = _wide_col(table.columns, column, periode[int(index)]) or col
        name = col.header if col else schema.LABEL.get(column or "", column)
        cell = f" (sel {col.letter}{row})" if col else ""
        tmpl = next(
            (m for k, m in _CHECK_MESSAGES.items() if check.startswith(k)),
            "'{value}' tidak memenuhi aturan " + check,
        )
        value = _text(fc["failure_case"])
        text = tmpl.format(value=value)
        limit = schema.FIELD_LENGTHS.get(column or "")
        if check.startswith("str_length") and limit is not None and len(value) > limit:
            text = f"terlalu panjang: {len(value)} karakter, paling banyak {limit}"
        report.error(row, name, f"{schema.LABEL.get(column or '', column)} {text}{cell}.")


def _report_duplicates(
    records: pd.DataFrame, done: set[tuple[int, ...]], report: Report, table: Table
) -> None:
    if done:
        return
    key = schema.KEY_COLUMNS
    dup = records[records.duplicated(key, keep=False)]
    bidang, indikator, tahun, periode = (dup[c].to_numpy() for c in key)
    baris = dup["baris"].to_numpy()
    for group in _groups(dup, key):
        rows = tuple(sorted(int(x) for x in set(baris[group].tolist())))
        if rows in done:
            continue
        done.add(rows)
        k = group[0]
        ind = table.plain("indikator")
        for r in rows:
            others = ", ".join(str(x) for x in rows if x != r) or str(r)
            report.error(
                r,
                ind.header if ind else "Indikator Kinerja",
                f"Data ganda: bidang '{bidang[k]}', indikator '{indikator[k]}', "
                f"tahun {tahun[k]}, periode {periode[k]} juga ada di baris {others}.",
            )
    done.add((-1,))


def _with_capaian(
    records: pd.DataFrame, table: Table, settings: cp.Settings, report: Report
) -> pd.DataFrame:
    """Recompute capaian; warn where the sheet's own capaian differs by more than 0,01."""
    sheet_capaian = records["capaian"].to_numpy(dtype=float)
    out = cp.add_capaian(records, settings)
    if any(c.field == "capaian" for c in table.columns):
        computed = out["capaian"].to_numpy(dtype=float)
        both = ~np.isnan(sheet_capaian) & ~np.isnan(computed)
        diff = np.zeros(len(out), dtype=bool)
        diff[both] = np.abs(sheet_capaian[both] - computed[both]) > CAPAIAN_TOLERANCE
        periode, baris = out["periode"].to_numpy(), out["baris"].to_numpy()  # not row by row
        for k in np.flatnonzero(diff):
            col = _wide_col(table.columns, "capaian", periode[k]) or table.plain("capaian")
            row = int(baris[k])
            report.warn(
                row,
                col.header if col else "Capaian",
                f"Capaian di lembar {_fmt(sheet_capaian[k])} berbeda dari hasil hitung "
                f"{_fmt(computed[k])} (sel {col.letter if col else ''}{row}); yang dipakai hasil "
                "hitung.",
                "capaian_berbeda",
            )
    cols = [
        *schema.RECORD_COLUMNS,
        *schema.ANGGARAN_COLUMNS,
        "capaian_catatan",
        *(["melampaui_target"] if "melampaui_target" in out.columns else []),
        "baris",
    ]
    return out.reindex(columns=cols)


def _fmt(x: float) -> str:
    from kinerja.angka import format_angka

    return format_angka(x, desimal=2)
