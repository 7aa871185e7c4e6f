"""kinerja.waktu: WIB times and Indonesian dates, the one spelling of both."""

from __future__ import annotations

import datetime as dt

import pytest

from kinerja import waktu

UTC = dt.UTC


@pytest.mark.parametrize(
    ("when", "singkat", "expected"),
    [
        (dt.datetime(2026, 11, 26, 3, 15, tzinfo=UTC), False, "26 November 2026 10.15 WIB"),
        (dt.datetime(2026, 11, 26, 3, 15, tzinfo=UTC), True, "26 Nov 2026 10.15 WIB"),
        # naive is UTC (the store's columns); 17.30 UTC is past midnight in WIB
        (dt.datetime(2023, 12, 31, 17, 30), False, "1 Januari 2024 00.30 WIB"),
        (dt.datetime(2024, 8, 17, 10, 0, tzinfo=waktu.WIB), True, "17 Agu 2024 10.00 WIB"),
    ],
)
def test_jam_wib(when: dt.datetime, singkat: bool, expected: str) -> None:
    assert waktu.jam_wib(when, singkat=singkat) == expected


def test_tanggal_and_month_names() -> None:
    assert waktu.tanggal(dt.date(2024, 2, 5)) == "5 Februari 2024"
    assert waktu.tanggal(dt.date(2024, 2, 5), singkat=True) == "5 Feb 2024"
    assert len(waktu.BULAN) == len(waktu.BULAN_SINGKAT) == 12
    assert all(p.startswith(s[:3]) for p, s in zip(waktu.BULAN, waktu.BULAN_SINGKAT, strict=True))


def test_hari_ini_is_the_date_in_wib() -> None:
    now = dt.datetime.now(waktu.WIB)
    assert waktu.hari_ini() in (now.date(), (now + dt.timedelta(minutes=1)).date())


def test_the_commands_show_no_time_for_a_missing_one() -> None:
    """pd.NaT (a datetime too) and None are shown as nothing, never reach astimezone."""
    import pandas as pd

    from kinerja.cli import _wib

    assert _wib(pd.NaT) == "" and _wib(None) == ""
    assert _wib(dt.datetime(2024, 1, 2, 3, 4, 5)) == "2024-01-02 10:04:05 WIB"
