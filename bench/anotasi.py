"""Benchmark: a refused 10.000-row sheet given back annotated (issue 9, item 8).

    uv run --no-sync python bench/anotasi.py

The sheet is a bidang's long layout (kinerja.contoh.long_rows) of 10.000 rows in which every
50th realisasi is written in words ("sembilan puluh"): 200 errors, so the file is refused.
Times in this process after the imports, best of RUNS runs:

  (a) anotasi.annotate(data, name, result)   the product: the sheet written again as values
                                             with its 200 cells marked and commented, and the
                                             "Daftar Masalah" sheet in front
  (b) ingest.read(data, ...)                  the baseline: reading the same file, which the
                                             upload page has already done before (a) is offered

Goal: (a) under 3 s. Exit 0 when met, 1 when missed.
"""

from __future__ import annotations

import os
import platform
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from kinerja import anotasi, contoh, ingest  # noqa: E402

ROWS, EVERY, RUNS, GOAL_S = 10_000, 50, 3, 3.0


def refused_sheet() -> bytes:
    rows = contoh.long_rows(ROWS)
    col = rows[0].index("Realisasi")
    for i in range(1, len(rows), EVERY):
        rows[i][col] = "sembilan puluh"
    return contoh.xlsx(rows)


def best(job: Callable[[], Any]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    data = refused_sheet()
    name = "bidang-perindustrian-salah.xlsx"
    result = ingest.read(data, filename=name)
    assert not result.valid and len(result.report.errors) == ROWS // EVERY, result.report.errors[:3]
    marked = anotasi.annotate(data, name, result)
    assert marked is not None
    product = best(lambda: anotasi.annotate(data, name, result))
    baseline = best(lambda: ingest.read(data, filename=name))
    load = os.getloadavg()[0]
    rows = f"{ROWS:,}".replace(",", ".")
    print(
        f"{rows} baris, {len(result.report.errors)} kesalahan; Python "
        f"{platform.python_version()}, load {load:.1f}"
    )
    print(f"(a) anotasi.annotate      {product:6.2f} s   ({len(marked) / 1e6:.1f} MB)")
    print(f"(b) ingest.read (dasar)   {baseline:6.2f} s   rasio a/b {product / baseline:.2f}x")
    met = product < GOAL_S
    print(f"tujuan < {GOAL_S:.0f} s: {'tercapai' if met else 'TIDAK TERCAPAI'}")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
