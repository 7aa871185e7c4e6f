"""Layer rules: Streamlit stays in kinerja/ui/ and views/, app.py's pages exist, modules say
what they are."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted((ROOT / "kinerja").rglob("*.py"))
UI_PACKAGE = ROOT / "kinerja" / "ui"


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def streamlit_imports(source: str) -> list[int]:
    """Line numbers of `import streamlit...` and `from streamlit... import ...`."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        if any(name == "streamlit" or name.startswith("streamlit.") for name in names):
            lines.append(node.lineno)
    return lines


def page_files(source: str) -> list[str]:
    """The file paths given to st.Page(...) (callables, also allowed there, are left out)."""
    paths = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name != "Page":
            continue
        args = node.args[:1] + [kw.value for kw in node.keywords if kw.arg == "page"]
        paths += [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    return paths


@pytest.mark.parametrize(
    ("source", "lines"),
    [
        ("import streamlit as st", [1]),
        ("import os, streamlit", [1]),
        ("from streamlit import session_state", [1]),
        ("import streamlit.components.v1 as components", [1]),
        ("x = 1\nfrom streamlit.runtime import exists", [2]),
        ("import streamlit_extras", []),
        ("from . import streamlit", []),
        ("# import streamlit\ntext = 'import streamlit'", []),
    ],
)
def test_streamlit_imports_finds_every_spelling(source: str, lines: list[int]) -> None:
    assert streamlit_imports(source) == lines


@pytest.mark.parametrize(
    ("source", "paths"),
    [
        ('st.Page("pages/a.py", title="A")', ["pages/a.py"]),
        ('Page(page="pages/b.py")', ["pages/b.py"]),
        ("st.Page(beranda)", []),
        ('st.navigation([st.Page("a.py"), st.Page("b.py", default=True)])', ["a.py", "b.py"]),
    ],
)
def test_page_files_reads_st_page_calls(source: str, paths: list[str]) -> None:
    assert page_files(source) == paths


@pytest.mark.parametrize("path", [p for p in MODULES if UI_PACKAGE not in p.parents], ids=rel)
def test_domain_module_does_not_import_streamlit(path: Path) -> None:
    lines = streamlit_imports(path.read_text(encoding="utf-8"))
    assert not lines, f"{rel(path)} imports streamlit (lines {lines}); only kinerja/ui/ may"


@pytest.mark.parametrize("path", MODULES, ids=rel)
def test_module_has_a_docstring(path: Path) -> None:
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
    assert docstring and docstring.strip(), f"{rel(path)} has no module docstring"


def test_every_page_in_app_py_exists() -> None:
    app = ROOT / "app.py"
    assert app.is_file(), "app.py, the router, is missing"
    pages = page_files(app.read_text(encoding="utf-8"))
    assert pages, "app.py names no page file in st.Page(...)"
    missing = [page for page in pages if not (ROOT / page).is_file()]
    assert not missing, f"app.py names page files that do not exist: {missing}"


# What a start-up path must not import: each costs a noticeable part of a second that the
# first page or the command pays before showing anything (bench/app.py measures the whole).
LAZY_IMPORTS = [
    # The router: app.py imports navigasi before any page runs.
    ("kinerja.ui.navigasi", ["pandas", "sqlalchemy", "pandera", "kinerja.ingest"]),
    # The reader package: pandera comes with the first validation, not with the import
    # (Beranda, Riwayat and every command that reads no sheet import kinerja.ingest).
    ("kinerja.ingest", ["pandera"]),
    ("kinerja.ui.cards", ["pandera"]),
    ("kinerja.cli_evaluasi", ["pandera"]),
]


@pytest.mark.parametrize(("module", "absent"), LAZY_IMPORTS)
def test_start_up_paths_leave_heavy_libraries_unimported(module: str, absent: list[str]) -> None:
    import subprocess
    import sys

    code = f"import sys, {module}\nprint(' '.join(m for m in {absent!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [], f"{module} imports {done.stdout.strip()}"
