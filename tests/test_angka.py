"""Tests for kinerja.angka: reading Indonesian number text and formatting numbers back."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinerja.angka import Angka, format_angka, format_persen, format_rupiah, parse_angka

# (cell, value, kind, has_note)
PARSE_CASES = [
    # numbers pass through
    (85, 85.0, "angka", False),
    (72.5, 72.5, "angka", False),
    (0, 0.0, "angka", False),
    (-3.5, -3.5, "angka", False),
    (np.int64(7), 7.0, "angka", False),
    (np.float64(6.5), 6.5, "angka", False),
    (Decimal("1.25"), 1.25, "angka", False),
    (float("nan"), None, "kosong", False),
    (np.nan, None, "kosong", False),
    (float("inf"), None, "salah", False),
    (True, None, "salah", False),
    (False, None, "salah", False),
    (pd.Timestamp("2023-03-01"), None, "salah", False),
    (b"12", None, "salah", False),
    # not reported
    (None, None, "kosong", False),
    (pd.NA, None, "kosong", False),
    ("", None, "kosong", False),
    ("   ", None, "kosong", False),
    ("\u00a0", None, "kosong", False),
    ("-", None, "kosong", False),
    ("–", None, "kosong", False),
    ("—", None, "kosong", False),
    ("n/a", None, "kosong", False),
    ("N/A", None, "kosong", False),
    ("na", None, "kosong", False),
    ("belum", None, "kosong", False),
    ("Belum", None, "kosong", False),
    ("belum ada", None, "kosong", False),
    ("belum  dilaporkan", None, "kosong", False),
    ("Rp -", None, "kosong", False),
    ("%", None, "kosong", False),
    # docs/format.md examples
    ("1.250", 1250.0, "angka", False),
    ("72,5", 72.5, "angka", False),
    ("1.234,56", 1234.56, "angka", False),
    ("85%", 85.0, "angka", False),
    ("85 %", 85.0, "angka", False),
    ("Rp 1.500.000", 1500000.0, "angka", False),
    # more Indonesian writing
    ("0", 0.0, "angka", False),
    ("007", 7.0, "angka", False),
    ("1.234.567", 1234567.0, "angka", False),
    ("1.234.567,89", 1234567.89, "angka", False),
    ("Rp. 1.500.000", 1500000.0, "angka", False),
    ("Rp1.500.000", 1500000.0, "angka", False),
    ("rp 1.500.000,-", 1500000.0, "angka", False),
    ("106.439.453.000,00", 106439453000.0, "angka", False),
    ("85,50%", 85.5, "angka", False),
    ("  72,5  ", 72.5, "angka", False),
    ("72,5\u00a0%", 72.5, "angka", False),
    ("Rp\u00a01.500.000", 1500000.0, "angka", False),
    ("0,5", 0.5, "angka", False),
    ("0,500", 0.5, "angka", False),  # "0,500" cannot be English thousands: no note
    ("1234,567", 1234.567, "angka", False),  # nor can a four-digit head
    ("5,7480", 5.748, "angka", False),
    # signs: negative numbers parse, the caller rejects a negative target
    ("-3,5", -3.5, "angka", False),
    ("- 3,5", -3.5, "angka", False),
    ("\u22123,5", -3.5, "angka", False),
    ("–3,5", -3.5, "angka", False),
    ("+2", 2.0, "angka", False),
    ("Rp -5.000", -5000.0, "angka", False),
    ("-Rp 5.000", -5000.0, "angka", False),
    # thousands with spaces
    ("1 250", 1250.0, "angka", False),
    ("1\u00a0250", 1250.0, "angka", False),
    ("1 234 567,5", 1234567.5, "angka", False),
    # ambiguous: one comma and exactly three digits
    ("5,748", 5.748, "angka", True),
    ("12,500", 12.5, "angka", True),
    ("-5,748", -5.748, "angka", True),
    # dot as decimal point
    ("9.38", 9.38, "angka", True),
    ("1.5", 1.5, "angka", True),
    ("0.7281", 0.7281, "angka", True),
    ("0.500", 0.5, "angka", True),
    ("1234.567", 1234.567, "angka", True),
    ("72.81%", 72.81, "angka", True),
    # English grouping
    ("1,234,567", 1234567.0, "angka", True),
    ("1,234.56", 1234.56, "angka", True),
    ("5,748.5", 5748.5, "angka", True),
    # not a number
    ("sembilan puluh", None, "salah", False),
    ("12a", None, "salah", False),
    ("1.23.4", None, "salah", False),
    ("1,2,3", None, "salah", False),
    ("1.250,5,5", None, "salah", False),
    ("1,234,56", None, "salah", False),
    ("1 25", None, "salah", False),
    ("1 2 3", None, "salah", False),
    ("12.", None, "salah", False),
    (",5", None, "salah", False),
    ("--5", None, "salah", False),
    ("-Rp -5", None, "salah", False),
    ("1e5", None, "salah", False),
    ("#N/A", None, "salah", False),
    ("TW I", None, "salah", False),
    ("9" * 400, None, "salah", False),
]


@pytest.mark.parametrize(("cell", "value", "kind", "has_note"), PARSE_CASES)
def test_parse_angka(cell: object, value: float | None, kind: str, has_note: bool) -> None:
    got = parse_angka(cell)
    assert (got.kind, got.value, got.note is not None) == (kind, value, has_note)


@pytest.mark.parametrize(
    ("cell", "words"),
    [
        ("5,748", ["5,748", "5.748", "ribuan"]),
        ("9.38", ["9,38", "desimal"]),
        ("1,234,567", ["1.234.567", "Inggris"]),
        ("1,234.56", ["1.234,56", "Inggris"]),
    ],
)
def test_parse_note_names_both_readings(cell: str, words: list[str]) -> None:
    note = parse_angka(cell).note
    assert note is not None
    for word in words:
        assert word in note


def test_parse_number_value_is_float() -> None:
    got = parse_angka(np.int64(3))
    assert type(got.value) is float


FORMAT_CASES = [
    (1234.5, None, "1.234,5"),
    (1250.0, None, "1.250"),
    (1250, None, "1.250"),
    (0.0, None, "0"),
    (0.125, None, "0,13"),
    (0.1, None, "0,1"),
    (119.165, 2, "119,17"),
    (119.165, None, "119,17"),
    (119.16883116883118, 2, "119,17"),
    (101.46, 2, "101,46"),
    (90.995, 2, "91,00"),
    (2.675, 2, "2,68"),  # float rounding would give 2,67
    (1.005, 2, "1,01"),
    (0.5, 0, "1"),
    (1.5, 0, "2"),
    (2.5, 0, "3"),  # half up, not half to even
    (-1234.567, 2, "-1.234,57"),
    (-2.5, 0, "-3"),  # half up means away from zero on a tie
    (-0.001, 2, "0,00"),  # no negative zero
    (-0.004, None, "0"),
    (1234567.891, 1, "1.234.567,9"),
    (106439453000.0, 2, "106.439.453.000,00"),
    (1e20, 0, "100.000.000.000.000.000.000"),
    (np.float64(72.5), 2, "72,50"),
    (np.int64(1500), None, "1.500"),
    (Decimal("1234.565"), 2, "1.234,57"),
    (7, 3, "7,000"),
    (None, None, "–"),
    (None, 2, "–"),
    (float("nan"), 2, "–"),
    (np.nan, None, "–"),
    (pd.NA, None, "–"),
    (float("inf"), 2, "–"),
]


@pytest.mark.parametrize(("x", "desimal", "text"), FORMAT_CASES)
def test_format_angka(x: float | None, desimal: int | None, text: str) -> None:
    assert format_angka(x, desimal) == text


def test_format_angka_rejects_negative_desimal() -> None:
    with pytest.raises(ValueError):
        format_angka(1.0, -1)


@pytest.mark.parametrize(
    ("x", "desimal", "text"),
    [
        (85.5, 2, "85,50%"),
        (101.4634, 2, "101,46%"),
        (98.39865, 2, "98,40%"),
        (100, 0, "100%"),
        (None, 2, "–"),
        (float("nan"), 2, "–"),
    ],
)
def test_format_persen(x: float | None, desimal: int, text: str) -> None:
    assert format_persen(x, desimal) == text


def test_format_persen_default_two_decimals() -> None:
    assert format_persen(7.5) == "7,50%"


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (1500000, "Rp 1.500.000"),
        (1500000.0, "Rp 1.500.000"),
        (104734936307.0, "Rp 104.734.936.307"),
        (999.5, "Rp 1.000"),
        (0, "Rp 0"),
        (-2500, "Rp -2.500"),
        (None, "–"),
        (float("nan"), "–"),
    ],
)
def test_format_rupiah(x: float | None, text: str) -> None:
    assert format_rupiah(x) == text


@pytest.mark.parametrize("x", [1500000, -2500, 104734936307])
def test_format_rupiah_parses_back(x: int) -> None:
    assert parse_angka(format_rupiah(x)) == Angka(float(x), "angka", None)


# --- properties ---------------------------------------------------------------------------


def round_half_up(x: float, k: int) -> float:
    return float(Decimal(repr(x)).quantize(Decimal(1).scaleb(-k), rounding=ROUND_HALF_UP))


@given(
    x=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False),
    k=st.integers(min_value=0, max_value=4),
)
def test_format_then_parse_is_round_half_up(x: float, k: int) -> None:
    got = parse_angka(format_angka(x, desimal=k))
    assert got.kind == "angka"
    assert got.value == round_half_up(x, k)


@given(x=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False))
def test_format_default_then_parse_is_two_decimals(x: float) -> None:
    text = format_angka(x)
    if "," in text:  # no trailing zeros in the decimals
        assert not text.endswith(("0", ","))
    assert parse_angka(text).value == round_half_up(x, 2)


@given(n=st.integers(min_value=-(10**15), max_value=10**15))
def test_integers_with_thousands_dots_parse_exactly(n: int) -> None:
    text = f"{n:,}".replace(",", ".")
    assert format_angka(n) == text
    assert parse_angka(text) == Angka(float(n), "angka", None)


@given(text=st.text())
def test_parse_never_raises(text: str) -> None:
    got = parse_angka(text)
    assert got.kind in {"angka", "kosong", "salah"}
    if got.kind == "angka":
        assert got.value is not None and math.isfinite(got.value)
    else:
        assert got.value is None and got.note is None


@given(
    text=st.text(alphabet="0123456789.,- %Rp\u00a0", max_size=20),
)
def test_parse_never_raises_on_number_like_text(text: str) -> None:
    got = parse_angka(text)
    assert got.kind in {"angka", "kosong", "salah"}
    assert (got.value is None) == (got.kind != "angka")
