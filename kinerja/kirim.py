"""Read-then-submit: one file's bytes read by the reader and stored, never the same twice;
and what a file says it is about (bidang, tahun, periode), even when it is refused."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol

import numpy as np
import pandas as pd

from kinerja import bidang, capaian, ingest, schema, workbook
from kinerja.store import Store, SubmitOutcome
from kinerja.store.submissions import refused_labels

log = logging.getLogger(__name__)

SLOT_COLUMNS = ["bidang", "tahun", "periode"]


class Reader(Protocol):
    """ingest.read's shape; the app passes its cached reader so a file is read once."""

    def __call__(
        self,
        source: bytes,
        /,
        *,
        filename: str,
        defaults: ingest.Defaults,
        settings: capaian.Settings,
    ) -> ingest.IngestResult: ...


# A file as bytes, or already opened.
Source = bytes | workbook.Book
# sheet_slots' shape; the app passes its cached one.
SlotReader = Callable[[bytes, str, ingest.Defaults], pd.DataFrame]


@dataclass(frozen=True)
class KirimResult:
    """What reading found and what the store did (or already had: ``sudah_ada``)."""

    result: ingest.IngestResult
    outcome: SubmitOutcome
    sudah_ada: bool = False

    @property
    def accepted(self) -> bool:
        return self.outcome.accepted

    @property
    def message(self) -> str:
        return self.outcome.message

    @property
    def kiriman_id(self) -> int:
        return self.outcome.kiriman_id

    def to_json(self) -> dict[str, Any]:
        """The store's outcome keys (status, kiriman_id, message, superseded, changes) and
        sudah_ada."""
        return self.outcome.to_json() | {"sudah_ada": self.sudah_ada}


def kirim(
    store: Store,
    data: bytes,
    filename: str,
    *,
    defaults: ingest.Defaults,
    user: str,
    settings: capaian.Settings | None = None,
    instansi_id: int | None = None,
    stored_name: str | None = None,
    reader: Reader | None = None,
    slot_reader: SlotReader | None = None,
) -> KirimResult:
    """Read one file and store it, unless storing it again would change nothing.

    ``filename`` is the name the report shows (and the reader's hint of the file type);
    ``stored_name`` the one the history keeps (default: filename). ``settings`` default to
    the agency's capaian settings. Nothing is stored again when the same bytes are already
    stored for the same slots (bidang, tahun, periode):
    - a valid file whose accepted submission still holds every current record of exactly
      those slots, with the same values (capaian and predikat included, so a settings change
      is stored);
    - an invalid file whose newest submission of these bytes was refused with the same
      message and labels, from the same form values.
    The result then says so (``sudah_ada``) with that submission's id.

    Where the agency's settings list its bidang, every record's bidang must be one of them
    (the reader refuses another, naming its cell or the form; kinerja.bidang.match), and is
    stored in the agency's spelling; so is the form's bidang (for_agency).

    A refused file is stored with the bidang, tahun and periode its sheets still name, so
    the history lists it under them; it is refused all the same (the store never accepts an
    invalid read). Without ``reader`` the file is opened once for both (read_with_slots);
    with one (the app's cached read), ``slot_reader`` (default sheet_slots) names them.
    """
    if settings is None:
        settings = store.capaian_settings(instansi_id)
    defaults = for_agency(defaults, store.settings(instansi_id).get("bidang") or ())
    slots: pd.DataFrame | None = None
    if reader is None:
        result, slots = read_with_slots(data, filename, defaults=defaults, settings=settings)
    else:
        result = reader(data, filename=filename, defaults=defaults, settings=settings)
    refused = None
    if not _readable(result):
        if slots is None:
            slots = file_slots(result, data, defaults, slot_reader=slot_reader)
        refused = _Refused(result.report, _agency_spelling(slots, defaults.daftar_bidang))
    digest = hashlib.sha256(data).hexdigest()
    found = _tersimpan(store, result, refused, digest, defaults, instansi_id)
    if found is not None:
        return KirimResult(result, found, sudah_ada=True)
    outcome = store.submit(
        refused or result,
        data=data,
        filename=stored_name or filename,
        user=user,
        instansi_id=instansi_id,
        bidang=defaults.bidang,
        tahun=defaults.tahun,
        periode=defaults.periode,
    )
    return KirimResult(result, outcome)


