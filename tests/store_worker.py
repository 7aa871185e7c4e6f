"""Store workers in other processes, for the crash and concurrency tests (not a test module).

One helper process (the "zygote", shared by a test session through the store_workers fixture
of tests/conftest.py) imports pandas and kinerja.store once, then forks a child per
submission on request, so a round costs a fork instead of a 3-second interpreter start.
Each child builds its records, connects, says "siap" and waits at a gate; `release()` opens
the gate for every child waiting, so several can start storing at the same moment. A child
asked to stop at point k pauses at the k-th point of its store and says "henti"; the test
then kills it. The points: right after each SQL statement that writes or takes a lock (every
statement but a plain SELECT, which leaves a transaction holding what it held before), and
just before each COMMIT. Every wait for a line has a deadline: a hung worker fails the test with
the workers' log instead of blocking the run. The lines are read without a thread: a thread
left running in the test process would make every later read in the session go through
kinerja.isolate's fork server (it forks directly only a single-threaded process), which
costs a second or more per read instead of a few hundredths.

Protocol: the test writes one JSON object a line to the zygote's stdin; the zygote and its
children write "<pid> <word> ..." lines (one os.write each, so lines never interleave).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import TracebackType

ROOT = Path(__file__).resolve().parent.parent
# A deadline, not a pace: a store of a few thousand rows takes well under a second.
TIMEOUT_S = 120.0

ZYGOTE = r"""
import json, os, signal, sys, time, traceback
from types import SimpleNamespace

import pandas as pd
from sqlalchemy import event

from kinerja import store

# What connect() would import in every child: imported once, here.
import sqlite3, psycopg, sqlalchemy.dialects.postgresql.psycopg  # noqa
import alembic.command, alembic.config, alembic.runtime.migration, alembic.script  # noqa

TW = ["TW I", "TW II", "TW III", "TW IV"]


def say(*words):
    os.write(1, (" ".join(str(w) for w in words) + "\n").encode())


def result(n, bidang, realisasi):
    frame = pd.DataFrame({
        "bidang": bidang, "sasaran": "Meningkatnya daya saing industri",
        "indikator": [f"Jumlah IKM yang dibina {i // 4}" for i in range(n)],
        "satuan": "unit", "arah": "naik", "tahun": 2024, "periode": [TW[i % 4] for i in range(n)],
        "target": 100.0, "realisasi": realisasi, "capaian": realisasi, "predikat": "Tinggi",
        "keterangan": None, "pagu": float("nan"), "realisasi_anggaran": float("nan"),
        "capaian_catatan": None, "baris": range(6, n + 6),
    })
    return SimpleNamespace(
        records=frame, report=SimpleNamespace(errors=[], warnings=[]), valid=True
    )


def open_store(url):
    s = store.connect(url)
    s.init()
    return s


def child(gate, order):
    # A child the test lost track of does not outlive it by much.
    signal.alarm(int(order["batas"]))
    me = os.getpid()
    res = result(order["rows"], order["bidang"], order["realisasi"])
    s = None if order["race"] else open_store(order["url"])
    say(me, "siap")
    os.read(gate, 1)  # returns (empty) when the zygote closes the gate's other end
    if s is None:
        s = open_store(order["url"])
    stop_at = order["henti"]
    if stop_at:
        seen = 0

        def point(conn, what):
            nonlocal seen
            seen += 1
            if seen != stop_at:
                return
            # What this open transaction holds: its own uncommitted rows included.
            cur = conn.connection.dbapi_connection.cursor()
            cur.execute("SELECT count(*) FROM rekaman")
            held = cur.fetchone()[0]
            cur.close()
            say(me, "henti", seen, held, what)
            while True:
                signal.pause()  # until the test's SIGKILL

        @event.listens_for(s.engine, "after_cursor_execute")
        def _after(conn, cursor, statement, parameters, context, executemany):
            # A plain SELECT leaves the transaction holding what it held before.
            words = statement.split()
            if words[0].upper() != "SELECT" or "FOR UPDATE" in statement.upper():
                point(conn, "_".join(words[:3]))

        @event.listens_for(s.engine, "commit")
        def _commit(conn):
            point(conn, "COMMIT")

    t = time.perf_counter()
    out = s.submit(
        res, data=b"x" * 4096, filename=f"{order['bidang']}.xlsx", user=order["bidang"]
    )
    say(me, "selesai", out.kiriman_id, out.status, f"{time.perf_counter() - t:.3f}")


