"""How a flag reads: its stable id, and the numbers, percents, periods and times its message
writes."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import unicodedata
from decimal import Decimal

from kinerja import waktu
from kinerja.angka import TANDA_KOSONG, format_angka, format_persen
from kinerja.evaluate.data import hilang, kunci


def flag_id(
    bidang: object,
    indikator: object,
    tahun: object,
    periode: object,
    check: str,
    message: str,
) -> str:
    """A flag's stable id: 10 lowercase hex characters of SHA-256 over a canonical join.

    bidang and indikator are joined as keys (case and repeated spaces ignored, Unicode NFC),
    tahun as a whole number, a missing periode as "", the message as written (NFC); fields are
    separated by U+001F, encoded UTF-8. The same flag has the same id on every run and
    machine; a flag whose numbers change (so does its message) gets a new id.
    """
    th = "" if hilang(tahun) else str(int(tahun))  # type: ignore[call-overload]
    per = "" if hilang(periode) else periode
    parts = (
        kunci(bidang),
        kunci(indikator),
        th,
        str(per),
        check,
        unicodedata.normalize("NFC", message),
    )
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:10]


def angka(x: float) -> str:
    """A number as written (0,7281 stays 0,7281, 36.610 stays 36.610), up to 6 decimals."""
    return _angka_float(float(x))  # a numpy float's repr is "np.float64(...)"


@functools.lru_cache(maxsize=65536)
def _angka_float(x: float) -> str:
    if not math.isfinite(x):
        return TANDA_KOSONG
    d = Decimal(repr(x))
    k = min(max(-int(d.as_tuple().exponent), 0), 6)
    if k <= 2:
        return format_angka(d)
    text = format_angka(d, k)
    return text.rstrip("0").rstrip(",")


def persen(x: float) -> str:
    return format_persen(x)


def kali(x: float) -> str:
    return format_angka(x, 1)


def label(periode: object, tahun: object) -> str:
    return f"{periode} {int(tahun)}"  # type: ignore[call-overload]


def wib(when: dt.datetime) -> str:
    """ "26 November 2026 10.15 WIB" (waktu.jam_wib)."""
    return waktu.jam_wib(when)
