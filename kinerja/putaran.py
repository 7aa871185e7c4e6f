"""The SOP round: its seven steps with their mutu baku, its deadline, and where it stands."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from kinerja import schema
from kinerja.waktu import WIB, jam_wib, ke_wib, tanggal


@dataclass(frozen=True)
class Tahap:
    """One step of the SOP "Pengumpulan Data Kinerja" (docs/domain.md)."""

    nomor: int
    kunci: str  # the key it is recorded under (store.LANGKAH)
    nama: str
    pelaksana: str
    mutu_baku: dt.timedelta


TAHAP: tuple[Tahap, ...] = (
    Tahap(1, "disposisi", "Disposisi pengumpulan data kinerja", "Kepala Dinas",
          dt.timedelta(minutes=30)),
    Tahap(2, "format_dibuat", "Menyusun format data kinerja", "Sub Koordinator",
          dt.timedelta(hours=3)),
    Tahap(3, "format_dikirim", "Mengirim format ke setiap bidang", "Sub Koordinator / Staf",
          dt.timedelta(hours=1, minutes=30)),
    Tahap(4, "diisi", "Bidang mengisi format", "Setiap bidang",
          dt.timedelta(hours=1, minutes=30)),
    Tahap(5, "data_terkumpul", "Menghimpun format terisi dari setiap bidang",
          "Sub Koordinator / Staf", dt.timedelta(days=2)),
    Tahap(6, "dievaluasi", "Menganalisis dan mengevaluasi data", "Sub Koordinator",
          dt.timedelta(days=3)),
    Tahap(7, "disusun", "Menyusun data bahan LKjIP", "Sub Koordinator", dt.timedelta(days=3)),
)  # fmt: skip
BY_NOMOR: dict[int, Tahap] = {t.nomor: t for t in TAHAP}
# The step each step's time is measured from. Step 5 from step 3, not 4: in the app a bidang's
# upload is both its filling (step 4) and its share of the gathering (step 5), so the two end
# together; both run from the moment the formats went out.
DIUKUR_DARI: dict[int, int | None] = {1: None, 2: 1, 3: 2, 4: 3, 5: 3, 6: 5, 7: 6}
BATAS_WAKTU = "batas_waktu"  # the deadline is kept as a dated event of the round

# Days after the period's last day by which every bidang must have sent (the agency's
# setting "tenggat_hari" overrides per periode).
TENGGAT_HARI_BAWAAN: dict[str, int] = {
    "TW I": 10,
    "TW II": 10,
    "TW III": 10,
    "TW IV": 10,
    "Semester I": 10,
    "Semester II": 10,
    "Tahunan": 31,
}

STATUS_LANGKAH: dict[str, str] = {
    "selesai": "Selesai",
    "berjalan": "Sedang berjalan",
    "belum": "Belum",
}
# The states of a bidang in a round, in the order a legend lists them.
STATUS_KELENGKAPAN: dict[str, str] = {
    "belum_masuk": "Belum masuk",
    "ditolak": "Ditolak",
    "diterima": "Diterima",
    "terlambat": "Terlambat",
    "diverifikasi": "Diverifikasi",
}


def akhir_periode(tahun: int, periode: str) -> dt.date:
    """The last day of the period (TW II 2024 -> 30 June 2024)."""
    bulan = schema.PERIODE_AKHIR_BULAN[periode]
    return dt.date(tahun, bulan, calendar.monthrange(tahun, bulan)[1])


def tenggat_bawaan(tahun: int, periode: str, settings: Mapping[str, Any]) -> dt.date:
    """The default deadline of a round: the period's last day plus the agency's
    settings["tenggat_hari"][periode] days (TENGGAT_HARI_BAWAAN where missing or not a
    whole number of days from 0 up)."""
    p = schema.parse_periode(periode) or periode
    hari = TENGGAT_HARI_BAWAAN.get(p, 10)
    table = settings.get("tenggat_hari")
    if isinstance(table, Mapping):
        v = table.get(p)
        if isinstance(v, int) and not isinstance(v, bool) and v >= 0:
            hari = v
    return akhir_periode(tahun, p) + dt.timedelta(days=hari)


def batas_tenggat(tenggat: dt.date) -> dt.datetime:
    """The last moment of a deadline day, in WIB (what the round stores as its batas_waktu)."""
    return dt.datetime.combine(tenggat, dt.time(23, 59, 59), WIB)


def wib(waktu: dt.datetime) -> dt.datetime:
    """A stored time (UTC; naive means UTC) in WIB."""
    return ke_wib(waktu)


def urutan(periode: str) -> tuple[int, int]:
    """Sort key of a periode within a year (TW I ... TW IV, Semester, Tahunan)."""
    return (
        schema.PERIODE_AKHIR_BULAN.get(periode, 99),
        schema.PERIODE.index(periode) if periode in schema.PERIODE else 99,
    )


# --- where a round stands --------------------------------------------------------------------


@dataclass(frozen=True)
class Langkah:
    """One step of one round as it stands.

    status: "selesai", "berjalan" (the open step) or "belum"; sumber: "dicatat" (recorded by
    an action or by hand), "data" (derived from uploads or verification) or None; durasi:
    from the step it is measured from (DIUKUR_DARI) to its completion, or to now while open.
    """

    tahap: Tahap
    status: str
    waktu: dt.datetime | None = None
    oleh: str | None = None
    catatan: str | None = None
    sumber: str | None = None
    durasi: dt.timedelta | None = None
    terlambat: bool = False
    keterangan: str | None = None

    def to_json(self) -> dict[str, Any]:
        t = self.tahap
        return {
            "nomor": t.nomor,
            "kunci": t.kunci,
            "nama": t.nama,
            "pelaksana": t.pelaksana,
            "status": self.status,
            "waktu": self.waktu.astimezone(dt.UTC).isoformat() if self.waktu else None,
            "oleh": self.oleh,
            "catatan": self.catatan,
            "sumber": self.sumber,
            "durasi_menit": None if self.durasi is None else _menit(self.durasi),
            "mutu_baku_menit": _menit(t.mutu_baku),
            "terlambat": self.terlambat,
            "keterangan": self.keterangan,
        }


@dataclass(frozen=True)
class Keadaan:
    """A round as it stands at `now`: its steps, deadline and which bidang are in."""

    tahun: int
    periode: str
    tenggat: dt.date | None
    batas: dt.datetime | None  # the deadline's exact moment (tenggat's last second, WIB)
    now: dt.datetime
    langkah: list[Langkah]
    bidang: list[str]
    masuk: dict[str, dt.datetime] = field(default_factory=dict)  # bidang -> first accepted

    @property
    def terbuka(self) -> Langkah | None:
        """The step now open (None when every step is done)."""
        return next((s for s in self.langkah if s.status == "berjalan"), None)

    @property
    def sisa_hari(self) -> int | None:
        """Days left to the deadline (0 on the day itself, negative once past)."""
        if self.tenggat is None:
            return None
        return (self.tenggat - wib(self.now).date()).days

    @property
    def belum_masuk(self) -> list[str]:
        return [b for b in self.bidang if b not in self.masuk]

    def to_json(self) -> dict[str, Any]:
        buka = self.terbuka
        return {
            "tahun": self.tahun,
            "periode": self.periode,
            "tenggat": self.tenggat.isoformat() if self.tenggat else None,
            "sisa_hari": self.sisa_hari,
            "langkah_terbuka": buka.tahap.nomor if buka else None,
            "bidang_masuk": len([b for b in self.bidang if b in self.masuk]),
            "jumlah_bidang": len(self.bidang),
            "belum_masuk": self.belum_masuk,
            "langkah": [s.to_json() for s in self.langkah],
        }


def _menit(d: dt.timedelta) -> int:
    """Whole minutes, rounded down (a step 29 min 59 s long took 29)."""
    return int(d.total_seconds() // 60)


def _utc(v: Any) -> dt.datetime | None:
    if v is None or pd.isna(v):  # pd.NaT is a datetime too
        return None
    w = pd.Timestamp(v).to_pydatetime()
    return w.replace(tzinfo=dt.UTC) if w.tzinfo is None else w.astimezone(dt.UTC)


def _text(v: Any) -> str | None:
    return None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)


def deadline(langkah: pd.DataFrame) -> dt.datetime | None:
    """The round's deadline: its latest recorded batas_waktu (None when it has none)."""
    rows = _recorded(langkah).get(BATAS_WAKTU)
    return None if rows is None else _utc(rows["waktu"])


