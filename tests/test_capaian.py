"""Tests for kinerja.capaian: docs/format.md's capaian table, predikat, aggregation, efficiency."""

from __future__ import annotations

import json
import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from kinerja.angka import format_angka, format_persen, parse_angka
from kinerja.capaian import (
    Settings,
    add_capaian,
    aggregate_tahunan,
    capaian_tampil,
    catatan_capaian,
    compute_capaian,
    efisiensi,
    melampaui,
    melampaui_target,
    predikat,
    serapan,
    tampil,
)

NAN = float("nan")
RASIO = Settings(rumus_turun="rasio")


def angka(text: str) -> float:
    """A published figure read the way the app reads a sheet cell."""
    got = parse_angka(text)
    assert got.kind == "angka" and got.note is None, text
    assert got.value is not None
    return got.value


def satu(target: float, realisasi: float, arah: str, settings: Settings | None = None) -> Any:
    hasil = compute_capaian([target], [realisasi], [arah], settings or Settings())
    return hasil["capaian"].iloc[0], hasil["catatan"].iloc[0]


# --- docs/format.md's capaian table ------------------------------------------------------------

# (target, realisasi, arah, settings, capaian, words in catatan or None)
CAPAIAN_CASES = [
    # arah naik: realisasi / target x 100
    (80.0, 60.0, "naik", Settings(), 75.0, None),
    (4.0, 5.0, "naik", Settings(), 125.0, None),
    (10.0, 0.0, "naik", Settings(), 0.0, None),  # 0 is a reported zero
    # arah turun, selisih: (2 x target - realisasi) / target x 100, never below 0
    (10.0, 8.0, "turun", Settings(), 120.0, None),
    (10.0, 12.0, "turun", Settings(), 80.0, None),
    (10.0, 20.0, "turun", Settings(), 0.0, None),
    (10.0, 25.0, "turun", Settings(), 0.0, "lebih dari dua kali target"),
    (10.0, 0.0, "turun", Settings(), 200.0, None),
    # arah turun, rasio: target / realisasi x 100
    (10.0, 8.0, "turun", RASIO, 125.0, None),
    (10.0, 12.5, "turun", RASIO, 80.0, None),
    (10.0, 25.0, "turun", RASIO, 40.0, None),
    (10.0, 0.0, "turun", RASIO, NAN, "realisasi 0: rumus rasio tidak dapat dihitung"),
    # target 0, arah naik: not computable
    (0.0, 5.0, "naik", Settings(), NAN, "target 0: capaian tidak dapat dihitung"),
    (0.0, 0.0, "naik", Settings(), NAN, "target 0: capaian tidak dapat dihitung"),
    # target 0, arah turun: 100 when realisasi is 0, else 0 (both formulas)
    (0.0, 0.0, "turun", Settings(), 100.0, "target 0"),
    (0.0, 3.0, "turun", Settings(), 0.0, "target 0"),
    (0.0, 0.0, "turun", RASIO, 100.0, "target 0"),
    (0.0, 3.0, "turun", RASIO, 0.0, "target 0"),
    # realisasi not reported: empty
    (10.0, NAN, "naik", Settings(), NAN, "realisasi belum dilaporkan"),
    (10.0, NAN, "turun", Settings(), NAN, "realisasi belum dilaporkan"),
    (0.0, NAN, "turun", Settings(), NAN, "realisasi belum dilaporkan"),
    # inputs the reader should have refused still give a reason, never a number
    (NAN, 5.0, "naik", Settings(), NAN, "target belum diisi"),
    (-5.0, 5.0, "naik", Settings(), NAN, "target negatif"),
    (10.0, 5.0, "miring", Settings(), NAN, "arah tidak dikenal"),
]


@pytest.mark.parametrize(
    ("target", "realisasi", "arah", "settings", "capaian", "catatan"), CAPAIAN_CASES
)
def test_compute_capaian(
    target: float,
    realisasi: float,
    arah: str,
    settings: Settings,
    capaian: float,
    catatan: str | None,
) -> None:
    got, note = satu(target, realisasi, arah, settings)
    if math.isnan(capaian):
        assert math.isnan(got)
    else:
        assert got == pytest.approx(capaian, rel=1e-12)
    if catatan is None:
        assert note is None
    else:
        assert catatan in note


def test_compute_capaian_keeps_full_precision() -> None:
    got, _ = satu(77.0, 91.76, "naik")
    assert got == 91.76 / 77.0 * 100
    assert got != round(got, 2)


def test_compute_capaian_missing_arah_is_naik() -> None:
    hasil = compute_capaian([10.0, 10.0], [8.0, 8.0], [None, NAN])
    assert hasil["capaian"].tolist() == [80.0, 80.0]


def test_compute_capaian_one_arah_for_all() -> None:
    hasil = compute_capaian([10.0, 10.0], [8.0, 12.0], "turun")
    assert hasil["capaian"].tolist() == [120.0, 80.0]


def test_compute_capaian_keeps_series_index_and_types() -> None:
    index = pd.Index([7, 3, 11])
    hasil = compute_capaian(
        pd.Series([10.0, 0.0, 10.0], index=index),
        pd.Series([5.0, 1.0, None], index=index),
        pd.Series(["naik", "naik", "naik"], index=index),
    )
    assert list(hasil.index) == [7, 3, 11]
    assert list(hasil.columns) == ["capaian", "catatan"]
    assert hasil["capaian"].dtype == "float64"
    assert hasil["catatan"].dtype == object
    assert hasil["catatan"].iloc[0] is None
    assert hasil["catatan"].tolist()[1:] == [
        "target 0: capaian tidak dapat dihitung",
        "realisasi belum dilaporkan",
    ]


