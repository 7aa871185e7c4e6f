"""Tests for kinerja.analisis (the analysis page's figures) and the formula in words of
kinerja.capaian (rumus, rumus_series, dasar, angka_rumus, teks_tampil)."""

from __future__ import annotations

import io
import math
from decimal import Decimal
from typing import Any

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kinerja import analisis
from kinerja.analisis import PERIODE_TAHUN
from kinerja.angka import format_angka, parse_angka
from kinerja.capaian import (
    Settings,
    angka_rumus,
    capaian_tampil,
    compute_capaian,
    dasar,
    rumus,
    rumus_series,
    teks_tampil,
)
from kinerja.schema import TRIWULAN
from kinerja.store.submissions import STORED_COLUMNS

NAN = float("nan")
RASIO = Settings(rumus_turun="rasio")
PELATIHAN = "Bidang Pelatihan dan Penempatan"
INDUSTRI = "Bidang Perindustrian"
PENYERAPAN = "Meningkatnya penyerapan tenaga kerja"
IKM = "Meningkatnya daya saing IKM"


# --- the formula in words -----------------------------------------------------------------

# (target, realisasi, arah, settings, text)
RUMUS_CASES = [
    (3700.0, 36610.0, "naik", Settings(), "36.610 / 3.700 x 100 = 989,46"),
    # Kab. Tanah Datar LKjIP 2016: APM SD/MI and APM SMP/MTs, printed 101,46
    (90.89, 92.22, "naik", Settings(), "92,22 / 90,89 x 100 = 101,46"),
    (81.73, 82.92, "naik", Settings(), "82,92 / 81,73 x 100 = 101,46"),
    # PermenPAN-RB 6/2022, lower is better: 7 / 6,5 -> 107 %, 8 / 9 -> 87,5 %
    (7.0, 6.5, "turun", Settings(), "(2 x 7 - 6,5) / 7 x 100 = 107,14"),
    (8.0, 9.0, "turun", Settings(), "(2 x 8 - 9) / 8 x 100 = 87,50"),
    (4.0, 3.95, "turun", Settings(), "(2 x 4 - 3,95) / 4 x 100 = 101,25"),
    (4.0, 3.95, "turun", RASIO, "4 / 3,95 x 100 = 101,27"),
    # docs/format.md: 200,189 / 220 is exactly 90,995 and shows 91,00 (the float says 90,99)
    (220.0, 200.189, "naik", Settings(), "200,189 / 220 x 100 = 91,00"),
    # Itjen 2019 budget figures as a formula: big numbers keep their thousands dots
    (
        106_439_453_000.0,
        104_734_936_307.0,
        "naik",
        Settings(),
        "104.734.936.307 / 106.439.453.000 x 100 = 98,40",
    ),
    (0.75, 0.7281, "naik", Settings(), "0,7281 / 0,75 x 100 = 97,08"),
    (10.0, -5.0, "turun", Settings(), "(2 x 10 - (-5)) / 10 x 100 = 250,00"),
    (
        10.0,
        25.0,
        "turun",
        Settings(),
        "(2 x 10 - 25) / 10 x 100 = -50,00; realisasi lebih dari dua kali target: capaian 0,00",
    ),
    # Blitar prints 91,76 / 77 as 119,16 (truncated); with a cap of 100
    (
        77.0,
        91.76,
        "naik",
        Settings(batas_capaian=100),
        "91,76 / 77 x 100 = 119,17; melebihi batas capaian 100%: capaian 100,00",
    ),
    (0.0, 0.0, "turun", Settings(), "target 0 dan realisasi 0 (arah turun): capaian 100,00"),
    (
        0.0,
        0.0,
        "turun",
        Settings(batas_capaian=90),
        "target 0 dan realisasi 0 (arah turun): capaian 100,00; "
        "melebihi batas capaian 90%: capaian 90,00",
    ),
    (0.0, 3.0, "turun", Settings(), "target 0 dan realisasi 3 (arah turun): capaian 0,00"),
    (0.0, 5.0, "naik", Settings(), "target 0: capaian tidak dapat dihitung"),
    (10.0, NAN, "naik", Settings(), "realisasi belum dilaporkan"),
    (10.0, 0.0, "turun", RASIO, "realisasi 0: rumus rasio tidak dapat dihitung"),
    (NAN, 5.0, "naik", Settings(), "target belum diisi"),
    (10.0, 5.0, None, Settings(), "5 / 10 x 100 = 50,00"),  # missing arah is naik
]


@pytest.mark.parametrize(("target", "realisasi", "arah", "settings", "text"), RUMUS_CASES)
def test_rumus(
    target: float, realisasi: float, arah: str | None, settings: Settings, text: str
) -> None:
    assert rumus(target, realisasi, arah, settings) == text
    frame = pd.DataFrame({"target": [target], "realisasi": [realisasi], "arah": [arah]})
    assert rumus_series(frame, settings).tolist() == [text]


