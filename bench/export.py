"""Benchmark: export.to_xlsx against pandas' own XlsxWriter export of the same records.

    uv run --no-sync python bench/export.py

Builds a synthetic merged dataset (every column of export.EXPORT_COLUMNS, so every record
column and the budget and source columns; some blanks, some formula-looking text) of 10.000 and
100.000 rows and times, in this process after the imports, each run twice, the best kept:

  (a) export.to_xlsx(frame)                                      the product
  (b) frame.to_excel(buf, engine="xlsxwriter", index=False)      the baseline: same writer,
                                                                  no formats, no text safety

Goals: (a) within 2x of (b) at 100.000 rows, and (a) growing linearly: time(100.000) /
time(10.000) at most 11 (10 is linear; the 10 % over it absorbs noise). Exit 0 when both goals
are met, 1 when one is missed.
"""

from __future__ import annotations

import io
import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import xlsxwriter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from kinerja import export, schema  # noqa: E402

SIZES = (10_000, 100_000)
RUNS = 2
GOAL_VS_BASELINE = 2.0  # (a) / (b) at most, at the largest size
GOAL_GROWTH = 11.0  # (a) at 100.000 / (a) at 10.000 at most

BIDANG = ["Sekretariat", "Bidang Perindustrian", "Bidang Tenaga Kerja", "UPTD Latihan Kerja"]
PERIODE = schema.TRIWULAN
# Text a spreadsheet would run as a formula, mixed in so the safe path is what gets timed.
KETERANGAN = [None, "Sesuai rencana", "=1+1", "-5 kegiatan ditunda", "#N/A", "Kendala cuaca"]


def synthetic(n: int) -> pd.DataFrame:
    """n records shaped like ingest.merge's output, deterministic."""
    rng = np.random.default_rng(0)
    i = np.arange(n)
    target = rng.uniform(1, 100, n).round(2)
    realisasi = (target * rng.uniform(0.5, 1.3, n)).round(2)
    capaian = realisasi / target * 100
    capaian[i % 17 == 0] = np.nan
    pagu = rng.integers(10, 5_000, n) * 1_000_000.0
    pagu[i % 5 == 0] = np.nan
    frame = pd.DataFrame(
        {
            "bidang": [BIDANG[k % len(BIDANG)] for k in i],
            "sasaran": [f"Meningkatnya daya saing industri kecil menengah {k % 40}" for k in i],
            "indikator": [f"Jumlah IKM yang dibina dan difasilitasi ke-{k}" for k in i],
            "satuan": np.where(i % 3 == 0, "%", "unit"),
            "arah": np.where(i % 4 == 0, "turun", "naik"),
            "tahun": 2020 + i % 5,
            "periode": [PERIODE[k % len(PERIODE)] for k in i],
            "target": target,
            "realisasi": realisasi,
            "capaian": capaian,
            "predikat": np.where(capaian >= 90, "Sangat Tinggi", "Tinggi"),
            "keterangan": [KETERANGAN[k % len(KETERANGAN)] for k in i],
            "pagu": pagu,
            "realisasi_anggaran": (pagu * 0.8).round(0),
            "file": [f"{BIDANG[k % len(BIDANG)].lower().replace(' ', '-')}.xlsx" for k in i],
            "baris": 6 + i,
        }
    )
    keys = [k for k, _ in export.EXPORT_COLUMNS]
    missing = set(schema.RECORD_COLUMNS) - set(frame.columns)
    assert not missing, f"synthetic records lack {missing}"
    return frame[[k for k in keys if k in frame.columns]]


def best(job: Callable[[], bytes]) -> tuple[float, int]:
    """Best wall-clock seconds of RUNS runs, and the size of the output."""
    times = []
    size = 0
    for _ in range(RUNS):
        start = time.perf_counter()
        size = len(job())
        times.append(time.perf_counter() - start)
    return min(times), size


def baseline(frame: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    frame.to_excel(buf, engine="xlsxwriter", index=False)
    return buf.getvalue()


def main() -> int:
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print("export.to_xlsx vs frame.to_excel(engine='xlsxwriter'): wall clock in this process,")
    print(f"best of {RUNS}, on synthetic merged records ({len(export.EXPORT_COLUMNS)} columns).")
    print(
        f"machine: {os.cpu_count()} CPUs, load average {load}; Python "
        f"{platform.python_version()}, pandas {pd.__version__}, XlsxWriter {xlsxwriter.__version__}"
    )
    print()
    print(f"{'rows':>8}  {'to_xlsx s':>9}  {'baseline s':>10}  {'ratio':>5}  {'to_xlsx MB':>10}")
    product: dict[int, float] = {}
    ratio = 0.0
    for n in SIZES:
        frame = synthetic(n)
        a, size = best(lambda frame=frame: export.to_xlsx(frame))
        b, _ = best(lambda frame=frame: baseline(frame))
        product[n] = a
        ratio = a / b
        print(f"{n:>8,}  {a:>9.2f}  {b:>10.2f}  {ratio:>5.2f}  {size / 1e6:>10.1f}")
    small, large = SIZES
    growth = product[large] / product[small]
    print()
    ok_ratio = ratio <= GOAL_VS_BASELINE
    ok_growth = growth <= GOAL_GROWTH
    print(
        f"to_xlsx / baseline at {large:,} rows: {ratio:.2f} "
        f"(goal <= {GOAL_VS_BASELINE:g}) {'met' if ok_ratio else 'MISSED'}"
    )
    print(
        f"to_xlsx growth {large:,} / {small:,} rows: {growth:.2f}x "
        f"(goal <= {GOAL_GROWTH:g}, linear is {large / small:g}) "
        f"{'met' if ok_growth else 'MISSED'}"
    )
    return 0 if ok_ratio and ok_growth else 1


if __name__ == "__main__":
    sys.exit(main())
