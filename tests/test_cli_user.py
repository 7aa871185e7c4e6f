"""`kinerja user` and the roles on the command line: accounts made and listed, passwords read
from standard input and never shown, refusals (exit 1, who may, nothing changed), demo mode."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from kinerja import cli, cli_user
from kinerja.store import StoreError, akun, connect

ROOT = Path(__file__).resolve().parents[1]
SUSULAN = ROOT / "data" / "contoh-susulan" / "bidang-perindustrian-tw-iv-2023.xlsx"


@pytest.fixture(autouse=True)
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(akun, "HASHER", PasswordHasher(time_cost=1, memory_cost=64, parallelism=1))


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'kinerja.db'}"


def run(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    *argv: str,
    stdin: str = "",
) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def counts(url: str) -> dict[str, int]:
    s = connect(url)
    try:
        return s.counts()
    finally:
        s.close()


OPEN = ["round", "open", "--tahun", "2024", "--periode", "TW I", "--tenggat", "10-04-2024"]


def test_without_accounts_commands_run_as_today_and_list_says_so(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    code, _, err = run(capsys, monkeypatch, *OPEN, "--db", url, "--user", "siapa-saja")
    assert code == 0, err
    code, out, _ = run(capsys, monkeypatch, "user", "list", "--db", url)
    assert code == 0 and out.strip() == cli_user.TANPA_AKUN
    code, out, _ = run(capsys, monkeypatch, "user", "list", "--db", url, "--json")
    assert json.loads(out) == []


def test_first_admin_then_accounts_then_refusals(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    add = ["user", "add", "--db", url]
    # The first account must be an admin; its password comes from standard input.
    code, _, err = run(capsys, monkeypatch, *add, "--role", "sekretaris", "sek", stdin="x" * 9)
    assert code == 1 and "Akun pertama harus admin" in err
    code, out, err = run(capsys, monkeypatch, *add, "--role", "admin", "Boss", stdin="sandi-boss\n")
    assert code == 0, err
    assert "Akun 'boss' (Admin) dibuat." in out
    assert "sandi-boss" not in out + err
    code, out, err = run(
        capsys, monkeypatch, *add, "--role", "kabid", "--bidang", "perindustrian", "kabid_x",
        "--user", "boss", stdin="sandi-kabid\n",
    )  # fmt: skip
    assert code == 0, err
    assert "bidang Bidang Perindustrian" in out
    # Only an admin adds accounts.
    before = counts(url)
    code, _, err = run(
        capsys, monkeypatch, *add, "--role", "admin", "lain", "--user", "kabid_x",
        stdin="sandi-lain1\n",
    )  # fmt: skip
    assert code == 1
    assert "kinerja user add: Peran Kepala Bidang tidak boleh mengelola akun pengguna" in err
    assert counts(url) == before

    # A data command as a role that may not: exit 1, who may, nothing changed.
    code, _, err = run(capsys, monkeypatch, *OPEN, "--db", url, "--user", "kabid_x")
    assert code == 1
    assert "Peran Kepala Bidang tidak boleh membuka putaran" in err
    assert "yang boleh: Sub Koordinator Program dan Pelaporan" in err
    # An unknown user is refused, and without --user no login name stands in for one.
    code, _, err = run(capsys, monkeypatch, *OPEN, "--db", url, "--user", "tamu")
    assert code == 1 and "Pengguna 'tamu' tidak dikenal." in err
    code, _, err = run(capsys, monkeypatch, *OPEN, "--db", url)
    assert code == 1 and "sebutkan akun yang menjalankan perintah ini dengan --user" in err
    # The format and the export are refused before any file is written.
    out = Path(url.removeprefix("sqlite:///")).parent / "keluar"
    out.mkdir()
    code, _, err = run(capsys, monkeypatch, "format", "--db", url, "--tahun", "2024",
                       "--periode", "TW I", "--out", str(out), "--user", "kabid_x")  # fmt: skip
    assert code == 1 and "tidak boleh membuat dan mengirim format" in err, err
    code, _, err = run(capsys, monkeypatch, "export", "--db", url, "--tahun", "2024",
                       "--out", str(out / "l.xlsx"), "--user", "kabid_x")  # fmt: skip
    assert code == 1 and "tidak boleh menyusun ekspor LKjIP" in err, err
    assert list(out.iterdir()) == []
    # db init migrates and names the agency with accounts present too (it writes nothing).
    assert run(capsys, monkeypatch, "db", "init", "--db", url)[0] == 0
    assert counts(url) == before

    code, out, _ = run(capsys, monkeypatch, "user", "list", "--db", url, "--json")
    listed = json.loads(out)
    assert [u["username"] for u in listed] == ["boss", "kabid_x"]
    assert "password_hash" not in listed[0]
    assert "sandi" not in out
    code, out, _ = run(capsys, monkeypatch, "user", "list", "--db", url)
    assert "kabid_x  Kepala Bidang  Bidang Perindustrian  aktif  belum pernah masuk" in out
    assert cli_user.TANPA_AKUN not in out


def test_the_audit_names_the_account_however_user_is_typed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    add = ["user", "add", "--db", url]
    assert run(capsys, monkeypatch, *add, "--role", "admin", "boss", stdin="sandi-boss\n")[0] == 0
    code, _, err = run(
        capsys, monkeypatch, *add, "--role", "subkoordinator", "subkoor", "--user", " BOSS ",
        stdin="sandi-subkoor\n",
    )  # fmt: skip
    assert code == 0, err
    code, _, err = run(capsys, monkeypatch, *OPEN, "--db", url, "--user", "SubKoor ")
    assert code == 0, err
    s = connect(url)
    try:
        who = set(s.audit()["oleh"])
    finally:
        s.close()
    assert {"boss", "subkoor"} <= who and not who & {" BOSS ", "SubKoor "}, who


def test_passwd_unlock_disable(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    base = ["--db", url]
    assert run(capsys, monkeypatch, "user", "add", *base, "--role", "admin", "boss",
               stdin="sandi-boss\n")[0] == 0  # fmt: skip
    assert run(capsys, monkeypatch, "user", "add", *base, "--role", "subkoordinator", "sub",
               "--user", "boss", stdin="sandi-sub1\n")[0] == 0  # fmt: skip
    s = connect(url)
    t0 = dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC)
    for i in range(10):  # a minute apart: past each wait, so every attempt counts
        with pytest.raises(StoreError):
            s.authenticate("sub", "salah", now=t0 + dt.timedelta(minutes=i))
    assert bool(s.users().set_index("username").loc["sub", "terkunci"])
    s.close()
    code, _, err = run(capsys, monkeypatch, "user", "unlock", *base, "sub", "--user", "sub")
    assert code == 1 and "yang boleh: Admin" in err
    code, out, err = run(capsys, monkeypatch, "user", "unlock", *base, "sub", "--user", "boss")
    assert code == 0 and "dibuka kembali" in out, err
    # The account changes its own password (no --user: itself); too short is refused.
    code, _, err = run(capsys, monkeypatch, "user", "passwd", *base, "sub", stdin="pendek\n")
    assert code == 1 and "paling sedikit 8 karakter" in err
    code, out, err = run(capsys, monkeypatch, "user", "passwd", *base, "sub", stdin="baru-sub-1\n")
    assert code == 0, err
    s = connect(url)
    assert s.authenticate("sub", "baru-sub-1").username == "sub"
    s.close()
    code, out, err = run(capsys, monkeypatch, "user", "disable", *base, "sub", "--user", "boss")
    assert code == 0, err
    code, _, err = run(capsys, monkeypatch, *OPEN, *base, "--user", "sub")
    assert code == 1 and "Pengguna 'sub' nonaktif." in err
    code, out, _ = run(capsys, monkeypatch, "user", "list", *base)
    assert "sub  Sub Koordinator Program dan Pelaporan  NONAKTIF" in out


def test_demo_mode_makes_one_account_per_role_and_the_bidang_roles_send_their_own(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    code, out, err = run(capsys, monkeypatch, "demo", "--db", url, "--akun")
    assert code == 0, err
    assert "Akun demo (kata sandi 'demo'): admin, kepala_dinas" in out
    s = connect(url)
    names = s.users()["username"].tolist()
    bidang = s.settings()["bidang"]
    assert s.settings()["demo"] is True
    assert s.authenticate("kabid_perindustrian", "demo").bidang == "Bidang Perindustrian"
    s.close()
    assert len(names) == 4 + 2 * len(bidang)
    assert {"admin", "kepala_dinas", "sekretaris", "subkoordinator"} <= set(names)
    assert {"kabid_perindustrian", "staf_sekretariat"} <= set(names)
    # The late sheet is Perindustrian's: the Sekretariat's staf may not send it, its kabid may.
    before = counts(url)
    code, _, err = run(capsys, monkeypatch, "submit", "--db", url, "--user", "staf_sekretariat",
                       str(SUSULAN))  # fmt: skip
    assert code == 1 and "bukan bidangnya" in err
    assert counts(url) == before
    code, _, err = run(capsys, monkeypatch, "submit", "--db", url, "--user", "kabid_perindustrian",
                       str(SUSULAN))  # fmt: skip
    assert code == 0, err
    # Reading as a bidang's account shows that bidang only; the kepala dinas sees all.
    code, out, _ = run(capsys, monkeypatch, "records", "--db", url, "--json",
                       "--user", "staf_sekretariat")  # fmt: skip
    assert code == 0 and {r["bidang"] for r in json.loads(out)} == {"Sekretariat"}
    code, out, _ = run(capsys, monkeypatch, "history", "--db", url, "--json", "--bidang",
                       "Bidang Perindustrian", "--user", "staf_sekretariat")  # fmt: skip
    assert code == 0 and json.loads(out) == []
    code, out, _ = run(capsys, monkeypatch, "records", "--db", url, "--json",
                       "--user", "kepala_dinas")  # fmt: skip
    assert len({r["bidang"] for r in json.loads(out)}) == len(bidang)
    code, _, err = run(capsys, monkeypatch, "evaluate", "--db", url, "--user", "tamu")
    assert code == 1 and "Pengguna 'tamu' tidak dikenal." in err
    # The demo again: nothing new, no second set of accounts.
    assert run(capsys, monkeypatch, "demo", "--db", url, "--akun")[0] == 0
    s = connect(url)
    assert s.users()["username"].tolist() == sorted(names)
    s.close()


def test_demo_without_demo_mode_makes_no_account(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    assert run(capsys, monkeypatch, "demo", "--db", url)[0] == 0
    s = connect(url)
    assert not s.has_accounts() and "demo" not in s.settings()
    s.close()
