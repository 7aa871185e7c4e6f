"""What reading a file gives: the form's defaults, issues with spreadsheet rows,
the result, its JSON, and the merge of many files."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from kinerja import capaian as cp
from kinerja import schema


@dataclass(frozen=True)
class Defaults:
    """What the upload form (or --bidang/--tahun/--periode) says when the sheet does not.

    ``daftar_bidang``: the agency's bidang (kinerja.kirim gives them). When given, every
    record's bidang must be one of them, stored in the agency's spelling (kinerja.bidang.match);
    another is an error naming where it is written. Empty (validate): any bidang is read."""

    bidang: str | None = None
    tahun: int | None = None
    periode: str | None = None
    daftar_bidang: tuple[str, ...] = ()


@dataclass(frozen=True)
class Issue:
    """One finding: spreadsheet row (as the program shows it), column as the sheet names it."""

    row: int | None
    column: str | None
    message: str
    sheet: str | None = None  # the sheet the row is on, when the file has one
    # A stable code for a warning the evaluation step picks up (kinerja.evaluate): "angka_ambigu"
    # (a number read with doubt), "capaian_berbeda" (the sheet's capaian differs); a returned
    # collection format's findings (kinerja.ingest.meta): "baris_format_hilang" (a row of the
    # format gone), "target_format_diubah" (a target changed); else None.
    code: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "message": self.message,
            "sheet": self.sheet,
            "code": self.code,
        }


@dataclass
class Report:
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    sheet: str | None = None  # stamped on the issues added while it is set

    def error(self, row: int | None, column: str | None, message: str) -> None:
        self.errors.append(Issue(row, column, message, self.sheet))

    def warn(
        self, row: int | None, column: str | None, message: str, code: str | None = None
    ) -> None:
        self.warnings.append(Issue(row, column, message, self.sheet, code))

    def sort(self) -> None:
        key = _issue_key
        self.errors.sort(key=key)
        self.warnings.sort(key=key)


def _issue_key(i: Issue) -> tuple[int, str]:
    return (i.row or 0, i.column or "")


@dataclass
class IngestResult:
    """The outcome of reading one file: records (empty when invalid) and the report."""

    file: str
    records: pd.DataFrame
    report: Report
    sheet: str | None = None  # the sheets read, "TW I, TW II" when there are several
    sheets: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.report.errors

    def to_json(self) -> dict[str, Any]:
        """The command line's JSON object for this file (a stable contract: only add)."""
        return {
            "file": self.file,
            "valid": self.valid,
            "errors": [i.to_json() for i in self.report.errors],
            "warnings": [i.to_json() for i in self.report.warnings],
            "records": records_to_json(self.records) if self.valid else [],
        }


def records_to_json(records: pd.DataFrame) -> list[dict[str, Any]]:
    """Records as JSON-ready dicts: the RECORD_COLUMNS keys, NaN as null, tahun as int.

    Then what the number means: "capaian_catatan" (text or null: why capaian is empty or
    special, or the cap note) and "melampaui_target" (bool: capaian as shown above 100). They
    come from the records' own columns (the reader's), else are computed from the stored
    capaian with capaian.catatan_capaian and capaian.melampaui_target.
    """
    cols = schema.RECORD_COLUMNS
    if records.empty:
        return []
    frame = records.reindex(columns=cols)
    # Column by column (a Python loop per cell is slow on 100.000 rows), then one dict per row.
    columns = [_json_column(frame.iloc[:, k], c) for k, c in enumerate(cols)]
    columns.append(cp.catatan_capaian(records).tolist())
    columns.append(cp.melampaui_target(records).tolist())  # a bool Series: Python bools
    keys = (*cols, "capaian_catatan", "melampaui_target")
    if keys == _JSON_KEYS:
        return list(map(_json_record, *columns))  # a dict display: built in one step
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns, strict=True)]


def _json_record(  # one argument per key, in records_to_json's order
    bidang: Any,
    sasaran: Any,
    indikator: Any,
    satuan: Any,
    arah: Any,
    tahun: Any,
    periode: Any,
    target: Any,
    realisasi: Any,
    capaian: Any,
    predikat: Any,
    keterangan: Any,
    capaian_catatan: Any,
    melampaui_target: Any,
) -> dict[str, Any]:
    return {
        "bidang": bidang,
        "sasaran": sasaran,
        "indikator": indikator,
        "satuan": satuan,
        "arah": arah,
        "tahun": tahun,
        "periode": periode,
        "target": target,
        "realisasi": realisasi,
        "capaian": capaian,
        "predikat": predikat,
        "keterangan": keterangan,
        "capaian_catatan": capaian_catatan,
        "melampaui_target": melampaui_target,
    }


# records_to_json's keys as _json_record writes them (its argument names, in order).
_JSON_KEYS = _json_record.__code__.co_varnames[: _json_record.__code__.co_argcount]


_JSON_PLAIN = frozenset({str, type(None)})


def _json_value(key: str, v: Any) -> Any:
    """One cell as JSON: NaN and None as None, tahun as int, numpy floats as floats."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if key == "tahun":
        return int(v)
    if isinstance(v, np.floating):
        return float(v)
    return v


def _json_column(s: pd.Series, key: str) -> list[Any]:
    """_json_value over one column, with fast paths for numpy numbers and pandas text.

    The values are the ones iterating the column gives (Python scalars for numpy dtypes).
    """
    dtype = s.dtype
    if isinstance(dtype, np.dtype) and dtype.kind in "fiub":
        values = s.to_numpy().tolist()
        if dtype.kind == "f":
            if key == "tahun":
                return [None if v != v else int(v) for v in values]
            return [None if v != v else v for v in values]
        return [int(v) for v in values] if key == "tahun" else values
    if isinstance(dtype, pd.StringDtype) and dtype.na_value is np.nan:
        # Text repeats: convert each distinct string once (missing is code -1, so None).
        codes, distinct = pd.factorize(s)
        lookup = np.empty(len(distinct) + 1, dtype=object)
        lookup[:-1] = distinct.to_numpy(dtype=object)
        lookup[-1] = None
        values = lookup[codes].tolist()
    elif isinstance(dtype, np.dtype) and dtype.kind == "O":
        values = s.to_numpy().tolist()  # the objects themselves, as iterating gives them
    else:
        values = list(s)
    if key != "tahun" and set(map(type, values)) <= _JSON_PLAIN:
        return values
    return [_json_value(key, v) for v in values]


def merge(results: list[IngestResult]) -> tuple[pd.DataFrame, list[Issue]]:
    """One dataset from many read files; issues name the files that hold the same key twice.

    Invalid files contribute nothing. The dataset carries a "file" column.
    """
    frames = []
    for res in results:
        if res.valid and not res.records.empty:
            frames.append(res.records.assign(file=res.file))
    if not frames:
        return schema.empty_records().assign(file=pd.Series(dtype="object")), []
    merged = pd.concat(frames, ignore_index=True)
    issues: list[Issue] = []
    key = schema.KEY_COLUMNS
    dup = merged[merged.duplicated(key, keep=False)]
    for k, group in dup.groupby(key, sort=False):
        files = sorted(set(group["file"]))
        where = "; ".join(
            f"{f} baris {int(b)}" for f, b in zip(group["file"], group["baris"], strict=True)
        )
        issues.append(
            Issue(
                None,
                None,
                f"Data ganda antar file: bidang '{k[0]}', indikator '{k[1]}', tahun {k[2]}, "
                f"periode {k[3]} ada di {len(files)} file ({where}).",
            )
        )
    return merged, issues
