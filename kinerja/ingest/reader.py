"""Reading a file: every table of every visible sheet into records, with context from
columns, titles, sheet names and the upload form."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from kinerja import bidang, schema
from kinerja import capaian as cp
from kinerja.ingest import meta as format_meta
from kinerja.ingest.cells import (
    TEXT_FIELDS,
    VALUE_FIELDS,
    _clean_text,
    _columns,
    _factorize,
    _group_label,
    _is_none,
    _numbers,
    _numeric_row,
    _text_values,
    _wide_col,
)
from kinerja.ingest.checks import _duplicates_across, _match_bidang, _validate, _with_capaian
from kinerja.ingest.locate import (
    Column,
    Table,
    TitleInfo,
    _table_label,
    _text,
    is_summary_label,
    locate_table,
    locate_tables,
    read_title,
    sheet_name_info,
)
from kinerja.ingest.results import Defaults, IngestResult, Report
from kinerja.workbook import (
    Book,
    WorkbookError,
    col_letter,
    load,
)


def read(
    source: bytes | str | Path | Book,
    *,
    filename: str | None = None,
    defaults: Defaults = Defaults(),  # noqa: B008 - immutable
    settings: cp.Settings | None = None,
) -> IngestResult:
    """Read one spreadsheet (bytes, a path, or an opened Book) into records and a report.

    Never raises for bad input: every problem is an Issue in the report (Indonesian, with the
    spreadsheet row and the column as the sheet names it). Records are empty when any error
    was found, so nothing half-read can be stored.
    """
    settings = settings or cp.Settings()
    name = filename or (source.name if isinstance(source, Book) else _source_name(source))
    try:
        book = source if isinstance(source, Book) else load(source, filename=name)
        return _read_book(book, name, defaults, settings)
    except WorkbookError as exc:
        report = Report()
        report.error(None, None, exc.message)
        return IngestResult(name, schema.empty_records(), report)
    except Exception as exc:  # a reader bug must still reach people as a message
        report = Report()
        report.error(
            None,
            None,
            f"Terjadi kesalahan tak terduga saat membaca file ({type(exc).__name__}: {exc}). "
            "File tidak diterima; laporkan ke pengelola aplikasi.",
        )
        return IngestResult(name, schema.empty_records(), report)


def _source_name(source: bytes | str | Path) -> str:
    if isinstance(source, bytes | bytearray | memoryview):
        return "berkas"
    return Path(source).name


def _read_book(book: Book, name: str, defaults: Defaults, settings: cp.Settings) -> IngestResult:
    """Every table of every visible sheet, each with its own title and name as context.

    A workbook holding the app's own format metadata (kinerja.ingest.meta) takes bidang,
    tahun and periode from it where neither the sheet nor the form says them, and is checked
    against it: a row of the format gone, a target changed (warnings)."""
    report = Report()
    meta = format_meta.find(book)
    placed: list[format_meta.Placed] = []
    frames: list[pd.DataFrame] = []
    read_sheets: list[str] = []
    partial: list[str] = []
    several = sum(1 for n in book.sheet_names if n not in book.hidden) > 1
    for sheet_name in book.sheet_names:
        if sheet_name in book.hidden:
            continue
        sheet = book.sheet(sheet_name)
        tables = locate_tables(sheet)
        if not tables:
            if locate_table(sheet, any_of=("indikator",)) is not None:
                partial.append(sheet_name)
            continue
        read_sheets.append(sheet_name)
        part = Report(sheet=sheet_name if several else None)
        sheet_title = read_title(tables[0].grid, tables[0].header_row).over(
            sheet_name_info(sheet_name) if several else TitleInfo()
        )
        if meta is not None:
            sheet_title = sheet_title.over(meta.context(defaults))
        for k, table in enumerate(tables):
            if k == 0:
                title, label = sheet_title, _table_label(table.grid, 0, table.header_row, True)
            else:
                lo = tables[k - 1].data_end
                title = read_title(table.grid, table.header_row, lo).over(sheet_title)
                label = _table_label(table.grid, lo, table.header_row, False)
            frames.append(_read_table(table, defaults, settings, part, title, label))
            if meta is not None:
                placed.append(_placed(frames[-1], table, part.sheet))
        part.sort()
        report.errors += part.errors
        report.warnings += part.warnings
    if not read_sheets:
        if partial:
            report.error(
                None,
                "Target",
                f"Lembar '{partial[0]}' memiliki kolom Indikator tetapi tidak ada kolom Target "
                "atau Realisasi.",
            )
        else:
            report.error(
                None,
                "Indikator Kinerja",
                "Tidak ditemukan tabel data: tidak ada baris judul kolom yang memuat "
                "'Indikator Kinerja' dan 'Target' di lembar mana pun.",
            )
        return IngestResult(name, schema.empty_records(), report)
    records = pd.concat(frames, ignore_index=True) if frames else schema.empty_records()
    if not report.errors and sum(not f.empty for f in frames) > 1:
        # A single table's records were already checked for duplicates by its validation.
        _duplicates_across(records, report)
    if meta is not None and not report.errors:
        format_meta.check(meta, placed, report)
    if not report.errors and records.empty:
        report.error(
            None,
            None,
            "Lembar tidak berisi baris data: tidak ada indikator dengan target atau realisasi.",
        )
    if report.errors:
        records = schema.empty_records()
    shown = ", ".join(read_sheets)
    return IngestResult(name, records, report, sheet=shown, sheets=read_sheets)


def _placed(records: pd.DataFrame, table: Table, sheet: str | None) -> format_meta.Placed:
    target, indikator = table.plain("target"), table.plain("indikator")
    return format_meta.Placed(
        records,
        sheet,
        target.letter if target else None,
        target.header if target else None,
        indikator.header if indikator else None,
    )


def _cell(col: Column, row0: int) -> str:
    return f"{col.letter}{row0 + 1}"


def _choose_year_columns(
    table: Table, title: TitleInfo, defaults: Defaults, report: Report
) -> int | None:
    """Keep this year's columns where headers name years ("Realisasi 2022 | Target 2023 |
    Realisasi 2023"); another year's columns are context, never read as this year's values.
    Returns the year the headers point to (the sheet's year when it states none)."""
    tagged = [c for c in table.columns if c.tahun is not None and c.field in VALUE_FIELDS]
    if not tagged:
        return None
    year = title.tahun or defaults.tahun
    if year is None:
        years = [c.tahun for c in tagged if c.field == "target" and c.tahun] or [
            c.tahun for c in tagged if c.tahun
        ]
        year = max(years)
    keep: list[Column] = []
    other: list[Column] = []
    for c in table.columns:
        elsewhere = c.tahun is not None and c.tahun != year and c.field in VALUE_FIELDS
        (other if elsewhere else keep).append(c)
    if other:
        table.columns = keep
        table.context = other
        names = ", ".join(f"'{c.header}'" for c in other)
        report.warn(
            table.header_row + 1,
            other[0].header,
            f"Kolom {names} berisi data tahun lain; dibaca sebagai konteks, bukan nilai tahun "
            f"{year}.",
        )
    return year


def _group_rows(table: Table, start: int, end: int) -> set[int]:
    """Rows where one merged cell covers the indikator column and a value column: a label
    ("1. Meningkatnya ...") spread over the table, not a data row."""
    ind = table.plain("indikator")
    values = {c.index for c in table.columns if c.field in VALUE_FIELDS}
    out: set[int] = set()
    if ind is None:
        return out
    for r0, c0, r1, c1 in table.sheet.merges:
        spans_value = any(c0 <= v <= c1 for v in values)
        if r0 == r1 and start <= r0 < end and c0 <= ind.index <= c1 and spans_value:
            out.add(r0)
    return out


def _read_table(
    table: Table,
    defaults: Defaults,
    settings: cp.Settings,
    report: Report,
    title: TitleInfo,
    label: str | None = None,
) -> pd.DataFrame:
    grid = table.grid
    n_rows = table.data_end if table.data_end >= 0 else len(grid)
    header_year = _choose_year_columns(table, title, defaults, report)
    if header_year is not None and title.tahun is None:
        title = TitleInfo(header_year, title.periode, title.bidang)
    cols = table.columns
    header_of = {c.field: c.header for c in cols if c.periode is None}

    # Columns that name the same field twice make the sheet ambiguous.
    seen: dict[tuple[str, str | None], Column] = {}
    failed_before = len(report.errors)
    for c in cols:
        key = (c.field, c.periode)
        if key in seen:
            report.error(
                table.header_row + 1,
                c.header,
                f"Kolom '{c.header}' ({c.letter}) muncul dua kali; kolom pertama di "
                f"{seen[key].letter}.",
            )
        else:
            seen[key] = c
    for pos, h in table.unknown:
        report.warn(
            table.header_row + 1,
            h,
            f"Kolom '{h}' ({col_letter(pos)}) tidak dikenali dan diabaikan.",
        )
    if len(report.errors) > failed_before:
        return schema.empty_records()

    wide_periods = sorted(
        {c.periode for c in cols if c.periode}, key=lambda p: schema.PERIODE.index(p)
    )
    value_cols = [c for c in cols if c.field in VALUE_FIELDS]
    if not wide_periods and table.plain("target") is None:
        report.error(table.header_row + 1, "Target", "Kolom Target tidak ditemukan.")
        return schema.empty_records()

    rows = list(range(table.data_start, n_rows))
    body = grid[table.data_start : n_rows]
    data = _columns(body, sorted({c.index for c in cols}))
    num_mask = np.zeros(len(rows), dtype=bool)
    for c in value_cols:
        num_mask |= data[c.index] != ""
    group_rows = _group_rows(table, table.data_start, n_rows)
    for r0 in group_rows:
        num_mask[r0 - table.data_start] = False
    ind_col = table.plain("indikator")
    assert ind_col is not None  # locate_table requires it
    # One pass over the indikator column: its distinct cells, blank or not, summary or not.
    ind_codes, ind_cells, ind_summary = _factorize(data[ind_col.index], is_summary_label)
    ind_mask = np.array([v != "" for v in ind_cells], dtype=bool)[ind_codes]
    summary = np.array(ind_summary, dtype=bool)[ind_codes]
    for k in map(int, np.flatnonzero(summary & num_mask)):
        r0 = rows[k]
        report.warn(
            r0 + 1,
            ind_col.header,
            f"Baris {r0 + 1} ('{_text(data[ind_col.index][k])}') adalah baris ringkasan, bukan "
            "indikator; diabaikan.",
        )
    num_mask &= ~summary
    ind_mask &= ~summary

    last_num = int(np.flatnonzero(num_mask)[-1]) if num_mask.any() else -1
    keep = num_mask & ind_mask
    group_sasaran: dict[int, str] = {}
    group_bidang: dict[int, str] = {}
    if label:
        _group_label(label, 0, group_sasaran, group_bidang)
    sas_col = table.plain("sasaran")
    bid_col = table.plain("bidang")
    descriptor_cols = [
        table.plain(f) for f in ("satuan", "periode", "arah", "tahun") if table.plain(f)
    ]
    first_value = min((c.index for c in value_cols), default=0)

    # Only rows that are not plainly data rows need a closer look.
    for i in map(int, np.flatnonzero(~keep)):
        r0 = rows[i]
        if summary[i] or all(v == "" or v is None for v in grid[r0]):
            continue
        distinct = {_text(v) for v in grid[r0] if _text(v) != ""}
        if r0 in group_rows or (
            len(distinct) == 1 and not ind_mask[i] and not _numeric_row(grid[r0])
        ):
            # A label over the rows below ("1. Meningkatnya ...", "BIDANG PERINDUSTRIAN"),
            # or a signature line under the table.
            if i < last_num:
                _group_label(next(iter(distinct)), i, group_sasaran, group_bidang)
            continue
        if num_mask[i]:
            before = grid[r0][:first_value]
            if any(is_summary_label(v) for v in before):
                report.warn(
                    r0 + 1, None, f"Baris {r0 + 1} adalah baris ringkasan (jumlah); diabaikan."
                )
                continue
            report.error(
                r0 + 1,
                ind_col.header,
                f"Baris {r0 + 1} berisi angka tetapi Indikator Kinerja kosong (sel "
                f"{_cell(ind_col, r0)}).",
            )
            continue
        # A row with text and no numbers: a group label, a signature line, or an indicator
        # that was not filled in.
        if i > last_num:
            looks_like_data = ind_mask[i] and any(
                _text(data[c.index][i]) for c in descriptor_cols if c is not None
            )
            if not looks_like_data:
                continue  # signature block, notes
        if ind_mask[i]:
            if table.wide:
                report.warn(
                    r0 + 1,
                    ind_col.header,
                    f"Indikator '{_text(data[ind_col.index][i])}' tidak memiliki nilai target "
                    "maupun realisasi; tidak ada data yang dibaca dari baris ini.",
                )
            else:
                tcol = table.plain("target")
                assert tcol is not None
                report.error(
                    r0 + 1,
                    tcol.header,
                    f"Target kosong (sel {_cell(tcol, r0)}) untuk indikator "
                    f"'{_text(data[ind_col.index][i])}'.",
                )

    idx = np.flatnonzero(keep)
    if len(idx) == 0:
        return schema.empty_records()

    every_row = len(idx) == len(rows)

    def take(col: Column | None) -> np.ndarray:
        if col is None:
            return np.full(len(idx), "", dtype=object)
        # Read only: the column itself when every row is kept (a copy touches every cell).
        return data[col.index] if every_row else data[col.index][idx]

    # rows[i] is table.data_start + i: the spreadsheet row is one more.
    base = pd.DataFrame({"baris": (idx + (table.data_start + 1)).astype(np.int64)})
    for f in TEXT_FIELDS:
        if f == "indikator" and every_row:  # the cells factorised above, in the same order
            codes, cleaned = ind_codes, [_clean_text(v) for v in ind_cells]
        else:
            codes, _, cleaned = _factorize(take(table.plain(f)), _clean_text)
        base[f] = _text_values(cleaned, codes)
    # Grouping columns: a blank cell under a filled one repeats it (people leave repeats blank),
    # and group label rows fill them where the sheet has no such column.
    for f, labels, col in (
        ("sasaran", group_sasaran, sas_col),
        ("bidang", group_bidang, bid_col),
    ):
        if labels:
            label_series = pd.Series(labels, dtype="object").reindex(range(len(rows))).ffill()
            from_label = label_series.iloc[idx].to_numpy()
            base[f] = base[f].where(base[f].notna(), pd.Series(from_label, index=base.index))
        if col is not None:
            base[f] = base[f].ffill()

    _resolve_context(base, table, title, defaults, report, take)
    if defaults.daftar_bidang:
        _match_bidang(base, table, title, defaults.bidang, defaults.daftar_bidang, report, take)
    _resolve_arah(base, table, report, take)

    if wide_periods:
        frames = []
        fallback_target = table.plain("target")
        used_fallback = False
        for p in wide_periods:
            part = base.copy()
            part["periode"] = p
            failed = np.zeros(len(idx), dtype=bool)
            for f in VALUE_FIELDS:
                col = _wide_col(cols, f, p)
                if col is None and f in ("pagu", "realisasi_anggaran"):
                    col = table.plain(f)
                part[f], bad = _numbers(col, idx, rows, data, table, base, report)
                failed = failed | bad
            own_target = _wide_col(cols, "target", p) is not None
            if not own_target and fallback_target is not None:
                part["target"], bad = _numbers(
                    fallback_target, idx, rows, data, table, base, report
                )
                failed = failed | bad
                has_value = part["realisasi"].notna().to_numpy()
                used_fallback = used_fallback or bool(has_value.any())
            else:
                has_value = (part["target"].notna() | part["realisasi"].notna()).to_numpy()
            _blank_issues(part, has_value & ~failed, table, p, data, idx, report)
            frames.append(part[has_value & ~failed])
        if used_fallback:
            report.warn(
                table.header_row + 1,
                header_of.get("target"),
                "Target per triwulan tidak ada; kolom Target (tahunan) dipakai untuk tiap "
                "triwulan.",
            )
        records = pd.concat(frames, ignore_index=True)
    else:
        records = base
        failed = np.zeros(len(idx), dtype=bool)
        for f in VALUE_FIELDS:
            records[f], bad = _numbers(table.plain(f), idx, rows, data, table, base, report)
            failed = failed | bad
        _blank_issues(records, ~failed, table, None, data, idx, report)
        if failed.any():  # else keep the frame (_validate renumbers it either way)
            records = records[~failed]
    records = _validate(records, table, report)
    if report.errors:
        return schema.empty_records()
    records = _with_capaian(records, table, settings, report)
    records["lembar"] = report.sheet
    return records


def _blank_issues(
    part: pd.DataFrame,
    mask: np.ndarray,
    table: Table,
    periode: str | None,
    data: dict[int, np.ndarray],
    idx: np.ndarray,
    report: Report,
) -> None:
    """Blank target is an error; blank realisasi is a warning (not yet reported)."""
    for f in ("target", "realisasi"):
        col = _wide_col(table.columns, f, periode) if periode else table.plain(f)
        if col is None and f == "target":
            col = table.plain("target")
        blank = mask & part[f].isna().to_numpy()
        baris = part["baris"].to_numpy()
        for k in np.flatnonzero(blank):
            row = int(baris[k])
            raw = _text(data[col.index][idx[k]]) if col is not None else ""
            shown = f"'{raw}', " if raw else ""
            name = col.header if col else schema.LABEL[f]
            cell = f"sel {col.letter}{row}" if col else f"baris {row}"
            if f == "target":
                report.error(row, name, f"Target kosong ({shown}{cell}).")
            else:
                report.warn(
                    row,
                    name,
                    f"Realisasi belum dilaporkan ({shown}{cell}); capaian dikosongkan.",
                )


def _resolve_context(
    base: pd.DataFrame,
    table: Table,
    title: TitleInfo,
    defaults: Defaults,
    report: Report,
    take: Callable[[Column | None], np.ndarray],
) -> None:
    """Fill bidang, tahun and periode: the sheet's column, then its title rows, then the form."""
    for label, said, form in (
        ("Bidang", title.bidang, defaults.bidang),
        ("Tahun", title.tahun, defaults.tahun),
        ("Periode", None if table.wide else title.periode, defaults.periode),
    ):
        if label == "Bidang" and said and form and defaults.daftar_bidang:
            # Two spellings of one of the agency's bidang say the same.
            said = bidang.match(str(said), defaults.daftar_bidang) or said
            form = bidang.match(str(form), defaults.daftar_bidang) or form
        if said is not None and form is not None and str(said).lower() != str(form).lower():
            report.warn(
                None,
                label,
                f"Formulir menyebut {label.lower()} '{form}', judul lembar menyebut '{said}'; "
                "yang dipakai isi lembar.",
            )
    rows = base["baris"].to_numpy()

    fallback_bidang = title.bidang or defaults.bidang
    if base["bidang"].isna().any():
        if fallback_bidang:
            base["bidang"] = base["bidang"].fillna(fallback_bidang)
        else:
            first = int(base.loc[base["bidang"].isna(), "baris"].iloc[0])
            report.error(
                first if table.plain("bidang") else None,
                "Bidang",
                "Bidang tidak diketahui: lembar tidak menyebutnya (kolom Bidang atau judul) "
                "dan formulir unggah tidak mengisinya.",
            )

    codes, tahun = _context_column(
        take(table.plain("tahun")),
        schema.parse_tahun,
        title.tahun or defaults.tahun,
        table.plain("tahun"),
        rows,
        report,
        "Tahun",
        "Tahun '{v}' tidak sah (sel {cell}); tulis tahun 2000-2100.",
    )
    base["tahun"] = np.asarray([t if t is not None else 0 for t in tahun], dtype=np.int64)[codes]
    if table.wide:
        return  # wide sheets carry the periode in their columns
    codes, periode = _context_column(
        take(table.plain("periode")),
        schema.parse_periode,
        title.periode or defaults.periode,
        table.plain("periode"),
        rows,
        report,
        "Periode",
        "Periode '{v}' tidak dikenal (sel {cell}); gunakan TW I-TW IV, Semester I/II atau Tahunan.",
    )
    base["periode"] = _text_values(periode, codes)


def _context_column(
    raw: np.ndarray,
    parse: Callable[[Any], Any],
    fallback: Any,
    col: Column | None,
    rows: np.ndarray,
    report: Report,
    label: str,
    bad_message: str,
) -> tuple[np.ndarray, list[Any]]:
    """One of tahun/periode per record: parsed cell, else the fallback; issues per bad cell.

    As codes into the column's distinct cells and the value of each (see _factorize).
    """
    codes, cells, parsed = _factorize(raw, parse)
    blank_cell = np.array([v == "" for v in cells], dtype=bool)
    blank = blank_cell[codes]
    out = [fallback if b else p for b, p in zip(blank_cell.tolist(), parsed, strict=True)]
    for k in np.flatnonzero((_is_none(parsed) & ~blank_cell)[codes]):
        row = int(rows[k])
        assert col is not None
        v = _text(raw[k])
        report.error(row, col.header, bad_message.format(v=v, cell=f"{col.letter}{row}"))
    if fallback is None and blank.any():
        if col is None:
            report.error(
                None,
                label,
                f"{label} tidak diketahui: lembar tidak menyebutnya (kolom {label} atau judul) "
                "dan formulir unggah tidak mengisinya.",
            )
        else:
            first = int(np.flatnonzero(blank)[0])
            row = int(rows[first])
            report.error(row, col.header, f"{label} kosong (sel {col.letter}{row}).")
    return codes, out


def _resolve_arah(
    base: pd.DataFrame,
    table: Table,
    report: Report,
    take: Callable[[Column | None], np.ndarray],
) -> None:
    acol = table.plain("arah")
    if acol is None:
        base["arah"] = "naik"
        return
    raw = take(acol)
    codes, cells, parsed = _factorize(raw, lambda v: schema.parse_arah(_text(v)))
    blank = np.array([v == "" for v in cells], dtype=bool)
    rows = base["baris"].to_numpy()
    for k in np.flatnonzero((_is_none(parsed) & ~blank)[codes]):
        row = int(rows[k])
        report.error(
            row,
            acol.header,
            f"Arah '{_text(raw[k])}' tidak dikenal (sel {acol.letter}{row}); gunakan Naik "
            "(semakin tinggi semakin baik) atau Turun (semakin rendah semakin baik).",
        )
    arah = ["naik" if b else (p or "naik") for b, p in zip(blank.tolist(), parsed, strict=True)]
    base["arah"] = _text_values(arah, codes)
