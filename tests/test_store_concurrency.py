"""Eight processes submitting at once all land, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest

from kinerja import store
from tests.store_worker import Workers

WORKERS = 8
ROWS = 2_000  # per submission: a store takes longer than the gate takes to open for all


def run_together(
    workers: Workers, url: str, bidang: list[str], realisasi: list[float], *, race: bool = False
) -> list[list[str]]:
    """Fork one worker per bidang, wait until every one is ready and waiting at the gate,
    open the gate for all of them at once; return each worker's "selesai" line (kiriman id,
    status, seconds), in the order of bidang.

    The workers are forked from one process that imported kinerja.store once, so eight of
    them cost eight forks, not eight interpreter starts (which kept two cores busy for
    half a minute per test before any of them stored a row). Eight on two cores still
    overlap: every one is connected and waiting when the gate opens."""
    pids = [
        workers.spawn(url, b, r, ROWS, race=race) for b, r in zip(bidang, realisasi, strict=True)
    ]
    for pid in pids:
        workers.expect(pid, "siap")
    workers.release()
    lines = [workers.expect(pid, "selesai")[1] for pid in pids]
    assert [workers.reap(pid) for pid in pids] == [0] * len(pids)
    return lines


@pytest.mark.slow
def test_eight_bidang_at_once_on_an_empty_database(db_url: str, store_workers: Workers) -> None:
    # Nothing exists yet, and the eight connect only once the gate opens: they also race to
    # create the tables (migrate) and to seed the agency.
    names = [f"Bidang {i}" for i in range(WORKERS)]
    lines = run_together(
        store_workers, db_url, names, [80.0 + i for i in range(WORKERS)], race=True
    )
    assert [line[1] for line in lines] == ["accepted"] * WORKERS
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
def test_eight_submissions_of_one_bidang_chain_up(db_url: str, store_workers: Workers) -> None:
    s = store.connect(db_url)
    s.init()
    lines = run_together(
        store_workers,
        db_url,
        ["Bidang Perindustrian"] * WORKERS,
        [60.0 + i for i in range(WORKERS)],
    )
    assert [line[1] for line in lines] == ["accepted"] * WORKERS
    hist = s.history().sort_values("id").reset_index(drop=True)
    ids = hist["id"].tolist()
    assert sorted(int(line[0]) for line in lines) == ids
    # They were serialised: each one superseded exactly the one stored before it.
    assert hist["status"].tolist() == ["superseded"] * (WORKERS - 1) + ["accepted"]
    assert hist["digantikan_oleh"].tolist()[:-1] == ids[1:]
    for older, newer in zip(ids, ids[1:], strict=False):
        ch = s.changes(newer)
        assert len(ch) == ROWS and set(ch["kiriman_lama_id"]) == {older}
    cur = s.records()
    assert len(cur) == ROWS and set(cur["kiriman_id"]) == {ids[-1]}
    # The last one stored is the one whose values are current.
    winner = next(i for i, line in enumerate(lines) if int(line[0]) == ids[-1])
    assert (cur["realisasi"] == 60.0 + winner).all()
    assert s.check() == []
    s.close()


def test_switching_a_new_sqlite_file_to_wal_waits_for_a_writer(tmp_path: Path) -> None:
    # A connection that holds the write lock on a file still in rollback mode: SQLite refuses
    # PRAGMA journal_mode=WAL at once ("database is locked") without waiting on busy_timeout,
    # which is what one of eight processes opening a new database at once ran into. The
    # switch waits for the writer instead.
    path = tmp_path / "kinerja.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("CREATE TABLE t (x)")
    timer = threading.Timer(0.3, holder.execute, ["COMMIT"])
    timer.start()
    engine = store.make_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("SELECT count(*) FROM t").scalar() == 0
    finally:
        timer.join()
        engine.dispose()
        holder.close()