def test_compute_capaian_reads_nullable_columns() -> None:
    target = pd.Series([10.0, 10.0], dtype="Float64")
    realisasi = pd.Series([5.0, pd.NA], dtype="Float64")
    hasil = compute_capaian(target, realisasi, "naik")
    assert hasil["capaian"].iloc[0] == 50.0
    assert math.isnan(hasil["capaian"].iloc[1])


def test_compute_capaian_rejects_unequal_lengths() -> None:
    with pytest.raises(ValueError):
        compute_capaian([1.0, 2.0], [1.0], "naik")


# --- the cap ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("target", "realisasi", "arah", "capaian", "capped"),
    [
        (77.0, 102.08, "naik", 120.0, True),  # 132,57 capped at 120
        (77.0, 91.76, "naik", 91.76 / 77.0 * 100, False),  # 119,17 is under the cap
        (10.0, 12.0, "naik", 120.0, False),  # exactly the cap
        (10.0, 0.0, "turun", 120.0, True),  # 200 capped
        (0.0, 0.0, "turun", 100.0, False),
    ],
)
def test_cap_applies_after(
    target: float, realisasi: float, arah: str, capaian: float, capped: bool
) -> None:
    got, note = satu(target, realisasi, arah, Settings(batas_capaian=120.0))
    assert got == pytest.approx(capaian, rel=1e-12)
    assert (note is not None and "dibatasi 120%" in note) == capped


def test_no_cap_by_default() -> None:
    got, note = satu(77.0, 102.08, "naik")
    assert format_angka(got, 2) == "132,57"
    assert note is None


def test_cap_leaves_empty_capaian_empty() -> None:
    got, note = satu(10.0, NAN, "naik", Settings(batas_capaian=100.0))
    assert math.isnan(got)
    assert note == "realisasi belum dilaporkan"


def capaian_reference(t: float, r: float, arah: str, s: Settings) -> float:
    """docs/format.md's table written out one row at a time, as the oracle."""
    if math.isnan(r):
        return NAN
    if arah == "naik":
        c = NAN if t == 0 else r / t * 100
    elif t == 0:
        c = 100.0 if r == 0 else 0.0
    elif s.rumus_turun == "selisih":
        c = max((2 * t - r) / t * 100, 0.0)
    else:
        c = NAN if r == 0 else t / r * 100
    if s.batas_capaian is not None and not math.isnan(c):
        c = min(c, s.batas_capaian)
    return c


nilai = st.one_of(
    st.sampled_from([0.0, NAN, 1.0, 100.0]),
    st.floats(min_value=0, max_value=1e6, allow_nan=False),
)


@given(
    rows=st.lists(st.tuples(nilai, nilai, st.sampled_from(["naik", "turun"])), max_size=30),
    rumus=st.sampled_from(["selisih", "rasio"]),
    cap=st.sampled_from([None, 100.0, 120.0]),
)
def test_compute_capaian_matches_row_by_row_reference(
    rows: list[tuple[float, float, str]], rumus: str, cap: float | None
) -> None:
    s = Settings(rumus_turun=rumus, batas_capaian=cap)
    rows = [row for row in rows if not math.isnan(row[0])]  # a missing target is tested above
    target, realisasi, arah = ([row[i] for row in rows] for i in range(3))
    hasil = compute_capaian(target, realisasi, arah, s)
    for got, (t, r, a) in zip(hasil["capaian"], rows, strict=True):
        want = capaian_reference(t, r, a, s)
        assert (math.isnan(got) and math.isnan(want)) or got == want


# --- predikat -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("capaian", "band"),
    [
        (132.57, "Sangat Tinggi"),
        (100.0, "Sangat Tinggi"),
        (91.0, "Sangat Tinggi"),
        (90.995, "Sangat Tinggi"),  # shows 91,00
        (90.994, "Tinggi"),  # shows 90,99
        (90.99, "Tinggi"),
        (90.5, "Tinggi"),  # no gap between the bands
        (76.0, "Tinggi"),
        (75.995, "Tinggi"),
        (75.99, "Sedang"),
        (66.0, "Sedang"),
        (65.99, "Rendah"),
        (51.0, "Rendah"),
        (50.995, "Rendah"),
        (50.99, "Sangat Rendah"),
        (0.0, "Sangat Rendah"),
        (-3.0, "Sangat Rendah"),
        (NAN, None),
    ],
)
def test_predikat_band_edges(capaian: float, band: str | None) -> None:
    assert predikat([capaian]).tolist() == [band]


def test_predikat_keeps_index_and_none() -> None:
    got = predikat(pd.Series([95.0, NAN], index=["a", "b"]))
    assert list(got.index) == ["a", "b"]
    assert got.dtype == object
    assert got["b"] is None


def test_predikat_custom_bands() -> None:
    s = Settings(predikat_bands=((85.0, "A"), (70.0, "B"), (float("-inf"), "C")))
    assert predikat([85.0, 84.995, 84.99, 70.0, 69.0], s).tolist() == ["A", "A", "B", "B", "C"]


def band_of_shown(x: float, settings: Settings) -> str:
    shown = Decimal(format_angka(x, 2).replace(".", "").replace(",", "."))
    for bound, label in settings.predikat_bands:
        if math.isinf(bound) or shown >= Decimal(repr(bound)):
            return label
    raise AssertionError("the last band is open")


@given(x=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False))
def test_predikat_agrees_with_the_shown_value(x: float) -> None:
    assert predikat([x]).tolist() == [band_of_shown(x, Settings())]


SIGNED_BANDS = Settings(predikat_bands=((1.0, "P"), (0.0, "Q"), (-1.0, "R"), (-math.inf, "S")))


@pytest.mark.parametrize(
    ("capaian", "band"),
    [
        (0.995, "P"),  # shows 1,00
        (0.994, "Q"),
        (0.0, "Q"),
        (-0.004, "Q"),  # shows 0,00
        (-0.005, "R"),  # a negative tie rounds away from zero: shows -0,01
        (-0.995, "R"),  # shows -1,00
        (-1.004, "R"),
        (-1.005, "S"),  # shows -1,01
    ],
)
def test_predikat_ties_below_zero(capaian: float, band: str) -> None:
    assert predikat([capaian], SIGNED_BANDS).tolist() == [band]
    assert band_of_shown(capaian, SIGNED_BANDS) == band