def test_rumus_none_is_missing() -> None:
    assert rumus(10, None) == "realisasi belum dilaporkan"
    assert rumus(None, 5) == "target belum diisi"


def test_rumus_series_keeps_the_index_and_defaults_to_naik() -> None:
    frame = pd.DataFrame({"target": [4.0, 10.0], "realisasi": [5.0, 8.0]}, index=[7, 3])
    got = rumus_series(frame)
    assert got.index.tolist() == [7, 3]
    assert got.tolist() == ["5 / 4 x 100 = 125,00", "8 / 10 x 100 = 80,00"]


def decimal_text(mantissa: int, places: int) -> str:
    return str(Decimal(mantissa).scaleb(-places))


# Numbers as a bureau types them, with the special values every formula meets.
angka_teks = st.one_of(
    st.sampled_from(["0", "nan", "1", "100", "0.5"]),
    st.builds(decimal_text, st.integers(1, 9_999_999), st.integers(0, 4)),
)


@given(
    rows=st.lists(
        st.tuples(angka_teks, angka_teks, st.sampled_from(["naik", "turun"])),
        min_size=1,
        max_size=25,
    ),
    rumus_turun=st.sampled_from(["selisih", "rasio"]),
    cap=st.sampled_from([None, 100.0, 120.0, 100.005]),
)
def test_rumus_ends_with_the_capaian_as_shown(
    rows: list[tuple[str, str, str]], rumus_turun: str, cap: float | None
) -> None:
    s = Settings(rumus_turun=rumus_turun, batas_capaian=cap)
    t = [float(a) for a, _, _ in rows]
    r = [float(b) for _, b, _ in rows]
    arah = [c for _, _, c in rows]
    texts = rumus_series(pd.DataFrame({"target": t, "realisasi": r, "arah": arah}), s)
    shown = capaian_tampil(t, r, arah, s)
    catatan = compute_capaian(t, r, arah, s)["catatan"]
    for text, x, why in zip(texts, shown, catatan, strict=True):
        if math.isnan(x):
            assert text == why
        else:
            hasil = format_angka(x, 2)
            assert text.endswith((f"= {hasil}", f"capaian {hasil}")), (text, hasil)


@given(x=st.floats(min_value=-1e300, max_value=1e300, allow_nan=False))
def test_angka_rumus_reads_back_as_the_number(x: float) -> None:
    text = angka_rumus(x)
    got = parse_angka(text)
    assert got.kind == "angka", text
    assert got.value == float(f"{x:.15g}") + 0.0


@pytest.mark.parametrize(
    ("x", "text"),
    [
        (36610.0, "36.610"),
        (3.95, "3,95"),
        (0.7281, "0,7281"),
        (0.1 + 0.2, "0,3"),
        (-1234.5, "-1.234,5"),
        (-0.0, "0"),
        (1.5e-7, "0,00000015"),
        (NAN, "–"),
        (None, "–"),
    ],
)
def test_angka_rumus(x: float | None, text: str) -> None:
    assert angka_rumus(x) == text


@given(
    x=st.one_of(
        st.integers(-(10**9), 10**9).map(lambda k: k / 100),
        st.floats(min_value=-1e7, max_value=1e7, allow_nan=False),
        st.just(NAN),
    )
)
def test_teks_tampil_is_format_angka(x: float) -> None:
    assert teks_tampil([x]) == [format_angka(x, 2)]


# (periode_dasar, agregasi, periode, text)
DASAR_CASES = [
    ("TW IV", "akhir", None, "realisasi akhir TW IV / target TW IV"),
    ("TW III", None, None, "realisasi akhir TW III / target TW III"),
    ("TW I–TW IV", "jumlah", None, "jumlah realisasi TW I–TW IV / jumlah target TW I–TW IV"),
    (
        "TW I–TW IV",
        "rata-rata",
        None,
        "rata-rata realisasi TW I–TW IV / rata-rata target TW I–TW IV",
    ),
    ("TW I, TW III", "Jumlah", None, "jumlah realisasi TW I, TW III / jumlah target TW I, TW III"),
    ("Tahunan", "jumlah", None, "realisasi Tahunan / target tahunan"),
    ("TW II", "akhir", "TW II", "realisasi s.d. TW II / target s.d. TW II"),
    ("TW II", None, "TW II", "realisasi s.d. TW II / target s.d. TW II"),
    ("TW II", "jumlah", "TW II", "realisasi TW II / target TW II"),
    ("Semester I", "akhir", "Semester I", "realisasi s.d. Semester I / target s.d. Semester I"),
    ("Tahunan", None, "Tahunan", "realisasi Tahunan / target tahunan"),
    (None, "akhir", None, "–"),
]