zygote = os.getpid()
gate_r, gate_w = os.pipe()
say(zygote, "siap")
for line in sys.stdin:
    order = json.loads(line)
    if order["cmd"] == "anak":
        pid = os.fork()
        if pid == 0:
            os.close(gate_w)
            code = 0
            try:
                child(gate_r, order)
            except BaseException:
                traceback.print_exc()
                say(os.getpid(), "gagal", traceback.format_exc().strip().splitlines()[-1])
                code = 1
            sys.stderr.flush()
            os._exit(code)
        say(zygote, "anak", pid)
    elif order["cmd"] == "mulai":
        os.close(gate_w)
        os.close(gate_r)
        gate_r, gate_w = os.pipe()
        say(zygote, "dibuka")
    elif order["cmd"] == "tunggu":
        try:
            _, status = os.waitpid(order["pid"], 0)
        except ChildProcessError:
            say(order["pid"], "keluar", "bukan-anak")
        else:
            say(order["pid"], "keluar", os.waitstatus_to_exitcode(status))
# stdin closed: the test is done; reap whatever is left.
while True:
    try:
        os.wait()
    except ChildProcessError:
        break
"""


class Workers:
    """The zygote process and its children; use as a context manager."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self._log_file = log.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log_file,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
        )
        assert self.proc.stdout is not None
        self._out = self.proc.stdout.fileno()  # read with os.read, not through proc.stdout
        self._buffer = b""
        self._ended = False
        self._early: list[list[str]] = []
        self._children: set[int] = set()
        self.expect(self.proc.pid, "siap")

    def _line(self, deadline: float) -> str | None:
        """The next line the workers wrote, None once they have all ended; TimeoutError
        at the deadline."""
        while b"\n" not in self._buffer:
            if self._ended:
                return None
            ready, _, _ = select.select([self._out], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                raise TimeoutError
            chunk = os.read(self._out, 65536)
            self._ended = not chunk
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return line.decode()

    def _send(self, **order: object) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps(order) + "\n")
        self.proc.stdin.flush()

    def _fail(self, why: str) -> AssertionError:
        self._log_file.flush()
        tail = self.log.read_text(errors="replace")[-3000:]
        return AssertionError(f"{why}\n--- workers' log ({self.log}) ---\n{tail}")

    def expect(self, pid: int, *words: str, timeout: float = TIMEOUT_S) -> tuple[str, list[str]]:
        """Wait for process pid's next line that starts with one of words; (word, the rest).

        A child that says "gagal" (its exception) fails the test at once, unless "gagal" is
        one of words."""
        wanted = set(words) | {"gagal"}
        deadline = time.monotonic() + timeout
        while True:
            for i, (who, word, *rest) in enumerate(self._early):
                if int(who) == pid and word in wanted:
                    del self._early[i]
                    if word == "gagal" and "gagal" not in words:
                        raise self._fail(f"worker {pid} failed: {' '.join(rest)}")
                    return word, rest
            try:
                line = self._line(deadline)
            except TimeoutError:
                raise self._fail(
                    f"worker {pid} did not say {'/'.join(words)} within {timeout:.0f} s"
                ) from None
            if line is None:
                raise self._fail(f"the workers ended before {pid} said {'/'.join(words)}")
            self._early.append(line.split())

    def spawn(
        self,
        url: str,
        bidang: str,
        realisasi: float,
        rows: int,
        *,
        stop_at: int = 0,
        race: bool = False,
    ) -> int:
        """Fork a child that will store rows records of bidang at url; its pid.

        stop_at=k: pause before committing, at point k (see the module docstring).
        race: connect, migrate and seed the agency after the gate instead of before it."""
        self._send(
            cmd="anak",
            url=url,
            rows=rows,
            bidang=bidang,
            realisasi=realisasi,
            henti=stop_at,
            race=race,
            batas=int(TIMEOUT_S * 5),
        )
        _, rest = self.expect(self.proc.pid, "anak")
        pid = int(rest[0])
        self._children.add(pid)
        return pid

    def release(self) -> None:
        """Let every child waiting at the gate start storing, all at once."""
        self._send(cmd="mulai")
        self.expect(self.proc.pid, "dibuka")

    def reap(self, pid: int) -> int:
        """Wait for child pid to end; its exit code (-9 after SIGKILL)."""
        self._children.discard(pid)
        self._send(cmd="tunggu", pid=pid)
        while True:
            # A "gagal" the test did not wait for is in the log; what counts here is the end.
            word, rest = self.expect(pid, "keluar", "gagal")
            if word == "keluar":
                break
        # Unread lines of a dead child must not be taken for those of a later one (pids
        # are reused).
        self._early = [line for line in self._early if int(line[0]) != pid]
        if rest[0] == "bukan-anak":
            raise self._fail(f"{pid} is not a child of the workers' process")
        return int(rest[0])

    def kill(self, pid: int) -> None:
        """SIGKILL child pid and wait until it is gone."""
        os.kill(pid, signal.SIGKILL)
        assert self.reap(pid) == -signal.SIGKILL

    def kill_all(self) -> None:
        """SIGKILL and reap every child not reaped yet (what a failed test left behind)."""
        for pid in list(self._children):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for pid in list(self._children):
            self.reap(pid)

    def __enter__(self) -> Workers:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for pid in self._children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=30)
        self._log_file.close()