ties = st.one_of(
    st.integers(min_value=-20_000, max_value=20_000),
    st.sampled_from([-101, -100, -2, -1, 0, 98, 99, 5099, 6599, 7599, 9099, 9100]),
)


@given(base=ties, k=st.sampled_from([-1, 0, 1]))
def test_predikat_agrees_with_shown_value_at_ties(base: int, k: int) -> None:
    # x.xx5 ties and their float neighbours, where float rounding and half up disagree.
    x = float(Decimal(base) / 100 + Decimal("0.005"))
    x = float(np.nextafter(x, math.inf * k)) if k else x
    for settings in (Settings(), SIGNED_BANDS):
        assert predikat([x], settings).tolist() == [band_of_shown(x, settings)]


@pytest.mark.parametrize(
    ("capaian", "lebih"),
    [
        (132.57, True),
        (100.005, True),  # shows 100,01
        (100.004, False),  # shows 100,00
        (100.0, False),
        (99.0, False),
        (NAN, False),
    ],
)
def test_melampaui(capaian: float, lebih: bool) -> None:
    assert melampaui([capaian]).tolist() == [lebih]


# --- capaian as shown: half up on the exact decimal, not on the float ---------------------


def half_up(x: Fraction) -> Decimal:
    """The oracle's rounding: an exact rational to 2 decimals, ties away from zero."""
    return (Decimal(x.numerator) / Decimal(x.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )


def exact_capaian(t: str, r: str, arah: str, s: Settings) -> Fraction | None:
    """docs/format.md's table on the decimals as written, in exact arithmetic."""
    ft, fr = Fraction(t), Fraction(r)
    if arah == "naik":
        c = None if ft == 0 else fr / ft * 100
    elif ft == 0:
        c = Fraction(100 if fr == 0 else 0)
    elif s.rumus_turun == "selisih":
        c = max((2 * ft - fr) / ft * 100, Fraction(0))
    else:
        c = None if fr == 0 else ft / fr * 100
    if c is not None and s.batas_capaian is not None:
        c = min(c, Fraction(repr(s.batas_capaian)))
    return c


# (target, realisasi, arah, settings, shown, predikat): exact ties whose float lies just below
TIE_CASES = [
    ("220", "200,189", "naik", Settings(), "91,00", "Sangat Tinggi"),  # docs/format.md's example
    ("8", "0,29", "naik", Settings(), "3,63", "Sangat Rendah"),
    ("0,05", "0,0379975", "naik", Settings(), "76,00", "Tinggi"),  # exactly 75,995
    ("0,01", "0,0109005", "turun", Settings(), "91,00", "Sangat Tinggi"),  # selisih 90,995
    ("0,11", "0,1364055", "turun", Settings(), "76,00", "Tinggi"),  # selisih 75,995
    ("0,03", "0,0402015", "turun", Settings(), "66,00", "Sedang"),  # selisih 65,995
    ("0,11", "0,1639055", "turun", Settings(), "51,00", "Rendah"),  # selisih 50,995
    ("8", "0,018", "turun", Settings(), "199,78", "Sangat Tinggi"),  # selisih 199,775
    ("0,0090995", "0,01", "turun", RASIO, "91,00", "Sangat Tinggi"),  # rasio 90,995
]


def cell(text: str) -> float:
    got = parse_angka(text)
    assert got.value is not None
    return got.value


@pytest.mark.parametrize(("target", "realisasi", "arah", "settings", "shown", "band"), TIE_CASES)
def test_ties_round_up_on_the_exact_decimal(
    target: str, realisasi: str, arah: str, settings: Settings, shown: str, band: str
) -> None:
    t, r = cell(target), cell(realisasi)
    full, _ = satu(t, r, arah, settings)
    assert format_angka(full, 2) != shown  # the float sits below the tie: the case is real
    got = capaian_tampil([t], [r], [arah], settings)
    assert format_angka(got[0], 2) == shown
    assert got[0] == float(shown.replace(",", "."))
    out = add_capaian(pd.DataFrame({"target": [t], "realisasi": [r], "arah": [arah]}), settings)
    assert out["capaian"].iloc[0] == full  # full precision is kept
    assert out["predikat"].iloc[0] == band


@pytest.mark.parametrize(
    ("target", "realisasi", "arah", "settings", "shown", "lebih"),
    [
        (100.0, 100.005, "naik", Settings(), 100.01, True),  # exactly 100,005
        (100.0, 100.004, "naik", Settings(), 100.0, False),
        (10.0, 10.0, "naik", Settings(), 100.0, False),
        (77.0, 102.08, "naik", Settings(batas_capaian=120.0), 120.0, True),  # the cap
        (10.0, 12.0, "naik", Settings(batas_capaian=100.0), 100.0, False),
        (10.0, 0.0, "turun", Settings(), 200.0, True),
        (0.0, 0.0, "turun", Settings(), 100.0, False),
        (0.0, 3.0, "turun", Settings(), 0.0, False),
        (10.0, 25.0, "turun", Settings(), 0.0, False),  # selisih below 0 is 0
        (10.0, -0.0001, "naik", Settings(), 0.0, False),  # -0,001 % shows 0,00, not -0,00
        (0.0, 5.0, "naik", Settings(), NAN, False),  # target 0: empty
        (10.0, NAN, "naik", Settings(), NAN, False),  # not reported: empty
        (10.0, 0.0, "turun", RASIO, NAN, False),
    ],
)
def test_capaian_tampil_and_melampaui_target(
    target: float, realisasi: float, arah: str, settings: Settings, shown: float, lebih: bool
) -> None:
    got = capaian_tampil([target], [realisasi], [arah], settings)
    assert got.dtype == np.float64
    if math.isnan(shown):
        assert math.isnan(got[0])
    else:
        assert got[0] == shown
        assert math.copysign(1.0, got[0]) == 1.0
    out = add_capaian(
        pd.DataFrame({"target": [target], "realisasi": [realisasi], "arah": [arah]}), settings
    )
    assert out["melampaui_target"].tolist() == [lebih]


def decimal_text(mantissa: int, places: int) -> str:
    return str(Decimal(mantissa).scaleb(-places))


# Short decimals as a bureau types them: up to 6 digits, up to 3 decimal places.
short = st.builds(decimal_text, st.integers(1, 999_999), st.integers(0, 3))
cents = st.one_of(st.sampled_from([5099, 6599, 7599, 9099, 9999, 10000]), st.integers(0, 30_000))


def text_of(x: Fraction) -> str:
    return str(Decimal(x.numerator) / Decimal(x.denominator))


@given(
    target=short,
    k=cents,
    arah=st.sampled_from(["naik", "turun"]),
    rumus=st.sampled_from(["selisih", "rasio"]),
)
def test_generated_ties_round_half_up_and_judge_the_shown_value(
    target: str, k: int, arah: str, rumus: str
) -> None:
    # capaian is exactly k/100 + 0,005 %: a tie. Realisasi (target for rasio) is built from it;
    # every denominator is 2^a 5^b, so it is a finite decimal.
    s = Settings(rumus_turun=rumus)
    capaian = Fraction(2 * k + 1, 200)
    t = Fraction(target)
    if arah == "naik":
        r = t * capaian / 100
    elif rumus == "selisih":
        r = t * (2 - capaian / 100)
    else:  # rasio: capaian = t / r x 100
        r, t = t, t * capaian / 100
    assume(t > 0 and r >= 0)
    tt, rt = text_of(t), text_of(r)
    # the decimal must survive as text and as a float (at most 15 significant digits)
    assume(Fraction(tt) == t and Fraction(rt) == r)
    assume(Fraction(repr(float(tt))) == t and Fraction(repr(float(rt))) == r)
    want = half_up(capaian)
    assert want == Decimal(k + 1) / 100  # half up: the tie shows the upper cent

    got = capaian_tampil([float(tt)], [float(rt)], [arah], s)[0]
    assert Decimal(repr(float(got))) == want
    frame = pd.DataFrame({"target": [float(tt)], "realisasi": [float(rt)], "arah": [arah]})
    out = add_capaian(frame, s)
    assert out["predikat"].tolist() == [band_of_shown(float(want), s)]
    assert out["melampaui_target"].tolist() == [want > 100]


@given(
    rows=st.lists(
        st.tuples(short, short, st.sampled_from(["naik", "turun"])), min_size=1, max_size=20
    ),
    rumus=st.sampled_from(["selisih", "rasio"]),
    cap=st.sampled_from([None, 100.0, 120.0, 100.005]),
)
def test_capaian_tampil_matches_exact_arithmetic(
    rows: list[tuple[str, str, str]], rumus: str, cap: float | None
) -> None:
    s = Settings(rumus_turun=rumus, batas_capaian=cap)
    got = capaian_tampil(
        [float(t) for t, _, _ in rows], [float(r) for _, r, _ in rows], [a for _, _, a in rows], s
    )
    for value, (t, r, a) in zip(got, rows, strict=True):
        c = exact_capaian(t, r, a, s)
        assert c is not None
        assert Decimal(repr(float(value))) == half_up(c)


# --- settings -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"predikat_bands": ((76.0, "Tinggi"), (91.0, "Sangat Tinggi"), (-math.inf, "X"))},
        {"predikat_bands": ((91.0, "A"), (91.0, "B"), (-math.inf, "C"))},
        {"predikat_bands": ((91.0, "A"), (51.0, "B"))},  # a gap below 51
        {"predikat_bands": ()},
        {"predikat_bands": ((91.0, ""), (-math.inf, "B"))},
        {"predikat_bands": (("91", "A"), (-math.inf, "B"))},
        {"predikat_bands": ((NAN, "A"), (-math.inf, "B"))},
        {"predikat_bands": ((math.inf, "A"), (-math.inf, "B"))},
        {"predikat_bands": ((91.0,), (-math.inf, "B"))},
        {"rumus_turun": "kebalikan"},
        {"batas_capaian": 0.0},
        {"batas_capaian": -10.0},
        {"batas_capaian": NAN},
        {"efisiensi_batas": -1.0},
        {"efisiensi_batas": math.inf},
    ],
)
def test_settings_validation(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        Settings(**kwargs)


def test_settings_round_trip_through_json() -> None:
    s = Settings(
        predikat_bands=((90.0, "Baik Sekali"), (70.0, "Baik"), (float("-inf"), "Kurang")),
        rumus_turun="rasio",
        batas_capaian=150.0,
        efisiensi_batas=2.5,
    )
    data = json.loads(json.dumps(s.to_dict(), allow_nan=False))
    assert data["predikat_bands"][-1] == [None, "Kurang"]
    back = Settings.from_dict(data)
    assert back == s
    assert hash(back) == hash(s)


def test_settings_from_dict_defaults_and_unknown_keys() -> None:
    assert Settings.from_dict({}) == Settings()
    assert Settings.from_dict({"efisiensi_batas": 10}).efisiensi_batas == 10.0
    with pytest.raises(ValueError, match="tidak dikenal"):
        Settings.from_dict({"batas": 100})
    with pytest.raises(ValueError):
        Settings.from_dict({"predikat_bands": [[91, "A"], ["x"]]})


def test_settings_normalises_bands_to_tuples() -> None:
    s = Settings(predikat_bands=[[91, "A"], [-math.inf, "B"]])  # type: ignore[arg-type]
    assert s.predikat_bands == ((91.0, "A"), (-math.inf, "B"))


# --- add_capaian --------------------------------------------------------------------------


def records(rows: list[dict[str, Any]]) -> pd.DataFrame:
    base = {
        "bidang": "Bidang Perindustrian",
        "sasaran": "Meningkatnya daya saing IKM",
        "satuan": "unit",
        "arah": "naik",
        "tahun": 2023,
        "keterangan": None,
    }
    return pd.DataFrame([{**base, **row} for row in rows])


def test_add_capaian_replaces_and_adds() -> None:
    df = records(
        [
            {"indikator": "A", "periode": "TW I", "target": 10.0, "realisasi": 12.0},
            {"indikator": "B", "periode": "TW I", "target": 10.0, "realisasi": None},
            {"indikator": "C", "periode": "TW I", "target": 8.0, "realisasi": 9.0, "arah": "turun"},
        ]
    )
    df.insert(df.columns.get_loc("realisasi") + 1, "capaian", [1.0, 2.0, 3.0])
    before = df.copy()
    out = add_capaian(df)
    pd.testing.assert_frame_equal(df, before)  # the input is not touched
    cols = list(out.columns)
    assert cols.index("capaian") == cols.index("realisasi") + 1
    assert cols.index("predikat") == cols.index("capaian") + 1
    assert cols.index("melampaui_target") == cols.index("predikat") + 1
    assert cols[-1] == "capaian_catatan"
    assert out["capaian"].tolist()[0] == 120.0
    assert math.isnan(out["capaian"].iloc[1])
    assert out["capaian"].iloc[2] == 87.5
    assert out["predikat"].tolist() == ["Sangat Tinggi", None, "Tinggi"]
    assert out["melampaui_target"].dtype == bool
    assert out["melampaui_target"].tolist() == [True, False, False]
    assert out["capaian_catatan"].tolist() == [None, "realisasi belum dilaporkan", None]


def test_add_capaian_with_duplicate_index() -> None:
    df = pd.DataFrame({"target": [10.0, 10.0], "realisasi": [5.0, None]}, index=[1, 1])
    out = add_capaian(df)
    assert out["capaian"].tolist()[0] == 50.0
    assert out["capaian_catatan"].tolist() == [None, "realisasi belum dilaporkan"]


def test_add_capaian_without_arah_column_is_naik() -> None:
    df = records([{"indikator": "A", "periode": "TW I", "target": 8.0, "realisasi": 9.0}])
    out = add_capaian(df.drop(columns="arah"))
    assert out["capaian"].iloc[0] == 112.5


def test_add_capaian_uses_settings() -> None:
    df = records(
        [{"indikator": "A", "periode": "TW I", "target": 8.0, "realisasi": 9.0, "arah": "turun"}]
    )
    s = Settings(rumus_turun="rasio", predikat_bands=((85.0, "Baik"), (-math.inf, "Kurang")))
    out = add_capaian(df, s)
    assert out["capaian"].iloc[0] == pytest.approx(8 / 9 * 100)  # 88,89; selisih gives 87,5
    assert out["predikat"].iloc[0] == "Baik"


# --- records read back (the store's: capaian and capaian_catatan, no melampaui_target) ----


def stored(rows: list[tuple[float, float, str]], settings: Settings) -> pd.DataFrame:
    """Records as the store gives them back: computed once, melampaui_target not kept."""
    target, realisasi, arah = ([row[i] for row in rows] for i in range(3))
    frame = pd.DataFrame({"target": target, "realisasi": realisasi, "arah": arah})
    return add_capaian(frame, settings).drop(columns="melampaui_target")


STORED_ROWS = [
    (220.0, 200.189, "naik"),  # 90,995: 91,00
    (100.0, 100.005, "naik"),  # 100,005: 100,01, melampaui
    (0.01, 0.0109005, "turun"),  # selisih 90,995 / rasio 91,74
    (0.0090995, 0.01, "turun"),  # rasio 90,995 / selisih 90,1
    (77.0, 102.08, "naik"),  # 132,57, or the cap
    (0.0, 5.0, "naik"),
    (10.0, NAN, "naik"),
]


@pytest.mark.parametrize(
    "settings", [Settings(), RASIO, Settings(batas_capaian=100.005), Settings(batas_capaian=120.0)]
)
@pytest.mark.parametrize("known", [True, False])
def test_tampil_of_stored_records_agrees_with_the_reader(settings: Settings, known: bool) -> None:
    # With or without the agency's settings, the stored capaian decides and its exact decimal
    # is found again: what the screen shows is what the reader judged.
    records = stored(STORED_ROWS, settings)
    want = capaian_tampil(records["target"], records["realisasi"], records["arah"], settings)
    got = tampil(records, settings if known else None)
    np.testing.assert_array_equal(got.to_numpy(), want)
    assert got.index.equals(records.index)
    lebih = melampaui_target(records, settings if known else None)
    assert lebih.dtype == bool
    assert lebih.tolist() == add_capaian(records, settings)["melampaui_target"].tolist()


def test_tampil_values_and_reasons_of_stored_records() -> None:
    records = stored(STORED_ROWS, Settings())
    assert tampil(records).tolist()[:5] == [91.0, 100.01, 91.0, 90.1, 132.57]
    assert tampil(stored(STORED_ROWS, RASIO)).tolist()[2:4] == [91.74, 91.0]
    assert melampaui_target(records).tolist() == [False, True, False, False, True, False, False]
    assert catatan_capaian(records).tolist()[-2:] == [
        "target 0: capaian tidak dapat dihitung",
        "realisasi belum dilaporkan",
    ]


def test_helpers_use_the_records_own_columns_first() -> None:
    records = stored(STORED_ROWS[:2], Settings()).assign(
        melampaui_target=[True, None], capaian_catatan=["catatan lembar", NAN]
    )
    assert melampaui_target(records).tolist() == [True, True]  # the blank one is computed
    assert catatan_capaian(records).tolist() == ["catatan lembar", None]


def test_helpers_without_capaian_compute_it() -> None:
    frame = pd.DataFrame({"target": [220.0, 0.0, 10.0], "realisasi": [200.189, 5.0, 12.0]})
    assert tampil(frame).tolist()[0] == 91.0
    assert math.isnan(tampil(frame).iloc[1])
    assert melampaui_target(frame).tolist() == [False, False, True]
    assert catatan_capaian(frame).tolist() == [
        None,
        "target 0: capaian tidak dapat dihitung",
        None,
    ]
    cap = Settings(batas_capaian=110.0)
    assert tampil(frame, cap).iloc[2] == 110.0
    assert "dibatasi 110%" in catatan_capaian(frame, cap).iloc[2]


def test_helpers_on_empty_records() -> None:
    empty = pd.DataFrame(
        {c: pd.Series(dtype="float64") for c in ("target", "realisasi", "capaian")}
    )
    assert tampil(empty).empty
    assert melampaui_target(empty).dtype == bool
    assert catatan_capaian(empty).empty


def test_records_to_json_says_what_capaian_means() -> None:
    from kinerja import ingest

    reader = add_capaian(
        records(
            [
                {"indikator": "A", "periode": "TW I", "target": 220.0, "realisasi": 200.189},
                {"indikator": "B", "periode": "TW I", "target": 0.0, "realisasi": 4.0},
                {"indikator": "C", "periode": "TW I", "target": 10.0, "realisasi": None},
                {"indikator": "D", "periode": "TW I", "target": 100.0, "realisasi": 100.005},
            ]
        )
    )
    got = ingest.records_to_json(reader)
    assert [(r["capaian_catatan"], r["melampaui_target"]) for r in got] == [
        (None, False),
        ("target 0: capaian tidak dapat dihitung", False),
        ("realisasi belum dilaporkan", False),
        (None, True),  # exactly 100,005: shows 100,01
    ]
    assert got[0]["predikat"] == "Sangat Tinggi"
    assert all(type(r["melampaui_target"]) is bool for r in got)
    # the store gives back no melampaui_target: the same JSON, computed
    assert ingest.records_to_json(reader.drop(columns="melampaui_target")) == got


# --- yearly aggregation -------------------------------------------------------------------


def quarters(
    indikator: str, pairs: list[tuple[float, float | None]], **extra: Any
) -> list[dict[str, Any]]:
    names = ["TW I", "TW II", "TW III", "TW IV"]
    return [
        {"indikator": indikator, "periode": p, "target": t, "realisasi": r, **extra}
        for p, (t, r) in zip(names, pairs, strict=False)
    ]


FULL_YEAR = [(5.0, 4.0), (10.0, 11.0), (18.0, 16.0), (25.0, 27.0)]
HALF_YEAR = [(5.0, 4.0), (10.0, 11.0), (18.0, None), (25.0, None)]


def row_of(result: pd.DataFrame, indikator: str) -> pd.Series:
    rows = result[result["indikator"] == indikator]
    assert len(rows) == 1
    return rows.iloc[0]


@pytest.mark.parametrize(
    ("pairs", "metode", "target", "realisasi", "dasar"),
    [
        (FULL_YEAR, "akhir", 25.0, 27.0, "TW IV"),
        (FULL_YEAR, "jumlah", 58.0, 58.0, "TW I–TW IV"),
        (FULL_YEAR, "rata-rata", 14.5, 14.5, "TW I–TW IV"),
        (HALF_YEAR, "akhir", 10.0, 11.0, "TW II"),
        (HALF_YEAR, "jumlah", 15.0, 15.0, "TW I–TW II"),
        (HALF_YEAR, "rata-rata", 7.5, 7.5, "TW I–TW II"),
        # a blank TW II between reported quarters
        ([(5.0, 4.0), (10.0, None), (18.0, 20.0)], "akhir", 18.0, 20.0, "TW III"),
        ([(5.0, 4.0), (10.0, None), (18.0, 20.0)], "jumlah", 23.0, 24.0, "TW I, TW III"),
        ([(5.0, 4.0), (10.0, None), (18.0, 20.0)], "rata-rata", 11.5, 12.0, "TW I, TW III"),
    ],
)
def test_aggregate_methods(
    pairs: list[tuple[float, float | None]],
    metode: str,
    target: float,
    realisasi: float,
    dasar: str,
) -> None:
    out = aggregate_tahunan(records(quarters("A", pairs)), metode)
    row = row_of(out, "A")
    assert row["target"] == target
    assert row["realisasi"] == realisasi
    assert row["capaian"] == pytest.approx(realisasi / target * 100)
    assert row["periode_dasar"] == dasar
    assert row["agregasi"] == metode
    assert row["capaian_catatan"] is None


def test_aggregate_output_columns_and_one_row_per_year() -> None:
    df = records(quarters("A", FULL_YEAR) + quarters("A", HALF_YEAR, tahun=2024))
    out = aggregate_tahunan(df)
    assert list(out.columns) == [
        "bidang",
        "sasaran",
        "indikator",
        "satuan",
        "arah",
        "tahun",
        "target",
        "realisasi",
        "capaian",
        "predikat",
        "melampaui_target",
        "capaian_catatan",
        "periode_dasar",
        "agregasi",
    ]
    assert out["tahun"].tolist() == [2023, 2024]
    assert out["melampaui_target"].tolist() == [True, True]  # 108,00 and 110,00
    assert out["periode_dasar"].tolist() == ["TW IV", "TW II"]
    assert out["predikat"].tolist() == ["Sangat Tinggi", "Sangat Tinggi"]


@pytest.mark.parametrize("metode", ["akhir", "jumlah", "rata-rata"])
def test_aggregate_tahunan_record_is_the_year(metode: str) -> None:
    df = records(
        quarters("A", FULL_YEAR)
        + [{"indikator": "A", "periode": "Tahunan", "target": 30.0, "realisasi": 24.0}]
    )
    row = row_of(aggregate_tahunan(df, metode), "A")
    assert (row["target"], row["realisasi"], row["capaian"]) == (30.0, 24.0, 80.0)
    assert row["periode_dasar"] == "Tahunan"
    assert row["predikat"] == "Tinggi"


def test_aggregate_indicator_with_blank_realisasi() -> None:
    df = records(
        quarters("A", [(5.0, None), (10.0, None), (18.0, None), (25.0, None)])
        + [{"indikator": "B", "periode": "Tahunan", "target": 100.0, "realisasi": None}]
    )
    for metode, target in [("akhir", 25.0), ("jumlah", 58.0), ("rata-rata", 14.5)]:
        out = aggregate_tahunan(df, metode)
        a, b = row_of(out, "A"), row_of(out, "B")
        assert a["target"] == target
        assert math.isnan(a["realisasi"]) and math.isnan(a["capaian"])
        assert a["predikat"] is None
        assert a["capaian_catatan"] == "realisasi belum dilaporkan"
        assert b["target"] == 100.0 and math.isnan(b["capaian"])
        assert b["capaian_catatan"] == "realisasi belum dilaporkan"


def test_aggregate_turun_recomputes_capaian() -> None:
    df = records(quarters("TPT", [(8.0, 8.5), (7.5, 7.0)], arah="turun", satuan="%"))
    row = row_of(aggregate_tahunan(df, "rata-rata"), "TPT")
    assert row["target"] == 7.75 and row["realisasi"] == 7.75
    assert row["capaian"] == 100.0
    row = row_of(aggregate_tahunan(df, "akhir", Settings(rumus_turun="rasio")), "TPT")
    assert row["capaian"] == pytest.approx(7.5 / 7.0 * 100)


def test_aggregate_semesters() -> None:
    df = records(
        [
            {"indikator": "A", "periode": "Semester I", "target": 40.0, "realisasi": 30.0},
            {"indikator": "A", "periode": "Semester II", "target": 60.0, "realisasi": 66.0},
        ]
    )
    assert row_of(aggregate_tahunan(df, "jumlah"), "A")["periode_dasar"] == (
        "Semester I–Semester II"
    )
    row = row_of(aggregate_tahunan(df, "akhir"), "A")
    assert (row["target"], row["realisasi"]) == (60.0, 66.0)
    assert row["capaian"] == pytest.approx(110.0)


def test_aggregate_prefers_quarters_over_semesters() -> None:
    df = records(
        quarters("A", HALF_YEAR)
        + [{"indikator": "A", "periode": "Semester I", "target": 99.0, "realisasi": 1.0}]
    )
    akhir = row_of(aggregate_tahunan(df, "akhir"), "A")
    assert akhir["periode_dasar"] == "TW II"  # same month as Semester I; TW wins
    assert akhir["realisasi"] == 11.0
    jumlah = row_of(aggregate_tahunan(df, "jumlah"), "A")
    assert (jumlah["target"], jumlah["realisasi"]) == (15.0, 15.0)  # no double counting


def test_aggregate_mapping_and_column() -> None:
    df = records(
        quarters("A", FULL_YEAR)
        + quarters("B", FULL_YEAR)
        + quarters("C", FULL_YEAR)
        + quarters("D", FULL_YEAR)
    )
    df["agregasi"] = np.where(df["indikator"] == "C", "rata-rata", None)
    out = aggregate_tahunan(df, {"A": "jumlah", "C": "jumlah"})
    assert out.set_index("indikator")["agregasi"].to_dict() == {
        "A": "jumlah",
        "B": "akhir",  # not in the mapping
        "C": "rata-rata",  # the record's own column wins
        "D": "akhir",
    }
    assert out.set_index("indikator")["target"].to_dict() == {
        "A": 58.0,
        "B": 25.0,
        "C": 14.5,
        "D": 25.0,
    }


def test_aggregate_accepts_spellings_and_rejects_unknown_methods() -> None:
    df = records(quarters("A", FULL_YEAR))
    assert row_of(aggregate_tahunan(df, "Rata-rata"), "A")["agregasi"] == "rata-rata"
    with pytest.raises(ValueError, match="agregasi tidak dikenal"):
        aggregate_tahunan(df, "median")
    with pytest.raises(ValueError, match="agregasi tidak dikenal"):
        aggregate_tahunan(df.assign(agregasi="maksimum"))


def test_aggregate_rejects_unknown_periode() -> None:
    df = records(quarters("A", FULL_YEAR))
    df.loc[0, "periode"] = "TW 5"
    with pytest.raises(ValueError, match="periode tidak dikenal"):
        aggregate_tahunan(df)


def test_aggregate_groups_blank_keys() -> None:
    df = records(
        quarters("A", FULL_YEAR, sasaran=None)
        + quarters("B", HALF_YEAR, satuan=None)
        + quarters("B", FULL_YEAR, bidang="Sekretariat")
    )
    df.index = range(100, 100 + len(df))  # any index
    out = aggregate_tahunan(df)
    assert out["indikator"].tolist() == ["A", "B", "B"]
    assert out["periode_dasar"].tolist() == ["TW IV", "TW II", "TW IV"]
    assert out["realisasi"].tolist() == [27.0, 11.0, 27.0]


def test_aggregate_judges_the_exact_sum_of_the_decimals() -> None:
    # 22,049 + 60,789 + 79,444 + 37,907 is 200,189 exactly; the float sum is 200,18899999999996
    pairs = [(55.0, 22.049), (55.0, 60.789), (55.0, 79.444), (55.0, 37.907)]
    df = records(quarters("A", pairs))
    assert df["realisasi"].sum() < 200.189
    row = row_of(aggregate_tahunan(df, "jumlah"), "A")
    assert format_angka(row["capaian"], 2) == "90,99"  # the float alone would show this
    assert row["predikat"] == "Sangat Tinggi"  # judged on 91,00
    row = row_of(aggregate_tahunan(df, "rata-rata"), "A")
    assert row["predikat"] == "Sangat Tinggi"
    assert row_of(aggregate_tahunan(df, "akhir"), "A")["predikat"] == "Sedang"  # 68,92


def test_aggregate_empty() -> None:
    columns = ["indikator", "tahun", "periode", "target", "realisasi"]
    out = aggregate_tahunan(pd.DataFrame(columns=columns))
    assert out.empty
    assert "capaian" in out.columns


# --- budget and efficiency ----------------------------------------------------------------


def test_serapan() -> None:
    got = serapan([200.0, 0.0, NAN, 100.0], [150.0, 5.0, 5.0, NAN])
    assert got.iloc[0] == 75.0
    assert got.iloc[1:].isna().all()
    assert got.name == "serapan"


@pytest.mark.parametrize(
    ("capaian", "serapan_", "kategori"),
    [
        (110.0, 100.0, "efisien"),
        (105.01, 100.0, "efisien"),
        (105.0, 100.0, "cukup efisien"),  # the edges are inclusive
        (101.46, 96.46, "cukup efisien"),  # 5.000000000000014 shows 5,00
        (5.005, 0.0, "efisien"),  # shows 5,01
        (5.004, 0.0, "cukup efisien"),
        (-5.004, 0.0, "cukup efisien"),
        (-5.005, 0.0, "kurang efisien"),  # shows -5,01
        (100.0, 100.0, "cukup efisien"),
        (95.0, 100.0, "cukup efisien"),
        (94.99, 100.0, "kurang efisien"),
        (80.0, 100.0, "kurang efisien"),
        (NAN, 100.0, None),
        (100.0, NAN, None),
    ],
)
def test_efisiensi_edges(capaian: float, serapan_: float, kategori: str | None) -> None:
    out = efisiensi([capaian], [serapan_])
    assert out["kategori"].tolist() == [kategori]
    if kategori is not None:
        assert out["selisih"].iloc[0] == capaian - serapan_


def test_efisiensi_exact_with_target_and_realisasi() -> None:
    capaian = 200.189 / 220 * 100  # exactly 90,995; the float is 90,99499999999999
    # the float alone is its own decimal: 90,99499999999999 - 85,99 shows 5,00
    assert efisiensi([capaian], [85.99])["kategori"].tolist() == ["cukup efisien"]
    out = efisiensi([capaian], [85.99], target=[220.0], realisasi=[200.189], arah="naik")
    assert out["kategori"].tolist() == ["efisien"]  # 90,995 - 85,99 = 5,005 shows 5,01
    assert out["selisih"].iloc[0] == capaian - 85.99  # full precision kept


def test_efisiensi_exact_with_pagu() -> None:
    s = serapan([220.0], [200.189])  # exactly 90,995
    assert efisiensi([85.99], s)["kategori"].tolist() == ["cukup efisien"]  # float: -5,00
    out = efisiensi([85.99], s, pagu=[220.0], realisasi_anggaran=[200.189])
    assert out["kategori"].tolist() == ["kurang efisien"]  # 85,99 - 90,995 = -5,005: -5,01


def test_efisiensi_band_is_a_setting() -> None:
    out = efisiensi([110.0, 107.0], [100.0, 100.0], Settings(efisiensi_batas=10.0))
    assert out["kategori"].tolist() == ["cukup efisien", "cukup efisien"]
    out = efisiensi([100.5], [100.0], Settings(efisiensi_batas=0.0))
    assert out["kategori"].tolist() == ["efisien"]


# --- the published figures of docs/domain.md ---------------------------------------------------


@pytest.mark.parametrize(
    ("target", "realisasi", "printed"),
    [
        ("90,89", "92,22", "101,46"),  # Kab. Tanah Datar LKjIP 2016, APM SD/MI
        ("81,73", "82,92", "101,46"),  # APM SMP/MTs
    ],
)
def test_tanah_datar(target: str, realisasi: str, printed: str) -> None:
    got, note = satu(angka(target), angka(realisasi), "naik")
    assert note is None
    assert format_angka(got, 2) == printed
    assert format_persen(got) == printed + "%"
    assert predikat([got]).tolist() == ["Sangat Tinggi"]
    assert melampaui([got]).tolist() == [True]


def test_itjen_2019_serapan() -> None:
    pagu = angka("106.439.453.000,00")
    realisasi = angka("104.734.936.307,00")
    assert (pagu, realisasi) == (106_439_453_000.0, 104_734_936_307.0)
    got = serapan([pagu], [realisasi]).iloc[0]
    assert format_angka(got, 2) == "98,40"
    assert format_persen(got) == "98,40%"


@pytest.mark.parametrize(
    ("target", "realisasi", "exact", "printed", "desimal", "shown"),
    [
        ("7", "6,5", 750 / 7, "107", 0, "107,14"),  # PermenPAN-RB 6/2022, lower is better
        ("8", "9", 87.5, "87,5", 1, "87,50"),
    ],
)
def test_permenpan_turun(
    target: str, realisasi: str, exact: float, printed: str, desimal: int, shown: str
) -> None:
    got, note = satu(angka(target), angka(realisasi), "turun")
    assert note is None
    assert got == pytest.approx(exact, rel=1e-12)
    assert format_angka(got, 2) == shown
    assert format_angka(got, desimal) == printed  # as the regulation prints it


def test_blitar_half_up_not_truncated() -> None:
    got, _ = satu(angka("77"), angka("91,76"), "naik")
    assert format_angka(got, 2) == "119,17"
    truncated = math.floor(got * 100) / 100
    assert format_angka(truncated, 2) == "119,16"  # what the published report prints
    assert abs(got - angka("119,16")) < 0.01
