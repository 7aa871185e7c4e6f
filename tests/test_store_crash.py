"""SIGKILL in the middle of storing a 100,000-row submission leaves the database as it was."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from kinerja import store

ROOT = Path(__file__).resolve().parent.parent
ROWS = 100_000

# A separate process: build the records first, say "siap", wait for a line on stdin when asked,
# then store one submission and say "selesai <id> <seconds>".
WORKER = """
import sys, time
from types import SimpleNamespace
import pandas as pd
from kinerja import store
url, n, bidang, wait = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[5]
realisasi = float(sys.argv[4])
tw = ["TW I", "TW II", "TW III", "TW IV"]
frame = pd.DataFrame({
    "bidang": bidang, "sasaran": "Meningkatnya daya saing industri",
    "indikator": [f"Jumlah IKM yang dibina {i // 4}" for i in range(n)],
    "satuan": "unit", "arah": "naik", "tahun": 2024, "periode": [tw[i % 4] for i in range(n)],
    "target": 100.0, "realisasi": realisasi, "capaian": realisasi, "predikat": "Tinggi",
    "keterangan": None, "pagu": float("nan"), "realisasi_anggaran": float("nan"),
    "capaian_catatan": None, "baris": range(6, n + 6),
})
result = SimpleNamespace(records=frame, report=SimpleNamespace(errors=[], warnings=[]), valid=True)
s = store.connect(url)
s.init()
print("siap", flush=True)
if wait == "1":
    sys.stdin.readline()
t = time.perf_counter()
out = s.submit(result, data=b"x" * 4096, filename=f"{bidang}.xlsx", user=bidang)
print("selesai", out.kiriman_id, out.status, time.perf_counter() - t, flush=True)
"""


def start_worker(
    url: str, n: int, bidang: str, realisasi: float, *, wait: bool = False
) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WORKER, url, str(n), bidang, str(realisasi), "1" if wait else "0"],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def expect_line(proc: subprocess.Popen[str], word: str, timeout: float = 120) -> list[str]:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if line.startswith(word):
            return line.split()
    assert proc.stderr is not None
    raise AssertionError(f"worker never said {word!r}: {proc.stderr.read()[-2000:]}")


def snapshot(s: store.Store) -> tuple[dict[str, int], pd.DataFrame, pd.DataFrame]:
    hist = s.history().drop(columns=["waktu"])
    return s.counts(), s.records(), hist


@pytest.mark.slow
def test_sigkill_during_store_changes_nothing(db_url: str) -> None:
    kills = 10 if db_url.startswith("sqlite") else 5
    s = store.connect(db_url)
    s.init()
    # The database already holds one 100,000-row submission; storing it also measures how
    # long a store takes, which bounds the moments to kill at.
    first = start_worker(db_url, ROWS, "Bidang Perindustrian", 90.0)
    expect_line(first, "siap")
    done = expect_line(first, "selesai")
    first.wait(timeout=60)
    duration = float(done[3])
    before = snapshot(s)
    assert before[0]["rekaman"] == ROWS
    assert s.check() == []

    rng = random.Random(20240601)
    moments = []
    # The next workers start (imports, builds its frame, connects) while the previous one is
    # checked; it waits for a line on stdin before it begins to store.
    ahead = [
        start_worker(db_url, ROWS, "Bidang Perindustrian", 55.0, wait=True)
        for _ in range(min(2, kills))
    ]
    for i in range(kills):
        proc = ahead.pop(0)
        expect_line(proc, "siap")
        if i + len(ahead) + 1 < kills:
            ahead.append(start_worker(db_url, ROWS, "Bidang Perindustrian", 55.0, wait=True))
        # The same bidang and round: a kill may land in the supersede UPDATE, the change
        # records, the bulk insert or the commit preparation; such a store is slower than
        # the first one, so every moment below falls inside it.
        moment = rng.uniform(0.0, duration * 0.95)
        assert proc.stdin is not None
        proc.stdin.write("mulai\n")
        proc.stdin.flush()
        time.sleep(moment)
        still_running = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert still_running, "the store finished before the kill; the window is too wide"
        moments.append(round(moment, 3))
        after = snapshot(s)
        assert after[0] == before[0], f"counts changed after a kill at {moment:.3f} s"
        pd.testing.assert_frame_equal(after[1], before[1])
        pd.testing.assert_frame_equal(after[2], before[2])
        assert s.check() == []

    # And an uninterrupted store still lands, superseding the first one.
    last = start_worker(db_url, ROWS, "Bidang Perindustrian", 55.0)
    line = expect_line(last, "selesai")
    last.wait(timeout=60)
    assert line[2] == "accepted"
    cur = s.records()
    assert len(cur) == ROWS and (cur["realisasi"] == 55.0).all()
    assert s.history()["status"].tolist() == ["accepted", "superseded"]
    assert s.check() == []
    s.close()
    print(f"store {duration:.2f} s; killed at {moments}")
