"""The only package that imports streamlit: what the screens in views/ call.

state (session keys, spelled once), guards (the database out of reach), data (the cached
store and read, counts, saving through kirim), widgets (inputs), tables and cards (output),
markup (user text inside Markdown), navigasi (the router's helpers), akun (signing in, the
page guard).

The names below are imported on first use (PEP 562): app.py imports kinerja.ui.navigasi, and
the router must not pay for pandas, the store or the reader before a page asks for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kinerja.ui.akun import require_page as require_page
    from kinerja.ui.cards import instansi_caption as instansi_caption
    from kinerja.ui.cards import overview_metrics as overview_metrics
    from kinerja.ui.cards import show_clashes as show_clashes
    from kinerja.ui.cards import show_result as show_result
    from kinerja.ui.cards import show_saved as show_saved
    from kinerja.ui.data import Upload as Upload
    from kinerja.ui.data import current_records as current_records
    from kinerja.ui.data import history as history
    from kinerja.ui.data import read_upload as read_upload
    from kinerja.ui.data import require_database as require_database
    from kinerja.ui.data import save as save
    from kinerja.ui.data import store as store
    from kinerja.ui.markup import escape as escape
    from kinerja.ui.tables import history_table as history_table
    from kinerja.ui.tables import records_table as records_table
    from kinerja.ui.widgets import context_form as context_form
    from kinerja.ui.widgets import download_merged as download_merged
    from kinerja.ui.widgets import history_filters as history_filters
    from kinerja.ui.widgets import save_button as save_button
    from kinerja.ui.widgets import upload_files as upload_files
    from kinerja.ui.widgets import user_name as user_name

# name -> the submodule that defines it
_NAMES: dict[str, str] = {
    "require_page": "akun",
    "instansi_caption": "cards",
    "overview_metrics": "cards",
    "show_clashes": "cards",
    "show_result": "cards",
    "show_saved": "cards",
    "Upload": "data",
    "current_records": "data",
    "history": "data",
    "read_upload": "data",
    "require_database": "data",
    "save": "data",
    "store": "data",
    "escape": "markup",
    "history_table": "tables",
    "records_table": "tables",
    "context_form": "widgets",
    "download_merged": "widgets",
    "history_filters": "widgets",
    "save_button": "widgets",
    "upload_files": "widgets",
    "user_name": "widgets",
}


def __getattr__(name: str) -> Any:
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later lookups skip this function
    return value
