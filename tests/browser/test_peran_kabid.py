"""A kabid in a real browser: signed in, it cannot send another bidang's sheet, and /evaluasi
opened by its address refuses it.

A page loaded by its address is a new Streamlit session, so each address asks to sign in
first, and after signing in opens the page asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kinerja import store
from tests.browser.pages import SLOW_MS, XLSX_MIME, wait_for_app_run, xlsx

pytestmark = pytest.mark.browser

PASSWORD = "rahasia-kuat-1"
KABID = "kabid_perindustrian"
HI_ROWS = [["Bidang Hubungan Industrial", "Jumlah PKB terdaftar", "Dokumen", 2024, "TW I", 5, 4]]


@pytest.fixture
def app_with_accounts(streamlit_app: Callable[..., str], tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path}/app.db"
    with store.connect(url) as s:
        s.init()
        s.add_user("admin", PASSWORD, peran="admin", user="sistem")
        s.add_user(KABID, PASSWORD, peran="kabid", bidang="Bidang Perindustrian", user="admin")
    return streamlit_app("app.py", env={"KINERJA_DATABASE_URL": url})


def sign_in(page: Page, address: str) -> None:
    page.goto(address)
    expect(page.get_by_role("heading", name="Masuk")).to_be_visible(timeout=SLOW_MS)
    page.get_by_label("Nama pengguna").fill(KABID)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk", exact=True).click()


def test_a_kabid_cannot_send_for_another_bidang_nor_open_evaluasi(
    app_with_accounts: str, page: Page
) -> None:
    sign_in(page, f"{app_with_accounts}/unggah")
    expect(page.get_by_role("heading", name="Unggah Data Kinerja")).to_be_visible(timeout=SLOW_MS)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text(KABID)).to_be_visible()
    expect(sidebar.get_by_role("link", name="Evaluasi & Verifikasi")).to_have_count(0)

    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [{"name": "hi.xlsx", "mimeType": XLSX_MIME, "buffer": xlsx(HI_ROWS)}]
    )
    save = page.get_by_role("button", name="Simpan ke basis data")
    expect(save).to_be_enabled(timeout=SLOW_MS)
    save.click()
    refusal = page.get_by_text("hanya boleh mengunggah data bidangnya sendiri")
    expect(refusal).to_be_visible(timeout=SLOW_MS)
    expect(page.get_by_text("Bidang Hubungan Industrial bukan bidangnya").first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)

    sign_in(page, f"{app_with_accounts}/evaluasi")
    expect(page.get_by_role("heading", name="Tidak berwenang")).to_be_visible(timeout=SLOW_MS)
    expect(page.get_by_text("Anda tidak berwenang membuka halaman ini.")).to_be_visible()
    wait_for_app_run(page)
    expect(page.get_by_role("heading", name="Evaluasi dan Verifikasi")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
