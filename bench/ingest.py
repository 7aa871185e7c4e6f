"""Benchmark: `kinerja validate` on a 100,000-row sheet against the naive route and bare calamine.

    uv run --extra test python bench/ingest.py [--rows N] [--keep DIR] [--in-process-runs N]
                                              [--in-process-only]

Builds a long-layout .xlsx (title rows, header, N data rows of kinerja.contoh.long_rows)
with openpyxl write_only, then times three whole processes (wall clock, each run twice, the
best kept), so interpreter start-up and imports count as a user would feel them:

  (a) python -m kinerja validate FILE            the product
  (b) pandas.read_excel(openpyxl) + pandera RecordInput (lazy) + capaian   the naive route
  (c) CalamineWorkbook.from_path(FILE).get_sheet_by_index(0).to_python()   the floor
  (j) python -m kinerja validate --json FILE     the contract other tools read

and, inside one process after its imports (where users feel it, in the running app):

  (d) ingest.read(bytes): the XML scan, the parse in a memory-limited child, the records
  (e) a bare python-calamine read of the same bytes

Goals: (a) and (j) at least 5x faster than (b); (d) within 2x of (e). Exit 0 when every goal
is met, 1 when one is missed, when `kinerja validate` is missing, or when a route fails.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from kinerja.contoh import long_rows  # noqa: E402

TITLE = [
    ["PEMERINTAH KABUPATEN LIMA PULUH KOTA"],
    ["DINAS PERINDUSTRIAN DAN TENAGA KERJA"],
    ["FORMAT DATA KINERJA TAHUN 2023"],
    [],
]
HEADER_ROW = len(TITLE)  # 0-based row of the header, as pandas' header= counts it
RUNS = 2
GOAL_VS_NAIVE = 5.0  # (b) / (a) at least
GOAL_VS_CALAMINE = 2.0  # (a) / (c) at most

NAIVE = r"""
import sys

import pandas as pd
import pandera.errors

from kinerja import schema

path, header = sys.argv[1], int(sys.argv[2])
df = pd.read_excel(path, engine="openpyxl", header=header)
fields = {c: schema.header_field(c) for c in df.columns}
if "indikator" not in fields.values():
    sys.exit(f"naive route: no Indikator column in row {header + 1}: {list(df.columns)}")
keep = [c for c, f in fields.items() if f and f != "capaian"]
df = df[keep].rename(columns=fields)
df["arah"] = df["arah"].map(schema.parse_arah)
df["periode"] = df["periode"].map(schema.parse_periode)
for c in schema.ANGGARAN_COLUMNS:
    df[c] = float("nan")
try:
    df = schema.RecordInput.validate(df, lazy=True)
    failures = 0
except pandera.errors.SchemaErrors as exc:
    failures = len(exc.failure_cases)
try:
    from kinerja.capaian import add_capaian
except ImportError:
    df["capaian"] = df["realisasi"] / df["target"] * 100
    how = "plain pandas (kinerja.capaian.add_capaian is not there yet)"
else:
    df = add_capaian(df)
    how = "kinerja.capaian.add_capaian"
print(f"{len(df)} records, {failures} schema failures, capaian by {how}")
"""

CALAMINE = r"""
import sys

from python_calamine import CalamineWorkbook

rows = CalamineWorkbook.from_path(sys.argv[1]).get_sheet_by_index(0).to_python()
print(f"{len(rows)} rows")
"""

IN_PROCESS = r"""
import io
import sys
import time

import python_calamine as pc

from kinerja import ingest

data = open(sys.argv[1], "rb").read()
bare, product = [], []
for _ in range(int(sys.argv[2])):
    t = time.perf_counter()
    pc.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    bare.append(time.perf_counter() - t)
    t = time.perf_counter()
    res = ingest.read(data, filename="bench.xlsx")
    product.append(time.perf_counter() - t)
