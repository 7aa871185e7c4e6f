"""Tests for kinerja.charts: every figure Indonesian (separators, titles, hover), the predikat
palette the same everywhere, the values drawn are the analysis frames' values, and empty input
gives a figure that says "Tidak ada data"."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from kinerja import analisis, charts
from kinerja.capaian import Settings
from kinerja.schema import TRIWULAN

NAN = float("nan")
PENYERAPAN = "Meningkatnya penyerapan tenaga kerja"
IKM = "Meningkatnya daya saing IKM"
A = "Pencari kerja terdaftar yang ditempatkan"
B = "Tenaga kerja yang mendapat pelatihan berbasis kompetensi"
C = "Tingkat pengangguran terbuka"
D = "Cakupan bina kelompok pengrajin <b>tebal</b>"
E = "Jumlah IKM yang dibina"


def rec(indikator: str, periode: str, target: float, realisasi: float, **kw: Any) -> dict:
    row: dict[str, Any] = {
        "bidang": "Bidang Pelatihan dan Penempatan",
        "sasaran": PENYERAPAN,
        "indikator": indikator,
        "satuan": "orang",
        "arah": "naik",
        "tahun": 2024,
        "periode": periode,
        "target": target,
        "realisasi": realisasi,
        "keterangan": None,
        "pagu": NAN,
        "realisasi_anggaran": NAN,
    }
    row.update(kw)
    return row


def records() -> pd.DataFrame:
    rows = []
    for tahun, faktor in ((2023, 0.5), (2024, 1.0)):
        for p, t, r in zip(
            TRIWULAN, [925, 1850, 2775, 3700], [1200, 9000, 20000, 36610], strict=True
        ):
            rows.append(rec(A, p, t, r * faktor, tahun=tahun))
        for p, r in zip(TRIWULAN, [20, 30, 25, 15], strict=True):
            rows.append(rec(B, p, 25, r * faktor, tahun=tahun))
    rows += [
        rec(C, "TW IV", 4, 3.95, satuan="%", arah="turun", pagu=100.0, realisasi_anggaran=96.0),
        # Tanah Datar 90,89 / 92,22 / 101,46
        rec(D, "TW IV", 90.89, 92.22, satuan="%", sasaran=IKM, pagu=200.0, realisasi_anggaran=50.0),
        rec(E, "TW IV", 40, 26, satuan="unit", sasaran=IKM, pagu=300.0, realisasi_anggaran=290.0),
        rec("Kasus yang diselesaikan", "TW IV", 4, NAN, satuan="kasus", sasaran=IKM),
    ]
    frame = pd.DataFrame(rows)
    frame["id"] = np.arange(1, len(frame) + 1)
    return frame


PK = pd.DataFrame(
    {"bidang": ["Bidang Pelatihan dan Penempatan"], "indikator": [B], "agregasi": ["jumlah"]}
)


@pytest.fixture(scope="module")
def view() -> pd.DataFrame:
    return analisis.view(records(), PK, tahun=2024, periode=analisis.PERIODE_TAHUN)


@pytest.fixture(scope="module")
def figures(view: pd.DataFrame) -> dict[str, go.Figure]:
    return {
        "target_realisasi": charts.target_realisasi(view),
        "capaian": charts.capaian(view),
        "triwulan": charts.triwulan(analisis.seri_triwulan(records(), PK, tahun=2024)),
        "antar_tahun": charts.antar_tahun(analisis.antar_tahun(records(), PK, tahun=2024)),
        "per_kelompok": charts.per_kelompok(analisis.per_kelompok(view, "sasaran")),
        "efisiensi": charts.efisiensi(analisis.anggaran(view)),
    }


JUDUL = {
    "target_realisasi": "Target dan realisasi per indikator",
    "capaian": "Capaian kinerja per indikator (%)",
    "triwulan": "Realisasi s.d. triwulan terhadap target kumulatif",
    "antar_tahun": "Capaian antar tahun per indikator (%)",
    "per_kelompok": "Capaian per sasaran",
    "efisiensi": "Efisiensi: serapan anggaran dan capaian kinerja",
}


def by_name(fig: go.Figure) -> dict[str, Any]:
    return {t.name: t for t in fig.data if t.name}


def values(seq: Any) -> list[float]:
    return [float(x) for x in seq]


@pytest.mark.parametrize("name", list(JUDUL))
def test_every_figure_is_indonesian(figures: dict[str, go.Figure], name: str) -> None:
    fig = figures[name]
    assert fig.layout.separators == ",."
    assert fig.layout.title.text == JUDUL[name]
    assert fig.data, name
    hover = [t.hovertemplate for t in fig.data if t.hoverinfo != "skip"]
    assert hover and all(h and "<extra></extra>" in h for h in hover)
    # numbers in a hover go through d3 formats, which the separators render Indonesian
    assert any(":,.2f}" in h or ":,.2~f}" in h for h in hover)
    fig.to_json()  # serialisable as it is


EMPTY: list[tuple[str, Callable[[], go.Figure]]] = [
    (
        "target_realisasi",
        lambda: charts.target_realisasi(
            analisis.view(records().iloc[:0], None, tahun=2024, periode="TW I")
        ),
    ),
    ("capaian", lambda: charts.capaian(analisis.view(records(), None, tahun=2030, periode="TW I"))),
    ("triwulan", lambda: charts.triwulan(analisis.seri_triwulan(records(), None, tahun=2030))),
    ("antar_tahun", lambda: charts.antar_tahun(analisis.antar_tahun(records(), None, tahun=2030))),
    (
        "per_kelompok",
        lambda: charts.per_kelompok(
            analisis.per_kelompok(analisis.view(records(), None, tahun=2030, periode="TW I"))
        ),
    ),
    (
        "efisiensi",
        lambda: charts.efisiensi(
            analisis.anggaran(analisis.view(records(), None, tahun=2030, periode="TW I"))
        ),
    ),
]


@pytest.mark.parametrize(("name", "build"), EMPTY, ids=[n for n, _ in EMPTY])
def test_empty_input_says_so(name: str, build: Callable[[], go.Figure]) -> None:
    fig = build()
    assert not fig.data
    assert [a.text for a in fig.layout.annotations] == [charts.TIDAK_ADA_DATA]
    assert fig.layout.separators == ",."
    assert fig.layout.title.text


def test_capaian_bars_in_the_predikat_colours(
    figures: dict[str, go.Figure], view: pd.DataFrame
) -> None:
    fig = figures["capaian"]
    warna = charts.warna_predikat()
    bars = [t for t in fig.data if t.type == "bar"]
    assert [t.name for t in bars] == ["Sangat Tinggi", "Tinggi", "Rendah"]
    for t in bars:
        assert t.marker.color == warna[t.name]
    shown = view.set_index("capaian_bulat")["predikat"]
    drawn = {x: t.name for t in bars for x in t.customdata[:, 2]}
    assert drawn == {x: shown[x] for x in drawn}
    assert sorted(drawn) == sorted(view["capaian_bulat"].dropna())
    assert "%{customdata[2]:,.2f}" in bars[0].hovertemplate
    # the line at 100 %
    assert [(s.x0, s.x1, s.line.dash) for s in fig.layout.shapes] == [(100, 100, "dash")]
    # an indicator without capaian says why
    text = by_name(fig)["Tanpa capaian"]
    assert list(text.text) == ["realisasi belum dilaporkan"]


def test_capaian_cuts_a_bar_past_the_axis(figures: dict[str, go.Figure]) -> None:
    fig = figures["capaian"]
    ujung = fig.layout.xaxis.range[1]
    bar = by_name(fig)["Sangat Tinggi"]
    besar = [i for i, c in enumerate(bar.customdata[:, 2]) if c == 989.46]
    assert len(besar) == 1
    assert bar.x[besar[0]] == ujung < 989.46
    assert bar.textposition[besar[0]] == "inside"
    assert bar.texttemplate == "%{customdata[2]:,.2f}"


def test_rows_are_grouped_under_their_sasaran(figures: dict[str, go.Figure]) -> None:
    yaxis = figures["capaian"].layout.yaxis
    teks = list(yaxis.ticktext)
    assert teks[0] == f"<b>{PENYERAPAN}</b>"
    assert f"<b>{IKM}</b>" in teks
    # user text is escaped: "<b>tebal</b>" in a name is shown, not applied
    assert any("&lt;b&gt;tebal&lt;/b&gt;" in t for t in teks)
    # the sasaran heading is inside the range (reversed: top is the smaller value)
    assert yaxis.range[1] < min(yaxis.tickvals) and yaxis.range[0] > max(yaxis.tickvals)


def test_target_realisasi_each_on_its_own_scale(
    figures: dict[str, go.Figure], view: pd.DataFrame
) -> None:
    fig = figures["target_realisasi"]
    target = by_name(fig)["Target"]
    a = view.set_index("indikator").loc[A]
    # 36.610 against 3.700: realisasi fills the row, the target tick at 3.700 / 36.610
    rows = {c[5]: (x, c) for x, c in zip(target.x, target.customdata, strict=True)}
    x, custom = rows[A]
    assert x == pytest.approx(3700 / 36610)
    assert custom[0] == a["target"] and custom[1] == a["realisasi"]
    bar = by_name(fig)["Realisasi (Sangat Tinggi)"]
    got = {c[5]: bx for bx, c in zip(bar.x, bar.customdata, strict=True)}
    assert got[A] == 1.0
    assert got[C] == pytest.approx(3.95 / 4)  # 3,95 against 4: the target is the larger
    labels = [t for t in fig.data if t.type == "scatter" and t.mode == "text"][0]
    assert "36.610 / 3.700 orang" in labels.text
    assert "belum dilaporkan" in labels.text
    assert "%{customdata[0]:,.2~f}" in bar.hovertemplate


def test_triwulan_small_multiples() -> None:
    seri = analisis.seri_triwulan(records(), PK, tahun=2024)
    fig = charts.triwulan(seri)
    traces = [(t.name, t.xaxis, t.yaxis) for t in fig.data]
    assert traces[:4] == [
        ("Realisasi s.d. triwulan", "x", "y"),
        ("Target s.d. triwulan (Rencana Aksi)", "x", "y"),
        ("Realisasi s.d. triwulan", "x2", "y2"),
        ("Target s.d. triwulan (Rencana Aksi)", "x2", "y2"),
    ]
    # B sums its quarters (jumlah): realisasi s.d. 20, 50, 75, 90 against 25, 50, 75, 100
    assert values(fig.data[2].y) == [20, 50, 75, 90]
    assert values(fig.data[3].y) == [25, 50, 75, 100]
    assert list(fig.data[2].x) == TRIWULAN
    assert [t.showlegend for t in fig.data[:4]] == [True, True, False, False]
    assert list(fig.layout.xaxis2.categoryarray) == TRIWULAN
    titles = [a.text for a in fig.layout.annotations]
    assert titles[0].replace("<br>", " ") == f"{A} (orang)"
    assert fig.layout.title.subtitle.text is None


def test_triwulan_says_when_it_shows_only_some() -> None:
    seri = analisis.seri_triwulan(records(), PK, tahun=2024)
    fig = charts.triwulan(seri, maks=1)
    assert len(fig.data) == 2
    assert fig.layout.title.subtitle.text.startswith("Menampilkan 1 dari 6 indikator")


def test_antar_tahun_one_bar_per_year(figures: dict[str, go.Figure]) -> None:
    fig = figures["antar_tahun"]
    assert [t.name for t in fig.data] == ["2023", "2024"]
    assert fig.layout.barmode == "group"
    # B (jumlah): 2023 45 / 100, 2024 90 / 100
    b23 = {c[5]: c[0] for c in fig.data[0].customdata}
    b24 = {c[5]: c[0] for c in fig.data[1].customdata}
    assert b23[B] == 45 and b24[B] == 90
    assert fig.data[1].marker.color != fig.data[0].marker.color


def test_per_kelompok_stacks_the_predikat_counts(
    figures: dict[str, go.Figure], view: pd.DataFrame
) -> None:
    fig = figures["per_kelompok"]
    kelompok = analisis.per_kelompok(view, "sasaran")
    assert fig.layout.barmode == "stack"
    warna = charts.warna_predikat()
    counts = {t.name: values(t.x) for t in fig.data if t.xaxis == "x2"}
    assert list(counts) == list(warna)
    for name, got in counts.items():
        assert got == values(kelompok[name])
        assert by_name(fig)[name].marker.color == warna[name]
    rata = fig.data[0]
    assert values(rata.customdata[:, 2]) == pytest.approx(values(kelompok["rata_capaian"]))
    # the average's bar in its own predikat colour, the same colour as in the capaian chart
    # IKM: the mean of 101,46 and 65,00 is 83,23, Tinggi
    assert list(rata.marker.color) == [warna["Sangat Tinggi"], warna["Tinggi"]]
    assert list(fig.layout.yaxis.ticktext) == [PENYERAPAN, IKM]


def test_efisiensi_band_and_points(figures: dict[str, go.Figure], view: pd.DataFrame) -> None:
    fig = figures["efisiensi"]
    band, diagonal, *points = fig.data
    assert band.fill == "toself"
    assert values(band.y)[0] == 5 and values(band.y)[3] == -5
    assert "±5 poin" in band.name
    names = {t.name: t for t in points}
    assert set(names) == {"Efisien", "Kurang efisien"}
    assert names["Efisien"].marker.color == charts.WARNA_EFISIENSI["efisien"]
    # D: 101,46 % capaian for 25 % serapan
    efisien = names["Efisien"]
    got = dict(zip(efisien.customdata[:, 0], efisien.customdata[:, 5], strict=True))
    assert got["Cakupan bina kelompok pengrajin &lt;b&gt;tebal&lt;/b&gt;"] == 101.46
    assert fig.layout.xaxis.title.text == "Serapan anggaran (%)"


def test_efisiensi_with_a_wider_band() -> None:
    frame = pd.DataFrame(
        {
            "sasaran": ["S"],
            "serapan": [80.0],
            "capaian": [88.0],
            "selisih": [8.0],
            "kategori": ["cukup efisien"],
            "pagu": [100.0],
            "realisasi_anggaran": [80.0],
        }
    )
    fig = charts.efisiensi(frame, Settings(efisiensi_batas=10))
    assert values(fig.data[0].y)[0] == 10
    assert fig.data[2].name == "Cukup efisien"


@pytest.mark.parametrize(
    ("bands", "expected"),
    [
        (5, list(charts.WARNA_PREDIKAT)),
        (3, [charts.WARNA_PREDIKAT[0], charts.WARNA_PREDIKAT[2], charts.WARNA_PREDIKAT[4]]),
        (2, [charts.WARNA_PREDIKAT[0], charts.WARNA_PREDIKAT[4]]),
    ],
)
def test_warna_predikat_spreads_the_palette(bands: int, expected: list[str]) -> None:
    batas = [float(100 - 10 * i) for i in range(bands - 1)] + [float("-inf")]
    s = Settings(predikat_bands=tuple((b, f"P{i}") for i, b in enumerate(batas)))
    assert list(charts.warna_predikat(s).values()) == expected


def test_long_selections_are_cut_and_noted(view: pd.DataFrame) -> None:
    fig = charts.capaian(view, maks=2)
    assert fig.layout.title.subtitle.text == (
        "Menampilkan 2 dari 6 indikator; persempit dengan saringan bidang atau sasaran "
        "(tabel memuat semuanya)."
    )
    drawn = sum(len(t.y) for t in fig.data)
    assert drawn == 2
    assert charts.capaian(view).layout.title.subtitle.text is None


def test_labels_are_wrapped() -> None:
    name = "Persentase tenaga kerja yang mendapat pelatihan berbasis kompetensi dan kewirausahaan"
    got = charts._label(name)
    assert "<br>" in got and got.replace("<br>", " ") == name
    assert all(len(line) <= 48 for line in got.split("<br>"))
