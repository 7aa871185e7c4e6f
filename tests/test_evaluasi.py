"""Evaluation over the store and its command line: the demo's planted slips are flagged, a
decision holds for the numbers it was made on, verification is refused while a flag is open,
and the JSON of `kinerja evaluate` keeps its contract."""

from __future__ import annotations

import json
import shutil
import tomllib
from pathlib import Path

import pytest

from kinerja import cli, evaluasi
from kinerja.store import StoreError, connect

ROOT = Path(__file__).resolve().parents[1]
CONTRACT_KEYS = {
    "id",
    "bidang",
    "sasaran",
    "indikator",
    "tahun",
    "periode",
    "check",
    "message",
    "status",
    "catatan",
}
# Who the demo's own checks of its finished year (2022) are recorded under.
DEMO_OLEH = tomllib.loads((ROOT / "data" / "instansi.toml").read_text())["subkoordinator"]["nama"]
HI = "Bidang Hubungan Industrial"
PELATIHAN = "Bidang Pelatihan dan Penempatan Tenaga Kerja"
JAMSOSTEK = "Pekerja peserta program Jamsostek"
LOWONGAN = "Persentase lowongan kerja yang terpenuhi"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def _demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    path = folder / "demo.db"
    assert cli.main(["demo", "--db", f"sqlite:///{path}", "--json"]) == 0
    # A self-contained copy (the live file keeps recent pages in its WAL).
    s = connect(f"sqlite:///{path}")
    try:
        return s.backup(folder / "golden.db")
    finally:
        s.close()