assert res.valid, res.report.errors[:3]
print(f"{min(product):.3f} {min(bare):.3f} {len(res.records)}")
print(" ".join(f"{t:.3f}" for t in product))
print(" ".join(f"{t:.3f}" for t in bare))
"""


@dataclass
class Route:
    key: str
    label: str
    argv: list[str]
    times: list[float]
    output: list[str] = field(default_factory=list)
    failed: str | None = None

    @property
    def best(self) -> float:
        return min(self.times)


def build(path: Path, n: int) -> float:
    """Write the n-row long-layout workbook; return the seconds it took."""
    import openpyxl

    start = time.perf_counter()
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Data")
    for row in TITLE:
        ws.append(row)
    for row in long_rows(n):
        ws.append(row)
    tmp = path.with_name(path.name + ".tmp")
    wb.save(tmp)
    tmp.replace(path)
    return time.perf_counter() - start


def kinerja_validate_exists() -> str | None:
    """None when `python -m kinerja validate` runs; otherwise why not."""
    proc = subprocess.run(
        [sys.executable, "-m", "kinerja", "validate", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if proc.returncode == 0:
        return None
    last = (proc.stderr or proc.stdout).strip().splitlines()
    return last[-1] if last else f"exit code {proc.returncode}"


def run(route: Route, ok_codes: tuple[int, ...] = (0,)) -> None:
    start = time.perf_counter()
    proc = subprocess.run(route.argv, capture_output=True, text=True, cwd=ROOT)
    route.times.append(time.perf_counter() - start)
    route.output = (proc.stdout.strip() or proc.stderr.strip()).splitlines()[:3]
    if proc.returncode not in ok_codes:
        tail = "\n    ".join((proc.stderr or proc.stdout).strip().splitlines()[-5:])
        route.failed = f"exit code {proc.returncode}:\n    {tail}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000, help="data rows (default 100000)")
    parser.add_argument(
        "--keep",
        type=Path,
        metavar="DIR",
        help="build the file in DIR and keep it (an existing one of the same size is reused)",
    )
    parser.add_argument(
        "--in-process-runs",
        type=int,
        default=2,
        metavar="N",
        help="runs of (d) and (e), interleaved, the best kept (default 2)",
    )
    parser.add_argument(
        "--in-process-only",
        action="store_true",
        help="time only (d) and (e), in one process (quicker, for repeated measurements)",
    )
    args = parser.parse_args(argv)

    missing = kinerja_validate_exists()
    if missing:
        print(f"`python -m kinerja validate` is missing: {missing}")
        return 1

    with tempfile.TemporaryDirectory(prefix="kinerja-bench-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"kinerja-long-{args.rows}.xlsx"
        if args.keep and path.exists():
            print(f"reusing {path}")
        else:
            seconds = build(path, args.rows)
            print(f"built {path} in {seconds:.1f} s")
        size = path.stat().st_size / 1024**2
        print(f"{args.rows:,} data rows, {size:.1f} MB, Python {sys.version.split()[0]}")
        print(f"{os.cpu_count()} CPUs, {load()} before the runs")
        print()
        routes = [
            Route(
                "a",
                "python -m kinerja validate",
                [sys.executable, "-m", "kinerja", "validate", str(path)],
                [],
            ),
            Route(
                "b",
                "pandas/openpyxl + pandera + capaian",
                [sys.executable, "-c", NAIVE, str(path), str(HEADER_ROW)],
                [],
            ),
            Route(
                "c",
                "python-calamine to_python",
                [sys.executable, "-c", CALAMINE, str(path)],
                [],
            ),
            Route(
                "j",
                "python -m kinerja validate --json",
                [sys.executable, "-m", "kinerja", "validate", "--json", str(path)],
                [],
            ),
        ]
        code = 0
        if not args.in_process_only:
            for _ in range(RUNS):
                for route in routes:
                    run(route)
        inproc = subprocess.run(
            [sys.executable, "-c", IN_PROCESS, str(path), str(max(1, args.in_process_runs))],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        print(f"{load()} after the runs (other work on the machine makes the figures noisy)")
        print()
        if not args.in_process_only:
            code = report(routes)
        if inproc.returncode != 0:
            print(f"(d) in-process read FAILED: {inproc.stderr.strip()[-500:]}")
            return 1
        best, product_runs, bare_runs = inproc.stdout.strip().splitlines()
        product, bare, n = best.split()
        ratio = float(product) / float(bare)
        print(
            f"in one process after imports: (d) ingest.read {float(product):.2f} s "
            f"({n} records), (e) bare calamine {float(bare):.2f} s"
        )
        print(f"    runs: (d) {product_runs}; (e) {bare_runs}")
        ok = ratio <= GOAL_VS_CALAMINE
        print(
            f"goal: (d) within {GOAL_VS_CALAMINE:g}x of (e): (d)/(e) = {ratio:.2f}x "
            f"-> {'MET' if ok else 'MISSED'}"
        )
        return code if ok else 1


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def report(routes: list[Route]) -> int:
    a, b, c, j = routes
    print(f"{'route':<42} {'best s':>8} {'runs':>16} {'ratio to (a)':>13}")
    for r in routes:
        runs = " ".join(f"{t:.2f}" for t in r.times)
        ratio = r.best / a.best
        print(f"({r.key}) {r.label:<38} {r.best:>8.2f} {runs:>16} {ratio:>12.2f}x")
    print()
    for r in routes:
        print(f"({r.key}) says: {' | '.join(r.output) if r.output else '(nothing)'}")
    failed = [r for r in routes if r.failed]
    for r in failed:
        print(f"({r.key}) FAILED, {r.failed}")
    if failed:
        return 1
    print()
    ok = True
    for r in (a, j):
        vs_naive = b.best / r.best
        met = vs_naive >= GOAL_VS_NAIVE
        ok &= met
        print(
            f"goal: ({r.key}) at least {GOAL_VS_NAIVE:g}x faster than (b): (b)/({r.key}) = "
            f"{vs_naive:.1f}x -> {'MET' if met else 'MISSED'}"
        )
    print(f"for reference: (a)/(c), whole processes = {a.best / c.best:.2f}x")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
