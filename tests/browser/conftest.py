"""Real-browser fixtures: `streamlit run` on 127.0.0.1 and Debian's Chromium via Playwright.

Every test gets its own servers (and, through `app_url`, its own database); what they cost
is cut by starting them from a zygote, a process that imported the heavy libraries once
per session and forks a server per test. One Chromium serves all the browser tests, with a
fresh context (cookies, storage, cache) per test. The tests of this folder run on one
pytest-xdist worker, one after the other (tests/conftest.py groups them), so a session has
one zygote and starts Chromium once.

A new browser test takes `app_url` (app.py on a fresh database) and `page`:

    def test_something(app_url: str, page: Page) -> None:
        page.goto(f"{app_url}/unggah")

and `streamlit_app` for anything else (another script or environment, two servers on one
database, a restart); the helpers that read pages are in pages.py.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NoReturn

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

REPO_ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
# Without the networking flags Chromium keeps dialling Google's hosts, which this closed
# network refuses; --no-sandbox because tests run as root in CI.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STREAMLIT_FLAGS = [
    "--server.address", "127.0.0.1",
    "--server.headless", "true",
    "--browser.gatherUsageStats", "false",
    "--server.fileWatcherType", "none",
]  # fmt: skip

# What the zygote imports before it forks: the third-party libraries app.py's first run
# would import (most of a server's start, about 5 s of CPU each on two cores). Not the
# app's own modules: every server still imports kinerja and runs app.py as a fresh
# `streamlit run` does. A name that does not import is left out.
PRELOAD = [
    "numpy", "pandas", "pyarrow", "sqlalchemy", "sqlalchemy.dialects.sqlite",
    "sqlalchemy.dialects.postgresql.psycopg", "psycopg", "alembic", "pandera", "openpyxl",
    "xlsxwriter", "xlrd", "plotly", "streamlit", "streamlit.web.cli",
    "streamlit.web.bootstrap", "streamlit.web.server",
]  # fmt: skip

# Each order is one JSON line on stdin: the zygote forks, the child becomes
# `streamlit run ARGS` (its own environment, working folder and log file), and the zygote
# answers the child's pid. Children are reaped at once (SIGCHLD ignored): the test waits
# for an exit on a pidfd. When stdin closes (the session ends, or pytest died) the zygote
# kills every server it started.
ZYGOTE = r"""
import importlib, json, os, signal, sys, traceback

for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except ImportError:
        pass

