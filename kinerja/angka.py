"""Indonesian number text <-> float: strict reading of cells, display with a decimal comma."""

from __future__ import annotations

import functools
import math
import numbers
import re
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import NamedTuple

import pandas as pd

KOSONG_TEKS: frozenset[str] = frozenset(
    {"", "-", "–", "—", "n/a", "na", "belum", "belum ada", "belum dilaporkan"}
)
"""Cell texts (lower-cased, trimmed) that mean "not reported yet"."""

TANDA_KOSONG = "–"
"""What the formatters show for a missing number."""


class Angka(NamedTuple):
    """A parsed cell: kind is "angka" (value set), "kosong" (blank) or "salah" (not a number)."""

    value: float | None
    kind: str
    note: str | None


KOSONG = Angka(None, "kosong", None)
SALAH = Angka(None, "salah", None)

# Spaces people and spreadsheet programs put in numbers: NBSP, narrow NBSP, figure and thin space.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2007": " ", "\u2009": " ", "\t": " "})
# Optional sign, optional "Rp"/"Rp.", optional sign again ("-Rp 5" and "Rp -5" both occur).
# A minus may be typed as an en dash or U+2212 (word processors replace "-").
_PREFIX = re.compile(r"^([-+\u2212\u2013]?)\s*(?:rp\.?)?\s*([-+\u2212\u2013]?)\s*", re.IGNORECASE)
# A trailing percent sign, or the ",-" that closes a rupiah amount ("Rp 1.500.000,-").
_SUFFIX = re.compile(r"\s*(?:%|,-{1,2}|\.-)$")
_SPACE_GROUPED = re.compile(r"^\d{1,3}(?: \d{3})+(?:[.,]\d+)?$")
_INT = re.compile(r"^\d+$")
_COMMA_DECIMAL = re.compile(r"^(\d+),(\d+)$")
# One comma and exactly three digits after a 1-3 digit head without a leading zero: the same
# text is a valid English thousands grouping, so it may mean 5748 instead of 5,748.
_COMMA_AMBIGUOUS = re.compile(r"^[1-9]\d{0,2},\d{3}$")
# Thousands dots; the head has no leading zero ("0.500" is not five hundred).
_DOT_THOUSANDS = re.compile(r"^([1-9]\d{0,2}(?:\.\d{3})+)(?:,(\d+))?$")
_DOT_DECIMAL = re.compile(r"^(\d+)\.(\d+)$")
_ENGLISH = re.compile(r"^([1-9]\d{0,2}(?:,\d{3})+)\.(\d+)$|^([1-9]\d{0,2}(?:,\d{3}){2,})$")


def _ribuan(digits: str) -> str:
    """Group a string of digits with thousands dots ("0012345" -> "12.345")."""
    return f"{int(digits):,}".replace(",", ".")


def _tampil(sign: str, int_digits: str, frac: str) -> str:
    """Indonesian text of a parsed number at full precision, for notes."""
    text = _ribuan(int_digits) + ("," + frac if frac else "")
    return sign + text


@functools.lru_cache(maxsize=65536)
def _parse_text(text: str) -> Angka:
    s = text.translate(_SPACES).strip()
    if " ".join(s.lower().split()) in KOSONG_TEKS:
        return KOSONG
    prefix = _PREFIX.match(s)
    assert prefix is not None  # every group is optional, so it always matches
    sign1, sign2 = prefix.group(1), prefix.group(2)
    if sign1 and sign2:
        return SALAH
    num = _SUFFIX.sub("", s[prefix.end() :]).strip()
    if not num or num in KOSONG_TEKS:
        # "Rp", "%", "Rp -": a unit with no number is a blank cell, not a wrong one.
        return KOSONG
    negative = (sign1 or sign2) in ("-", "\u2212", "\u2013")
    sign = "-" if negative else ""

    if " " in num:
        if not _SPACE_GROUPED.match(num):
            return SALAH
        num = num.replace(" ", "")

    note: str | None = None
    if _INT.match(num):
        int_digits, frac = num, ""
    elif m := _COMMA_DECIMAL.match(num):
        int_digits, frac = m.group(1), m.group(2)
        if _COMMA_AMBIGUOUS.match(num):
            note = (
                f"dibaca {_tampil(sign, int_digits, frac)} (koma sebagai desimal); "
                f"jika maksudnya ribuan, tulis {sign}{_ribuan(int_digits + frac)}"
            )
    elif m := _DOT_THOUSANDS.match(num):
        int_digits, frac = m.group(1).replace(".", ""), m.group(2) or ""
    elif m := _DOT_DECIMAL.match(num):
        int_digits, frac = m.group(1), m.group(2)
        shown = _tampil(sign, int_digits, frac)
        note = f"dibaca {shown} (titik sebagai desimal); penulisan Indonesia: {shown}"
    elif m := _ENGLISH.match(num):
        grouped = m.group(1) or m.group(3)
        int_digits, frac = grouped.replace(",", ""), m.group(2) or ""
        shown = _tampil(sign, int_digits, frac)
        cara = "koma ribuan, titik desimal" if frac else "koma pemisah ribuan"
        note = f"dibaca {shown} (penulisan Inggris: {cara}); penulisan Indonesia: {shown}"
    else:
        return SALAH

    value = float(f"{int_digits}.{frac or '0'}")
    if not math.isfinite(value):
        return SALAH
    return Angka(-value if negative else value, "angka", note)


