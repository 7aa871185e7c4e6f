"""The database and the reader behind the screens: one store per process, the cached read,
counts, saving through kirim."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from kinerja import capaian, ingest, kirim
from kinerja.store import Store, StoreError, connect
from kinerja.ui import state
from kinerja.ui.guards import UNREACHABLE, database_down, guarded


@dataclass(frozen=True)
class Upload:
    """One uploaded file: its name as the browser gave it, and its bytes."""

    name: str
    data: bytes

    def key(self, defaults: ingest.Defaults) -> str:
        """Same bytes read with the same form values: the same save."""
        digest = hashlib.sha256(self.data).hexdigest()
        return f"{digest}/{defaults.bidang}/{defaults.tahun}/{defaults.periode}"


# connect() says it cannot open the database with StoreError; SQLAlchemy's own errors are
# caught too, should one get through (a malformed URL, a server that drops the migration).
_CANNOT_OPEN: tuple[type[Exception], ...] = (StoreError, *UNREACHABLE)


@st.cache_resource(show_spinner=False)
def _store() -> Store:
    """One store (connection pool) per server process; migrations run on first use, and an
    empty database gets its agency from data/instansi.toml."""
    s = connect()
    s.init(user="aplikasi")
    return s


def store() -> Store:
    """The store, or the page stops with the Indonesian message when the database cannot be
    opened (a failed open is not cached: the next rerun tries again)."""
    try:
        return _store()
    except _CANNOT_OPEN as exc:
        database_down(exc)


def require_database() -> None:
    """The guard at the top of a screen that needs the database."""
    store()


def store_if_reachable() -> Store | None:
    """The store, or None when the database cannot be opened (for the router, which must
    not stop: the page it runs then says so itself)."""
    try:
        return _store()
    except _CANNOT_OPEN:
        return None


@guarded
def visible_bidang() -> list[str] | None:
    """The bidang the account signed in may see (None: every bidang). Nobody signed in: None
    without asking the database, for there are no accounts then (else the page's guard has
    stopped it before it reads anything)."""
    sesi = state.session()
    return None if sesi is None else store().visible_bidang(sesi.username)


def only_visible(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows of the bidang the account signed in may see (all with no accounts)."""
    visible = visible_bidang()
    if visible is None or frame.empty or "bidang" not in frame.columns:
        return frame
    return frame[frame["bidang"].isin(visible)]


@guarded
def settings() -> dict[str, Any]:
    """The agency's settings (nama, kabupaten, bidang, ...)."""
    return store().settings()


@guarded
def capaian_settings() -> capaian.Settings:
    return store().capaian_settings()


def read_upload(upload: Upload, defaults: ingest.Defaults) -> ingest.IngestResult:
    """Read one uploaded file with the agency's capaian settings and bidang list (cached), so
    the preview refuses what saving would refuse, and saving reuses this read."""
    agency = kirim.for_agency(defaults, settings().get("bidang") or [])
    return _read(upload.data, filename=upload.name, defaults=agency, settings=capaian_settings())


def _read(
    source: bytes, /, *, filename: str, defaults: ingest.Defaults, settings: capaian.Settings
) -> ingest.IngestResult:
    """ingest.read, cached: the shape kirim.Reader names."""
    return _read_cached(filename, source, defaults, settings)[0]


def upload_slots(upload: Upload, defaults: ingest.Defaults) -> pd.DataFrame:
    """The bidang, tahun and periode an uploaded file is about (kirim.file_slots): its
    records', or what the sheets of a refused file still name; from the same cached read."""
    return _read_cached(upload.name, upload.data, defaults, capaian_settings())[1]


@st.cache_data(show_spinner="Membaca file ...", max_entries=64)
def _read_cached(
    name: str, data: bytes, defaults: ingest.Defaults, settings: capaian.Settings
) -> tuple[ingest.IngestResult, pd.DataFrame]:
    # Keyed on everything the read depends on: a settings change reads the file again.
    return kirim.read_with_slots(data, name, defaults=defaults, settings=settings)