@pytest.mark.parametrize(("periode_dasar", "agregasi", "periode", "text"), DASAR_CASES)
def test_dasar(
    periode_dasar: str | None, agregasi: str | None, periode: str | None, text: str
) -> None:
    assert dasar(periode_dasar, agregasi, periode) == text


@pytest.mark.parametrize(("agregasi", "periode"), [("median", None), ("akhir", "TW 5")])
def test_dasar_refuses_unknown_values(agregasi: str, periode: str | None) -> None:
    with pytest.raises(ValueError):
        dasar("TW IV", agregasi, periode)


# --- records as the store reads them back ---------------------------------------------------


def rec(indikator: str, periode: str, target: float, realisasi: float, **kw: Any) -> dict:
    row: dict[str, Any] = {
        "bidang": PELATIHAN,
        "sasaran": PENYERAPAN,
        "indikator": indikator,
        "satuan": "orang",
        "arah": "naik",
        "tahun": 2024,
        "periode": periode,
        "target": target,
        "realisasi": realisasi,
        "capaian": NAN,
        "predikat": None,
        "keterangan": None,
        "pagu": NAN,
        "realisasi_anggaran": NAN,
        "capaian_catatan": None,
        "baris": 1,
        "kiriman_id": 1,
    }
    row.update(kw)
    return row


def quarters(indikator: str, targets: list[float], realisasi: list[float], **kw: Any) -> list:
    return [
        rec(indikator, p, t, r, **kw)
        for p, t, r in zip(TRIWULAN, targets, realisasi, strict=True)
        if not (math.isnan(t) and math.isnan(r))
    ]


def records(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=[*STORED_COLUMNS, "kiriman_id"])
    frame.insert(len(frame.columns), "id", np.arange(1, len(frame) + 1, dtype="int64"))
    return frame


A = "Pencari kerja terdaftar yang ditempatkan"
B = "Tenaga kerja yang mendapat pelatihan berbasis kompetensi"
C = "Tingkat pengangguran terbuka"
D = "Angka sengketa pengusaha-pekerja per tahun"
E = "Cakupan bina kelompok pengrajin"
F = "Kasus yang diselesaikan dengan Perjanjian Bersama"
G = "Jumlah sentra IKM"


def tahun_2024() -> pd.DataFrame:
    rows = [
        *quarters(A, [925, 1850, 2775, 3700], [1200, 9000, 20000, 36610]),
        *quarters(B, [25, 25, 25, 25], [20, 30, 25, 15]),
        *quarters(C, [4.2, 4.1, 4.0, 4.0], [4.3, 4.0, 3.9, 3.95], satuan="%", arah="turun"),
        *quarters(D, [7, 7, 7, 7], [6, 7, 6.5, 6.5], satuan="kasus", arah="turun"),
        *quarters(E, [20, 40, 60, 80], [22, 41, 65, 90], satuan="%", sasaran=IKM),
        rec(E, "Tahunan", 90.89, 92.22, satuan="%", sasaran=IKM, keterangan="angka BPS"),
        rec(F, "TW I", 10, NAN, satuan="kasus", sasaran=None),
        rec(G, "TW IV", 0, 2, satuan="sentra", sasaran=IKM, bidang=INDUSTRI),
        # another year: never part of 2024's figures
        rec(A, "TW IV", 3000, 1, tahun=2023),
    ]
    return records(rows)


def pk_2024() -> pd.DataFrame:
    # spelled as a PK sheet may spell it: other case, extra spaces
    return pd.DataFrame(
        {
            "bidang": [PELATIHAN, " bidang  pelatihan DAN penempatan", PELATIHAN, PELATIHAN],
            "indikator": [A.upper(), f"  {B.lower()}  ", D, "Indikator lain"],
            "agregasi": ["akhir", "jumlah", "rata-rata", "jumlah"],
        }
    )


# (indikator, target, realisasi, capaian as shown, predikat, dasar)
TAHUNAN_CASES = [
    (A, 3700, 36610, "989,46", "Sangat Tinggi", "realisasi akhir TW IV / target TW IV"),
    (B, 100, 90, "90,00", "Tinggi", "jumlah realisasi TW I–TW IV / jumlah target TW I–TW IV"),
    (C, 4.0, 3.95, "101,25", "Sangat Tinggi", "realisasi akhir TW IV / target TW IV"),
    (
        D,
        7,
        6.5,
        "107,14",
        "Sangat Tinggi",
        "rata-rata realisasi TW I–TW IV / rata-rata target TW I–TW IV",
    ),
    (E, 90.89, 92.22, "101,46", "Sangat Tinggi", "realisasi Tahunan / target tahunan"),
    (F, 10, NAN, "–", None, "realisasi akhir TW I / target TW I"),
    (G, 0, 2, "–", None, "realisasi akhir TW IV / target TW IV"),
]


