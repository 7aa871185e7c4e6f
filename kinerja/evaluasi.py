"""SOP step 6 over the store: the flags of the stored data with the decisions taken on them,
deciding a flag, and verification that is refused while a flag is open.

The pages and the command line call these (never evaluate and the store separately), so both
judge the same data the same way. kinerja.evaluate stays pure; this module reads the store.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from kinerja import capaian, schema
from kinerja.evaluate import FLAG_COLUMNS, EvaluasiSettings, evaluate
from kinerja.store import Store, StoreError

# Flag columns as the store adds them: the decision on each flag ("terbuka" when none).
DECISION_COLUMNS = ["status", "catatan", "oleh", "waktu"]  # of store.flag_decisions()
COLUMNS = [*FLAG_COLUMNS, *DECISION_COLUMNS]
# A year-level flag (an indicator of the PK with no record all year) holds up the year's last
# round only: during the year an indicator may simply not be due yet.
AKHIR_TAHUN = frozenset({"TW IV", "Semester II", "Tahunan"})


def settings(store: Store, instansi_id: int | None = None) -> EvaluasiSettings:
    """The agency's evaluation thresholds (defaults where unset)."""
    return EvaluasiSettings.from_dict(store.settings(instansi_id).get("evaluasi") or {})


def save_settings(
    store: Store, values: EvaluasiSettings, *, user: str, instansi_id: int | None = None
) -> None:
    """Store the agency's evaluation thresholds (audited as a settings change)."""
    store.set_settings({"evaluasi": values.to_dict()}, user=user, instansi_id=instansi_id)


def flags(
    store: Store,
    *,
    instansi_id: int | None = None,
    tahun: int | None = None,
    bidang: str | None = None,
    periode: str | None = None,
    now: dt.datetime | None = None,
) -> pd.DataFrame:
    """The flags of the agency's current data (COLUMNS), each with its decision.

    Every year is evaluated together (a jump is judged against the year before); the filters
    choose which flags are returned (see select).
    """
    records = store.records(instansi_id=instansi_id, bidang=bidang)
    pk = store.pk_all_years(instansi_id=instansi_id)
    if bidang is not None and not pk.empty:
        pk = pk[pk["bidang"].map(_key) == _key(bidang)]
    found = judge(
        records,
        pk=pk,
        deadlines=store.deadlines(instansi_id=instansi_id),
        warnings=store.upload_warnings(instansi_id=instansi_id),
        decisions=store.flag_decisions(instansi_id=instansi_id),
        settings=settings(store, instansi_id),
        capaian_settings=store.capaian_settings(instansi_id),
        now=now,
    )
    return select(found, tahun=tahun, bidang=bidang, periode=periode)


def judge(
    records: pd.DataFrame,
    *,
    pk: pd.DataFrame,
    deadlines: Mapping[tuple[int, str], dt.datetime],
    warnings: pd.DataFrame,
    decisions: pd.DataFrame,
    settings: EvaluasiSettings,
    capaian_settings: capaian.Settings,
    now: dt.datetime | None = None,
) -> pd.DataFrame:
    """evaluate() with the decisions joined: COLUMNS, status "terbuka" where none."""
    found = evaluate(
        records,
        pk=pk,
        deadlines=deadlines,
        warnings=warnings,
        settings=settings,
        capaian_settings=capaian_settings,
        now=now,
    )
    out = found.join(decisions.set_index("kode")[DECISION_COLUMNS], on="id")
    out["status"] = out["status"].fillna("terbuka")
    return out.reset_index(drop=True)[COLUMNS]


def select(
    found: pd.DataFrame,
    *,
    tahun: int | None = None,
    bidang: str | None = None,
    periode: str | None = None,
) -> pd.DataFrame:
    """The flags of one tahun / bidang / periode; a periode filter keeps the year-level flags
    (periode empty) too."""
    keep = pd.Series(True, index=found.index)
    if tahun is not None:
        keep &= found["tahun"] == tahun
    if bidang is not None:
        keep &= found["bidang"].map(_key) == _key(bidang)
    if periode is not None:
        periode = schema.parse_periode(periode) or periode
        keep &= (found["periode"] == periode) | found["periode"].isna()
    return found[keep].reset_index(drop=True)


def _key(text: object) -> str:
    return " ".join(str(text).split()).casefold()


def find(
    store: Store, flag_id: str, *, instansi_id: int | None = None, now: dt.datetime | None = None
) -> dict[str, Any]:
    """The current flag with this id, or StoreError (it may have gone: the data changed)."""
    every = flags(store, instansi_id=instansi_id, now=now)
    hit = every[every["id"] == flag_id.strip().lower()]
    if hit.empty:
        raise StoreError(
            f"Tanda '{flag_id}' tidak ada pada data terkini (mungkin datanya sudah diperbaiki); "
            "lihat daftar dengan 'kinerja evaluate'."
        )
    return dict(hit.iloc[0])


def decide(
    store: Store,
    flag_id: str,
    *,
    status: str,
    catatan: str,
    user: str,
    instansi_id: int | None = None,
) -> dict[str, Any]:
    """Accept ("diterima") or send back ("dikembalikan") a current flag with a note."""
    flag = find(store, flag_id, instansi_id=instansi_id)
    store.decide_flag(flag, status=status, catatan=catatan, user=user, instansi_id=instansi_id)
    flag.update(status=status, catatan=catatan.strip(), oleh=user)
    return flag


def blocking(
    store: Store,
    bidang: str,
    tahun: int,
    periode: str,
    *,
    instansi_id: int | None = None,
    now: dt.datetime | None = None,
) -> pd.DataFrame:
    """The flags that hold up verifying bidang in tahun + periode: every flag of that round
    not accepted, and at the year's last round the year-level ones too."""
    periode = schema.parse_periode(periode) or periode
    found = flags(
        store, instansi_id=instansi_id, tahun=tahun, bidang=bidang, periode=periode, now=now
    )
    found = found[found["bidang"].map(_key) == _key(bidang)]
    in_round = found["periode"] == periode
    if periode in AKHIR_TAHUN:
        in_round |= found["periode"].isna()
    return found[in_round & (found["status"] != "diterima")].reset_index(drop=True)


def verify(
    store: Store,
    bidang: str,
    tahun: int,
    periode: str,
    *,
    user: str,
    note: str | None = None,
    instansi_id: int | None = None,
) -> str:
    """Verify (lock) bidang's data of tahun + periode; StoreError, with the reason, while a
    flag of it is open or sent back, or when a new file came in since it was judged."""
    periode = schema.parse_periode(periode) or periode
    ids = store.slot_records(bidang, tahun, periode, instansi_id=instansi_id)
    held = blocking(store, bidang, tahun, periode, instansi_id=instansi_id)
    if not held.empty:
        raise StoreError(refusal(bidang, tahun, periode, held))
    return store.verify(
        bidang, tahun, periode, user=user, note=note, instansi_id=instansi_id, expect=ids
    )


def refusal(bidang: str, tahun: int, periode: str, held: pd.DataFrame) -> str:
    """Why verification is refused: the count and the first flags, by id."""
    shown: Sequence[str] = [
        f"{r.id} ({r.check}, {r.indikator})" for r in held.head(5).itertuples(index=False)
    ]
    more = f" dan {len(held) - len(shown)} lainnya" if len(held) > len(shown) else ""
    return (
        f"Data {bidang} {periode} {tahun} belum dapat diverifikasi: {len(held)} tanda evaluasi "
        f"belum diterima: {'; '.join(shown)}{more}. Terima tanda yang nilainya benar, atau "
        "kembalikan data ke bidang."
    )