def parse_angka(value: object) -> Angka:
    """Read a cell the way an Indonesian reader would (docs/format.md "Values"); never raises.

    Numbers (not bool) pass through as float: NaN is "kosong", infinity is "salah". Text uses
    a decimal comma and thousands dots; "Rp", spaces and a trailing "%" are dropped ("85 %" is
    85, not 0.85). Texts read with some doubt ("5,748", "9.38", "1,234,567") carry a note.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return KOSONG
    if isinstance(value, str):
        return _parse_text(value)
    if isinstance(value, bool):
        return SALAH
    if isinstance(value, numbers.Real | Decimal):
        try:
            number = float(value)
        except (OverflowError, ValueError):
            return SALAH
        if math.isnan(number):
            return KOSONG
        if math.isinf(number):
            return SALAH
        return Angka(number, "angka", None)
    return SALAH


def _to_decimal(x: object) -> Decimal | None:
    if x is None or x is pd.NA or x is pd.NaT or isinstance(x, bool):
        return None
    if isinstance(x, Decimal):
        return x if x.is_finite() else None
    if isinstance(x, numbers.Integral):
        return Decimal(int(x))
    if isinstance(x, numbers.Real):
        f = float(x)
        # repr gives the shortest text that round-trips: 119.165 stays 119.165, not 119.1649...
        return Decimal(repr(f)) if math.isfinite(f) else None
    raise TypeError(f"bukan angka: {x!r}")


def format_angka(x: float | Decimal | None, desimal: int | None = None) -> str:
    """Indonesian display: thousands dot, decimal comma, rounded half up.

    desimal=None shows up to 2 decimals without trailing zeros (1234.5 -> "1.234,5");
    desimal=k shows exactly k. None, NaN and infinity show "–".
    """
    if desimal is not None and desimal < 0:
        raise ValueError("jumlah desimal tidak boleh negatif")
    d = _to_decimal(x)
    if d is None:
        return TANDA_KOSONG
    k = 2 if desimal is None else desimal
    context = Context(prec=max(28, d.adjusted() + k + 2), rounding=ROUND_HALF_UP)
    q = d.quantize(Decimal(1).scaleb(-k), context=context)
    text = f"{q:f}"
    sign = "-" if text.startswith("-") and q != 0 else ""
    int_digits, _, frac = text.lstrip("-").partition(".")
    if desimal is None:
        frac = frac.rstrip("0")
    return sign + _ribuan(int_digits) + ("," + frac if frac else "")


def format_persen(x: float | Decimal | None, desimal: int = 2) -> str:
    """A percentage for display: 85.5 -> "85,50%"; None/NaN -> "–"."""
    text = format_angka(x, desimal)
    return text if text == TANDA_KOSONG else text + "%"


def format_rupiah(x: float | Decimal | None) -> str:
    """Rupiah, whole, rounded half up: 1500000 -> "Rp 1.500.000"; None/NaN -> "–"."""
    text = format_angka(x, 0)
    return text if text == TANDA_KOSONG else "Rp " + text