@pytest.fixture(scope="module")
def tahunan() -> pd.DataFrame:
    return analisis.view(tahun_2024(), pk_2024(), tahun=2024, periode=PERIODE_TAHUN)


def test_view_columns(tahunan: pd.DataFrame) -> None:
    assert tahunan.columns.tolist() == analisis.KOLOM_VIEW
    assert len(tahunan) == 7
    assert set(tahunan["periode"]) == {PERIODE_TAHUN}
    assert set(tahunan["tahun"]) == {2024}


@pytest.mark.parametrize(
    ("indikator", "target", "realisasi", "shown", "band", "basis"), TAHUNAN_CASES
)
def test_view_tahunan_aggregates_by_the_pk_agregasi(
    tahunan: pd.DataFrame,
    indikator: str,
    target: float,
    realisasi: float,
    shown: str,
    band: str | None,
    basis: str,
) -> None:
    row = tahunan.set_index("indikator").loc[indikator]
    assert row["target"] == pytest.approx(target)
    if math.isnan(realisasi):
        assert math.isnan(row["realisasi"])
    else:
        assert row["realisasi"] == pytest.approx(realisasi)
    assert row["capaian_tampil"] == shown
    assert (row["predikat"] if isinstance(row["predikat"], str) else None) == band
    assert row["dasar"] == basis
    if shown != "–":
        assert row["capaian_bulat"] == float(shown.replace(",", "."))
        assert row["rumus"].endswith(f"= {shown}")
    else:
        assert math.isnan(row["capaian_bulat"]) and math.isnan(row["capaian"])
        assert row["rumus"] == row["capaian_catatan"]


def test_view_tahunan_agregasi_and_ids(tahunan: pd.DataFrame) -> None:
    by = tahunan.set_index("indikator")
    assert by["agregasi"].to_dict() == {
        A: "akhir",
        B: "jumlah",
        C: "akhir",  # not in the PK: akhir
        D: "rata-rata",
        E: "akhir",
        F: "akhir",
        G: "akhir",
    }
    recs = tahun_2024()
    id_of = recs.set_index(["indikator", "periode", "tahun"])["id"]
    # one record behind the year: its id; a sum or mean of four: none
    assert by.loc[A, "id"] == id_of[(A, "TW IV", 2024)]
    assert by.loc[E, "id"] == id_of[(E, "Tahunan", 2024)]
    assert pd.isna(by.loc[B, "id"]) and pd.isna(by.loc[D, "id"])
    assert by.loc[E, "keterangan"] == "angka BPS"
    assert by.loc[A, "melampaui_target"] and not by.loc[B, "melampaui_target"]
    assert by.loc[A, "rumus"] == "36.610 / 3.700 x 100 = 989,46"


def test_view_pk_with_a_tahun_column_matches_the_year() -> None:
    pk = pd.DataFrame(
        {
            "tahun": [2023, 2024],
            "bidang": [PELATIHAN, PELATIHAN],
            "indikator": [B, B],
            "agregasi": ["jumlah", "akhir"],
        }
    )
    got = analisis.view(tahun_2024(), pk, tahun=2024, periode=PERIODE_TAHUN)
    row = got.set_index("indikator").loc[B]
    assert row["agregasi"] == "akhir"
    assert row["capaian_tampil"] == "60,00"  # TW IV: 15 / 25


def test_view_of_a_period() -> None:
    got = analisis.view(tahun_2024(), pk_2024(), tahun=2024, periode="TW II")
    by = got.set_index("indikator")
    assert sorted(by.index) == sorted([A, B, C, D, E])
    assert by.loc[A, "capaian_tampil"] == "486,49"  # 9.000 / 1.850
    assert by.loc[A, "dasar"] == "realisasi s.d. TW II / target s.d. TW II"
    assert by.loc[B, "dasar"] == "realisasi TW II / target TW II"  # jumlah: the quarter's own
    assert set(got["periode"]) == {"TW II"}
    ids = tahun_2024().set_index(["indikator", "periode", "tahun"])["id"]
    assert by.loc[C, "id"] == ids[(C, "TW II", 2024)]


def test_view_recomputes_capaian_with_the_settings() -> None:
    recs = tahun_2024()
    recs["capaian"] = 50.0  # what an older reading stored
    recs["predikat"] = "Rendah"
    got = analisis.view(recs, None, tahun=2024, periode="TW IV", settings=RASIO)
    row = got.set_index("indikator").loc[C]
    assert row["capaian_tampil"] == "101,27"
    assert row["rumus"] == "4 / 3,95 x 100 = 101,27"
    assert row["predikat"] == "Sangat Tinggi"


