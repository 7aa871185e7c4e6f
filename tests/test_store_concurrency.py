"""Eight processes submitting at once all land, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from kinerja import store
from tests.test_store_crash import expect_line, start_worker

WORKERS = 8
ROWS = 2_000  # per submission: big enough that the stores overlap in time


def run_together(url: str, bidang: list[str], realisasi: list[float]) -> list[list[str]]:
    """Start one worker per bidang, let each get ready (import, connect, migrate, seed), then
    release all of them at once; return each worker's "selesai" line."""
    procs = [
        start_worker(url, ROWS, b, r, wait=True) for b, r in zip(bidang, realisasi, strict=True)
    ]
    for p in procs:
        expect_line(p, "siap")
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("mulai\n")
        p.stdin.flush()
    lines = [expect_line(p, "selesai") for p in procs]
    for p in procs:
        assert p.wait(timeout=60) == 0
    return lines


@pytest.mark.slow
def test_eight_bidang_at_once_on_an_empty_database(db_url: str) -> None:
    # Nothing exists yet: the eight also race to migrate the database and seed the agency.
    names = [f"Bidang {i}" for i in range(WORKERS)]
    lines = run_together(db_url, names, [80.0 + i for i in range(WORKERS)])
    assert [line[2] for line in lines] == ["accepted"] * WORKERS
    s = store.connect(db_url)
    assert len(s.instansi()) == 1
    cur = s.records()
    assert len(cur) == WORKERS * ROWS
    for i, name in enumerate(names):
        assert (cur[cur["bidang"] == name]["realisasi"] == 80.0 + i).all()
    assert set(s.history()["status"]) == {"accepted"}
    assert s.check() == []
    s.close()


@pytest.mark.slow
def test_eight_submissions_of_one_bidang_chain_up(db_url: str) -> None:
    s = store.connect(db_url)
    s.init()
    lines = run_together(
        db_url, ["Bidang Perindustrian"] * WORKERS, [60.0 + i for i in range(WORKERS)]
    )
    assert [line[2] for line in lines] == ["accepted"] * WORKERS
    hist = s.history().sort_values("id").reset_index(drop=True)
    ids = hist["id"].tolist()
    assert len(ids) == WORKERS
    # They were serialised: each one superseded exactly the one stored before it.
    assert hist["status"].tolist() == ["superseded"] * (WORKERS - 1) + ["accepted"]
    assert hist["digantikan_oleh"].tolist()[:-1] == ids[1:]
    for older, newer in zip(ids, ids[1:], strict=False):
        ch = s.changes(newer)
        assert len(ch) == ROWS and set(ch["kiriman_lama_id"]) == {older}
    cur = s.records()
    assert len(cur) == ROWS and set(cur["kiriman_id"]) == {ids[-1]}
    # The last one stored is the one whose values are current.
    winner = next(i for i, line in enumerate(lines) if int(line[1]) == ids[-1])
    assert (cur["realisasi"] == 60.0 + winner).all()
    assert s.check() == []
    s.close()