def _recorded(langkah: pd.DataFrame) -> dict[str, Mapping[str, Any]]:
    """The event that counts for each step key: the earliest in time, since a step is done
    when first done (downloading the formats again, or building them again, does not move
    step 2 or 3; a record by hand with an earlier time corrects one made later). For the
    deadline (batas_waktu) the latest record counts: the deadline can be moved."""
    if langkah.empty:
        return {}
    frame = langkah[langkah["langkah"].notna()]
    if "langkah_id" in frame.columns:
        frame = frame.sort_values("langkah_id", kind="stable")
    out: dict[str, Mapping[str, Any]] = {}
    for r in frame.to_dict("records"):
        key = str(r["langkah"])
        row = {str(k): v for k, v in r.items()}
        before = out.get(key)
        if key == BATAS_WAKTU or before is None:
            out[key] = row
            continue
        w, w0 = _utc(row["waktu"]), _utc(before["waktu"])
        if w is not None and (w0 is None or w < w0):
            out[key] = row
    return out


def first_accepted(kiriman: pd.DataFrame) -> dict[str, tuple[dt.datetime, str | None]]:
    """bidang -> (time, who) of its first accepted upload in the round (a file superseded
    later was accepted first)."""
    if kiriman.empty:
        return {}
    ok = kiriman[kiriman["status"].isin(["accepted", "superseded"])]
    out: dict[str, tuple[dt.datetime, str | None]] = {}
    for r in ok.to_dict("records"):
        w = _utc(r["waktu"])
        b = str(r["bidang"])
        if w is not None and (b not in out or w < out[b][0]):
            out[b] = (w, _text(r.get("pengguna")))
    return out


