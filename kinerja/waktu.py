"""Dates and times as people here read them: WIB (UTC+7) and Indonesian month names."""

from __future__ import annotations

import datetime as dt

# Asia/Jakarta has been +07:00 all year since 1964 (no daylight saving): a fixed offset needs
# no time-zone database on the machine.
WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
BULAN_SINGKAT = ("Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des")


def ke_wib(waktu: dt.datetime) -> dt.datetime:
    """A stored time (UTC; naive means UTC) in WIB."""
    if waktu.tzinfo is None:
        waktu = waktu.replace(tzinfo=dt.UTC)
    return waktu.astimezone(WIB)


def hari_ini() -> dt.date:
    """Today's date in WIB (a signature block's date, a deadline's day)."""
    return dt.datetime.now(WIB).date()


def tanggal(d: dt.date, *, singkat: bool = False) -> str:
    """ "26 November 2026"; singkat: "26 Nov 2026"."""
    nama = BULAN_SINGKAT if singkat else BULAN
    return f"{d.day} {nama[d.month - 1]} {d.year}"


def jam_wib(waktu: dt.datetime, *, singkat: bool = False) -> str:
    """ "26 November 2026 10.15 WIB" (singkat: "26 Nov 2026 10.15 WIB")."""
    t = ke_wib(waktu)
    return f"{tanggal(t.date(), singkat=singkat)} {t:%H.%M} WIB"