def for_agency(defaults: ingest.Defaults, daftar: Sequence[str]) -> ingest.Defaults:
    """The form's values with the agency's bidang list (``daftar``, the "bidang" setting):
    the form's bidang in the agency's spelling when it matches one (kinerja.bidang.match),
    as written when not (the reader refuses it where it is used). An empty list checks
    nothing."""
    names = tuple(str(d) for d in daftar)
    form = defaults.bidang
    if names and form is not None:
        form = bidang.match(form, names) or form
    return replace(defaults, bidang=form, daftar_bidang=names)


def _agency_spelling(slots: pd.DataFrame, daftar: tuple[str, ...]) -> pd.DataFrame:
    """The slots with each bidang the agency lists in its spelling (a refused file's labels)."""
    if not daftar or slots.empty:
        return slots
    out = slots.copy()  # the app's slots come from its cache: never changed in place
    out["bidang"] = [
        (bidang.match(b, daftar) or b) if isinstance(b, str) else b for b in out["bidang"]
    ]
    return out


@dataclass(frozen=True)
class _Refused:
    """A refused read as Store.submit takes it: its report, and in place of records (a
    refused file has none) the slots its sheets name, which only label it."""

    report: ingest.Report
    records: pd.DataFrame
    valid: bool = False


def _readable(result: ingest.IngestResult) -> bool:
    return result.valid and not result.records.empty


def read_with_slots(
    data: bytes, filename: str, *, defaults: ingest.Defaults, settings: capaian.Settings
) -> tuple[ingest.IngestResult, pd.DataFrame]:
    """ingest.read and file_slots from one opening of the file: opening starts the guarded
    parser child, the costly part of reading a small file, so a refused file is not opened
    twice to name its slots (kirim's own read, and the app's cached one)."""
    try:
        book = workbook.load(data, filename=filename)
    except workbook.WorkbookError as exc:
        # What ingest.read reports for a file it cannot open; it names only the form's slots.
        report = ingest.Report()
        report.error(None, None, exc.message)
        result = ingest.IngestResult(filename, schema.empty_records(), report)
        return result, sheet_slots(None, filename, defaults)
    result = ingest.read(book, filename=filename, defaults=defaults, settings=settings)
    return result, file_slots(result, book, defaults)


def file_slots(
    result: ingest.IngestResult,
    data: Source,
    defaults: ingest.Defaults,
    *,
    slot_reader: SlotReader | None = None,
) -> pd.DataFrame:
    """The bidang, tahun and periode a read file is about, one row per slot (SLOT_COLUMNS):
    its records' when it was read; for a refused file what its sheets still name
    (sheet_slots), the form's values filling what they do not."""
    if _readable(result):
        slots = result.records[SLOT_COLUMNS].drop_duplicates()
        return slots.astype(object).reset_index(drop=True)
    if slot_reader is not None and isinstance(data, bytes):
        return slot_reader(data, result.file, defaults)
    return sheet_slots(data, result.file, defaults)


def slot_text(slots: pd.DataFrame) -> tuple[str | None, str | None, str | None]:
    """bidang, tahun and periode as one line each shows them ("TW I, TW II" when several;
    None when unknown), periods in calendar order."""
    if slots.empty:
        return None, None, None

    def joined(col: str, key: Callable[[Any], Any] = str) -> str | None:
        values = sorted(
            {v for v in slots[col].tolist() if v is not None and not pd.isna(v)}, key=key
        )
        return ", ".join(str(v) for v in values) or None

    return joined("bidang"), joined("tahun", int), joined("periode", _periode_order)


def _periode_order(p: Any) -> tuple[int, str]:
    return (schema.PERIODE.index(p) if p in schema.PERIODE else 99, str(p))