@pytest.mark.parametrize(
    ("periode", "filters", "expected"),
    [
        # the filter sees the year's predikat (B: 90 / 100 Tinggi), not a quarter's
        (PERIODE_TAHUN, {"predikat": "Tinggi"}, [B]),
        ("TW IV", {"predikat": "Rendah"}, [B]),  # TW IV alone: 15 / 25
        (PERIODE_TAHUN, {"predikat": ["Tinggi", "Rendah"]}, [B]),
        (PERIODE_TAHUN, {"bidang": INDUSTRI}, [G]),
        (PERIODE_TAHUN, {"sasaran": IKM}, [E, G]),
        (PERIODE_TAHUN, {"sasaran": [IKM], "bidang": [PELATIHAN]}, [E]),
        (PERIODE_TAHUN, {"bidang": "Bidang Lain"}, []),
    ],
)
def test_view_filters_apply_to_the_result(
    periode: str, filters: dict[str, Any], expected: list[str]
) -> None:
    got = analisis.view(tahun_2024(), pk_2024(), tahun=2024, periode=periode, **filters)
    assert sorted(got["indikator"]) == sorted(expected)
    assert got.columns.tolist() == analisis.KOLOM_VIEW


@pytest.mark.parametrize(
    ("frame", "periode"),
    [
        (records([]), PERIODE_TAHUN),
        (records([]), "TW I"),
        (tahun_2024(), "Semester I"),  # no such records
    ],
)
def test_view_without_data_is_empty(frame: pd.DataFrame, periode: str) -> None:
    got = analisis.view(frame, None, tahun=2024, periode=periode)
    assert got.empty and got.columns.tolist() == analisis.KOLOM_VIEW
    assert analisis.view(frame, None, tahun=2030, periode=periode).empty


def test_view_refuses_an_unknown_periode() -> None:
    with pytest.raises(ValueError, match="periode"):
        analisis.view(tahun_2024(), None, tahun=2024, periode="TW V")


# --- summaries ----------------------------------------------------------------------------


def test_ringkasan(tahunan: pd.DataFrame) -> None:
    got = analisis.ringkasan(tahunan)
    assert got.jumlah_indikator == 7
    assert got.predikat == {
        "Sangat Tinggi": 4,
        "Tinggi": 1,
        "Sedang": 0,
        "Rendah": 0,
        "Sangat Rendah": 0,
    }
    assert list(got.predikat) == ["Sangat Tinggi", "Tinggi", "Sedang", "Rendah", "Sangat Rendah"]
    assert got.rata_capaian == pytest.approx((989.46 + 90 + 101.25 + 107.14 + 101.46) / 5)
    assert got.melampaui == 4
    assert got.belum_dilaporkan == 1  # F
    assert got.tidak_dapat_dihitung == 1  # G: target 0, arah naik


def test_ringkasan_bands_come_from_the_settings(tahunan: pd.DataFrame) -> None:
    s = Settings(predikat_bands=((100, "Baik"), (70, "Cukup"), (float("-inf"), "Kurang")))
    view = analisis.view(tahun_2024(), pk_2024(), tahun=2024, periode=PERIODE_TAHUN, settings=s)
    got = analisis.ringkasan(view, s)
    assert got.predikat == {"Baik": 4, "Cukup": 1, "Kurang": 0}


def test_ringkasan_of_nothing() -> None:
    got = analisis.ringkasan(analisis.view(records([]), None, tahun=2024, periode="TW I"))
    assert got.jumlah_indikator == 0 and got.rata_capaian is None
    assert set(got.predikat.values()) == {0}


def test_per_kelompok(tahunan: pd.DataFrame) -> None:
    got = analisis.per_kelompok(tahunan, "sasaran")
    assert got.columns.tolist() == [
        "sasaran",
        "jumlah_indikator",
        "rata_capaian",
        "melampaui",
        "Sangat Tinggi",
        "Tinggi",
        "Sedang",
        "Rendah",
        "Sangat Rendah",
    ]
    by = got.set_index("sasaran")
    assert by.index.tolist() == [PENYERAPAN, IKM, "(tanpa sasaran)"]
    assert by.loc[PENYERAPAN, "jumlah_indikator"] == 4
    assert by.loc[PENYERAPAN, "rata_capaian"] == pytest.approx((989.46 + 90 + 101.25 + 107.14) / 4)
    assert by.loc[PENYERAPAN, ["Sangat Tinggi", "Tinggi", "Sedang"]].tolist() == [3, 1, 0]
    assert by.loc[IKM, "rata_capaian"] == pytest.approx(101.46)  # G has no capaian
    assert math.isnan(by.loc["(tanpa sasaran)", "rata_capaian"])
    per_bidang = analisis.per_kelompok(tahunan, "bidang").set_index("bidang")
    assert per_bidang["jumlah_indikator"].to_dict() == {PELATIHAN: 6, INDUSTRI: 1}


