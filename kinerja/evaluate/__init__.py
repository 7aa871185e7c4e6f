"""The evaluation of collected data (SOP step 6, "data dianalisis dan dievaluasi"): records,
their history, the PK master, round deadlines and the reader's warnings in; flags out (pure)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import numpy as np
import pandas as pd

from kinerja import capaian
from kinerja.evaluate.checks import (
    Tanda,
    belum_dilaporkan,
    capaian_rendah,
    capaian_tinggi,
    target_beda_pk,
    target_nol,
    tidak_ada_data,
)
from kinerja.evaluate.data import TANPA_PERIODE, URUT, Data, pk_per_record, prepare, prepare_pk, utc
from kinerja.evaluate.peringatan import dari_peringatan
from kinerja.evaluate.seri import kumulatif_turun, lonjakan, pecahan_persen
from kinerja.evaluate.settings import CHECKS as CHECKS
from kinerja.evaluate.settings import FLAG_COLUMNS as FLAG_COLUMNS
from kinerja.evaluate.settings import SETTINGS_BAWAAN as SETTINGS_BAWAAN
from kinerja.evaluate.settings import WARNING_CHECKS as WARNING_CHECKS
from kinerja.evaluate.settings import EvaluasiSettings as EvaluasiSettings
from kinerja.evaluate.teks import flag_id as flag_id


def _kosong() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": pd.Series(dtype=object),
            "bidang": pd.Series(dtype=object),
            "sasaran": pd.Series(dtype=object),
            "indikator": pd.Series(dtype=object),
            "tahun": pd.Series(dtype="int64"),
            "periode": pd.Series(dtype=object),
            "check": pd.Series(dtype=object),
            "message": pd.Series(dtype=object),
            "rekaman_id": pd.Series(dtype="Int64"),
            "kiriman_id": pd.Series(dtype="Int64"),
            "terlambat": pd.Series(dtype=bool),
        }
    )[FLAG_COLUMNS]


def _rows(d: Data, tanda: list[Tanda]) -> pd.DataFrame:
    """The flag rows of record checks (one per record and check: messages of the same pair
    are joined)."""
    pos = np.concatenate([t.pos for t in tanda]).astype(np.int64)
    check = np.concatenate([np.full(len(t.pos), t.check, dtype=object) for t in tanda])
    message = np.array([m for t in tanda for m in t.message], dtype=object)
    late = np.concatenate(
        [t.terlambat if t.terlambat is not None else np.zeros(len(t.pos), bool) for t in tanda]
    )
    f = pd.DataFrame({"_pos": pos, "check": check, "message": message, "terlambat": late})
    if f.duplicated(["_pos", "check"]).any():
        f = f.groupby(["_pos", "check"], sort=False, as_index=False).agg(
            message=("message", " ".join), terlambat=("terlambat", "any")
        )
    p = f["_pos"].to_numpy()
    return pd.DataFrame(
        {
            "bidang": d.bidang[p],
            "sasaran": d.sasaran[p],
            "indikator": d.indikator[p],
            "tahun": d.tahun[p],
            "periode": d.periode[p],
            "check": f["check"].to_numpy(dtype=object),
            "message": f["message"].to_numpy(dtype=object),
            "rekaman_id": d.rekaman_id.to_numpy()[p],
            "kiriman_id": d.kiriman_id.to_numpy()[p],
            "terlambat": f["terlambat"].to_numpy(dtype=bool),
        }
    ).astype({"rekaman_id": "Int64", "kiriman_id": "Int64"})


def evaluate(
    records: pd.DataFrame,
    *,
    pk: pd.DataFrame | None = None,
    deadlines: Mapping[tuple[int, str], dt.datetime] | None = None,
    warnings: pd.DataFrame | None = None,
    settings: EvaluasiSettings = SETTINGS_BAWAAN,
    capaian_settings: capaian.Settings = capaian.SETTINGS_BAWAAN,
    now: dt.datetime | None = None,
) -> pd.DataFrame:
    """The evaluation flags of records (FLAG_COLUMNS), one row per record and check.

    records: the store's current records of every year (the history is in them); pk: the
    indicator master (tahun + PK_COLUMNS), any number of years; deadlines: (tahun, periode)
    -> the round's deadline (naive is UTC; a periode with no round takes the round ending the
    same month); warnings: the reader's kept warnings (kiriman_id, row, column, message, code,
    sheet). PK rows match records by tahun + bidang + indikator, case and repeated spaces
    ignored. now defaults to the current time. Sorted by bidang, tahun, periode (PERIODE
    order, none last), indikator, check (CHECKS order); ids are flag_id's.

    The rules (thresholds from settings): belum_dilaporkan, realisasi empty, terlambat once
    now is past the deadline. capaian_rendah / capaian_tinggi, capaian as shown below
    batas_rendah with a blank keterangan / above batas_tinggi. lonjakan, realisasi against the
    previous reported quarter of the year and the same periode a year before, as realisasi /
    target where both targets are > 0, beyond faktor_lonjakan either way; zeros skipped; the
    outlier is flagged, not its return to normal (see seri._lonjakan_rantai). pecahan_persen, a
    % value in (0, batas_pecahan) where the target (or realisasi) or the median of the
    indicator's other periods is above batas_persen. kumulatif_turun, see seri.kumulatif_turun.
    target_beda_pk, the PK's target of the periode (TW n: target_twn, Tahunan: target,
    Semester I/II: target_tw2 / target_tw4 or target, for agregasi akhir only), equal to 9
    decimals. capaian_berbeda / angka_ambigu, the reader's coded warnings. target_nol,
    target 0. tidak_ada_data, a PK indicator with no record that year.
    """
    saat = utc(now) if now is not None else dt.datetime.now(dt.UTC)
    d = prepare(records, capaian_settings)
    pkn = prepare_pk(pk)
    bagian: list[pd.DataFrame] = []
    if d.n:
        pkr = pk_per_record(d, pkn)
        tanda_lonjakan, pencilan = lonjakan(d, settings)
        tanda = [
            belum_dilaporkan(d, deadlines, saat),
            capaian_rendah(d, settings, capaian_settings),
            capaian_tinggi(d, settings),
            tanda_lonjakan,
            pecahan_persen(d, settings),
            kumulatif_turun(d, pkr, pencilan),
            target_beda_pk(d, pkr),
            *dari_peringatan(d, warnings),
            target_nol(d),
        ]
        bagian.append(_rows(d, tanda))
    if len(pkn):
        bagian.append(tidak_ada_data(d, pkn))
    bagian = [b for b in bagian if len(b)]
    if not bagian:
        return _kosong()
    out = pd.concat(bagian, ignore_index=True)
    out["sasaran"] = out["sasaran"].astype(object).where(out["sasaran"].notna(), None)
    out["periode"] = out["periode"].astype(object).where(out["periode"].notna(), None)
    urut_cek = {c: k for k, c in enumerate(CHECKS)}
    kunci = pd.DataFrame(
        {
            "b": out["bidang"].astype(str),
            "t": out["tahun"],
            "p": out["periode"].map(URUT).fillna(TANPA_PERIODE),
            "i": out["indikator"].astype(str),
            "c": out["check"].map(urut_cek),
            "m": out["message"],
            "r": out["rekaman_id"].fillna(-1),
        }
    )
    out = out.loc[kunci.sort_values(list(kunci.columns), kind="stable").index]
    out = out.reset_index(drop=True)
    out.insert(
        0,
        "id",
        [
            flag_id(b, i, t, p, c, m)
            for b, i, t, p, c, m in zip(
                *(out[k].tolist() for k in ("bidang", "indikator", "tahun", "periode")),
                out["check"].tolist(),
                out["message"].tolist(),
                strict=True,
            )
        ],
    )
    out["tahun"] = out["tahun"].astype("int64")
    out["terlambat"] = out["terlambat"].astype(bool)
    for c in ("id", "bidang", "indikator", "check", "message"):  # text as the empty frame's
        out[c] = out[c].astype(object)
    return out[FLAG_COLUMNS]
