"""`kinerja round open|step|status`: exit codes, the `round status --json` contract, and the
demo's round in progress that the late sheet completes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kinerja import cli, cli_round

ROOT = Path(__file__).resolve().parents[1]
SUSULAN = ROOT / "data" / "contoh-susulan" / "bidang-perindustrian-tw-iv-2023.xlsx"
PERINDUSTRIAN = "Bidang Perindustrian"
STATUS_KEYS = [
    "tahun", "periode", "tenggat", "sisa_hari", "langkah_terbuka", "bidang_masuk",
    "jumlah_bidang", "belum_masuk", "langkah", "kelengkapan",
]  # fmt: skip
LANGKAH_KEYS = [
    "nomor", "kunci", "nama", "pelaksana", "status", "waktu", "oleh", "catatan", "sumber",
    "durasi_menit", "mutu_baku_menit", "terlambat", "keterangan",
]  # fmt: skip
KELENGKAPAN_KEYS = ["bidang", "periode", "status", "waktu"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def status(capsys: pytest.CaptureFixture[str], url: str, *extra: str) -> dict:
    code, out, err = run(capsys, "round", "status", "--db", url, "--json", *extra)
    assert code == 0, err
    return json.loads(out)


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'kinerja.db'}"


def test_the_json_keys_are_the_documented_contract() -> None:
    assert cli_round.STATUS_JSON_KEYS == STATUS_KEYS
    assert cli_round.LANGKAH_JSON_KEYS == LANGKAH_KEYS
    assert cli_round.KELENGKAPAN_JSON_KEYS == KELENGKAPAN_KEYS


def test_open_record_and_read_a_round(capsys: pytest.CaptureFixture[str], url: str) -> None:
    code, out, err = run(
        capsys, "round", "open", "--db", url, "--tahun", "2024", "--periode", "Triwulan 1",
        "--tenggat", "10-04-2024", "--user", "Kadis", "--catatan", "Surat 005/1",
    )  # fmt: skip
    assert code == 0, err
    assert "Putaran TW I 2024 dibuka; tenggat 10 Apr 2024." in out

    got = status(capsys, url)
    assert list(got) == STATUS_KEYS
    assert (got["tahun"], got["periode"], got["tenggat"]) == (2024, "TW I", "2024-04-10")
    assert got["sisa_hari"] < 0  # 10 April 2024 has passed
    assert got["langkah_terbuka"] == 2 and got["bidang_masuk"] == 0
    assert got["jumlah_bidang"] == len(got["belum_masuk"]) == 4
    assert [list(s) for s in got["langkah"]] == [LANGKAH_KEYS] * 7
    one, two = got["langkah"][:2]
    assert (one["status"], one["oleh"], one["catatan"], one["sumber"]) == (
        "selesai", "Kadis", "Surat 005/1", "dicatat",
    )  # fmt: skip
    assert one["mutu_baku_menit"] == 30 and one["durasi_menit"] is None
    assert two["status"] == "berjalan" and two["mutu_baku_menit"] == 180
    assert [s["status"] for s in got["langkah"][2:]] == ["belum"] * 5
    # The matrix: four bidang x four quarters; TW I's deadline has passed with nothing in.
    assert all(list(c) == KELENGKAPAN_KEYS for c in got["kelengkapan"])
    cells = {(c["bidang"], c["periode"]): c["status"] for c in got["kelengkapan"]}
    assert len(cells) == 16
    assert {s for (_, p), s in cells.items() if p == "TW I"} == {"terlambat"}
    assert {s for (_, p), s in cells.items() if p != "TW I"} == {"belum_masuk"}

    code, out, err = run(
        capsys, "round", "step", "2", "--db", url, "--catatan", "format lewat WA", "--user", "Ani"
    )
    assert code == 0, err
    assert "Langkah 2 (Menyusun format data kinerja) putaran TW I 2024 dicatat." in out
    got = status(capsys, url)
    two = got["langkah"][1]
    assert (two["status"], two["oleh"], two["catatan"]) == ("selesai", "Ani", "format lewat WA")
    assert two["durasi_menit"] is not None and two["durasi_menit"] >= 0
    assert got["langkah_terbuka"] == 3

    # Text output names the steps and the late cells, in Indonesian.
    code, out, _ = run(capsys, "round", "status", "--db", url)
    assert code == 0
    assert "Putaran TW I 2024: tenggat 10 Apr 2024 (lewat" in out
    assert "3. Mengirim format ke setiap bidang (Sub Koordinator / Staf): BERJALAN" in out
    assert "TW I: Sekretariat: Terlambat" in out


def test_opening_twice_is_refused_unless_it_moves_the_deadline(
    capsys: pytest.CaptureFixture[str], url: str
) -> None:
    base = ["round", "open", "--db", url, "--tahun", "2024", "--periode", "TW II"]
    assert run(capsys, *base)[0] == 0
    assert status(capsys, url)["tenggat"] == "2024-07-10"  # the default: 10 days after June
    code, out, err = run(capsys, *base, "--json")
    assert code == 1
    assert "sudah dibuka" in json.loads(out)["error"] and "sudah dibuka" in err
    code, out, err = run(capsys, *base, "--tenggat", "2024-07-15", "--json")
    assert code == 0, err
    assert json.loads(out) == {
        "ok": True, "tahun": 2024, "periode": "TW II", "tenggat": "2024-07-15", "dibuka": False,
    }  # fmt: skip
    assert status(capsys, url)["tenggat"] == "2024-07-15"


def test_a_step_of_another_round_and_the_current_round(
    capsys: pytest.CaptureFixture[str], url: str
) -> None:
    for periode in ("TW I", "TW II"):
        assert (
            run(capsys, "round", "open", "--db", url, "--tahun", "2024", "--periode", periode)[0]
            == 0
        )
    # The current round is the one opened last; --tahun/--periode choose another.
    assert status(capsys, url)["periode"] == "TW II"
    code, out, err = run(
        capsys, "round", "step", "7", "--db", url, "--tahun", "2024", "--periode", "TW I",
        "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out) == {
        "ok": True, "tahun": 2024, "periode": "TW I", "nomor": 7, "kunci": "disusun",
    }  # fmt: skip
    first = status(capsys, url, "--tahun", "2024", "--periode", "TW I")
    assert first["langkah"][6]["status"] == "selesai"
    assert status(capsys, url)["langkah"][6]["status"] == "belum"


@pytest.mark.parametrize(
    "argv",
    [
        ["round", "step", "8"],
        ["round", "step", "dua"],
        ["round", "status", "--tahun", "2024"],
        ["round", "step", "2", "--periode", "TW I"],
        ["round", "open", "--tahun", "2024"],
        ["round", "open", "--tahun", "2024", "--periode", "TW 5"],
        ["round", "open", "--tahun", "2024", "--periode", "TW I", "--tenggat", "31-02-2024"],
        ["round"],
    ],
)
def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], url: str, argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        code = cli.main([*argv, "--db", url])
        raise SystemExit(code)
    assert exc.value.code == 2
    assert "kesalahan penggunaan" in capsys.readouterr().err


def test_no_round_yet_is_refused(capsys: pytest.CaptureFixture[str], url: str) -> None:
    assert run(capsys, "db", "init", "--db", url)[0] == 0
    code, out, err = run(capsys, "round", "status", "--db", url, "--json")
    assert code == 1
    assert json.loads(out)["ok"] is False
    assert "Belum ada putaran" in err
    code, _, err = run(capsys, "round", "step", "1", "--db", url)
    assert code == 1 and "kinerja round open" in err


def test_the_demo_leaves_a_round_in_progress_that_the_late_sheet_completes(
    capsys: pytest.CaptureFixture[str], url: str
) -> None:
    assert run(capsys, "demo", "--db", url)[0] == 0
    got = status(capsys, url)
    assert (got["tahun"], got["periode"]) == cli_round.DEMO_PUTARAN
    steps = got["langkah"]
    assert [s["status"] for s in steps] == ["selesai"] * 3 + ["berjalan"] + ["belum"] * 3
    assert [s["terlambat"] for s in steps[:3]] == [False, True, False]  # the format: 3 h 20 min
    assert [s["durasi_menit"] for s in steps[:3]] == [None, 200, 15]
    # The deadline is a week after the day the demo ran (one less if midnight WIB fell between).
    assert got["sisa_hari"] in (cli_round.DEMO_TENGGAT_HARI - 1, cli_round.DEMO_TENGGAT_HARI)
    assert got["bidang_masuk"] == 3 and got["belum_masuk"] == [PERINDUSTRIAN]
    assert steps[3]["keterangan"] == "3 dari 4 bidang"
    cell = {(c["bidang"], c["periode"]): c for c in got["kelengkapan"]}
    assert cell[(PERINDUSTRIAN, "TW IV")]["status"] == "belum_masuk"
    assert cell[(PERINDUSTRIAN, "TW IV")]["waktu"] is None
    assert cell[(PERINDUSTRIAN, "TW III")]["status"] == "diterima"
    assert cell[(PERINDUSTRIAN, "TW III")]["waktu"].endswith("+00:00")

    # Running the demo again changes no round.
    assert run(capsys, "demo", "--db", url)[0] == 0
    assert status(capsys, url)["langkah"] == steps

    # The late sheet comes in: every bidang is in, steps 4 and 5 are done by the data.
    code, _, err = run(capsys, "submit", "--db", url, "--user", "perindustrian", str(SUSULAN))
    assert code == 0, err
    got = status(capsys, url)
    assert got["bidang_masuk"] == 4 and got["belum_masuk"] == []
    four, five = got["langkah"][3:5]
    assert (four["status"], four["sumber"], four["oleh"]) == ("selesai", "data", "perindustrian")
    assert five["status"] == "selesai" and not five["terlambat"]
    assert got["langkah_terbuka"] == 6
    cell = {(c["bidang"], c["periode"]): c for c in got["kelengkapan"]}
    assert cell[(PERINDUSTRIAN, "TW IV")]["status"] == "diterima"
    assert cell[(PERINDUSTRIAN, "TW IV")]["waktu"] is not None