signal.signal(signal.SIGCHLD, signal.SIG_IGN)
children = []
os.write(1, b"siap\n")
for line in sys.stdin:
    order = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            log = os.open(order["log"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(log, 1)
            os.dup2(log, 2)
            os.close(log)
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.close(null)
            sys.stdin = open(os.devnull)
            os.environ.clear()
            os.environ.update(order["env"])
            os.chdir(order["cwd"])
            sys.argv = ["streamlit", "run", *order["args"]]
            from streamlit.web import cli

            cli.main(prog_name="streamlit")
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
        except BaseException:
            traceback.print_exc()
        finally:
            try:
                sys.stdout.flush()
                sys.stderr.flush()
            finally:
                os._exit(code)
    children.append(pid)
    os.write(1, f"{pid}\n".encode())
for pid in children:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
"""


class Server:
    """One forked `streamlit run`: its pid, and a pidfd that turns readable when it exits."""

    def __init__(self, pid: int, port: int) -> None:
        self.pid = pid
        self.base_url = f"http://127.0.0.1:{port}"
        try:
            self._fd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:  # gone already (and reaped by the zygote)
            self._fd = None

    def exited(self, timeout: float = 0.0) -> bool:
        """Whether the server has ended, waiting for that up to timeout seconds."""
        if self._fd is None:
            return True
        readable, _, _ = select.select([self._fd], [], [], timeout)
        return bool(readable)

    def send(self, sig: int) -> None:
        if self._fd is not None and not self.exited():
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(self._fd, sig)

    def stop(self) -> None:
        """End the server and wait until it has (SIGTERM, then SIGKILL)."""
        self.send(signal.SIGTERM)
        if not self.exited(STOP_TIMEOUT_S):
            self.send(signal.SIGKILL)
            if not self.exited(STOP_TIMEOUT_S):
                pytest.fail(f"streamlit (pid {self.pid}) did not end after SIGKILL")
        self.close()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


class Zygote:
    """The process that forks servers (ZYGOTE), and the servers told to stop but not yet
    waited for: a test's teardown does not wait for its servers to finish stopping
    (about a second each); the session's end does."""

    def __init__(self, log: Path) -> None:
        self._log = log.open("wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE, *PRELOAD],
            cwd=REPO_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            text=True,
        )
        self.stopping: list[Server] = []
        self._answer("siap")

    def _answer(self, what: str) -> str:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line:
            self._log.flush()
            log = Path(self._log.name).read_text(errors="replace")
            pytest.fail(f"the streamlit zygote ended before its {what}:\n{log}", pytrace=False)
        return line.strip()

    def fork(self, args: list[str], env: dict[str, str], log: Path) -> int:
        """Start `streamlit run ARGS` with env (the whole environment); its pid."""
        assert self.proc.stdin is not None
        order = {"args": args, "env": env, "cwd": str(REPO_ROOT), "log": str(log)}
        self.proc.stdin.write(json.dumps(order) + "\n")
        self.proc.stdin.flush()
        return int(self._answer("answer"))

    def retire(self, server: Server) -> None:
        server.send(signal.SIGTERM)
        self.stopping.append(server)

    def close(self) -> None:
        for server in self.stopping:
            server.stop()
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        try:
            self.proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT_S)
        self._log.close()


StartApp = Callable[..., str]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _healthy(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as resp:
            return resp.status == 200 and resp.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="session")
def _streamlit_zygote(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Zygote]:
    zygote = Zygote(tmp_path_factory.mktemp("streamlit") / "zygote.log")
    yield zygote
    zygote.close()


@pytest.fixture
def streamlit_app(tmp_path: Path, _streamlit_zygote: Zygote) -> Iterator[StartApp]:
    """Start `streamlit run SCRIPT` from the repo root; returns its base URL when healthy.

    Call as `streamlit_app()` for app.py, or `streamlit_app(script, env={...})` with
    extra environment (a KINERJA_DATABASE_URL on a temp SQLite file, say);
    `streamlit_app.stop(base_url)` stops one now (a restart is stop, then start on the same
    data). Every server started is stopped after the test. Each call is a new server
    process, forked from the session's zygote (see the module docstring).
    """
    running: list[Server] = []

    def fail_with_log(message: str, log_path: Path) -> NoReturn:
        log = log_path.read_text(errors="replace")
        pytest.fail(f"{message}\n--- streamlit log ({log_path}) ---\n{log}", pytrace=False)

    def launch(script: str | os.PathLike[str], env: dict[str, str] | None) -> tuple[str, Path]:
        port = _free_port()
        log_path = tmp_path / f"streamlit-{port}.log"
        args = [str(script), "--server.port", str(port), *STREAMLIT_FLAGS]
        pid = _streamlit_zygote.fork(args, {**os.environ, **(env or {})}, log_path)
        server = Server(pid, port)
        running.append(server)
        # A wait for a condition (the health endpoint answers "ok"), polled 4 times a second
        # up to a deadline; the server has no other way to say it is ready. Between polls
        # the wait is for the server's exit.
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _healthy(server.base_url):
            if server.exited(timeout=0.25):
                return "", log_path
            if time.monotonic() > deadline:
                fail_with_log(f"streamlit not healthy after {STARTUP_TIMEOUT_S:.0f} s", log_path)
        return server.base_url, log_path

    def start(script: str | os.PathLike[str] = "app.py", env: dict[str, str] | None = None) -> str:
        # The free port can be taken between our probe and Streamlit's bind: try again then.
        for _ in range(3):
            base_url, log_path = launch(script, env)
            if base_url:
                return base_url
            if "is not available" not in log_path.read_text(errors="replace"):
                break
        fail_with_log("streamlit exited before it was healthy", log_path)

    def stop(base_url: str) -> None:
        """Stop the server at base_url now, and wait until it has ended."""
        for server in running:
            if server.base_url == base_url:
                server.stop()

    start.stop = stop  # type: ignore[attr-defined]
    yield start
    for server in running:
        _streamlit_zygote.retire(server)


@pytest.fixture
def app_url(streamlit_app: StartApp, tmp_path: Path) -> str:
    """app.py served on its own empty SQLite database (in tmp_path): the base URL."""
    return streamlit_app("app.py", env={"KINERJA_DATABASE_URL": f"sqlite:///{tmp_path}/app.db"})


class Chromium:
    """Playwright and Debian's Chromium, started for the first browser test and stopped after
    the last one of a run of them (see pytest_runtest_teardown below)."""

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self._playwright: Playwright | None = None
        self._browser: Browser | None = None
        self._threads: set[threading.Thread] = set()

    def get(self) -> Browser:
        if self._browser is None:
            self._threads = set(threading.enumerate())
            self._playwright = sync_playwright().start()
            self._browser = self._playwright.chromium.launch(
                executable_path=self.executable, args=CHROMIUM_ARGS
            )
        return self._browser

    def stop(self) -> None:
        if self._browser is not None:
            self._browser.close()
            self._browser = None
        if self._playwright is not None:
            self._playwright.stop()
            self._playwright = None
            # Playwright's thread that waits for its driver ends a moment after stop().
            for thread in set(threading.enumerate()) - self._threads:
                thread.join(timeout=STOP_TIMEOUT_S)


CHROMIUM = pytest.StashKey[Chromium]()


@pytest.fixture
def browser(require: Callable[[str, str], str], request: pytest.FixtureRequest) -> Browser:
    """Debian's Chromium, headless, driven by Playwright (its own browser downloads are
    not used: they cannot be fetched here). Missing: skipped, and in CI a failure.

    One Chromium serves every test of a run of browser tests (all of them: they run on one
    worker, one after the other); it is stopped once the next test needs no browser, because
    Playwright keeps a thread in this process while it runs, and a process with a second
    thread reads every spreadsheet through kinerja.isolate's fork server (it forks
    directly only a single-threaded process): over a second a read, instead of a few
    hundredths, for every test after it.
    """
    executable = require(
        "chromium", "chromium is not installed: run scripts/install-system-deps.sh"
    )
    chromium = request.config.stash.setdefault(CHROMIUM, Chromium(executable))
    return chromium.get()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    try:
        return (yield)
    finally:
        chromium = item.config.stash.get(CHROMIUM, None)
        if chromium is not None and "browser" not in getattr(nextitem, "fixturenames", ()):
            chromium.stop()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Iterator[None] | pytest.TestReport:
    # Kept on the item so that the page fixture can tell a failed test at teardown.
    report: pytest.TestReport = yield
    item.stash.setdefault(REPORTS, {})[report.when] = report
    return report


REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Page]:
    """A fresh browser context and page that accepts downloads; a failed test leaves a
    screenshot of the page in its tmp_path."""
    context = browser.new_context(accept_downloads=True, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(30_000)
    page = context.new_page()
    yield page
    call = request.node.stash.get(REPORTS, {}).get("call")
    if call is not None and call.failed:
        shot = tmp_path / "failure.png"
        page.screenshot(path=shot, full_page=True)
        print(f"screenshot of the page at failure: {shot}")
    context.close()
