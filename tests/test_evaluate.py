"""kinerja.evaluate: each check catches its slip and leaves a steady series alone; the demo's
two planted slips are flagged; ids are stable; settings round-trip."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from kinerja import capaian as cp
from kinerja import ingest
from kinerja.evaluate import CHECKS, FLAG_COLUMNS, EvaluasiSettings, evaluate, flag_id

TW = ["TW I", "TW II", "TW III", "TW IV"]
IKM = "Jumlah IKM yang dibina"
JAMSOSTEK = "Pekerja peserta program Jamsostek"
LOWONGAN = "Persentase lowongan kerja yang terpenuhi"
DEMO = Path(__file__).resolve().parent.parent / "data" / "demo"


def r(
    periode: str = "TW I",
    target: float | None = 10.0,
    realisasi: float | None = 9.0,
    tahun: int = 2023,
    **kw: Any,
) -> dict[str, Any]:
    """One record as the store gives it (capaian is added by frame)."""
    return {
        "bidang": "Bidang Perindustrian",
        "sasaran": "Meningkatnya daya saing IKM",
        "indikator": IKM,
        "satuan": "unit",
        "arah": "naik",
        "tahun": tahun,
        "periode": periode,
        "target": target,
        "realisasi": realisasi,
        "keterangan": None,
        "kiriman_id": 1,
        "baris": None,
    } | kw


def seri(
    pairs: list[tuple[float, float | None]],
    periods: list[str] = TW,
    tahun: int = 2023,
    **kw: Any,
) -> list[dict[str, Any]]:
    """The quarters of one indicator: (target, realisasi) per periode."""
    return [r(p, t, x, tahun, **kw) for p, (t, x) in zip(periods, pairs, strict=False)]


def frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """Records like store.records(): capaian as the reader computed it, baris and ids set."""
    df = cp.add_capaian(pd.DataFrame(rows)).drop(columns="melampaui_target")
    df["baris"] = df["baris"].fillna(pd.Series(range(8, 8 + len(df)))).astype("Int64")
    df["kiriman_id"] = df["kiriman_id"].astype("Int64")
    df["id"] = range(1, len(df) + 1)
    return df


def pk(*rows: dict[str, Any]) -> pd.DataFrame:
    base = {
        "tahun": 2023,
        "bidang": "Bidang Perindustrian",
        "sasaran": "Meningkatnya daya saing IKM",
        "indikator": IKM,
        "satuan": "unit",
        "arah": "naik",
        "agregasi": "akhir",
        "target": 1400.0,
        "target_tw1": 350.0,
        "target_tw2": 700.0,
        "target_tw3": 1050.0,
        "target_tw4": 1400.0,
    }
    return pd.DataFrame([base | row for row in rows])


def warning(row: int, column: str, message: str, **kw: Any) -> dict[str, Any]:
    return (
        {"kiriman_id": 1, "row": row, "column": column, "message": message}
        | {
            "code": None,
            "sheet": None,
        }
        | kw
    )


def flagged(out: pd.DataFrame, check: str) -> list[tuple[int, str | None]]:
    hits = out[out["check"] == check]
    return list(zip(hits["tahun"].tolist(), hits["periode"].tolist(), strict=True))


def messages(out: pd.DataFrame, check: str) -> str:
    return " | ".join(out.loc[out["check"] == check, "message"])


AMBIGU = "Sel N12: dibaca 83,125 (koma sebagai desimal); jika maksudnya ribuan, tulis 83.125"
BEDA = (
    "Capaian di lembar 95,00 berbeda dari hasil hitung 90,00 (sel K8); yang dipakai hasil hitung."
)
WIDE = [r(p, 80, 79, baris=12, indikator="Indeks kepuasan masyarakat") for p in TW]

CASES = [
    # belum_dilaporkan
    pytest.param("belum_dilaporkan", seri([(5, 4), (10, None)]), {}, [(2023, "TW II")], id="belum"),
    pytest.param("belum_dilaporkan", seri([(5, 4), (10, 0)]), {}, [], id="belum-nol-dilaporkan"),
    # capaian_rendah: as shown, 75,995 is 76,00
    pytest.param("capaian_rendah", [r(target=10, realisasi=7)], {}, [(2023, "TW I")], id="rendah"),
    pytest.param(
        "capaian_rendah",
        [r(target=10, realisasi=7, keterangan="  ")],
        {},
        [(2023, "TW I")],
        id="rendah-keterangan-spasi",
    ),
    pytest.param(
        "capaian_rendah",
        [r(target=10, realisasi=7, keterangan="Anggaran terlambat")],
        {},
        [],
        id="rendah-dengan-keterangan",
    ),
    pytest.param("capaian_rendah", [r(target=100, realisasi=75.995)], {}, [], id="rendah-76,00"),
    pytest.param("capaian_rendah", [r(target=10, realisasi=None)], {}, [], id="rendah-kosong"),
    # capaian_tinggi
    pytest.param(
        "capaian_tinggi", [r(target=3700, realisasi=36610)], {}, [(2023, "TW I")], id="tinggi"
    ),
    pytest.param("capaian_tinggi", [r(target=100, realisasi=150)], {}, [], id="tinggi-150,00"),
    pytest.param(
        "capaian_tinggi",
        [r(target=100, realisasi=150.01)],
        {},
        [(2023, "TW I")],
        id="tinggi-150,01",
    ),
    # lonjakan: the outlier, not its return to normal
    pytest.param(
        "lonjakan",
        seri([(75, 72.81), (75, 7.63), (75, 74.17)], satuan="%"),
        {},
        [(2023, "TW II")],
        id="lonjakan-tengah",
    ),
    pytest.param(
        "lonjakan",
        seri([(75, 7.63), (75, 72.81), (75, 74.17)], satuan="%"),
        {},
        [(2023, "TW I")],
        id="lonjakan-awal",
    ),
    pytest.param(
        "lonjakan",
        seri([(75, 72.81), (75, 74.17), (75, 7.42)], satuan="%"),
        {},
        [(2023, "TW III")],
        id="lonjakan-akhir-turun",
    ),
    pytest.param(
        "lonjakan",
        seri([(10, 10), (10, 11), (10, 100), (10, 104)]),
        {},
        [(2023, "TW III")],
        id="lonjakan-naik-tetap",
    ),
    pytest.param("lonjakan", seri([(2, 1), (10, 5)]), {}, [], id="lonjakan-kumulatif-wajar"),
    pytest.param(
        "lonjakan", seri([(0, 10), (0, 100)]), {}, [(2023, "TW II")], id="lonjakan-tanpa-target"
    ),
    pytest.param("lonjakan", seri([(10, 0), (10, 5), (10, 6)]), {}, [], id="lonjakan-nol"),
    pytest.param(
        "lonjakan",
        seri([(100, 100), (100, 120), (100, 90), (100, 110)]),
        {},
        [],
        id="lonjakan-wajar",
    ),
    pytest.param(
        "lonjakan",
        [r("TW II", 100, 98, 2022), r("TW II", 100, 980, 2023), r("TW II", 100, 101, 2024)],
        {},
        [(2023, "TW II")],
        id="lonjakan-tahun-lalu",
    ),
    pytest.param(
        "lonjakan",
        [r("TW II", 100, 98, 2021), r("TW II", 100, 980, 2023)],
        {},
        [],
        id="lonjakan-bukan-tahun-lalu",
    ),
    # pecahan_persen
    pytest.param(
        "pecahan_persen",
        seri([(70, 70.12), (72, 0.7281), (75, 74.17)], TW[1:], satuan="%"),
        {},
        [(2023, "TW III")],
        id="pecahan",
    ),
    pytest.param(
        "pecahan_persen",
        seri([(70, 70.12), (72, 0.7281), (75, 74.17)], TW[1:]),
        {},
        [],
        id="pecahan-bukan-persen",
    ),
    pytest.param(
        "pecahan_persen",
        seri([(1, 0.9), (1, 1.1), (1, 0.8)], satuan="Persen"),
        {},
        [],
        id="pecahan-persen-kecil-wajar",
    ),
    pytest.param(
        "pecahan_persen",
        seri([(10, 40), (10, 0.42), (10, 44)], satuan="%"),
        {},
        [(2023, "TW II")],
        id="pecahan-median",
    ),  # target 10 is no sign; 40 and 44 are
    pytest.param(
        "pecahan_persen",
        seri([(75, 74), (0.75, 74)], satuan="%"),
        {},
        [(2023, "TW II")],
        id="pecahan-target",
    ),
    # kumulatif_turun
    pytest.param(
        "kumulatif_turun",
        seri([(350, 340), (700, 720), (1050, 690), (1400, 1380)]),
        {},
        [(2023, "TW III")],
        id="kumulatif",
    ),
    pytest.param(
        "kumulatif_turun",
        seri([(350, 340), (700, 720), (1050, 1000), (1400, 1380)]),
        {},
        [],
        id="kumulatif-wajar",
    ),
    pytest.param(
        "kumulatif_turun",
        seri([(3700, 3600), (3700, 3650), (3700, 3620)]),
        {},
        [],
        id="kumulatif-target-datar",
    ),
    pytest.param(
        "kumulatif_turun",
        seri([(20, 22), (45, 40), (65, 38)], satuan="%"),
        {},
        [],
        id="kumulatif-persen",
    ),
    pytest.param(
        "kumulatif_turun",
        seri([(350, 340), (700, 720), (1050, 690)]),
        {"pk": pk({"agregasi": "jumlah"})},
        [],
        id="kumulatif-agregasi-jumlah",
    ),
    pytest.param(
        "kumulatif_turun",
        seri([(3500, 3375), (3700, 36610), (3900, 3617)]),
        {},
        [],
        id="kumulatif-setelah-lonjakan",
    ),
    # target_beda_pk
    pytest.param(
        "target_beda_pk",
        seri([(350, 340), (750, 700)]),
        {"pk": pk({})},
        [(2023, "TW II")],
        id="beda-pk",
    ),
    pytest.param(
        "target_beda_pk",
        seri([(350, 340), (700, 700), (1050, 990), (1400, 1300)]),
        {"pk": pk({"bidang": "bidang  PERINDUSTRIAN", "indikator": IKM.upper()})},
        [],
        id="beda-pk-sama-abaikan-huruf",
    ),
    pytest.param(
        "target_beda_pk",
        [r("TW I", 0.1 + 0.2, 0.3)],
        {"pk": pk({"target_tw1": 0.3})},
        [],
        id="beda-pk-desimal",
    ),
    pytest.param(
        "target_beda_pk",
        [r("Semester I", 700, 690), r("Semester II", 1400, 1300), r("Tahunan", 1500, 1300)],
        {"pk": pk({})},
        [(2023, "Tahunan")],
        id="beda-pk-semester",
    ),
    pytest.param(
        "target_beda_pk",
        [r("Semester I", 800, 690)],
        {"pk": pk({"agregasi": "jumlah"})},
        [],
        id="beda-pk-semester-jumlah",
    ),
    pytest.param(
        "target_beda_pk",
        [r("TW I", 350, 340, 2022)],
        {"pk": pk({"target_tw1": 300})},
        [],
        id="beda-pk-tahun-lain",
    ),
    # capaian_berbeda and angka_ambigu: the reader's warnings, linked by kiriman and row
    pytest.param(
        "capaian_berbeda",
        [r(baris=8)],
        {"warnings": pd.DataFrame([warning(8, "Capaian (%)", BEDA, code="capaian_berbeda")])},
        [(2023, "TW I")],
        id="berbeda",
    ),
    pytest.param(
        "capaian_berbeda",
        [r(baris=8)],
        {
            "warnings": pd.DataFrame(
                [warning(8, "Capaian (%)", BEDA, kiriman_id=2, code="capaian_berbeda")]
            )
        },
        [],
        id="berbeda-kiriman-lain",
    ),
    pytest.param(
        "angka_ambigu",
        WIDE,
        {"warnings": pd.DataFrame([warning(12, "Realisasi IV", AMBIGU, code="angka_ambigu")])},
        [(2023, "TW IV")],
        id="ambigu-lebar",
    ),
    pytest.param(
        "angka_ambigu",
        WIDE,
        {
            "warnings": pd.DataFrame(
                [warning(12, "Realisasi", AMBIGU, sheet="TW III", code="angka_ambigu")]
            )
        },
        [(2023, "TW III")],
        id="ambigu-nama-lembar",
    ),
    pytest.param(
        "angka_ambigu",
        WIDE,
        {"warnings": pd.DataFrame([warning(12, "Realisasi Triwulan II", AMBIGU)])},
        [(2023, "TW II")],
        id="ambigu-tanpa-kode",
    ),
    pytest.param(
        "angka_ambigu",
        WIDE,
        {"warnings": pd.DataFrame([warning(12, "Realisasi IV", "Kolom tak dikenal")])},
        [],
        id="ambigu-peringatan-lain",
    ),
    pytest.param(
        "angka_ambigu",
        WIDE,
        {"warnings": pd.DataFrame([warning(12, "Pagu", AMBIGU, code="angka_ambigu")])},
        [(2023, "TW I")],
        id="ambigu-lebar-tanpa-periode",
    ),
    pytest.param(
        "angka_ambigu",
        WIDE[:3],
        {"warnings": pd.DataFrame([warning(12, "Realisasi IV", AMBIGU, code="angka_ambigu")])},
        [],
        id="ambigu-lebar-periode-tidak-ada",
    ),
    pytest.param(
        "angka_ambigu",
        [r("TW III", baris=9)],
        {"warnings": pd.DataFrame([warning(9, "Realisasi s.d. Triwulan II", AMBIGU)])},
        [(2023, "TW III")],
        id="ambigu-judul-kolom-lama",
    ),
    # target_nol
    pytest.param("target_nol", [r(target=0, realisasi=3)], {}, [(2023, "TW I")], id="nol"),
    pytest.param("target_nol", [r(target=0.5, realisasi=0)], {}, [], id="nol-bukan"),
    # tidak_ada_data
    pytest.param("tidak_ada_data", [r(tahun=2022)], {"pk": pk({})}, [(2023, None)], id="tanpa"),
    pytest.param(
        "tidak_ada_data",
        [r(indikator="jumlah  ikm yang DIBINA")],
        {"pk": pk({})},
        [],
        id="tanpa-ada-abaikan-huruf",
    ),
]


@pytest.mark.parametrize(("check", "rows", "kwargs", "expected"), CASES)
def test_each_check_catches_its_slip_and_leaves_steady_data_alone(
    check: str, rows: list[dict[str, Any]], kwargs: dict[str, Any], expected: list[Any]
) -> None:
    out = evaluate(frame(rows), **kwargs)
    assert check in CHECKS
    assert flagged(out, check) == expected, messages(out, check)


@pytest.mark.parametrize(
    ("check", "rows", "kwargs", "needles"),
    [
        (
            "capaian_rendah",
            [r(target=10, realisasi=7)],
            {},
            ["70,00%", "di bawah Tinggi (76,00%)", "Keterangan"],
        ),
        (
            "capaian_rendah",
            [r(target=10, realisasi=6)],
            {"settings": EvaluasiSettings(70)},
            ["60,00%", "di bawah 70,00%"],
        ),
        (
            "capaian_tinggi",
            [r(target=3700, realisasi=36610)],
            {},
            ["989,46%", "36.610", "3.700", "150,00%"],
        ),
        (
            "lonjakan",
            seri([(75, 72.81), (75, 7.63), (75, 74.17)], satuan="%"),
            {},
            ["7,63", "TW I 2023", "72,81"],
        ),
        (
            "pecahan_persen",
            seri([(70, 70.12), (72, 0.7281), (75, 74.17)], TW[1:], satuan="%"),
            {},
            ["0,7281", "mungkin maksudnya 72,81", "target 72"],
        ),
        (
            "kumulatif_turun",
            seri([(350, 340), (700, 720), (1050, 690)]),
            {},
            ["720 (TW II)", "690 (TW III)", "700 menjadi 1.050"],
        ),
        (
            "target_beda_pk",
            seri([(350, 340), (750, 700)]),
            {"pk": pk({})},
            ["Target 750", "target TW II (Rencana Aksi) di PK 2023, yaitu 700"],
        ),
        ("target_nol", [r(target=0, realisasi=0, arah="turun")], {}, ["arah turun"]),
        ("tidak_ada_data", [r(tahun=2022)], {"pk": pk({})}, ["PK 2023", "target 1.400"]),
    ],
)
def test_messages_cite_the_numbers_the_indonesian_way(
    check: str, rows: list[dict[str, Any]], kwargs: dict[str, Any], needles: list[str]
) -> None:
    text = messages(evaluate(frame(rows), **kwargs), check)
    for needle in needles:
        assert needle in text


NOW = dt.datetime(2023, 7, 20, tzinfo=dt.UTC)
DEADLINE = {(2023, "TW II"): dt.datetime(2023, 7, 15, 9, 0, tzinfo=dt.UTC)}


@pytest.mark.parametrize(
    ("periode", "deadlines", "now", "late"),
    [
        ("TW II", DEADLINE, NOW, True),
        ("TW II", DEADLINE, dt.datetime(2023, 7, 15, 8, 59, tzinfo=dt.UTC), False),
        ("TW II", DEADLINE, dt.datetime(2023, 7, 20), True),  # naive now is UTC
        ("Semester I", DEADLINE, NOW, True),  # the round ending the same month
        ("TW III", DEADLINE, NOW, False),
        ("TW II", None, NOW, False),
    ],
)
def test_unreported_is_late_once_the_rounds_deadline_has_passed(
    periode: str, deadlines: Any, now: dt.datetime, late: bool
) -> None:
    out = evaluate(frame([r(periode, 10, None)]), deadlines=deadlines, now=now)
    row = out[out["check"] == "belum_dilaporkan"].iloc[0]
    assert bool(row["terlambat"]) is late
    has = "terlambat (batas waktu 15 Juli 2023 16.00 WIB)" in row["message"]
    assert has is late
    assert not out.loc[out["check"] != "belum_dilaporkan", "terlambat"].any()


# --- the demo's two planted slips ---------------------------------------------------------


def demo_like() -> pd.DataFrame:
    """The two slips of data/demo/README.md, in small: Jamsostek TW II 36.610 (an extra
    digit) and Lowongan terpenuhi TW III 0,7281 (a fraction for 72,81)."""
    jamsostek = seri(
        [(3500, 3375), (3700, 36610), (3900, 3617), (4100, 3815)],
        indikator=JAMSOSTEK,
        bidang="Bidang Hubungan Industrial",
        satuan="orang",
    )
    lowongan = seri(
        [(65, 66.2), (70, 70.12), (72, 0.7281), (75, 74.17)],
        indikator=LOWONGAN,
        bidang="Bidang Pelatihan dan Penempatan Tenaga Kerja",
        satuan="%",
        kiriman_id=2,
    )
    return frame(jamsostek + lowongan)


def checks_by_record(out: pd.DataFrame) -> dict[tuple[str, str | None], set[str]]:
    got: dict[tuple[str, str | None], set[str]] = {}
    for ind, per, check in zip(out["indikator"], out["periode"], out["check"], strict=True):
        got.setdefault((ind, per), set()).add(check)
    return got


def test_the_demos_two_slips_are_flagged_with_the_right_codes_and_nothing_else() -> None:
    got = checks_by_record(evaluate(demo_like()))
    assert got == {
        (JAMSOSTEK, "TW II"): {"capaian_tinggi", "lonjakan"},
        (LOWONGAN, "TW III"): {"pecahan_persen", "lonjakan", "capaian_rendah"},
    }


DEMO_FILES = [
    "2023/bidang-hubungan-industrial.ods",
    "2023/TW-II/bidang-pelatihan-dan-penempatan-tenaga-kerja.xlsx",
    "2023/TW-III/bidang-pelatihan-dan-penempatan-tenaga-kerja.xlsx",
    "2023/TW-IV/bidang-pelatihan-dan-penempatan-tenaga-kerja.xlsx",
    "2022/sekretariat.xlsx",
]


@pytest.fixture(scope="module")
def demo() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Records and kept warnings of the demo files named in data/demo/README.md, one
    submission per file, as the store would hold them."""
    frames, warnings = [], []
    for kid, name in enumerate(DEMO_FILES, 1):
        res = ingest.read(DEMO / name)
        assert res.valid, name
        frames.append(res.records.assign(kiriman_id=kid))
        warnings += [{"kiriman_id": kid, **w.to_json()} for w in res.report.warnings]
    records = pd.concat(frames, ignore_index=True)
    records["id"] = range(1, len(records) + 1)
    return records, pd.DataFrame(warnings)


