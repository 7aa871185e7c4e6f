"""The database (SQLAlchemy 2 + Alembic): connect() gives a Store, a thin facade over one
module per job (see facade.py); it never imports the reader or pandera."""

from kinerja.store.akun import Akun as Akun
from kinerja.store.engine import MIGRATIONS_DIR as MIGRATIONS_DIR
from kinerja.store.engine import StoreError as StoreError
from kinerja.store.engine import data_dir as data_dir
from kinerja.store.engine import default_url as default_url
from kinerja.store.engine import make_engine as make_engine
from kinerja.store.engine import migrate as migrate
from kinerja.store.facade import Store as Store
from kinerja.store.facade import connect as connect
from kinerja.store.indicators import PK_COLUMNS as PK_COLUMNS
from kinerja.store.instansi import read_instansi_toml as read_instansi_toml
from kinerja.store.instansi import settings_from_toml as settings_from_toml
from kinerja.store.rounds import LANGKAH as LANGKAH
from kinerja.store.submissions import STORED_COLUMNS as STORED_COLUMNS
from kinerja.store.submissions import IngestLike as IngestLike
from kinerja.store.submissions import SubmitOutcome as SubmitOutcome
from kinerja.store.tables import LENGTHS as LENGTHS
from kinerja.store.tables import Base as Base
from kinerja.store.tables import Rekaman as Rekaman