@guarded
def save(uploads: list[Upload], defaults: ingest.Defaults) -> None:
    """Store every uploaded file through kirim (the same read-then-submit as `kinerja
    submit`): valid ones accepted, the rest kept as refused attempts, bytes already stored
    for the same slots not stored again. The outcomes are shown after the rerun."""
    s = store()
    settings = capaian_settings()

    def slots(data: bytes, filename: str, form: ingest.Defaults) -> pd.DataFrame:
        """What kirim stores a refused file under: from the cached read, not a new one."""
        return _read_cached(filename, data, form, settings)[1]

    outcomes: list[state.Simpan] = []
    keys: list[str] = []
    for upload in uploads:
        try:
            out = kirim.kirim(
                s,
                upload.data,
                upload.name,
                defaults=defaults,
                user=state.user(),
                settings=settings,
                reader=_read,
                slot_reader=slots,
            )
        except StoreError as exc:
            outcomes.append(state.Simpan(upload.name, "ditolak", str(exc)))
            continue
        kind = "sudah_ada" if out.sudah_ada else "disimpan" if out.accepted else "ditolak"
        outcomes.append(state.Simpan(upload.name, kind, out.message))
        keys.append(upload.key(defaults))
    state.remember_saved(outcomes, keys)


@dataclass(frozen=True)
class Ringkasan:
    """Beranda's counts for one round: its submissions (every attempt: accepted, refused,
    superseded), its current records, and the bidang with current records in it."""

    kiriman: int
    rekaman_kini: int
    bidang_kini: int
    bidang: int  # the agency's bidang (those that must send)


@guarded
def ringkasan(tahun: int, periode: str) -> Ringkasan:
    """The counts of the round tahun + periode (not of every year)."""
    s = store()
    return _count(s, tahun, periode, list(settings().get("bidang") or []))


def _count(s: Store, tahun: int, periode: str, bidang: list[str]) -> Ringkasan:
    counts = s.summary(tahun=tahun, periode=periode)
    sent = counts["bidang_kini"]
    return Ringkasan(
        kiriman=counts["kiriman"],
        rekaman_kini=counts["rekaman_kini"],
        bidang_kini=sent,
        bidang=len(bidang) or sent,
    )


@guarded
def current_records(pilihan: ingest.Defaults) -> pd.DataFrame:
    found = store().records(bidang=pilihan.bidang, tahun=pilihan.tahun, periode=pilihan.periode)
    return only_visible(found)


@guarded
def history(pilihan: ingest.Defaults) -> pd.DataFrame:
    found = store().history(bidang=pilihan.bidang, tahun=pilihan.tahun, periode=pilihan.periode)
    return only_visible(found)


@guarded
def submission_report(kiriman_id: int) -> dict[str, Any]:
    """The report stored with a submission: {"errors", "warnings", ...}, each issue with
    row, column, message (and sheet when the file had several)."""
    return store().submission_report(kiriman_id)


@guarded
def submission_changes(kiriman_id: int) -> pd.DataFrame:
    """The target/realisasi values a submission changed against the one(s) it replaced."""
    return store().changes(kiriman_id)


@guarded
def submission_records(kiriman_id: int) -> pd.DataFrame:
    return store().records(kiriman_id=kiriman_id)


def submission_file(kiriman_id: int) -> bytes:
    """The original bytes of a submission, read when its download is clicked (outside the
    page's run, where no guard can draw: a StoreError there fails that download only)."""
    return store().submission_file(kiriman_id)[1]


@guarded
def notes_for(records: pd.DataFrame) -> pd.DataFrame:
    """The notes (catatan) on these records: a note follows its record's key (bidang,
    indikator, tahun, periode), so later versions of a record show it too. Oldest first."""
    cols = ["bidang", "indikator", "tahun", "periode"]
    if records.empty:
        return pd.DataFrame(columns=[*cols, "isi", "oleh", "waktu"])
    years = records["tahun"].dropna().unique()
    found = store().notes(tahun=int(years[0]) if len(years) == 1 else None)
    if found.empty:
        return found
    keys = records[cols].drop_duplicates().astype({"tahun": "int64"})
    return found.astype({"tahun": "int64"}).merge(keys, on=cols).sort_values("id")