def keadaan(
    tahun: int,
    periode: str,
    *,
    langkah: pd.DataFrame,
    kiriman: pd.DataFrame,
    verifikasi: pd.DataFrame,
    bidang: Sequence[str],
    now: dt.datetime,
) -> Keadaan:
    """Where a round stands at `now`.

    langkah: its recorded steps (columns langkah, waktu, oleh, catatan; langkah_id orders
    corrections); kiriman: the submissions covering it, one row per bidang (bidang, status,
    waktu, pengguna); verifikasi: its verification per bidang (bidang, status, oleh, waktu);
    bidang: the agency's bidang (every one must send; empty: those that did).

    A step is done when recorded (by the action that does it or by hand, the earliest record
    counting), else when the data shows it: step 4 and 5 once every bidang has an accepted
    upload (step 4's time is the last bidang's), step 6 once every bidang is verified. Its
    durasi runs from the completion of the step it is measured from (DIUKUR_DARI); a step
    past its mutu baku is late, done or still open. The open step is the first not done.
    """
    now = _utc(now) or dt.datetime.now(dt.UTC)
    rec = _recorded(langkah)
    masuk_by = first_accepted(kiriman)
    semua = list(bidang) or sorted(masuk_by)
    masuk = {b: masuk_by[b][0] for b in semua if b in masuk_by}
    verified = {}
    if not verifikasi.empty:
        for v in verifikasi.to_dict("records"):
            if v["status"] == "verified":
                verified[str(v["bidang"])] = (_utc(v["waktu"]), _text(v.get("oleh")))

    def derived(t: Tahap) -> tuple[dt.datetime, str | None, str] | None:
        if t.nomor in (4, 5) and semua and len(masuk) == len(semua):
            last = max(semua, key=lambda b: masuk[b])
            return masuk[last], masuk_by[last][1], f"{len(semua)} dari {len(semua)} bidang"
        if t.nomor == 6 and semua and all(b in verified for b in semua):
            times = [(verified[b][0], verified[b][1]) for b in semua]
            w, who = max(times, key=lambda x: x[0] or now)
            if w is not None:
                return w, who, f"{len(semua)} dari {len(semua)} bidang terverifikasi"
        return None

    done: dict[int, dt.datetime] = {}
    hasil: list[Langkah] = []
    open_seen = False
    for t in TAHAP:
        dari = DIUKUR_DARI[t.nomor]
        mulai = done.get(dari) if dari is not None else None
        r = rec.get(t.kunci)
        d = derived(t)
        progress = _progress(t, semua, masuk, verified)
        if r is not None and _utc(r["waktu"]) is not None:
            waktu = _utc(r["waktu"])
            assert waktu is not None
            oleh, catatan, sumber = _text(r.get("oleh")), _text(r.get("catatan")), "dicatat"
            ket = progress
        elif d is not None:
            waktu, oleh, ket = d
            catatan, sumber = None, "data"
        else:
            waktu = None
        if waktu is not None:
            done[t.nomor] = waktu
            durasi = waktu - mulai if mulai is not None and waktu >= mulai else None
            late = durasi is not None and durasi > t.mutu_baku
            if t.nomor == 4 and mulai is not None:
                late = late or _bidang_late(masuk, mulai, t.mutu_baku)
            hasil.append(Langkah(t, "selesai", waktu, oleh, catatan, sumber, durasi, late, ket))
        elif not open_seen:
            open_seen = True
            durasi = now - mulai if mulai is not None and now >= mulai else None
            late = durasi is not None and durasi > t.mutu_baku
            hasil.append(Langkah(t, "berjalan", durasi=durasi, terlambat=late, keterangan=progress))
        else:
            hasil.append(Langkah(t, "belum", keterangan=progress))
    batas = deadline(langkah)
    return Keadaan(
        tahun=tahun,
        periode=periode,
        tenggat=wib(batas).date() if batas else None,
        batas=batas,
        now=now,
        langkah=hasil,
        bidang=semua,
        masuk=masuk,
    )


