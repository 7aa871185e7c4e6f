"""kinerja.isolate: the fork server's children do not run the caller's __main__ again."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# A main script that counts how often it is executed (as __main__ or as __mp_main__), then,
# with a second thread alive (a server's situation), reads a sheet through the fork server.
SCRIPT = """
import os, sys, threading
sys.path.insert(0, {root!r})
with open({marker!r}, "a") as fh:
    fh.write(__name__ + "\\n")
if __name__ == "__main__":
    from kinerja import isolate, workbook
    stop = threading.Event()
    t = threading.Thread(target=stop.wait, daemon=True)
    t.start()
    assert isolate._context().get_start_method() == {method!r}  # a thread: the fork server
    for _ in range(3):
        print(isolate.run(os.getpid) != os.getpid())
    stop.set()
"""


def test_fork_server_children_do_not_rerun_main(tmp_path: Path) -> None:
    marker = tmp_path / "runs.txt"
    script = tmp_path / "page.py"
    script.write_text(
        textwrap.dedent(SCRIPT.format(root=str(ROOT), marker=str(marker), method="forkserver"))
    )
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "KINERJA_ISOLATE"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True"] * 3  # each job ran in another process
    # Executed once, as __main__: never again as __mp_main__ in a child.
    assert marker.read_text().split() == ["__main__"]
