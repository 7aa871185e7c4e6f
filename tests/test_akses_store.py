"""The store refuses what a role may not do (kinerja.peran), on SQLite and PostgreSQL: each
forbidden action per role raises StoreError naming who may, and changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from argon2 import PasswordHasher

from kinerja import peran
from kinerja.ingest import IngestResult, Report
from kinerja.store import Store, StoreError, akun, connect

TOML = 'nama = "Dinas Uji"\nkode = "uji"\nbidang = ["Sekretariat", "Bidang Perindustrian"]\n'
PERIN, SEKRE = "Bidang Perindustrian", "Sekretariat"
# One account per role; kabid is Perindustrian's, staf the Sekretariat's.
AKUN = {
    "admin": None,
    "kepala_dinas": None,
    "sekretaris": None,
    "subkoordinator": None,
    "kabid": PERIN,
    "staf": SEKRE,
}


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(akun, "HASHER", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


def records(bidang: str, periode: str = "TW I", realisasi: float = 90.0) -> pd.DataFrame:
    frame = pd.DataFrame(
        [
            {
                "bidang": bidang,
                "sasaran": "Sasaran",
                "indikator": "Jumlah IKM yang dibina",
                "satuan": "unit",
                "arah": "naik",
                "tahun": 2024,
                "periode": periode,
                "target": 100.0,
                "realisasi": realisasi,
                "capaian": realisasi,
                "predikat": "Tinggi",
                "keterangan": None,
                "pagu": None,
                "realisasi_anggaran": None,
                "capaian_catatan": None,
                "baris": 6,
            }
        ]
    )
    frame["tahun"] = frame["tahun"].astype("int64")
    return frame


def send(s: Store, bidang: str, *, user: str, realisasi: float = 90.0) -> Any:
    result = IngestResult("data.xlsx", records(bidang, realisasi=realisasi), Report())
    return s.submit(result, data=f"{bidang}{realisasi}".encode(), filename="d.xlsx", user=user)


BATAS = dt.datetime(2025, 4, 10, tzinfo=dt.UTC)
PK = pd.DataFrame([{"bidang": PERIN, "indikator": "Jumlah IKM yang dibina", "target": 100.0}])


@pytest.fixture
def db(db_url: str, tmp_path: Path) -> Iterator[Store]:
    """Data stored before the first account (as today), then one account per role."""
    (tmp_path / "instansi.toml").write_text(TOML)
    s = connect(db_url)
    s.init(tmp_path / "instansi.toml")
    send(s, PERIN, user="sistem")  # Perindustrian 2024 TW I: submitted
    send(s, SEKRE, user="sistem")
    s.verify(SEKRE, 2024, "TW I", user="sistem")  # Sekretariat 2024 TW I: verified
    s.import_pk(PK, tahun=2024, user="sistem")
    s.add_user("admin", "rahasia-admin", peran="admin", user="sistem")
    for role, bidang in AKUN.items():
        if role != "admin":
            s.add_user(role, f"rahasia-{role}", peran=role, bidang=bidang, user="admin")
    yield s
    s.close()


def _record_id(s: Store) -> int:
    return int(s.records(bidang=PERIN)["id"].iloc[0])


def _indikator_id(s: Store) -> int:
    return int(s.indicators(tahun=2024)["id"].iloc[0])


FLAG = {"id": "f1", "check": "lonjakan", "bidang": PERIN, "indikator": "Jumlah IKM yang dibina",
        "tahun": 2024, "periode": "TW I"}  # fmt: skip

# action -> (aksi it needs, how to take it as user)
ACTIONS: dict[str, tuple[str, Callable[[Store, str], Any]]] = {
    "submit": ("unggah", lambda s, u: send(s, PERIN, user=u, realisasi=95.0)),
    "verify": ("verifikasi", lambda s, u: s.verify(PERIN, 2024, "TW I", user=u)),
    "return_": ("verifikasi", lambda s, u: s.return_(PERIN, 2024, "TW I", user=u, note="cek")),
    "unverify": ("verifikasi", lambda s, u: s.unverify(SEKRE, 2024, "TW I", user=u, reason="r")),
    "decide_flag": (
        "verifikasi",
        lambda s, u: s.decide_flag(FLAG, status="diterima", catatan="benar", user=u),
    ),
    "add_note": ("jawab_tanda", lambda s, u: s.add_note(_record_id(s), "sudah benar", user=u)),
    "import_pk": ("pk", lambda s, u: s.import_pk(PK, tahun=2025, user=u)),
    "update_indicator": (
        "pk",
        lambda s, u: s.update_indicator(_indikator_id(s), {"target": 120.0}, user=u),
    ),
    "set_settings": ("pengaturan", lambda s, u: s.set_settings({"nama": "Baru"}, user=u)),
    "open_round": ("putaran", lambda s, u: s.open_round(2025, "TW I", user=u)),
    "start_round": (
        "putaran",
        lambda s, u: s.start_round(2025, "TW I", user=u, batas=BATAS),
    ),
    "add_step": ("putaran", lambda s, u: s.add_step(2024, "TW I", "disposisi", user=u)),
    "add_step_format": ("format", lambda s, u: s.add_step(2024, "TW I", "format_dibuat", user=u)),
    "add_step_disusun": ("ekspor", lambda s, u: s.add_step(2024, "TW I", "disusun", user=u)),
    "add_user": (
        "akun",
        lambda s, u: s.add_user("baru", "rahasia-baru", peran="sekretaris", user=u),
    ),
}

# Beyond IZIN: a kabid or staf may upload and answer for its own bidang only (the actions
# above touch Perindustrian), and a step caused by another action is allowed by it too.
ALSO_ALLOWED = {
    "submit": {"kabid"},
    "add_note": {"kabid"},
    "add_step_format": set(),
    "add_step_disusun": set(),
}


def forbidden(action: str) -> list[str]:
    aksi = ACTIONS[action][0]
    allowed = {r for r in AKUN if peran.boleh(r, aksi)} | ALSO_ALLOWED.get(action, set())
    if action.startswith("add_step"):
        allowed |= {r for r in AKUN if peran.boleh(r, "putaran")}
    return [r for r in AKUN if r not in allowed]


def snapshot(s: Store) -> tuple[Any, ...]:
    return (
        s.counts(),
        s.version(),
        s.settings(),
        s.verification_status().to_dict("records"),
        s.indicators(tahun=2024).to_dict("records"),
        s.users().to_dict("records"),
    )


@pytest.mark.parametrize("action", list(ACTIONS))
def test_each_forbidden_role_is_refused_and_nothing_changes(db: Store, action: str) -> None:
    aksi, take = ACTIONS[action]
    refused = forbidden(action)
    assert refused, action  # every action is somebody's refusal
    before = snapshot(db)
    for role in refused:
        with pytest.raises(StoreError) as exc:
            take(db, role)
        message = str(exc.value)
        if role in peran.PERAN_BIDANG and peran.boleh(role, aksi + "_bidang" * (aksi == "unggah")):
            assert "bukan bidangnya" in message, (role, message)
        else:
            assert message.startswith(f"Peran {peran.PERAN[role]} tidak boleh"), (role, message)
            assert "yang boleh:" in message
        assert snapshot(db) == before, (action, role)
    # Not vacuous: a role that may, does; and the audit line names it.
    allowed = next(r for r in AKUN if r not in refused)
    take(db, allowed)
    assert snapshot(db) != before
    assert db.audit()["oleh"].iloc[-1] == allowed


def test_the_evaluation_thresholds_are_set_by_those_who_verify(db: Store) -> None:
    db.set_settings({"evaluasi": {"lonjakan_persen": 50}}, user="subkoordinator")
    db.set_settings({"evaluasi": {"lonjakan_persen": 60}}, user="admin")
    before = snapshot(db)
    with pytest.raises(StoreError, match="Peran Sub Koordinator .* tidak boleh mengubah peng"):
        db.set_settings({"evaluasi": {}, "nama": "Lain"}, user="subkoordinator")
    with pytest.raises(StoreError, match="Peran Sekretaris tidak boleh"):
        db.set_settings({"evaluasi": {}}, user="sekretaris")
    assert snapshot(db) == before


@pytest.mark.parametrize("user", ["sistem", "tamu", "SUBKOORDINATOR "])
def test_unknown_users_and_the_system_user_are_refused_once_accounts_exist(
    db: Store, user: str
) -> None:
    before = snapshot(db)
    if user.strip().lower() == "subkoordinator":  # names are case-insensitive
        send(db, PERIN, user=user, realisasi=91.0)
        assert snapshot(db) != before
        return
    with pytest.raises(StoreError, match=f"Pengguna '{user}' tidak dikenal."):
        send(db, PERIN, user=user, realisasi=91.0)
    assert snapshot(db) == before


def test_a_disabled_account_is_refused(db: Store) -> None:
    db.disable_user("subkoordinator", user="admin")
    before = snapshot(db)
    with pytest.raises(StoreError, match="Pengguna 'subkoordinator' nonaktif."):
        db.open_round(2025, "TW II", user="subkoordinator")
    assert snapshot(db) == before


def test_a_refused_file_of_another_bidang_is_refused_too(db: Store) -> None:
    """A kabid's invalid file naming another bidang on the form: refused, not even kept."""
    before = snapshot(db)
    bad = IngestResult("x.xlsx", records(PERIN).iloc[0:0], Report())
    with pytest.raises(StoreError, match="bukan bidangnya"):
        db.submit(bad, data=b"x", filename="x.xlsx", user="staf", bidang=PERIN)
    assert snapshot(db) == before
    out = db.submit(bad, data=b"x", filename="x.xlsx", user="staf", bidang=SEKRE)
    assert out.status == "refused"