def _progress(
    t: Tahap, semua: Sequence[str], masuk: Mapping[str, Any], verified: Mapping[str, Any]
) -> str | None:
    if not semua:
        return None
    if t.nomor in (4, 5):
        return f"{len(masuk)} dari {len(semua)} bidang"
    if t.nomor == 6:
        n = len([b for b in semua if b in verified])
        return f"{n} dari {len(semua)} bidang terverifikasi"
    return None


def _bidang_late(masuk: Mapping[str, dt.datetime], mulai: dt.datetime, limit: dt.timedelta) -> bool:
    return any(w - mulai > limit for w in masuk.values())


# --- completeness: bidang x periode of one year ------------------------------------------------


def kelengkapan(
    tahun: int,
    *,
    bidang: Sequence[str],
    kiriman: pd.DataFrame,
    verifikasi: pd.DataFrame,
    batas: Mapping[str, dt.datetime | None],
    periode: Iterable[str] = (),
    now: dt.datetime,
) -> pd.DataFrame:
    """The state of every bidang in every round of the year (like DHIS2's reporting rates).

    kiriman: the year's submissions, one row per bidang and round (periode, bidang, status,
    waktu); verifikasi: the year's verification (periode, bidang, status); batas: periode ->
    the round's deadline (None or missing: no deadline). Rounds: the four quarters, the
    given periode (the rounds opened) and any round with a deadline; a semester or annual
    record that came inside a quarter's file opens no column of its own.

    Columns: bidang, periode, status (STATUS_KELENGKAPAN), waktu (the first accepted upload,
    else None). verified: "diverifikasi"; accepted: "terlambat" when the first accepted upload
    came after the deadline, else "diterima"; only refused files: "ditolak"; nothing: "terlambat"
    once the deadline has passed, else "belum_masuk".
    """
    now = _utc(now) or dt.datetime.now(dt.UTC)
    rounds = set(schema.TRIWULAN) | set(periode) | {p for p, b in batas.items() if b is not None}
    names = list(bidang)
    if not names and not kiriman.empty:
        names = sorted(set(kiriman["bidang"].astype(str)))
    order = sorted(rounds, key=urutan)
    verified = set()
    if not verifikasi.empty:
        v = verifikasi[verifikasi["status"] == "verified"]
        verified = set(zip(v["periode"].astype(str), v["bidang"].astype(str), strict=True))
    rows = []
    for p in order:
        part = kiriman[kiriman["periode"] == p] if not kiriman.empty else kiriman
        first = first_accepted(part)
        refused = set(part.loc[part["status"] == "refused", "bidang"].astype(str))
        limit = _utc(batas.get(p))
        for b in names:
            w = first[b][0] if b in first else None
            if (p, b) in verified:
                status = "diverifikasi"
            elif w is not None:
                status = "terlambat" if limit is not None and w > limit else "diterima"
            elif b in refused:
                status = "ditolak"
            elif limit is not None and now > limit:
                status = "terlambat"
            else:
                status = "belum_masuk"
            rows.append((b, p, status, w))
    return pd.DataFrame(rows, columns=["bidang", "periode", "status", "waktu"])


def ringkas_kelengkapan(matrix: pd.DataFrame) -> dict[str, int]:
    """How many cells are in each state (every state, zero included)."""
    counts = matrix["status"].value_counts() if not matrix.empty else pd.Series(dtype=int)
    return {k: int(counts.get(k, 0)) for k in STATUS_KELENGKAPAN}


# --- the words and numbers people read (the page and the command line) ---------------------


def teks_tanggal(d: dt.date) -> str:
    """10 Jan 2024."""
    return tanggal(d, singkat=True)


def teks_waktu(w: dt.datetime) -> str:
    """A stored time as people read it: 26 Nov 2026 10.15 WIB."""
    return jam_wib(w, singkat=True)


def teks_durasi(d: dt.timedelta) -> str:
    """1 hari 2 jam, 3 jam 30 menit, 45 menit (whole minutes, rounded down)."""
    menit = _menit(d)
    hari, sisa = divmod(menit, 24 * 60)
    jam, menit = divmod(sisa, 60)
    parts = [f"{hari} hari" if hari else "", f"{jam} jam" if jam else ""]
    if not hari:
        parts.append(f"{menit} menit" if menit or not jam else "")
    return " ".join(p for p in parts if p) or "0 menit"


def teks_tenggat(k: Keadaan) -> str:
    """Tenggat 10 Jan 2024 (8 hari lagi | hari ini | lewat 3 hari), or that there is none."""
    if k.tenggat is None:
        return "tenggat belum ditetapkan"
    from kinerja.angka import format_angka

    n = k.sisa_hari or 0
    hari = format_angka(abs(n))
    when = "hari ini" if n == 0 else f"{hari} hari lagi" if n > 0 else f"lewat {hari} hari"
    return f"tenggat {teks_tanggal(k.tenggat)} ({when})"
