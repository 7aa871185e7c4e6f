"""The SOP round: steps against their mutu baku on a fixed clock, the default deadline, the
completeness matrix, and the same through the store on both databases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pandas as pd
import pytest

from kinerja import putaran, putaran_store, store
from kinerja.putaran import WIB

T0 = dt.datetime(2024, 1, 2, 8, 0, tzinfo=WIB)  # the disposisi: Tuesday 08.00 WIB
A, B, C = "Bidang A", "Bidang B", "Sekretariat"
BIDANG = [A, B, C]


def steps(*rows: tuple[str, dt.timedelta, str, str | None]) -> pd.DataFrame:
    """Recorded steps: (key, time after T0, who, note), in the order they were recorded."""
    return pd.DataFrame(
        [
            {"langkah": k, "waktu": T0 + d, "oleh": who, "catatan": note, "langkah_id": i}
            for i, (k, d, who, note) in enumerate(rows, 1)
        ],
        columns=["langkah", "waktu", "oleh", "catatan", "langkah_id"],
    )


def sent(*rows: tuple[str, str, dt.timedelta], periode: str = "TW IV") -> pd.DataFrame:
    """Submissions: (bidang, status, time after T0)."""
    return pd.DataFrame(
        [
            {"periode": periode, "bidang": b, "status": s, "waktu": T0 + d, "pengguna": "staf"}
            for b, s, d in rows
        ],
        columns=["periode", "bidang", "status", "waktu", "pengguna"],
    )


NO_SUBMISSIONS = sent()
NO_VERIFICATION = pd.DataFrame(columns=["periode", "bidang", "status", "oleh", "waktu"])
H = dt.timedelta(hours=1)
M = dt.timedelta(minutes=1)
OPENED = steps(
    ("disposisi", 0 * H, "kadis", "Surat 005/12"),
    ("batas_waktu", dt.timedelta(days=8, hours=15, minutes=59, seconds=59), "kadis", None),
    ("format_dibuat", 3 * H + 30 * M, "subkoor", None),  # 3,5 h against 3 h: late
    ("format_dikirim", 4 * H, "staf", None),  # 30 min against 1,5 h
)


def state(langkah=OPENED, kiriman=NO_SUBMISSIONS, verifikasi=NO_VERIFICATION, *, at):
    return putaran.keadaan(
        2023,
        "TW IV",
        langkah=langkah,
        kiriman=kiriman,
        verifikasi=verifikasi,
        bidang=BIDANG,
        now=T0 + at,
    )


def test_the_seven_steps_and_their_mutu_baku() -> None:
    assert [t.nomor for t in putaran.TAHAP] == [1, 2, 3, 4, 5, 6, 7]
    assert [t.mutu_baku for t in putaran.TAHAP] == [
        30 * M, 3 * H, 90 * M, 90 * M, dt.timedelta(days=2), dt.timedelta(days=3),
        dt.timedelta(days=3),
    ]  # fmt: skip
    # Every step is recorded under a key the store knows.
    assert {t.kunci for t in putaran.TAHAP} | {putaran.BATAS_WAKTU} <= set(store.LANGKAH)


def test_done_steps_with_elapsed_time_against_mutu_baku_and_the_open_step() -> None:
    k = state(at=5 * H)
    got = [(s.tahap.nomor, s.status, s.durasi, s.terlambat) for s in k.langkah]
    assert got == [
        (1, "selesai", None, False),  # nothing before the disposisi to measure from
        (2, "selesai", 3 * H + 30 * M, True),
        (3, "selesai", 30 * M, False),
        (4, "berjalan", 60 * M, False),  # open: one hour since the formats went out
        (5, "belum", None, False),
        (6, "belum", None, False),
        (7, "belum", None, False),
    ]
    assert k.terbuka is not None and k.terbuka.tahap.nomor == 4
    assert k.langkah[0].oleh == "kadis" and k.langkah[0].catatan == "Surat 005/12"
    assert k.langkah[0].sumber == "dicatat"
    assert k.tenggat == dt.date(2024, 1, 10)
    assert k.sisa_hari == 8
    assert k.belum_masuk == BIDANG
    assert k.langkah[3].keterangan == "0 dari 3 bidang"


def test_an_open_step_past_its_mutu_baku_is_late() -> None:
    # Step 4 opened at 12.00; at 13.31 it has run 1 h 31 min against 1 h 30 min.
    assert not state(at=5 * H + 30 * M).terbuka.terlambat  # type: ignore[union-attr]
    late = state(at=5 * H + 31 * M).terbuka
    assert late is not None and late.tahap.nomor == 4 and late.terlambat
    assert late.durasi == 91 * M


def test_uploads_complete_steps_4_and_5_and_verification_step_6() -> None:
    kiriman = sent(
        (A, "superseded", 1 * H + 4 * H),  # accepted first, replaced later
        (A, "accepted", 2 * H + 4 * H),
        (B, "refused", 30 * M + 4 * H),
        (B, "accepted", 80 * M + 4 * H),
        (C, "accepted", dt.timedelta(days=1) + 4 * H),  # a day after the formats: late for 4
    )
    k = state(kiriman=kiriman, at=dt.timedelta(days=2))
    by = {s.tahap.nomor: s for s in k.langkah}
    assert by[4].status == by[5].status == "selesai"
    assert by[4].sumber == "data" and by[4].waktu == T0 + dt.timedelta(days=1) + 4 * H
    assert by[4].durasi == by[5].durasi == dt.timedelta(days=1)
    assert by[4].terlambat and not by[5].terlambat  # 1 day: past 1,5 h, within 2 days
    assert k.masuk == {A: T0 + 5 * H, B: T0 + 4 * H + 80 * M, C: T0 + dt.timedelta(days=1, hours=4)}
    assert by[6].status == "berjalan" and by[6].keterangan == "0 dari 3 bidang terverifikasi"

    verified = pd.DataFrame(
        [
            {"periode": "TW IV", "bidang": b, "status": "verified", "oleh": "subkoor",
             "waktu": T0 + dt.timedelta(days=3, hours=h)}
            for h, b in enumerate(BIDANG)
        ]
    )  # fmt: skip
    k = state(kiriman=kiriman, verifikasi=verified, at=dt.timedelta(days=5))
    six = k.langkah[5]
    assert six.status == "selesai" and six.sumber == "data"
    assert six.waktu == T0 + dt.timedelta(days=3, hours=2)
    assert six.durasi == dt.timedelta(days=1, hours=22)  # from step 5's completion
    assert not six.terlambat
    assert k.terbuka is not None and k.terbuka.tahap.nomor == 7


def test_a_step_recorded_by_hand_counts_and_an_earlier_record_corrects_a_later_one() -> None:
    langkah = steps(
        ("disposisi", 0 * H, "kadis", None),
        ("format_dibuat", 2 * H, "subkoor", None),
        ("format_dikirim", 3 * H, "staf", None),
        ("data_terkumpul", 5 * H, "staf", "Sekretariat menyerahkan data cetak"),
        ("format_dibuat", 1 * H, "subkoor", "jam yang benar"),
    )
    k = state(langkah, at=6 * H)
    by = {s.tahap.nomor: s for s in k.langkah}
    assert by[2].waktu == T0 + 1 * H and by[2].catatan == "jam yang benar"
    assert by[5].status == "selesai" and by[5].sumber == "dicatat"
    assert by[5].catatan == "Sekretariat menyerahkan data cetak"
    # Step 4 is still open (no bidang sent through the app): the first step not done.
    assert k.terbuka is not None and k.terbuka.tahap.nomor == 4
    assert by[4].terlambat  # 3 h since the formats went out


def test_doing_a_step_again_does_not_move_it() -> None:
    """The formats downloaded again later (step 3 recorded again) leave step 3 where it was
    done; a moved deadline (batas_waktu recorded again) counts at its latest."""
    langkah = steps(
        ("disposisi", 0 * H, "kadis", None),
        ("format_dibuat", 2 * H, "subkoor", None),
        ("format_dikirim", 3 * H, "staf", None),
        ("format_dikirim", 30 * H, "staf", "diunduh lagi"),
        ("format_dibuat", 29 * H, "subkoor", None),
    )
    k = state(langkah, at=31 * H)
    by = {s.tahap.nomor: s for s in k.langkah}
    assert by[2].waktu == T0 + 2 * H and by[3].waktu == T0 + 3 * H
    assert by[3].catatan is None


def test_a_round_with_nothing_recorded_waits_on_its_disposisi() -> None:
    k = state(steps(), at=H)
    assert [s.status for s in k.langkah] == ["berjalan"] + ["belum"] * 6
    assert not k.langkah[0].terlambat and k.tenggat is None and k.sisa_hari is None


def test_json_keys_of_a_step() -> None:
    got = state(at=5 * H).to_json()
    assert got["tahun"] == 2023 and got["periode"] == "TW IV" and got["tenggat"] == "2024-01-10"
    assert got["langkah_terbuka"] == 4 and got["bidang_masuk"] == 0 and got["jumlah_bidang"] == 3
    two = got["langkah"][1]
    assert two == {
        "nomor": 2,
        "kunci": "format_dibuat",
        "nama": "Menyusun format data kinerja",
        "pelaksana": "Sub Koordinator",
        "status": "selesai",
        "waktu": "2024-01-02T04:30:00+00:00",
        "oleh": "subkoor",
        "catatan": None,
        "sumber": "dicatat",
        "durasi_menit": 210,
        "mutu_baku_menit": 180,
        "terlambat": True,
        "keterangan": None,
    }


@pytest.mark.parametrize(
    ("tahun", "periode", "settings", "expected"),
    [
        (2024, "TW I", {}, dt.date(2024, 4, 10)),
        (2024, "TW II", {}, dt.date(2024, 7, 10)),
        (2024, "TW IV", {}, dt.date(2025, 1, 10)),
        (2024, "Semester I", {}, dt.date(2024, 7, 10)),
        (2024, "Tahunan", {}, dt.date(2025, 1, 31)),
        (2024, "Triwulan 1", {}, dt.date(2024, 4, 10)),
        (2024, "TW I", {"tenggat_hari": {"TW I": 5}}, dt.date(2024, 4, 5)),
        (2024, "TW I", {"tenggat_hari": {"TW I": 0}}, dt.date(2024, 3, 31)),
        (2024, "TW II", {"tenggat_hari": {"TW I": 5}}, dt.date(2024, 7, 10)),  # not set: 10
        (2024, "TW I", {"tenggat_hari": {"TW I": -3}}, dt.date(2024, 4, 10)),  # nonsense
        (2024, "TW I", {"tenggat_hari": {"TW I": "lima"}}, dt.date(2024, 4, 10)),
        (2024, "TW I", {"tenggat_hari": None}, dt.date(2024, 4, 10)),
        (2024, "Tahunan", {"tenggat_hari": {"Tahunan": 60}}, dt.date(2025, 3, 1)),
    ],
)
def test_tenggat_bawaan(tahun: int, periode: str, settings: dict, expected: dt.date) -> None:
    assert putaran.tenggat_bawaan(tahun, periode, settings) == expected


def test_default_days_per_periode() -> None:
    assert putaran.TENGGAT_HARI_BAWAAN == {
        "TW I": 10, "TW II": 10, "TW III": 10, "TW IV": 10,
        "Semester I": 10, "Semester II": 10, "Tahunan": 31,
    }  # fmt: skip


# --- completeness ------------------------------------------------------------------------


def test_completeness_matrix_states() -> None:
    due = putaran.batas_tenggat(dt.date(2024, 1, 10))
    kiriman = pd.concat(
        [
            sent((A, "accepted", H), periode="TW III"),
            sent((B, "refused", H), periode="TW III"),
            sent((A, "accepted", 2 * H), periode="TW IV"),
            sent((B, "accepted", dt.timedelta(days=9)), periode="TW IV"),  # 11 Jan: late
            sent((C, "refused", 2 * H), periode="TW IV"),
        ]
    )
    ver = pd.DataFrame(
        [{"periode": "TW III", "bidang": A, "status": "verified"},
         {"periode": "TW IV", "bidang": B, "status": "returned"}]
    )  # fmt: skip
    m = putaran.kelengkapan(
        2023,
        bidang=BIDANG,
        kiriman=kiriman,
        verifikasi=ver,
        batas={"TW III": None, "TW IV": due},
        periode=["Tahunan"],
        now=T0 + dt.timedelta(days=20),
    )
    grid = m.pivot(index="bidang", columns="periode", values="status")
    assert list(m["periode"].drop_duplicates()) == ["TW I", "TW II", "TW III", "TW IV", "Tahunan"]
    assert grid.loc[A].to_dict() == {
        "TW I": "belum_masuk", "TW II": "belum_masuk", "TW III": "diverifikasi",
        "TW IV": "diterima", "Tahunan": "belum_masuk",
    }  # fmt: skip
    assert grid.loc[B, "TW III"] == "ditolak"
    assert grid.loc[B, "TW IV"] == "terlambat"  # sent after the deadline
    assert grid.loc[C, "TW IV"] == "ditolak"  # refused only, whatever the deadline
    assert grid.loc[C, "TW III"] == "belum_masuk"  # no deadline: never late
    counts = putaran.ringkas_kelengkapan(m)
    assert counts == {"belum_masuk": 10, "ditolak": 2, "diterima": 1, "terlambat": 1,
                      "diverifikasi": 1, }  # fmt: skip
    # Before the deadline nothing missing is late; after it, missing is late.
    before = putaran.kelengkapan(
        2023, bidang=[C], kiriman=NO_SUBMISSIONS, verifikasi=NO_VERIFICATION,
        batas={"TW IV": due}, now=due,
    )  # fmt: skip
    after = putaran.kelengkapan(
        2023, bidang=[C], kiriman=NO_SUBMISSIONS, verifikasi=NO_VERIFICATION,
        batas={"TW IV": due}, now=due + dt.timedelta(seconds=1),
    )  # fmt: skip
    assert before.set_index("periode").loc["TW IV", "status"] == "belum_masuk"
    assert after.set_index("periode").loc["TW IV", "status"] == "terlambat"


# --- through the store (SQLite and PostgreSQL) ---------------------------------------------


@pytest.fixture
def db(db_url: str) -> Iterator[store.Store]:
    s = store.connect(db_url)
    s.init()
    yield s
    s.close()


def test_opening_recording_and_reading_a_round_in_the_store(db: store.Store) -> None:
    db.set_settings({"bidang": BIDANG}, user="admin")
    assert putaran_store.current_round(db) is None
    opened = T0 - dt.timedelta(hours=1)
    tenggat = putaran_store.buka(
        db, 2023, "Triwulan 4", user="kadis", catatan="Surat 005/12", waktu=opened
    )
    assert tenggat == dt.date(2024, 1, 10)  # the default: 10 days after 31 December
    with pytest.raises(store.StoreError, match="sudah dibuka"):
        putaran_store.buka(db, 2023, "TW IV", user="kadis")
    with pytest.raises(store.StoreError, match="tidak dikenal"):
        putaran_store.buka(db, 2023, "TW 5", user="kadis")
    putaran_store.catat(db, 2023, "TW IV", 2, user="subkoor", waktu=T0)
    putaran_store.catat(db, 2023, "TW IV", 3, user="staf", catatan="lewat surel", waktu=T0 + H)
    with pytest.raises(store.StoreError, match="1 sampai 7"):
        putaran_store.catat(db, 2023, "TW IV", 8, user="staf")
    putaran_store.ubah_tenggat(db, 2023, "TW IV", dt.date(2024, 1, 15), user="subkoor")
    # An older round opened earlier, then this one: the current round is the one opened last.
    putaran_store.buka(db, 2023, "TW III", user="kadis", waktu=T0 - dt.timedelta(days=90))
    assert putaran_store.current_round(db) == (2023, "TW III")
    assert putaran_store.round_list(db) == [(2023, "TW IV"), (2023, "TW III")]

    k = putaran_store.read_round(db, 2023, "TW IV", now=T0 + 2 * H)
    assert k.tenggat == dt.date(2024, 1, 15)
    got = [(s.tahap.nomor, s.status, s.oleh, s.durasi, s.terlambat) for s in k.langkah[:4]]
    assert got == [
        (1, "selesai", "kadis", None, False),
        (2, "selesai", "subkoor", H, False),
        (3, "selesai", "staf", H, False),
        (4, "berjalan", None, H, False),
    ]
    assert k.langkah[2].catatan == "lewat surel"
    m = putaran_store.read_kelengkapan(db, 2023, now=T0 + 2 * H)
    assert len(m) == 3 * 4
    grid = m.groupby("periode")["status"].agg(set).to_dict()
    # TW III's deadline (10 October 2023) has passed with nothing sent: late; TW IV's has not.
    assert grid == {
        "TW I": {"belum_masuk"}, "TW II": {"belum_masuk"}, "TW III": {"terlambat"},
        "TW IV": {"belum_masuk"},
    }  # fmt: skip
    assert (db.round_submissions(tahun=2023).columns == store_columns()).all()


def store_columns() -> list[str]:
    return ["tahun", "periode", "bidang", "kiriman_id", "status", "waktu", "pengguna"]


def test_a_missing_time_is_no_time_whatever_its_kind() -> None:
    """pd.NaT is a datetime too: it must read as missing, not reach astimezone."""
    assert putaran._utc(pd.NaT) is None and putaran._utc(None) is None
    assert putaran._utc(float("nan")) is None
    assert putaran._utc(T0) == T0
