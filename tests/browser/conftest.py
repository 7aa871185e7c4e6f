"""Real-browser fixtures: `streamlit run` on 127.0.0.1 and Debian's Chromium via Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, NoReturn

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

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


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=STOP_TIMEOUT_S)


@pytest.fixture
def streamlit_app(tmp_path: Path) -> Iterator[StartApp]:
    """Start `streamlit run SCRIPT` from the repo root; returns its base URL when healthy.

    Call as `streamlit_app()` for app.py, or `streamlit_app(script, env={...})` with
    extra environment (a KINERJA_DATABASE_URL on a temp SQLite file, say). Every server
    started is stopped after the test.
    """
    running: list[tuple[subprocess.Popen[bytes], IO[bytes]]] = []

    def fail_with_log(message: str, log_path: Path) -> NoReturn:
        log = log_path.read_text(errors="replace")
        pytest.fail(f"{message}\n--- streamlit log ({log_path}) ---\n{log}", pytrace=False)

    def launch(script: str | os.PathLike[str], env: dict[str, str] | None) -> tuple[str, Path]:
        port = _free_port()
        log_path = tmp_path / f"streamlit-{port}.log"
        log = log_path.open("wb")
        cmd = [
            sys.executable, "-m", "streamlit", "run", str(script),
            "--server.address", "127.0.0.1",
            "--server.port", str(port),
            "--server.headless", "true",
            "--browser.gatherUsageStats", "false",
            "--server.fileWatcherType", "none",
        ]  # fmt: skip
        proc = subprocess.Popen(
            cmd,
            cwd=REPO_ROOT,
            env={**os.environ, **(env or {})},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        running.append((proc, log))
        base_url = f"http://127.0.0.1:{port}"
        # A wait for a condition (the health endpoint answers "ok"), polled 4 times a second
        # up to a deadline; the server has no other way to say it is ready.
        deadline = time.monotonic() + STARTUP_TIMEOUT_S
        while not _healthy(base_url):
            if proc.poll() is not None:
                return "", log_path
            if time.monotonic() > deadline:
                fail_with_log(f"streamlit not healthy after {STARTUP_TIMEOUT_S:.0f} s", log_path)
            time.sleep(0.25)
        return base_url, log_path

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
        """Stop the server at base_url now (a restart is stop, then start on the same data)."""
        port = int(base_url.rsplit(":", 1)[1])
        for proc, _ in running:
            if f"--server.port {port}" in " ".join(map(str, proc.args)):  # type: ignore[arg-type]
                _stop(proc)

    start.stop = stop  # type: ignore[attr-defined]
    yield start
    for proc, log in running:
        _stop(proc)
        log.close()


@pytest.fixture(scope="session")
def browser(require: Callable[[str, str], str]) -> Iterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright (its own browser downloads are
    not used: they cannot be fetched here). Missing: skipped, and in CI a failure."""
    executable = require(
        "chromium", "chromium is not installed: run scripts/install-system-deps.sh"
    )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


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
