"""Read-then-submit: one file's bytes read by the reader and stored, never the same twice."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pandas as pd

from kinerja import capaian, ingest, schema
from kinerja.store import Store, SubmitOutcome


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
    reader: Reader = ingest.read,
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
      message and labels (the upload form's bidang, tahun and periode).
    The result then says so (``sudah_ada``) with that submission's id.
    """
    if settings is None:
        settings = store.capaian_settings(instansi_id)
    result = reader(data, filename=filename, defaults=defaults, settings=settings)
    digest = hashlib.sha256(data).hexdigest()
    found = _tersimpan(store, result, digest, defaults, instansi_id)
    if found is not None:
        return KirimResult(result, found, sudah_ada=True)
    outcome = store.submit(
        result,
        data=data,
        filename=stored_name or filename,
        user=user,
        instansi_id=instansi_id,
        bidang=defaults.bidang,
        tahun=defaults.tahun,
        periode=defaults.periode,
    )
    return KirimResult(result, outcome)


def _tersimpan(
    store: Store,
    result: ingest.IngestResult,
    digest: str,
    defaults: ingest.Defaults,
    instansi_id: int | None,
) -> SubmitOutcome | None:
    """The stored submission these bytes would only repeat, as an outcome; else None."""
    history = store.history(instansi_id=instansi_id)
    same = history[history["sha256"] == digest]
    if same.empty:
        return None
    if not (result.valid and not result.records.empty):
        newest = same.iloc[0]  # history is newest first
        labels = (defaults.bidang, defaults.tahun, defaults.periode)
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
        if newest["status"] == "refused" and newest["pesan"] == message and labels == stored_labels:
            kid = int(newest["id"])
            return SubmitOutcome(
                "refused", kid, f"{message} (sudah tercatat sebagai kiriman #{kid})"
            )
        return None
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
