"""What a bidang sends survives a browser reload and a server restart (SQLite, the default)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.pages import VALID_NAME, VALID_ROWS, history_rows, upload_and_save

pytestmark = pytest.mark.browser


def test_saved_upload_survives_reload_and_restart(
    streamlit_app: Callable[..., str], page: Page, tmp_path: Path
) -> None:
    env = {"KINERJA_DATABASE_URL": f"sqlite:///{tmp_path / 'kinerja.db'}"}
    base = streamlit_app("app.py", env=env)

    upload_and_save(page, base)

    # A reload is a new browser session: the uploaded file is gone from the page, not the data.
    page.reload()
    expect(page.get_by_text("Belum ada file")).to_be_visible(timeout=60_000)
    page.goto(f"{base}/riwayat")
    assert [(r["File"], r["Status"]) for r in history_rows(page)] == [(VALID_NAME, "diterima")]

    # A restart: the server process ends, a new one starts on the same database.
    streamlit_app.stop(base)  # type: ignore[attr-defined]
    again = streamlit_app("app.py", env=env)
    page.goto(f"{again}/riwayat")
    assert [(r["File"], r["Status"]) for r in history_rows(page)] == [(VALID_NAME, "diterima")]
    page.goto(again)
    metric = page.locator('[data-testid="stMetric"]').filter(has_text="Data kinerja putaran ini")
    expect(metric).to_be_visible(timeout=60_000)
    expect(metric.locator('[data-testid="stMetricValue"]')).to_have_text(str(len(VALID_ROWS)))