def test_per_kelompok_edges() -> None:
    empty = analisis.per_kelompok(analisis.view(records([]), None, tahun=2024, periode="TW I"))
    assert empty.empty and "Sangat Tinggi" in empty.columns
    with pytest.raises(ValueError):
        analisis.per_kelompok(empty, "indikator")


# --- series -------------------------------------------------------------------------------


def test_seri_triwulan() -> None:
    recs = records(
        [
            *tahun_2024().drop(columns=["id"]).to_dict("records"),
            *quarters("Jumlah IKM yang dibina", [5, 10, NAN, NAN], [6, 9, NAN, NAN], sasaran=IKM),
        ]
    )
    pk = pd.concat(
        [
            pk_2024(),
            pd.DataFrame(
                {
                    "bidang": [PELATIHAN],
                    "indikator": ["jumlah ikm yang dibina"],
                    "agregasi": ["akhir"],
                    "target_tw1": [4.0],
                    "target_tw2": [8.0],
                    "target_tw3": [18.0],
                    "target_tw4": [25.0],
                }
            ),
        ],
        ignore_index=True,
    )
    got = analisis.seri_triwulan(recs, pk, tahun=2024)
    assert got.columns.tolist() == analisis.KOLOM_SERI
    seri = {k: g.reset_index(drop=True) for k, g in got.groupby("indikator", sort=False)}
    assert list(seri) == [A, B, C, D, E, F, G, "Jumlah IKM yang dibina"]
    assert all(g["periode"].tolist() == TRIWULAN for g in seri.values())

    a = seri[A]  # akhir: the quarters are already cumulative
    assert a["target_sd"].tolist() == [925, 1850, 2775, 3700]
    assert a["realisasi_sd"].tolist() == [1200, 9000, 20000, 36610]
    assert a["capaian_sd"].iloc[3] == 989.46

    b = seri[B]  # jumlah: the sum so far
    assert b["target_sd"].tolist() == [25, 50, 75, 100]
    assert b["realisasi_sd"].tolist() == [20, 50, 75, 90]
    assert b["capaian_sd"].tolist() == [80, 100, 100, 90]
    assert b["predikat"].tolist() == ["Tinggi", "Sangat Tinggi", "Sangat Tinggi", "Tinggi"]

    d = seri[D]  # rata-rata: the mean so far, arah turun
    assert d["realisasi_sd"].tolist() == pytest.approx([6, 6.5, 6.5, 6.5])
    assert d["capaian_sd"].tolist() == [114.29, 107.14, 107.14, 107.14]

    # quarters without a record: the Rencana Aksi's target, no realisasi
    ikm = seri["Jumlah IKM yang dibina"]
    assert ikm["target_sd"].tolist() == [5, 10, 18, 25]  # records first, then the PK
    assert ikm["sumber_target"].tolist() == ["rekaman", "rekaman", "rencana aksi", "rencana aksi"]
    assert ikm["realisasi_sd"].iloc[:2].tolist() == [6, 9]
    assert ikm["realisasi_sd"].iloc[2:].isna().all()
    assert ikm["capaian_sd"].iloc[2:].isna().all()


def test_seri_triwulan_jumlah_with_a_quarter_not_reported() -> None:
    recs = records(quarters(B, [25, 25, 25, 25], [20, NAN, 25, 15]))
    pk = pd.DataFrame({"bidang": [PELATIHAN], "indikator": [B], "agregasi": ["jumlah"]})
    got = analisis.seri_triwulan(recs, pk, tahun=2024)
    assert got["target_sd"].tolist() == [25, 50, 75, 100]
    r = got["realisasi_sd"].tolist()
    assert r[0] == 20 and math.isnan(r[1]) and r[2:] == [45, 60]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"indikator": [A, C]}, [A, C]),
        ({"indikator": A}, [A]),
        ({"sasaran": IKM}, [E, G]),
        ({"bidang": "Bidang Lain"}, []),
    ],
)
def test_seri_triwulan_filters(filters: dict[str, Any], expected: list[str]) -> None:
    got = analisis.seri_triwulan(tahun_2024(), None, tahun=2024, **filters)
    assert list(dict.fromkeys(got["indikator"])) == expected
    assert got.columns.tolist() == analisis.KOLOM_SERI