def sheet_slots(data: Source | None, filename: str, defaults: ingest.Defaults) -> pd.DataFrame:
    """What a file's sheets name as its bidang, tahun and periode, read without checking its
    data, so a refused file still tells: per data row (an indikator beside a value) the
    Bidang/Tahun/Periode columns, else the sheet's title rows (and the sheet's name when
    there are several), else the form's values; the periods of a wide table's columns.
    The reader's own order of precedence. One row per distinct slot (SLOT_COLUMNS, values
    or None); a file that cannot be opened (or None) names the form's values only."""
    try:
        if data is None:
            raise workbook.WorkbookError("tidak ada berkas")
        book = data if isinstance(data, workbook.Book) else workbook.load(data, filename=filename)
        found = _book_slots(book, defaults)
    except workbook.WorkbookError:
        found = set()
    except Exception:  # labels are a courtesy: a bug here must not stop storing the attempt
        log.exception("bidang/tahun/periode of %s not read", filename)
        found = set()
    if not found:
        found = {(defaults.bidang, defaults.tahun, defaults.periode)}
    rows = sorted(found, key=lambda s: (str(s[1]), _periode_order(s[2]), str(s[0])))
    return pd.DataFrame(rows, columns=SLOT_COLUMNS, dtype=object)


_NamedSlot = tuple[str | None, int | None, str | None]


def _book_slots(book: workbook.Book, defaults: ingest.Defaults) -> set[_NamedSlot]:
    visible = [n for n in book.sheet_names if n not in book.hidden]
    several = len(visible) > 1
    found: set[_NamedSlot] = set()
    for name in visible:
        tables = ingest.locate_tables(book.sheet(name))
        if not tables:
            continue
        by_name = ingest.sheet_name_info(name) if several else ingest.TitleInfo()
        sheet_title = ingest.read_title(tables[0].grid, tables[0].header_row).over(by_name)
        for k, table in enumerate(tables):
            title = sheet_title
            if k:
                lo = tables[k - 1].data_end
                title = ingest.read_title(table.grid, table.header_row, lo).over(sheet_title)
            found |= _table_slots(table, title, defaults)
    return found


def _table_slots(
    table: ingest.Table, title: ingest.TitleInfo, defaults: ingest.Defaults
) -> set[_NamedSlot]:
    end = table.data_end if table.data_end >= 0 else len(table.grid)
    ind = table.plain("indikator")
    values = [c.index for c in table.columns if c.field in ("target", "realisasi")]
    if ind is None:
        return set()
    wide = sorted({c.periode for c in table.columns if c.periode}, key=_periode_order)
    bidang_col, tahun_col, periode_col = (table.plain(f) for f in SLOT_COLUMNS)
    found: set[_NamedSlot] = set()
    bidang_above: str | None = None  # people leave a repeated bidang blank
    for row in table.grid[table.data_start : end]:
        indikator = _cell_text(row, ind.index)
        filled = {str(v).strip() for v in row if v is not None and str(v).strip()}
        if (
            indikator is None
            or ingest.is_summary_label(indikator)
            or len(filled) < 2  # a label merged across the row
            or not any(_cell_text(row, i) is not None or _is_number(row, i) for i in values)
        ):
            continue
        bidang = _cell_text(row, bidang_col.index) if bidang_col else None
        bidang_above = bidang or bidang_above
        tahun = schema.parse_tahun(_cell(row, tahun_col.index)) if tahun_col else None
        periode = schema.parse_periode(_cell(row, periode_col.index)) if periode_col else None
        if not table.wide:
            periode = periode or title.periode or defaults.periode
        periodes: list[str | None] = [*wide] if wide else [periode]
        for p in periodes:
            found.add(
                (
                    bidang_above or title.bidang or defaults.bidang,
                    tahun or title.tahun or defaults.tahun,
                    p,
                )
            )
    return found


def _cell(row: list[Any], index: int) -> Any:
    return row[index] if index < len(row) else None


def _is_number(row: list[Any], index: int) -> bool:
    v = _cell(row, index)
    return isinstance(v, int | float) and not isinstance(v, bool)


def _cell_text(row: list[Any], index: int) -> str | None:
    """A text cell as one line of printable characters (None when blank or an error)."""
    v = _cell(row, index)
    if not isinstance(v, str) or workbook.is_error_text(v):
        return None
    text = "".join(ch for ch in " ".join(v.split()) if ch.isprintable())
    return text or None


