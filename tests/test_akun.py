"""kinerja.store.akun on SQLite and PostgreSQL: accounts, hashed passwords, sign-in with its
throttle and lock, and who may see which bidang."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from kinerja import peran
from kinerja.store import Akun, Store, StoreError, akun, connect

T0 = dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC)
TOML = 'nama = "Dinas Uji"\nkode = "uji"\nbidang = ["Sekretariat", "Bidang Perindustrian"]\n'


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """argon2 with small costs: the same code path, a fraction of the time."""
    monkeypatch.setattr(akun, "HASHER", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture
def db(db_url: str, tmp_path: Path) -> Iterator[Store]:
    (tmp_path / "instansi.toml").write_text(TOML)
    s = connect(db_url)
    s.init(tmp_path / "instansi.toml")
    yield s
    s.close()


@pytest.fixture
def admin(db: Store) -> Store:
    db.add_user("Admin", "rahasia-admin", peran="admin", user="sistem")
    return db


def test_the_hash_is_not_the_password_and_never_leaves(admin: Store) -> None:
    with admin.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT password_hash FROM akun").scalar_one()
    assert stored != "rahasia-admin" and "rahasia-admin" not in stored
    assert stored.startswith("$argon2id$")
    assert "password_hash" not in admin.users().columns
    log = admin.audit(aksi="akun.buat")
    assert len(log) == 1 and "rahasia" not in str(log.to_dict("records"))
    assert log["oleh"].iloc[0] == "sistem"


def test_usernames_are_case_insensitive_and_unique(admin: Store) -> None:
    assert admin.account("ADMIN") == Akun("admin", "admin", None, None, True, None)
    with pytest.raises(StoreError, match="sudah dipakai"):
        admin.add_user("admin", "rahasia-lain", peran="sekretaris", user="admin")


def test_without_accounts_everything_runs_as_before(db: Store) -> None:
    assert not db.has_accounts()
    db.authorize("siapa-saja", "pengaturan")
    assert db.visible_bidang("siapa-saja") is None
    assert db.users().empty


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"peran": "sekretaris"}, "Akun pertama harus admin"),
        ({"peran": "admin", "password": "pendek"}, "paling sedikit 8 karakter"),
        ({"peran": "admin", "password": "budi1234", "username": "Budi1234"}, "sama dengan"),
        ({"peran": "admin", "username": "sistem"}, "dicadangkan"),
        ({"peran": "admin", "username": "a b"}, "Nama pengguna 2-100"),
        ({"peran": "raja"}, "tidak dikenal"),
        ({"peran": "admin", "password": "demo"}, "paling sedikit"),  # demo only with demo=True
    ],
)
def test_refused_accounts(db: Store, kwargs: dict[str, str], message: str) -> None:
    kwargs = dict(kwargs)  # shared by the SQLite and PostgreSQL runs
    username = kwargs.pop("username", "budi")
    password = kwargs.pop("password", "kata-sandi-kuat")
    with pytest.raises(StoreError, match=message):
        db.add_user(username, password, user="sistem", **kwargs)
    assert not db.has_accounts()


def test_later_accounts_only_by_an_admin_and_bidang_roles_name_their_bidang(admin: Store) -> None:
    admin.add_user("sub", "rahasia-sub", peran="subkoordinator", user="admin")
    with pytest.raises(StoreError, match="yang boleh: Admin"):
        admin.add_user("xx", "rahasia-xx", peran="staf", bidang="Sekretariat", user="sub")
    with pytest.raises(StoreError, match="harus menyebut bidangnya"):
        admin.add_user("kabid", "rahasia-kabid", peran="kabid", user="admin")
    with pytest.raises(StoreError, match="Fiktif"):
        admin.add_user("kabid", "rahasia-kabid", peran="kabid", bidang="Fiktif", user="admin")
    with pytest.raises(StoreError, match="tidak terikat"):
        admin.add_user("kd", "rahasia-kd", peran="kepala_dinas", bidang="Sekretariat", user="admin")
    admin.add_user(
        "kabid", "rahasia-kabid", peran="kabid", bidang="perindustrian", user="admin",
        email="Kabid@Dinas.go.id",
    )  # fmt: skip
    got = admin.account_by_email("kabid@dinas.go.id")
    assert got is not None and got.bidang == "Bidang Perindustrian"  # the agency's spelling
    assert admin.users()["username"].tolist() == ["admin", "kabid", "sub"]


def test_demo_password_only_with_the_demo_flag(admin: Store) -> None:
    admin.add_user("subkoordinator", "demo", peran="subkoordinator", user="admin", demo=True)
    assert admin.authenticate("subkoordinator", "demo", now=T0).peran == "subkoordinator"


def test_sign_in_resets_failures_and_records_the_time(admin: Store) -> None:
    for i in range(2):
        with pytest.raises(StoreError, match="Nama pengguna atau kata sandi salah."):
            admin.authenticate("admin", "salah", now=T0 + dt.timedelta(seconds=i))
    got = admin.authenticate("Admin", "rahasia-admin", now=T0 + dt.timedelta(seconds=5))
    assert got.username == "admin"
    row = admin.users().iloc[0]
    assert row["terakhir_masuk"] == T0 + dt.timedelta(seconds=5)
    with admin.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT gagal FROM akun").scalar_one() == 0


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(admin: Store) -> None:
    with pytest.raises(StoreError) as unknown:
        admin.authenticate("tidak-ada", "rahasia-admin", now=T0)
    with pytest.raises(StoreError) as wrong:
        admin.authenticate("admin", "salah-sekali", now=T0)
    assert str(unknown.value) == str(wrong.value) == "Nama pengguna atau kata sandi salah."


def test_failures_slow_down_then_ten_lock_the_account(admin: Store) -> None:
    now = T0
    waits = []
    for attempt in range(1, 11):
        with pytest.raises(StoreError) as exc:
            admin.authenticate("admin", f"salah-{attempt}", now=now)
        if attempt < 10:
            assert str(exc.value) == "Nama pengguna atau kata sandi salah."
        if attempt >= 3 and attempt < 10:
            wait = min(2 ** (attempt - 3), 60)
            waits.append(wait)
            # Too soon: refused without checking (the right password does not help).
            with pytest.raises(StoreError, match=f"coba lagi dalam {wait} detik"):
                admin.authenticate("admin", "rahasia-admin", now=now)
            now += dt.timedelta(seconds=wait)
    assert waits == [1, 2, 4, 8, 16, 32, 60]
    assert str(exc.value) == "Akun terkunci setelah 10 kali gagal; minta admin membukanya."
    with pytest.raises(StoreError, match="terkunci"):
        admin.authenticate("admin", "rahasia-admin", now=now + dt.timedelta(days=1))
    assert bool(admin.users().iloc[0]["terkunci"])
    assert len(admin.audit(aksi="akun.terkunci")) == 1


def test_an_admin_unlocks_and_a_new_password_unlocks(admin: Store) -> None:
    admin.add_user("admin2", "rahasia-admin2", peran="admin", user="admin")
    admin.add_user("sek", "rahasia-sek", peran="sekretaris", user="admin")
    for i in range(10):
        with pytest.raises(StoreError):
            admin.authenticate("sek", "salah", now=T0 + dt.timedelta(minutes=i))
    with pytest.raises(StoreError, match="yang boleh: Admin"):
        admin.unlock_user("sek", user="sek")
    admin.unlock_user("sek", user="admin2")
    assert admin.authenticate("sek", "rahasia-sek", now=T0 + dt.timedelta(hours=1)).peran == (
        "sekretaris"
    )
    # The account itself may change its password; another non-admin may not.
    admin.set_password("sek", "sandi-baru-sek", user="sek")
    with pytest.raises(StoreError, match="yang boleh: Admin"):
        admin.set_password("admin", "sandi-baru-adm", user="sek")
    assert admin.authenticate("sek", "sandi-baru-sek", now=T0 + dt.timedelta(hours=2))


def test_a_disabled_account_signs_in_no_more_and_is_refused_everywhere(admin: Store) -> None:
    admin.add_user("sub", "rahasia-sub", peran="subkoordinator", user="admin")
    with pytest.raises(StoreError, match="Admin aktif terakhir"):
        admin.disable_user("admin", user="admin")
    admin.disable_user("SUB", user="admin")
    with pytest.raises(StoreError, match="nonaktif"):
        admin.authenticate("sub", "rahasia-sub", now=T0)
    with pytest.raises(StoreError, match="Pengguna 'sub' nonaktif."):
        admin.authorize("sub", "putaran")
    assert admin.users().set_index("username").loc["sub", "aktif"] == False  # noqa: E712


def test_rehash_when_the_parameters_change(admin: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    with admin.engine.connect() as conn:
        before = conn.exec_driver_sql("SELECT password_hash FROM akun").scalar_one()
    monkeypatch.setattr(akun, "HASHER", PasswordHasher(time_cost=2, memory_cost=64, parallelism=1))
    admin.authenticate("admin", "rahasia-admin", now=T0)
    with admin.engine.connect() as conn:
        after = conn.exec_driver_sql("SELECT password_hash FROM akun").scalar_one()
    assert after != before and "t=2" in after
    assert admin.authenticate("admin", "rahasia-admin", now=T0)


def test_authorize_and_visible_bidang(admin: Store) -> None:
    admin.add_user("kabid_x", "rahasia-kabid", peran="kabid", bidang="Sekretariat", user="admin")
    admin.add_user("kd", "rahasia-kd", peran="kepala_dinas", user="admin")
    assert admin.visible_bidang("kabid_x") == ["Sekretariat"]
    assert admin.visible_bidang("kd") is None
    admin.authorize("kabid_x", "unggah_bidang", bidang="sekretariat")
    admin.add_user("sub", "rahasia-sub", peran="subkoordinator", user="admin")
    admin.authorize("sub", "unggah_bidang", bidang="Bidang Perindustrian")
    with pytest.raises(StoreError, match="Peran Kepala Bidang tidak boleh mengunggah data bidang"):
        admin.authorize("kabid_x", "unggah", bidang="Sekretariat")  # "unggah" is any bidang
    with pytest.raises(StoreError, match="bukan bidangnya"):
        admin.authorize("kabid_x", "unggah_bidang", bidang="Bidang Perindustrian")
    with pytest.raises(StoreError) as exc:
        admin.authorize("kd", "pk")
    assert str(exc.value) == peran.alasan_ditolak("kepala_dinas", "pk")
    with pytest.raises(StoreError, match="Pengguna 'sistem' tidak dikenal."):
        admin.authorize("sistem", "lihat")
    with pytest.raises(StoreError, match="tidak dikenal"):
        admin.visible_bidang("siapa")


def test_demo_usernames() -> None:
    assert akun.demo_username("kabid", "Bidang Perindustrian") == "kabid_perindustrian"
    assert akun.demo_username("staf", "Sekretariat") == "staf_sekretariat"
    assert akun.demo_username("kabid", "Bidang Hubungan  Industrial") == (
        "kabid_hubungan_industrial"
    )
