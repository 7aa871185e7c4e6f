"""What the Sub Koordinator does in SOP step 6, in a real browser over the demo data: open
/analisis, change the filters, open a capaian's formula, download the table; then on
/evaluasi accept one flag, send another back, and verify a bidang's round."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from kinerja import cli, store
from tests.browser.pages import SLOW_MS, wait_for_app_run

pytestmark = pytest.mark.browser

HI = "Bidang Hubungan Industrial"
JAMSOSTEK = "Pekerja peserta program Jamsostek"


def choose(page: Page, label: str, option: str) -> None:
    """Pick option in the select box (or multiselect) labelled label, as a person would."""
    box = page.locator('[data-testid="stSelectbox"], [data-testid="stMultiSelect"]').filter(
        has=page.get_by_text(label, exact=True)
    )
    field = box.first.locator("input")
    field.click()
    field.fill(option)  # narrows the list as typing does
    page.get_by_role("option", name=option, exact=True).click()
    if box.first.get_attribute("data-testid") == "stMultiSelect":
        page.keyboard.press("Escape")  # a multiselect keeps its list open
    wait_for_app_run(page)


def metric(page: Page, label: str) -> str:
    m = page.locator('[data-testid="stMetric"]').filter(has=page.get_by_text(label, exact=True))
    return m.first.locator('[data-testid="stMetricValue"]').inner_text()


def test_analysis_then_evaluation_then_verification(
    streamlit_app: Callable[..., str], page: Page, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'kinerja.db'}"
    assert cli.main(["demo", "--db", url]) == 0
    base = streamlit_app("app.py", env={"KINERJA_DATABASE_URL": url})

    # /analisis: the year at a glance, then one bidang in one quarter.
    page.goto(f"{base}/analisis")
    expect(page.get_by_role("heading", name="Analisis Kinerja")).to_be_visible(timeout=SLOW_MS)
    wait_for_app_run(page)
    assert metric(page, "Indikator") == "16"
    assert re.fullmatch(r"\d{1,3},\d{2}%", metric(page, "Rata-rata capaian"))
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=SLOW_MS)

    choose(page, "Periode", "TW II")
    choose(page, "Bidang", HI)
    expect(page.locator('[data-testid="stMetricValue"]').first).to_have_text("4")
    page.get_by_role("tab", name="Capaian").click()
    wait_for_app_run(page)
    expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=SLOW_MS)

    # The formula behind Jamsostek's capaian, with its numbers.
    choose(page, "Lihat rumus capaian", f"{JAMSOSTEK} ({HI})")
    formula = page.locator('[data-testid="stAlertContentInfo"]').filter(has_text="Rumus:")
    expect(formula).to_contain_text("36.610 / 3.700 x 100 = 989,46", timeout=SLOW_MS)
    expect(formula).to_contain_text("realisasi s.d. TW II / target s.d. TW II")

    # A download button's file is the last run's: click once the run is over.
    wait_for_app_run(page)
    with page.expect_download() as got:
        page.get_by_role("button", name="Unduh tabel (.xlsx)").click()
    saved = tmp_path / "analisis.xlsx"
    got.value.save_as(saved)
    assert saved.read_bytes()[:2] == b"PK"
    assert got.value.suggested_filename == "analisis-kinerja-2023-tw-ii.xlsx"

    # /evaluasi: Hubungan Industrial's TW II 2023 carries the Jamsostek slip (two flags).
    page.goto(f"{base}/evaluasi")
    expect(page.get_by_role("heading", name="Evaluasi dan Verifikasi")).to_be_visible(
        timeout=SLOW_MS
    )
    wait_for_app_run(page)
    choose(page, "Bidang", HI)
    group = page.locator('[data-testid="stSelectbox"]').filter(
        has=page.get_by_text("Bidang dan putaran", exact=True)
    )
    group.first.locator("input").click()
    page.get_by_role("option").filter(has_text="TW II 2023").first.click()
    wait_for_app_run(page)
    # Each flag's card is a keyed container: Streamlit gives it the class st-key-<key>.
    cards = page.locator('[class*="st-key-evaluasi_kartu_"]')
    expect(cards).to_have_count(2, timeout=SLOW_MS)
    expect(cards.first).to_contain_text("36.610")
    ids = [
        re.search(r"Tanda ([0-9a-f]{10})", cards.nth(i).inner_text()).group(1)  # type: ignore[union-attr]
        for i in range(2)
    ]

    first = cards.nth(0)
    first.get_by_label("Catatan keputusan").fill("Sudah dicek: peserta baru dari program daerah")
    first.get_by_label("Catatan keputusan").press("Enter")
    wait_for_app_run(page)
    first.get_by_role("button", name="Terima").click()
    expect(page.get_by_text(f"Tanda {ids[0]} diterima.")).to_be_visible(timeout=SLOW_MS)

    # Accepted flags leave the default view; the other one is still open.
    expect(cards).to_have_count(1, timeout=SLOW_MS)
    other = cards.nth(0)
    other.get_by_label("Catatan keputusan").fill("Mohon periksa digit realisasi TW II")
    other.get_by_label("Catatan keputusan").press("Enter")
    wait_for_app_run(page)
    other.get_by_role("button", name="Kembalikan").click()
    expect(page.get_by_text(f"Tanda {ids[1]} dikembalikan ke bidang.")).to_be_visible(
        timeout=SLOW_MS
    )

    # Verify a round that has no flag: Hubungan Industrial TW I 2023.
    wait_for_app_run(page)
    form = page.locator('[data-testid="stForm"]').filter(has_text="Verifikasi per bidang")
    box = form.locator('[data-testid="stSelectbox"]')
    shown = box.inner_text() + box.locator("input").input_value()
    if f"{HI} · TW I 2023" not in shown:  # the first round is chosen already
        box.locator("input").click()
        box.locator("input").fill(f"{HI} · TW I 2023")
        page.get_by_role("option", name=f"{HI} · TW I 2023", exact=True).click()
    form.get_by_text("Verifikasi (kunci data)").click()
    form.get_by_role("button", name="Jalankan").click()
    expect(page.get_by_text(f"Data {HI} TW I 2023 terverifikasi dan terkunci.")).to_be_visible(
        timeout=SLOW_MS
    )

    s = store.connect(url)
    try:
        got = s.flag_decisions()
        got = got[got["kode"].isin(ids)]  # beside the demo's checks of its finished year, 2022
        decided = dict(zip(got["kode"], got["status"], strict=True))
        assert decided == {ids[0]: "diterima", ids[1]: "dikembalikan"}
        assert s.verification(HI, 2023, "TW I") == "verified"
        assert s.verification(HI, 2023, "TW II") == "submitted"
    finally:
        s.close()
