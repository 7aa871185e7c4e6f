"""File bytes to canonical records plus a report of errors and warnings with spreadsheet rows.

One job per module: results (what a read gives, its JSON, the merge), locate (where the tables
are), cells (cell columns to values), checks (the pandera model, duplicates, capaian), reader
(every table of every visible sheet, with its context), meta (the app's own collection format:
its metadata block and the checks against it). The names below are the public surface.
"""

from kinerja import capaian as cp
from kinerja import schema
from kinerja.ingest.locate import (
    Column,
    Table,
    TitleInfo,
    is_summary_label,
    locate_table,
    locate_tables,
    read_title,
    sheet_name_info,
)
from kinerja.ingest.reader import read
from kinerja.ingest.results import (
    Defaults,
    IngestResult,
    Issue,
    Report,
    merge,
    records_to_json,
)

__all__ = [
    "Column",
    "Defaults",
    "IngestResult",
    "Issue",
    "Report",
    "Table",
    "TitleInfo",
    "cp",
    "is_summary_label",
    "locate_table",
    "locate_tables",
    "merge",
    "read",
    "read_title",
    "records_to_json",
    "schema",
    "sheet_name_info",
]
