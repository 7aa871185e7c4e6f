"""The project's documentation and the code agree: header aliases, capaian rules, bands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kinerja import capaian, schema

ROOT = Path(__file__).resolve().parents[1]
FORMAT = (ROOT / "docs" / "format.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _table_after(text: str, marker: str) -> list[list[str]]:
    """The rows (cells stripped) of the first Markdown table after marker, header excluded."""
    start = text.index(marker)
    rows = []
    for line in text[start:].splitlines()[1:]:
        if not line.startswith("|"):
            if rows:
                break
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if set("".join(cells)) <= set("-: "):
            continue
        rows.append(cells)
    return rows[1:]


def test_docs_alias_table_is_the_schema() -> None:
    rows = _table_after(FORMAT, "<!-- aliases")
    documented = {
        field: {re.sub(r"\s*\(.*\)$", "", a).strip() for a in headers.split(",")}
        for field, headers, _ in rows
    }
    assert documented.keys() == schema.HEADER_ALIASES.keys()
    for field, aliases in schema.HEADER_ALIASES.items():
        assert documented[field] == set(aliases), field


@pytest.mark.parametrize(
    "alias", [a for aliases in schema.HEADER_ALIASES.values() for a in aliases]
)
def test_every_alias_reads_as_its_field(alias: str) -> None:
    field = next(f for f, aliases in schema.HEADER_ALIASES.items() if alias in aliases)
    assert schema.header_field(alias.upper()) == field


def test_readme_names_every_header_alias() -> None:
    section = README[README.index("## Reading a sheet") : README.index("## Command line")]
    words = section.lower()
    for aliases in schema.HEADER_ALIASES.values():
        for alias in aliases:
            if alias in ("bidang / sekretariat", "bidang/sekretariat", "unit"):
                continue  # spellings of "Bidang / Unit Kerja", named by their main form
            assert alias in words, alias


def test_docs_predikat_bands_are_the_defaults() -> None:
    rows = _table_after(FORMAT, "<!-- bands")
    documented = []
    for when, label in rows:
        m = re.match(r"(\d+) and above", when)
        documented.append((float(m[1]) if m else float("-inf"), label))
    assert tuple(documented) == capaian.PREDIKAT_BAWAAN


@pytest.mark.parametrize(
    ("case", "target", "realisasi", "arah", "rumus", "expected", "reason"),
    [
        ("naik", 200.0, 150.0, "naik", "selisih", 75.0, None),
        ("turun", 7.0, 6.5, "turun", "selisih", 107.14285714285714, None),
        ('turun, setting "rasio"', 8.0, 10.0, "turun", "rasio", 80.0, None),
        ("target 0, naik", 0.0, 5.0, "naik", "selisih", None, "target 0"),
        ("target 0, turun", 0.0, 0.0, "turun", "selisih", 100.0, None),
        (
            "realisasi not reported",
            10.0,
            None,
            "naik",
            "selisih",
            None,
            "realisasi belum dilaporkan",
        ),
    ],
)
def test_docs_capaian_rules_are_the_code(
    case: str,
    target: float,
    realisasi: float | None,
    arah: str,
    rumus: str,
    expected: float | None,
    reason: str | None,
) -> None:
    rows = {r[0]: r[1] for r in _table_after(FORMAT, "<!-- rules")}
    assert case in rows, f"docs/format.md lists no rule '{case}'"
    got = capaian.compute_capaian(
        [target], [realisasi], arah, capaian.Settings(rumus_turun=rumus)
    ).iloc[0]
    if expected is None:
        assert got["capaian"] != got["capaian"]  # NaN: empty
        assert reason is not None and reason in got["catatan"]
        assert reason in rows[case]
    else:
        assert got["capaian"] == pytest.approx(expected)