def antar_tahun_records() -> pd.DataFrame:
    rows = tahun_2024().query("tahun == 2024").drop(columns="id").to_dict("records")
    rows += [
        # 2023 and 2022, spelled differently; 2022 a year earlier than sejak below
        # one indicator whose name changed spelling within 2023: still one row for 2023
        *quarters(A.lower(), [900, 1800, 2700, NAN], [1000, 2000, 3000, NAN], tahun=2023),
        rec(A.upper(), "TW IV", 3600, 3960, tahun=2023),
        *quarters(B, [20, 20, 20, 20], [20, 20, 20, 20], tahun=2023),
        rec(f"  {A}  ", "Tahunan", 3500, 3150, tahun=2022, bidang=PELATIHAN.upper()),
        rec("Indikator lama", "TW IV", 10, 10, tahun=2023),  # gone in 2024
        rec(A, "TW IV", 1, 1, tahun=2025),  # a later year: never in the comparison
    ]
    return records(rows)


def test_antar_tahun() -> None:
    pk = pd.concat([pk_2024().assign(tahun=2024), pk_2024().assign(tahun=2023)])
    got = analisis.antar_tahun(antar_tahun_records(), pk, tahun=2024, indikator=[A, B])
    assert got.columns.tolist() == analisis.KOLOM_ANTAR_TAHUN
    assert list(zip(got["indikator"], got["tahun"], strict=True)) == [
        (A, 2022),
        (A, 2023),
        (A, 2024),
        (B, 2023),
        (B, 2024),
    ]
    assert set(got["bidang"]) == {PELATIHAN}  # this year's spelling
    assert got["capaian_tampil"].tolist() == ["90,00", "110,00", "989,46", "100,00", "90,00"]
    assert got["realisasi"].tolist() == [3150, 3960, 36610, 80, 90]
    assert got["agregasi"].tolist() == ["akhir", "akhir", "akhir", "jumlah", "jumlah"]
    assert got["dasar"].iloc[0] == "realisasi Tahunan / target tahunan"


def test_antar_tahun_sejak_and_filters() -> None:
    got = analisis.antar_tahun(antar_tahun_records(), pk_2024(), tahun=2024, sejak=2023)
    assert 2022 not in set(got["tahun"]) and 2025 not in set(got["tahun"])
    assert "Indikator lama" not in set(got["indikator"])
    assert (got["tahun"] == 2024).sum() == 7
    only = analisis.antar_tahun(antar_tahun_records(), None, tahun=2024, bidang=INDUSTRI)
    assert only["indikator"].tolist() == [G]
    none = analisis.antar_tahun(antar_tahun_records(), None, tahun=2024, bidang="Bidang Lain")
    assert none.empty and none.columns.tolist() == analisis.KOLOM_ANTAR_TAHUN


# --- budget -------------------------------------------------------------------------------


def budget_view() -> pd.DataFrame:
    rows = [
        # Itjen 2019: pagu 106.439.453.000,00, realisasi 104.734.936.307,00 -> 98,40 %
        rec(A, "TW IV", 3700, 36610, pagu=106_439_453_000.0, realisasi_anggaran=104_734_936_307.0),
        # Tanah Datar's 101,46 against a serapan of 96,46: selisih 5,0033 shows 5,00,
        # which is within +-5: cukup efisien
        rec(B, "TW IV", 90.89, 92.22, pagu=100.0, realisasi_anggaran=96.46),
        rec(C, "TW IV", 100, 60, pagu=1000.0, realisasi_anggaran=900.0, sasaran=IKM),
        rec(D, "TW IV", 100, 100, sasaran=IKM),  # no budget: only in the sasaran's mean
        rec(E, "TW IV", 100, 80, pagu=500.0),  # pagu without realisasi: left out
    ]
    return analisis.view(records(rows), None, tahun=2024, periode="TW IV")


def test_anggaran_per_indikator() -> None:
    got = analisis.anggaran(budget_view())
    assert got["indikator"].tolist() == [A, B, C]
    assert format_angka(got["serapan"].iloc[0], 2) == "98,40"
    assert got["sisa"].iloc[0] == 106_439_453_000 - 104_734_936_307
    assert got["kategori"].tolist() == ["efisien", "cukup efisien", "kurang efisien"]
    assert got["selisih"].iloc[1] == pytest.approx(101.46326 - 96.46, abs=1e-4)
    assert got["selisih"].iloc[2] == pytest.approx(60 - 90)


