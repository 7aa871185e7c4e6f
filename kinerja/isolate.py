"""The second wall: run a parser in a child process with a memory ceiling and a time limit.

A spreadsheet parser written in Rust aborts the whole process when an allocation fails (a few
hundred bytes of XML can ask for 512 GiB). Run inside a child, such a file ends the child; the
caller gets a WorkbookError with an Indonesian message and goes on serving everyone else.

The child is forked directly from a single-threaded process (the command line), else from a
fork server started once (the Streamlit server has many threads, and forking those is unsafe).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import resource
import signal
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

DEFAULT_MEMORY_MB = 2048
DEFAULT_TIMEOUT_S = 300.0


def memory_mb() -> int:
    """The child's memory ceiling above its start size: KINERJA_BATAS_MEMORI_MB, default 2048."""
    try:
        return max(64, int(os.environ.get("KINERJA_BATAS_MEMORI_MB", DEFAULT_MEMORY_MB)))
    except ValueError:
        return DEFAULT_MEMORY_MB


def _vm_size() -> int:
    """This process's virtual memory size in bytes (what RLIMIT_AS limits)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _child(conn: Connection, fn: Callable[..., Any], args: tuple[Any, ...], limit: int) -> None:
    import faulthandler
    import gc

    faulthandler.disable()  # an abort here is expected and reported by the parent, quietly
    # The child does one job and exits. Cyclic collection would walk the whole inherited heap
    # (an app server's) again and again while the parser builds its million cells (0,2 s of
    # a 1 s parse); the memory ceiling bounds whatever the job leaves uncollected.
    gc.disable()
    try:
        if limit:
            ceiling = _vm_size() + limit
            resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
        result: tuple[str, Any] = ("ok", fn(*args))
    except MemoryError:
        result = ("memory", None)
    except Exception as exc:  # sent back whole: the caller decides what people see
        result = ("error", exc)
    try:
        conn.send(result)
    except MemoryError:
        conn.send(("memory", None))
    finally:
        conn.close()


_lock = threading.Lock()


def _context() -> Any:
    # A single-threaded process (the command line, a script) forks itself; a process with
    # threads (the Streamlit server) asks a small fork server, since forking while other
    # threads hold locks is unsafe. KINERJA_ISOLATE=fork forces the first (tests that patch
    # this process need it).
    forced = os.environ.get("KINERJA_ISOLATE")
    if forced == "fork" or (forced is None and threading.active_count() == 1):
        return mp.get_context("fork")
    ctx = mp.get_context("forkserver")
    with _lock:
        ctx.set_forkserver_preload(["kinerja.forkserver"])
    return ctx


class Pending:
    """A child at work; result() waits for it and returns its value or raises."""

    def __init__(
        self,
        proc: Any = None,
        conn: Connection | None = None,
        error: BaseException | None = None,
        timeout: float = DEFAULT_TIMEOUT_S,
        limit_mb: int = 0,
    ) -> None:
        self._proc = proc
        self._conn = conn
        self._error = error
        self._timeout = timeout
        self._limit_mb = limit_mb

    @classmethod
    def failed(cls, error: BaseException) -> Pending:
        return cls(error=error)

    def result(self) -> Any:
        from kinerja.workbook import WorkbookError

        if self._error is not None:
            raise self._error
        assert self._proc is not None and self._conn is not None
        proc, conn = self._proc, self._conn
        try:
            if not conn.poll(self._timeout):
                raise WorkbookError(
                    f"File ditolak: membacanya memakan waktu lebih dari {self._timeout:.0f} detik."
                )
            status, payload = conn.recv()
        except EOFError:
            proc.join(10)
            raise WorkbookError(self._death_message(proc.exitcode)) from None
        finally:
            conn.close()
            proc.join(5)
            if proc.is_alive():
                proc.kill()
                proc.join()
        if status == "ok":
            return payload
        if status == "memory":
            raise WorkbookError(self._death_message(-signal.SIGABRT))
        raise payload

    def cancel(self) -> None:
        """Stop the child and forget its result."""
        if self._proc is not None and self._proc.is_alive():
            self._proc.kill()
            self._proc.join()
        if self._conn is not None:
            self._conn.close()

    def _death_message(self, code: int | None) -> str:
        if (
            code is not None
            and code < 0
            and -code in (signal.SIGABRT, signal.SIGKILL, signal.SIGSEGV)
        ):
            return (
                f"File ditolak: membacanya memerlukan memori lebih dari batas {self._limit_mb} MB "
                "(isi lembar terlalu besar atau file dibuat untuk membebani server)."
            )
        return (
            "File tidak dapat dibaca: proses pembaca berhenti tiba-tiba "
            f"(kode {code}). Simpan ulang file di Excel atau LibreOffice."
        )


def start(
    fn: Callable[..., Any],
    *args: Any,
    limit_mb: int | None = None,
    timeout: float = DEFAULT_TIMEOUT_S,
) -> Pending:
    """Run fn(*args) in a child limited to limit_mb MB above its start size (default
    memory_mb()); fn and its result must pickle. Exceptions of fn are raised by result()."""
    limit_mb = memory_mb() if limit_mb is None else limit_mb
    ctx = _context()
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(send, fn, args, limit_mb * 1024 * 1024), daemon=True)
    proc.start()
    send.close()
    return Pending(proc, recv, timeout=timeout, limit_mb=limit_mb)


def run(fn: Callable[..., Any], *args: Any, limit_mb: int | None = None) -> Any:
    """start(...).result()."""
    return start(fn, *args, limit_mb=limit_mb).result()