def test_the_real_demo_files_show_both_planted_slips(
    demo: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    records, warnings = demo
    got = checks_by_record(evaluate(records, warnings=warnings))
    assert {"capaian_tinggi", "lonjakan"} <= got[(JAMSOSTEK, "TW II")]
    assert "pecahan_persen" in got[(LOWONGAN, "TW III")]
    for steady in [(JAMSOSTEK, "TW I"), (JAMSOSTEK, "TW III"), (LOWONGAN, "TW IV")]:
        assert steady not in got
    # The wide sheet's '83,125' warning names column "Realisasi IV": the TW IV record.
    assert "angka_ambigu" in got[("Indeks kepuasan masyarakat", "TW IV")]
    assert ("Indeks kepuasan masyarakat", "TW II") not in got


def test_warnings_stored_without_a_code_are_recognised_by_their_text(
    demo: tuple[pd.DataFrame, pd.DataFrame],
) -> None:
    records, warnings = demo
    coded = evaluate(records, warnings=warnings)
    uncoded = evaluate(records, warnings=warnings.drop(columns="code"))
    pd.testing.assert_frame_equal(coded, uncoded)
    assert (coded["check"] == "angka_ambigu").sum() == 1


# --- output shape, order, ids ---------------------------------------------------------------


def test_empty_inputs_give_an_empty_frame_with_the_flag_columns() -> None:
    empty = frame([r()]).iloc[:0]
    for out in (
        evaluate(empty),
        evaluate(empty, pk=pk({}).iloc[:0], warnings=pd.DataFrame(), deadlines={}),
        evaluate(frame([r(target=10, realisasi=10)])),
    ):
        assert list(out.columns) == FLAG_COLUMNS and out.empty
    some = evaluate(frame([r(target=0, realisasi=None)]))
    assert len(some) == 2 and dict(some.dtypes) == dict(out.dtypes)


def test_a_pk_alone_flags_every_indicator_as_without_data() -> None:
    out = evaluate(frame([r()]).iloc[:0], pk=pk({}, {"indikator": "Jumlah sentra IKM"}))
    assert list(out["check"]) == ["tidak_ada_data"] * 2
    assert out["periode"].isna().all() and out["rekaman_id"].isna().all()
    assert list(out["indikator"]) == ["Jumlah IKM yang dibina", "Jumlah sentra IKM"]


def busy() -> pd.DataFrame:
    rows = [
        *seri([(350, 340), (700, None), (1050, 330), (1400, 1380)], sasaran=None, satuan=None),
        *seri([(75, 72.81), (75, 7.63), (75, 74.17)], satuan="%", indikator="Persen A"),
        *seri([(10, 7), (0, 3)], bidang="Sekretariat", indikator="Nilai SAKIP", tahun=2022),
        r("Tahunan", 1400, 1300, keterangan=float("nan")),
    ]
    return frame(rows)


def test_flags_are_sorted_deterministic_and_carry_their_record() -> None:
    records = busy()
    kw: dict[str, Any] = {"pk": pk({}, {"indikator": "Tidak dilaporkan"}), "now": NOW}
    out = evaluate(records, **kw)
    again = evaluate(records.sample(frac=1, random_state=3), **kw)
    pd.testing.assert_frame_equal(out, again)

    order = {c: k for k, c in enumerate(CHECKS)}
    key = [
        (b, t, TW.index(p) if p in TW else 9, i, order[c])
        for b, t, p, i, c in zip(
            out["bidang"], out["tahun"], out["periode"], out["indikator"], out["check"], strict=True
        )
    ]
    assert key == sorted(key)
    assert set(out["check"]) >= {"belum_dilaporkan", "lonjakan", "kumulatif_turun", "target_nol"}

    by_id = records.set_index("id")
    with_record = out[out["rekaman_id"].notna()]
    for rid, kid, ind in zip(
        with_record["rekaman_id"], with_record["kiriman_id"], with_record["indikator"], strict=True
    ):
        assert by_id.loc[rid, "indikator"] == ind and by_id.loc[rid, "kiriman_id"] == kid


def test_no_missing_value_leaks_into_a_message() -> None:
    out = evaluate(busy(), pk=pk({}, {"indikator": "Baru", "target": None}))
    assert len(out) > 5
    for text in out["message"]:
        assert not re.search(r"\b(nan|NaN|None|<NA>|inf)\b", text), text
        assert "np.float" not in text
    assert out["sasaran"].map(lambda s: s is None or isinstance(s, str)).all()


def test_flag_ids_are_stable_hex_and_ignore_case_and_spacing() -> None:
    args = ("Bidang Perindustrian", "Jumlah IKM yang dibina", 2023, "TW II", "lonjakan", "pesan")
    fid = flag_id(*args)
    assert fid == "3924c38759"  # the same on every run and machine
    assert re.fullmatch(r"[0-9a-f]{10}", fid)
    assert flag_id(" bidang  PERINDUSTRIAN", "jumlah ikm yang  dibina", 2023.0, *args[3:]) == fid
    assert flag_id(*args[:5], "pesan lain") != fid
    assert flag_id(*args[:4], "capaian_tinggi", "pesan") != fid
    assert len({flag_id("B", "I", 2023, None, "tidak_ada_data", "x"), flag_id(*args)}) == 2


def test_flag_ids_in_the_output_are_flag_id_of_their_row() -> None:
    out = evaluate(busy())
    assert out["id"].is_unique
    for row in out.itertuples():
        expected = flag_id(
            row.bidang, row.indikator, row.tahun, row.periode, row.check, row.message
        )
        assert row.id == expected


# --- settings -------------------------------------------------------------------------------


def test_settings_round_trip_through_json() -> None:
    s = EvaluasiSettings(batas_rendah=70, batas_tinggi=200.5, faktor_lonjakan=4)
    again = EvaluasiSettings.from_dict(json.loads(json.dumps(s.to_dict())))
    assert again == s and hash(again) == hash(s)
    assert EvaluasiSettings.from_dict({}) == EvaluasiSettings()
    assert s.to_dict()["batas_rendah"] == 70.0


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"batas_rendh": 70}, "tidak dikenal: batas_rendh"),
        ({"batas_rendah": -1}, "batas_rendah"),
        ({"batas_rendah": "76"}, "harus berupa angka"),
        ({"batas_rendah": True}, "harus berupa angka"),
        ({"batas_tinggi": float("nan")}, "harus berupa angka"),
        ({"batas_tinggi": float("inf")}, "harus berupa angka"),
        ({"batas_tinggi": 70}, "batas_tinggi harus lebih besar"),
        ({"faktor_lonjakan": 1}, "faktor_lonjakan"),
        ({"batas_pecahan": 0}, "batas_pecahan"),
        ({"batas_persen": 1.5}, "batas_persen harus lebih besar"),
    ],
)
def test_settings_refuse_unknown_keys_and_bad_values(data: dict[str, Any], needle: str) -> None:
    with pytest.raises(ValueError, match=needle):
        EvaluasiSettings.from_dict(data)


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        (EvaluasiSettings(), [(2023, "TW III")]),
        (EvaluasiSettings(faktor_lonjakan=20), []),
    ],
)
def test_the_jump_factor_is_a_setting(settings: EvaluasiSettings, expected: list[Any]) -> None:
    out = evaluate(frame(seri([(100, 100), (100, 105), (100, 900), (100, 110)])), settings=settings)
    assert flagged(out, "lonjakan") == expected


def test_the_public_surface() -> None:
    assert FLAG_COLUMNS == [
        "id",
        "bidang",
        "sasaran",
        "indikator",
        "tahun",
        "periode",
        "check",
        "message",
        "rekaman_id",
        "kiriman_id",
        "terlambat",
    ]
    assert list(CHECKS) == [
        "belum_dilaporkan",
        "capaian_rendah",
        "capaian_tinggi",
        "lonjakan",
        "pecahan_persen",
        "kumulatif_turun",
        "target_beda_pk",
        "capaian_berbeda",
        "angka_ambigu",
        "target_nol",
        "tidak_ada_data",
    ]
    assert all(isinstance(label, str) and label for label in CHECKS.values())