def test_anggaran_per_sasaran() -> None:
    got = analisis.anggaran(budget_view(), per="sasaran").set_index("sasaran")
    assert got.index.tolist() == [PENYERAPAN, IKM]
    assert got.loc[IKM, "pagu"] == 1000 and got.loc[IKM, "realisasi_anggaran"] == 900
    assert got.loc[IKM, "serapan"] == pytest.approx(90)
    # the sasaran's capaian: mean over all its indicators (C 60, D 100), not only those with
    # a budget
    assert got.loc[IKM, "capaian"] == pytest.approx(80)
    assert got.loc[IKM, "jumlah_indikator"] == 2
    assert got.loc[IKM, "kategori"] == "kurang efisien"
    assert got.loc[PENYERAPAN, "pagu"] == 106_439_453_000 + 100


def test_anggaran_per_sasaran_counts_a_repeated_programme_budget_once() -> None:
    """One programme's pagu written on each of its indicator rows is one budget; another
    bidang's equal figures, or a different realisasi, are another."""
    rows = [
        rec(A, "TW IV", 100, 90, pagu=1000.0, realisasi_anggaran=800.0),
        rec(B, "TW IV", 100, 95, pagu=1000.0, realisasi_anggaran=800.0),  # the same programme
        rec(C, "TW IV", 100, 70, pagu=1000.0, realisasi_anggaran=700.0),  # another programme
    ]
    view = analisis.view(records(rows), None, tahun=2024, periode="TW IV")
    got = analisis.anggaran(view, per="sasaran").set_index("sasaran")
    assert got.loc[PENYERAPAN, "pagu"] == 2000
    assert got.loc[PENYERAPAN, "realisasi_anggaran"] == 1500
    assert got.loc[PENYERAPAN, "serapan"] == pytest.approx(75)
    assert got.loc[PENYERAPAN, "jumlah_indikator"] == 3
    # Per indicator, each row keeps its own figures.
    assert analisis.anggaran(view)["pagu"].tolist() == [1000, 1000, 1000]


def test_anggaran_edges() -> None:
    view = budget_view().assign(pagu=NAN)
    assert analisis.anggaran(view).empty
    assert analisis.anggaran(view, per="sasaran").empty
    with pytest.raises(ValueError):
        analisis.anggaran(view, per="bidang")


# --- the table and the download -----------------------------------------------------------


def test_tabel(tahunan: pd.DataFrame) -> None:
    got = analisis.tabel(tahunan)
    labels = [label for _, label in analisis.LABEL_TABEL if label not in ("Pagu",)]
    assert got.columns.tolist() == [c for c in labels if c != "Realisasi Anggaran"]
    row = got.set_index("Indikator Kinerja").loc[A]
    assert row["Target"] == "3.700" and row["Realisasi"] == "36.610"
    assert row[analisis.LABEL_CAPAIAN] == 989.46
    assert got[analisis.LABEL_CAPAIAN].dtype == "float64"
    assert row["Melampaui Target"] == "Ya"
    assert row["Rumus"] == "36.610 / 3.700 x 100 = 989,46"
    assert got.set_index("Indikator Kinerja").loc[F, "Realisasi"] == "–"


def test_tabel_with_budget() -> None:
    got = analisis.tabel(budget_view())
    assert got["Pagu"].iloc[0] == "Rp 106.439.453.000"
    assert got["Realisasi Anggaran"].iloc[3] == "–"


def test_to_download_xlsx(tahunan: pd.DataFrame) -> None:
    view = tahunan.copy()
    view.loc[0, "indikator"] = "=1+1"
    wb = openpyxl.load_workbook(io.BytesIO(analisis.to_download(view)))
    ws = wb.active
    assert ws is not None
    rows = list(ws.iter_rows(values_only=True))
    header = list(rows[0])
    assert header[:3] == ["Bidang", "Sasaran", "Indikator Kinerja"]
    first = dict(zip(header, rows[1], strict=True))
    assert first["Indikator Kinerja"] == "=1+1"  # text, never a formula
    assert ws.cell(2, header.index("Indikator Kinerja") + 1).data_type == "s"
    assert first["Capaian (%)"] == pytest.approx(989.4594594594595)
    assert first["Melampaui Target"] == "Ya"
    assert first["Periode"] == PERIODE_TAHUN
    assert first["Keterangan Capaian"] == (
        "36.610 / 3.700 x 100 = 989,46; realisasi akhir TW IV / target TW IV"
    )
    assert len(rows) == 1 + len(view)


def test_to_download_csv(tahunan: pd.DataFrame) -> None:
    view = tahunan.copy()
    view.loc[0, "indikator"] = "=1+1"
    text = analisis.to_download(view, "csv").decode("utf-8-sig")
    lines = text.split("\r\n")
    assert lines[0].startswith('"Bidang";"Sasaran";"Indikator Kinerja"')
    assert '"\'=1+1"' in lines[1]
    assert ";989,45945945945" in lines[1]  # the number itself, decimal comma
    with pytest.raises(ValueError):
        analisis.to_download(view, "pdf")