@pytest.fixture
def demo_url(_demo_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A private copy of the demo database (SQLite), so each test starts from the demo."""
    capsys.readouterr()
    path = tmp_path / "demo.db"
    shutil.copyfile(_demo_db, path)
    return f"sqlite:///{path}"


def _flags(capsys: pytest.CaptureFixture[str], url: str, *extra: str) -> list[dict]:
    code, out, err = run(capsys, "evaluate", "--db", url, "--json", *extra)
    assert code == 0, err
    return json.loads(out)


def _one(flags: list[dict], **match: object) -> dict:
    hits = [f for f in flags if all(f[k] == v for k, v in match.items())]
    assert len(hits) == 1, (match, [(f["check"], f["indikator"], f["periode"]) for f in flags])
    return hits[0]


def test_the_demo_slips_are_flagged_with_the_contract_keys(
    demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    flags = _flags(capsys, demo_url)
    assert flags, "the demo has planted slips"
    for f in flags:
        assert set(f) >= CONTRACT_KEYS, f
        # The demo's finished year (2022) was checked and verified: its flags accepted.
        assert f["status"] == ("diterima" if f["tahun"] == 2022 else "terbuka"), f
        assert isinstance(f["id"], str) and f["id"]
    assert any(f["tahun"] == 2022 and f["catatan"] for f in flags)
    jams = _one(flags, indikator=JAMSOSTEK, tahun=2023, periode="TW II", check="capaian_tinggi")
    assert "36.610" in jams["message"] and "3.700" in jams["message"]
    assert jams["bidang"] == HI
    low = _one(flags, indikator=LOWONGAN, tahun=2023, periode="TW III", check="pecahan_persen")
    assert "0,7281" in low["message"]
    assert low["bidang"] == PELATIHAN
    # Ids are stable: the same data gives the same ids.
    assert [f["id"] for f in _flags(capsys, demo_url)] == [f["id"] for f in flags]


@pytest.mark.parametrize(
    ("extra", "keep"),
    [
        (["--tahun", "2022"], lambda f: f["tahun"] == 2022),
        (["--bidang", HI], lambda f: f["bidang"] == HI),
        (["--periode", "Triwulan 2"], lambda f: f["periode"] in ("TW II", None)),
    ],
)
def test_evaluate_filters(
    demo_url: str, capsys: pytest.CaptureFixture[str], extra: list[str], keep
) -> None:
    every = _flags(capsys, demo_url)
    some = _flags(capsys, demo_url, *extra)
    assert some == [f for f in every if keep(f)]


@pytest.mark.parametrize(
    "argv",
    [
        ["evaluate", "--tahun", "dua ribu"],
        ["evaluate", "--periode", "TW 5"],
        ["verify", "--bidang", HI, "--tahun", "2023"],
        ["return", "--bidang", HI, "--tahun", "2023", "--periode", "TW II"],
        ["unverify", "--bidang", HI, "--tahun", "2023", "--periode", "TW II"],
        ["flag", "accept", "abc"],
        ["flag", "maybe", "abc", "--catatan", "x"],
    ],
)
def test_usage_errors_exit_2(
    demo_url: str, capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main([*argv, "--db", demo_url])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "kesalahan penggunaan" in err and "Traceback" not in err


def test_evaluate_text_output(demo_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "evaluate", "--db", demo_url, "--tahun", "2023", "--bidang", HI)
    assert code == 0
    assert JAMSOSTEK in out and "TERBUKA" in out and "belum diterima" in out


def test_verification_waits_for_every_flag(
    demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    slot = ["--bidang", HI, "--tahun", "2023", "--periode", "TW II", "--user", "sari"]
    held = [
        f
        for f in _flags(capsys, demo_url, "--bidang", HI, "--tahun", "2023", "--periode", "TW II")
        if f["periode"] == "TW II"
    ]
    assert held
    code, _, err = run(capsys, "verify", "--db", demo_url, *slot)
    assert code == 1
    assert "belum dapat diverifikasi" in err and held[0]["id"] in err

    # Sent back: still holds verification up.
    first, *rest = held
    code, out, err = run(
        capsys, "flag", "return", first["id"], "--db", demo_url, "--catatan", "cek angka",
        "--user", "sari",
    )  # fmt: skip
    assert code == 0, err
    assert run(capsys, "verify", "--db", demo_url, *slot)[0] == 1

    for f in held:
        code, _, err = run(
            capsys, "flag", "accept", f["id"], "--db", demo_url,
            "--catatan", "sudah dicek dengan bukti", "--user", "sari",
        )  # fmt: skip
        assert code == 0, err
    after = {f["id"]: f for f in _flags(capsys, demo_url)}
    assert {after[f["id"]]["status"] for f in held} == {"diterima"}
    assert after[first["id"]]["catatan"] == "sudah dicek dengan bukti"

    code, out, err = run(capsys, "verify", "--db", demo_url, *slot, "--json")
    assert code == 0, err
    assert json.loads(out)["status"] == "verified"
    # Verified: a second verify is refused (exit 1, the reason), unverify needs its reason.
    code, _, err = run(capsys, "verify", "--db", demo_url, *slot)
    assert code == 1 and "status: verified" in err
    code, _, err = run(capsys, "unverify", "--db", demo_url, *slot, "--catatan", "  ")
    assert code == 1 and "Alasan" in err
    code, out, _ = run(capsys, "unverify", "--db", demo_url, *slot, "--catatan", "salah ketik")
    assert code == 0 and "dibuka lagi" in out

    s = connect(demo_url)
    try:
        actions = s.audit(aksi="tanda.")
        actions = actions[actions["oleh"] != DEMO_OLEH]  # the demo's own checks of 2022
        assert set(actions["oleh"]) == {"sari"}
        assert "tanda.dikembalikan" in set(actions["aksi"])
        assert "tanda.diterima" in set(actions["aksi"])
        verif = s.audit(aksi="verifikasi.")
        assert verif.iloc[-2]["aksi"] == "verifikasi.verified"
        assert verif.iloc[-1]["aksi"] == "verifikasi.returned"
        assert verif.iloc[-1]["baru"]["catatan"] == "salah ketik"
    finally:
        s.close()


def test_a_slot_without_flags_verifies_and_return_needs_a_note(
    demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    s = connect(demo_url)
    try:
        every = evaluasi.flags(s)
        counts = s.records(tahun=2023).groupby(["bidang", "tahun", "periode"]).size()
        free = [k for k in counts.index if evaluasi.blocking(s, k[0], int(k[1]), k[2]).empty]
    finally:
        s.close()
    assert not every.empty and free, "the demo has both flagged and clean rounds"
    bidang, tahun, periode = free[0]
    slot = ["--bidang", bidang, "--tahun", str(tahun), "--periode", periode]
    code, _, err = run(capsys, "return", "--db", demo_url, *slot, "--catatan", "")
    assert code == 1 and "catatan" in err
    code, out, err = run(capsys, "verify", "--db", demo_url, *slot)
    assert code == 0, err
    assert "terverifikasi" in out


def test_flag_commands_refuse_an_unknown_id_and_an_empty_note(
    demo_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "flag", "accept", "0000000000", "--db", demo_url, "--catatan", "x")
    assert code == 1 and "tidak ada pada data terkini" in err
    some = next(f for f in _flags(capsys, demo_url) if f["status"] == "terbuka")
    code, _, err = run(capsys, "flag", "accept", some["id"], "--db", demo_url, "--catatan", " ")
    assert code == 1 and "catatan" in err
    again = {f["id"]: f for f in _flags(capsys, demo_url)}
    assert again[some["id"]]["status"] == "terbuka"


def test_verify_refuses_when_the_records_changed_since_they_were_judged(demo_url: str) -> None:
    s = connect(demo_url)
    try:
        counts = s.records(tahun=2023).groupby(["bidang", "tahun", "periode"]).size()
        bidang, tahun, periode = next(
            k for k in counts.index if evaluasi.blocking(s, k[0], int(k[1]), k[2]).empty
        )
        ids = s.slot_records(bidang, int(tahun), periode)
        with pytest.raises(StoreError, match="berubah sejak diperiksa"):
            s.verify(bidang, int(tahun), periode, user="sari", expect=ids[:-1])
        assert s.verification(bidang, int(tahun), periode) == "submitted"
        assert s.verify(bidang, int(tahun), periode, user="sari", expect=ids) == "verified"
    finally:
        s.close()


def test_flag_decisions_on_both_databases(db_url: str) -> None:
    """The tanda table on SQLite and PostgreSQL: one decision per flag, replaced and audited."""
    s = connect(db_url)
    try:
        s.init(user="uji")
        flag = {
            "id": "0123456789",
            "bidang": "Sekretariat",
            "indikator": "Indeks kepuasan masyarakat",
            "tahun": 2023,
            "periode": None,
            "check": "tidak_ada_data",
        }
        s.decide_flag(flag, status="dikembalikan", catatan="isi dulu", user="sari")
        s.decide_flag(flag, status="diterima", catatan="  tidak diukur tahun ini ", user="budi")
        got = s.flag_decisions()
        assert got[["kode", "status", "catatan", "oleh"]].values.tolist() == [
            ["0123456789", "diterima", "tidak diukur tahun ini", "budi"]
        ]
        with pytest.raises(StoreError, match="tidak dikenal"):
            s.decide_flag(flag, status="terbuka", catatan="x", user="budi")
        log = s.audit(aksi="tanda.")
        assert log["aksi"].tolist() == ["tanda.dikembalikan", "tanda.diterima"]
        assert log.iloc[1]["lama"] == {"status": "dikembalikan", "catatan": "isi dulu"}
        version = s.version()
        s.decide_flag(flag, status="diterima", catatan="lagi", user="budi")
        assert s.version() > version
    finally:
        s.close()