def _tersimpan(
    store: Store,
    result: ingest.IngestResult,
    refused: _Refused | None,
    digest: str,
    defaults: ingest.Defaults,
    instansi_id: int | None,
) -> SubmitOutcome | None:
    """The stored submission these bytes would only repeat, as an outcome; else None."""
    history = store.history(instansi_id=instansi_id)
    same = history[history["sha256"] == digest]
    if same.empty:
        return None
    if refused is not None:
        newest = same.iloc[0]  # history is newest first
        # The labels the store gives this refused file (its sheets', else the form's).
        labels = refused_labels(refused.records, defaults.bidang, defaults.tahun, defaults.periode)
        stored_labels = (
            _or_none(newest["bidang"]),
            _or_none(newest["tahun"]),
            _or_none(newest["periode"]),
        )
        # The store's own refusal text: its first error, or that a valid file held no data.
        errors = result.report.errors
        message = "Berkas ditolak: " + (
            errors[0].message if errors else "Berkas tidak berisi data."
        )
        if newest["status"] != "refused" or newest["pesan"] != message or labels != stored_labels:
            return None
        kid = int(newest["id"])
        # The same form too: a refused file is recorded once per the form's values.
        form = {"bidang": defaults.bidang, "tahun": defaults.tahun, "periode": defaults.periode}
        if store.submission_report(kid).get("formulir") != form:
            return None
        return SubmitOutcome("refused", kid, f"{message} (sudah tercatat sebagai kiriman #{kid})")
    for kid in same.loc[same["status"] == "accepted", "id"]:
        if _masih_kini(store, int(kid), result.records, instansi_id):
            name = same.loc[same["id"] == kid, "nama_file"].iloc[0]
            return SubmitOutcome(
                "accepted",
                int(kid),
                f"Berkas {name} sudah tersimpan sebagai kiriman #{int(kid)} dengan data yang "
                "sama; tidak disimpan lagi.",
            )
    return None


def _masih_kini(
    store: Store, kiriman_id: int, records: pd.DataFrame, instansi_id: int | None
) -> bool:
    """True when kiriman_id holds every current record of the records' slots, equal to them."""
    stored = store.records(kiriman_id=kiriman_id)
    slot = ["bidang", "tahun", "periode"]
    slots = {tuple(s) for s in records[slot].itertuples(index=False)}
    if slots != {tuple(s) for s in stored[slot].itertuples(index=False)}:
        return False
    current = [
        store.records(instansi_id=instansi_id, bidang=str(b), tahun=int(t), periode=str(p))
        for b, t, p in sorted(slots, key=str)
    ]
    kini = pd.concat(current, ignore_index=True)
    if set(kini["kiriman_id"]) != {kiriman_id} or len(kini) != len(records):
        return False
    return _sama(records, kini)


def _sama(new: pd.DataFrame, stored: pd.DataFrame) -> bool:
    """The same records, column by column (numbers to 1e-9, blanks as None, text as text)."""
    key = schema.KEY_COLUMNS
    cols = [c for c in new.columns if c in stored.columns and c not in ("kiriman_id", "id")]
    a = new[cols].sort_values(key, key=lambda s: s.astype(str)).reset_index(drop=True)
    b = stored[cols].sort_values(key, key=lambda s: s.astype(str)).reset_index(drop=True)
    for c in cols:
        x, y = a[c], b[c]
        if pd.api.types.is_numeric_dtype(x) and pd.api.types.is_numeric_dtype(y):
            xf = x.astype("float64").to_numpy()
            yf = y.astype("float64").to_numpy()
            if not np.allclose(xf, yf, rtol=1e-9, atol=0.0, equal_nan=True):
                return False
        elif [_or_none(v) for v in x] != [_or_none(v) for v in y]:
            return False
    return True


def _or_none(value: Any) -> Any:
    """None for a blank (None, NaN, pd.NA); numbers as int when whole, text as str."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return int(value) if float(value).is_integer() else float(value)
    return str(value)
