"""Store, the one object the pages and the command line hold: each method resolves the agency
and hands over to the module that does the job.

engine: URL, connection rules, migrations, transactions; tables: ORM, text limits, the audit
line; instansi: agencies and settings; rounds; submissions: storing a file; records: reading
back; verification: verification, notes, the audit log; indicators: the PK master;
tanda: decisions on evaluation flags and what the evaluation reads; akun: accounts, sign-in
and the role check; maintenance: backup, check, counts, version.

Rules the store keeps:
- one submission is one transaction; a refused file changes no record, only adds a refused
  submission (with its report) and an audit line;
- records are current per slot (instansi, bidang, tahun, periode): an accepted submission
  makes its slots' older records non-current (they stay readable) and records what changed;
- a verified slot is locked until someone unverifies it with a reason;
- the audit table is append-only, enforced by database triggers on SQLite and PostgreSQL;
- every write checks its user's role (akun.authorize, kinerja.peran) inside its own
  transaction, so a refused action changes nothing; while there is no account nothing is
  checked;
- nothing leaves the store as a raw database error: StoreError, in Indonesian;
- the store never imports the reader (kinerja.ingest, kinerja.pk, kinerja.workbook) or
  pandera: submit takes anything shaped like submissions.IngestLike.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from kinerja.store import (
    akun,
    indicators,
    instansi,
    maintenance,
    records,
    rounds,
    submissions,
    tanda,
    verification,
)
from kinerja.store.akun import Akun
from kinerja.store.engine import StoreError, default_url, make_engine, migrate, short
from kinerja.store.submissions import IngestLike, SubmitOutcome

if TYPE_CHECKING:
    from kinerja.capaian import Settings


def connect(url: str | None = None) -> Store:
    """Open the database at url (default: default_url()), migrated to head."""
    try:
        engine = make_engine(url or default_url())
    except (sa.exc.SQLAlchemyError, OSError) as exc:
        raise StoreError(f"Basis data tidak dapat dibuka: {short(exc)}") from exc
    try:
        migrate(engine)
    except sa.exc.SQLAlchemyError as exc:
        engine.dispose()
        raise StoreError(f"Basis data tidak dapat dibuka: {short(exc)}") from exc
    return Store(engine)


class Store:
    """Operations on one database. Create with connect(); close() when done.

    instansi_id=None means the first agency (a single-agency deployment has one).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _iid(self, instansi_id: int | None) -> int:
        return instansi.default_id(self.engine) if instansi_id is None else instansi_id

    # -- agencies and settings (instansi) ----------------------------------------------------

    def init(self, toml_path: Path | None = None, *, user: str = "sistem") -> int:
        """Make sure one agency exists (seeded from instansi.toml); return its id."""
        return instansi.init(self.engine, toml_path, user=user)

    def create_instansi(
        self,
        kode: str,
        nama: str,
        pengaturan: dict[str, Any] | None = None,
        *,
        user: str = "sistem",
    ) -> int:
        """Add an agency; kode is a short unique name (e.g. "disperinaker")."""
        return instansi.create(self.engine, kode, nama, pengaturan, user=user)

    def instansi(self) -> pd.DataFrame:
        """Every agency: id, kode, nama."""
        return instansi.every(self.engine)

    def settings(self, instansi_id: int | None = None) -> dict[str, Any]:
        """The agency's settings (nama, bidang, kepala_dinas, capaian, ...)."""
        return instansi.settings(self.engine, self._iid(instansi_id))

    def set_settings(
        self, values: Mapping[str, Any], *, user: str, instansi_id: int | None = None
    ) -> dict[str, Any]:
        """Merge values into the agency's settings (top-level keys replaced); audited."""
        return instansi.set_settings(self.engine, self._iid(instansi_id), values, user=user)

    def capaian_settings(self, instansi_id: int | None = None) -> Settings:
        """The agency's capaian.Settings (defaults where unset)."""
        return instansi.capaian_settings(self.engine, self._iid(instansi_id))

    # -- rounds and SOP steps (rounds) -------------------------------------------------------

    def open_round(
        self, tahun: int, periode: str, *, user: str, instansi_id: int | None = None
    ) -> int:
        """The round tahun + periode (created when new); its id."""
        return rounds.open_round(self.engine, self._iid(instansi_id), tahun, periode, user=user)

    def add_step(
        self,
        tahun: int,
        periode: str,
        langkah: str,
        *,
        user: str,
        waktu: dt.datetime | None = None,
        catatan: str | None = None,
        instansi_id: int | None = None,
    ) -> int:
        """Record an SOP step (see rounds.LANGKAH) of a round; waktu defaults to now."""
        iid = self._iid(instansi_id)
        return rounds.add_step(
            self.engine, iid, tahun, periode, langkah, user=user, waktu=waktu, catatan=catatan
        )

    def rounds(self, *, instansi_id: int | None = None, tahun: int | None = None) -> pd.DataFrame:
        """Rounds with their steps: one row per step (a round without steps has one empty row)."""
        return rounds.rounds(self.engine, self._iid(instansi_id), tahun=tahun)

    def start_round(
        self,
        tahun: int,
        periode: str,
        *,
        user: str,
        batas: dt.datetime,
        waktu: dt.datetime | None = None,
        catatan: str | None = None,
        instansi_id: int | None = None,
    ) -> int:
        """Open a round the SOP way: its disposisi (waktu, default now) and its deadline
        (batas), in one transaction; refused when already opened (kinerja.putaran_store.buka)."""
        iid = self._iid(instansi_id)
        return rounds.start_round(
            self.engine, iid, tahun, periode, user=user, batas=batas, waktu=waktu, catatan=catatan
        )

    def round_submissions(
        self,
        *,
        instansi_id: int | None = None,
        tahun: int | None = None,
        periode: str | None = None,
    ) -> pd.DataFrame:
        """Submissions per round and bidang they cover: tahun, periode, bidang, kiriman_id,
        status, waktu, pengguna (oldest first)."""
        iid = self._iid(instansi_id)
        return rounds.round_submissions(self.engine, iid, tahun=tahun, periode=periode)

    def summary(
        self,
        *,
        instansi_id: int | None = None,
        tahun: int | None = None,
        periode: str | None = None,
    ) -> dict[str, int]:
        """Counts of one round (or of all): kiriman (every status), rekaman_kini, bidang_kini."""
        iid = self._iid(instansi_id)
        return rounds.summary(self.engine, iid, tahun=tahun, periode=periode)

    # -- submissions (submissions, records) --------------------------------------------------

    def submit(
        self,
        result: IngestLike,
        *,
        data: bytes,
        filename: str,
        user: str,
        instansi_id: int | None = None,
        bidang: str | None = None,
        tahun: int | None = None,
        periode: str | None = None,
    ) -> SubmitOutcome:
        """Store one checked file in one transaction: accepted, or refused and kept with its
        report (see submissions.submit)."""
        return submissions.submit(
            self.engine,
            self._iid(instansi_id),
            result,
            data=data,
            filename=filename,
            user=user,
            bidang=bidang,
            tahun=tahun,
            periode=periode,
        )

    def submission_file(self, kiriman_id: int) -> tuple[str, bytes]:
        """The original file of a submission: (file name, bytes)."""
        return records.submission_file(self.engine, kiriman_id)

    def submission_report(self, kiriman_id: int) -> dict[str, Any]:
        """The validation report stored with a submission ({"errors", "warnings", ...})."""
        return records.submission_report(self.engine, kiriman_id)

    def records(
        self,
        *,
        instansi_id: int | None = None,
        tahun: int | None = None,
        bidang: str | None = None,
        periode: str | None = None,
        kiriman_id: int | None = None,
    ) -> pd.DataFrame:
        """Current records (or every record of one submission), RECORD_COLUMNS order first.

        Extra columns: pagu, realisasi_anggaran, capaian_catatan, baris, kiriman_id, id.
        """
        iid = None if kiriman_id is not None else self._iid(instansi_id)
        return records.records(
            self.engine, iid, tahun=tahun, bidang=bidang, periode=periode, kiriman_id=kiriman_id
        )

    def history(
        self,
        *,
        instansi_id: int | None = None,
        tahun: int | None = None,
        bidang: str | None = None,
        periode: str | None = None,
    ) -> pd.DataFrame:
        """Every submission (newest first): id, waktu, bidang, tahun, periode, nama_file,
        sha256, ukuran, pengguna, status, digantikan_oleh, jumlah_rekaman, jumlah_galat,
        jumlah_peringatan, pesan."""
        iid = self._iid(instansi_id)
        return records.history(self.engine, iid, tahun=tahun, bidang=bidang, periode=periode)

    def changes(self, kiriman_id: int) -> pd.DataFrame:
        """Values a submission changed against the one(s) it superseded."""
        return records.changes(self.engine, kiriman_id)

    # -- verification, notes, audit (verification) -------------------------------------------

    def verification_status(
        self, *, instansi_id: int | None = None, tahun: int | None = None
    ) -> pd.DataFrame:
        """Verification state per bidang and round.

        Columns: tahun, periode, bidang, status, oleh, waktu, catatan.
        """
        return verification.status_table(self.engine, self._iid(instansi_id), tahun=tahun)

    def verification(
        self, bidang: str, tahun: int, periode: str, *, instansi_id: int | None = None
    ) -> str:
        """The status of one bidang in one round ("draft" when nothing happened yet)."""
        return verification.status(self.engine, self._iid(instansi_id), bidang, tahun, periode)

    def verify(
        self,
        bidang: str,
        tahun: int,
        periode: str,
        *,
        user: str,
        note: str | None = None,
        instansi_id: int | None = None,
        expect: Sequence[int] | None = None,
    ) -> str:
        """Mark a submitted bidang + round verified; its data is locked from then on.

        expect: the current record ids the caller judged; refused if they changed since.
        Callers that evaluate first go through kinerja.evaluasi.verify."""
        iid = self._iid(instansi_id)
        return verification.verify(
            self.engine, iid, bidang, tahun, periode, user=user, note=note, expect=expect
        )

    def return_(
        self,
        bidang: str,
        tahun: int,
        periode: str,
        *,
        user: str,
        note: str,
        instansi_id: int | None = None,
    ) -> str:
        """Send a submitted bidang + round back for correction, with a note."""
        iid = self._iid(instansi_id)
        return verification.return_(self.engine, iid, bidang, tahun, periode, user=user, note=note)

    def unverify(
        self,
        bidang: str,
        tahun: int,
        periode: str,
        *,
        user: str,
        reason: str,
        instansi_id: int | None = None,
    ) -> str:
        """Open a verified bidang + round again (status "returned"); a reason is required."""
        iid = self._iid(instansi_id)
        return verification.unverify(
            self.engine, iid, bidang, tahun, periode, user=user, reason=reason
        )

    def add_note(self, rekaman_id: int, text: str, *, user: str) -> int:
        """Attach a note to a record (and so to its key: later versions show it too)."""
        return verification.add_note(self.engine, rekaman_id, text, user=user)

    def notes(
        self, *, instansi_id: int | None = None, tahun: int | None = None, bidang: str | None = None
    ) -> pd.DataFrame:
        """Notes on records: id, rekaman_id, bidang, indikator, tahun, periode, isi, oleh, waktu."""
        return verification.notes(self.engine, self._iid(instansi_id), tahun=tahun, bidang=bidang)

    def audit(
        self, *, instansi_id: int | None = None, aksi: str | None = None, limit: int | None = None
    ) -> pd.DataFrame:
        """The audit log, oldest first (every agency's unless instansi_id is given)."""
        return verification.audit(self.engine, instansi_id=instansi_id, aksi=aksi, limit=limit)

    # -- evaluation flags and what the evaluation reads (tanda) -------------------------------

    def flag_decisions(self, *, instansi_id: int | None = None) -> pd.DataFrame:
        """Decisions on evaluation flags: kode (the flag id), status, catatan, oleh, waktu."""
        return tanda.decisions(self.engine, self._iid(instansi_id))

    def decide_flag(
        self,
        flag: Mapping[str, Any],
        *,
        status: str,
        catatan: str,
        user: str,
        instansi_id: int | None = None,
    ) -> None:
        """Accept ("diterima") or send back ("dikembalikan") one flag, with a note; audited."""
        tanda.decide(
            self.engine, self._iid(instansi_id), flag, status=status, catatan=catatan, user=user
        )

    def upload_warnings(self, *, instansi_id: int | None = None) -> pd.DataFrame:
        """The reader's row warnings kept with the submissions behind current records."""
        return tanda.warnings(self.engine, self._iid(instansi_id))

    def deadlines(self, *, instansi_id: int | None = None) -> dict[tuple[int, str], dt.datetime]:
        """(tahun, periode) -> the round's deadline ("batas_waktu" step)."""
        return tanda.deadlines(self.engine, self._iid(instansi_id))

    def pk_all_years(self, *, instansi_id: int | None = None) -> pd.DataFrame:
        """The indicator master of every year: tahun + PK_COLUMNS."""
        return tanda.pk_all_years(self.engine, self._iid(instansi_id))

    def slot_records(
        self, bidang: str, tahun: int, periode: str, *, instansi_id: int | None = None
    ) -> list[int]:
        """Ids of the current records of one bidang in one round."""
        return tanda.slot_records(self.engine, self._iid(instansi_id), bidang, tahun, periode)

    # -- the PK (indicators) -----------------------------------------------------------------

    def import_pk(
        self, frame: pd.DataFrame, *, tahun: int, user: str, instansi_id: int | None = None
    ) -> int:
        """Replace-or-add the year's indicators from a PK frame (columns: PK_COLUMNS, bidang and
        indikator required); rows keyed by bidang + indikator. Returns the rows written."""
        iid = self._iid(instansi_id)
        return indicators.import_pk(self.engine, iid, frame, tahun=tahun, user=user)

    def indicators(
        self, *, tahun: int, instansi_id: int | None = None, bidang: str | None = None
    ) -> pd.DataFrame:
        """The indicator master of one year: id + PK_COLUMNS."""
        iid = self._iid(instansi_id)
        return indicators.indicators(self.engine, iid, tahun=tahun, bidang=bidang)

    def update_indicator(self, indikator_id: int, values: Mapping[str, Any], *, user: str) -> None:
        """Edit one indicator of the master (only PK_COLUMNS); audited with old and new values."""
        indicators.update_indicator(self.engine, indikator_id, values, user=user)

    def update_indicators(self, changes: Mapping[int, Mapping[str, Any]], *, user: str) -> int:
        """Edit several indicators (id -> changed PK_COLUMNS) in one transaction with the PK
        import's checks; a refusal changes nothing. Each edit audited. Returns how many."""
        return indicators.update_indicators(self.engine, changes, user=user)

    # -- accounts and roles (akun) ---------------------------------------------------------

    def has_accounts(self) -> bool:
        """Whether any account exists; until then no role is checked (as before accounts)."""
        return akun.has_accounts(self.engine)

    def add_user(
        self,
        username: str,
        password: str,
        *,
        peran: str,
        bidang: str | None = None,
        email: str | None = None,
        user: str,
        instansi_id: int | None = None,
        demo: bool = False,
    ) -> int:
        """A new account (username stored lowercased); the first must be an admin and may be
        made by anyone, later ones only by an admin. Password: 8 characters or more, not the
        username (demo=True allows the demo's "demo"). bidang: required for kabid and staf,
        matched to the agency's list. instansi_id None: every agency. Audited, never the
        password."""
        return akun.add_user(
            self.engine,
            username,
            password,
            peran=peran,
            bidang=bidang,
            email=email,
            user=user,
            instansi_id=instansi_id,
            demo=demo,
        )

    def users(self, *, instansi_id: int | None = None) -> pd.DataFrame:
        """Accounts: username, peran, bidang, email, aktif, terkunci, terakhir_masuk."""
        return akun.users(self.engine, instansi_id=instansi_id)

    def disable_user(self, username: str, *, user: str) -> None:
        """Disable an account (admins only; never the last active admin)."""
        akun.disable_user(self.engine, username, user=user)

    def set_password(self, username: str, password: str, *, user: str) -> None:
        """A new password, by an admin or the account itself; also unlocks the account."""
        akun.set_password(self.engine, username, password, user=user)

    def unlock_user(self, username: str, *, user: str) -> None:
        """Clear an account's failed attempts and its lock (admins only)."""
        akun.unlock_user(self.engine, username, user=user)

    def authenticate(self, username: str, password: str, *, now: dt.datetime | None = None) -> Akun:
        """The account when the password is right, else StoreError: wrong name or password
        (one message for both), disabled, locked (10 failures), or too soon (from the 3rd
        failure attempts wait min(2**(gagal-3), 60) s). now: the clock (tests)."""
        return akun.authenticate(self.engine, username, password, now_=now)

    def account(self, username: str) -> Akun | None:
        """The account of a user name (any case), or None."""
        return akun.account(self.engine, username)

    def account_by_email(self, email: str) -> Akun | None:
        """The account with this e-mail (single sign-on), or None."""
        return akun.account_by_email(self.engine, email)

    def authorize(
        self,
        user: str,
        aksi: str,
        *,
        bidang: str | None = None,
        instansi_id: int | None = None,
    ) -> None:
        """StoreError unless user may take aksi (kinerja.peran.AKSI), for bidang when it is
        bound to one; nothing is checked while there is no account. Every write of the store
        makes this check itself, in its own transaction."""
        akun.check(self.engine, user, aksi, bidang=bidang, instansi_id=instansi_id)

    def visible_bidang(self, user: str) -> list[str] | None:
        """The bidang user may see: None for all (no accounts, or a role that sees all),
        [its bidang] for a kabid or staf; StoreError for an unknown or disabled user."""
        return akun.visible_bidang(self.engine, user)

    # -- backup and checks (maintenance) -----------------------------------------------------

    def backup(self, path: str | Path) -> Path:
        """A consistent copy of the database at path (SQLite: online backup; PostgreSQL:
        pg_dump --format=custom)."""
        return maintenance.backup(self.engine, path)

    def check(self) -> list[str]:
        """Integrity problems found ([] when sound)."""
        return maintenance.check(self.engine)

    def version(self) -> int:
        """Grows with every change (every write is audited): a cache key for screens."""
        return maintenance.version(self.engine)

    def counts(self) -> dict[str, int]:
        """Row counts per table."""
        return maintenance.counts(self.engine)
