"""The only package that imports streamlit: what the screens in views/ call.

state (session keys, spelled once), guards (the database out of reach), data (the cached
store and read, counts, saving through kirim), widgets (inputs), tables and cards (output),
markup (user text inside Markdown).
"""

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
