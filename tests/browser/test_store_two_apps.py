"""Two app processes on one PostgreSQL database: an upload on one is visible on the other.

That is how the app grows past one machine: many `streamlit run app.py` instances behind a
load balancer, all with the same KINERJA_DATABASE_URL; nothing that must outlive a request
lives in a process.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from kinerja import store
from tests.browser.pages import VALID_NAME, VALID_ROWS, history_rows, upload_and_save

pytestmark = [pytest.mark.browser, pytest.mark.postgres]


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_upload_on_one_instance_shows_on_the_other(
    db_url: str, streamlit_app: Callable[..., str], page: Page
) -> None:
    env = {"KINERJA_DATABASE_URL": db_url}
    first = streamlit_app("app.py", env=env)
    second = streamlit_app("app.py", env=env)
    assert first != second

    page.goto(f"{second}/riwayat")
    expect(page.get_by_text("Belum ada kiriman")).to_be_visible(timeout=60_000)

    upload_and_save(page, first)

    # The other process, which never saw the upload, reads it from the shared database.
    page.goto(f"{second}/riwayat")
    rows = history_rows(page)
    assert [(r["File"], r["Status"]) for r in rows] == [(VALID_NAME, "diterima")]

    s = store.connect(db_url)
    assert len(s.records()) == len(VALID_ROWS)
    s.close()
