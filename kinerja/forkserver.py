"""Preloaded by kinerja.isolate's fork server: its children skip re-running __main__.

multiprocessing prepares each fork-server child by importing the parent's main module again
(as __mp_main__), so that functions defined there unpickle. The parent's __main__ is never
kinerja's: it is Streamlit's command line in a server (about a second of imports) and the page
script itself under AppTest (app.py, run again per read). The jobs sent to the children are
functions of kinerja modules, which unpickle without it, so the children skip that step.
"""

from __future__ import annotations

from collections.abc import Mapping
from multiprocessing import spawn
from typing import Any

import kinerja.workbook  # noqa: F401  (imported once here, inherited by every child)

_MAIN_KEYS = ("init_main_from_path", "init_main_from_name")
_prepare = spawn.prepare


def _prepare_without_main(data: Mapping[str, Any]) -> None:
    _prepare({k: v for k, v in data.items() if k not in _MAIN_KEYS})


# This module is imported only in the fork server (set_forkserver_preload), whose children
# call spawn.prepare; no other process is changed.
spawn.prepare = _prepare_without_main
