"""The command line of the SOP round: open a round, record a step by hand, show where it stands
(`round status --json` is a contract). Registered by kinerja.cli."""

from __future__ import annotations

import argparse
import datetime as dt
import re
from typing import Any

from kinerja.cli import (
    Parser,
    _connect,
    _dump_json,
    _echo,
    _periode,
    _safe,
    _store_command,
    _store_options,
    _tahun,
    _user,
)

# `round status --json`: the keys of the round, of each step, of each matrix cell. A contract:
# keys are only ever added.
STATUS_JSON_KEYS = [
    "tahun",
    "periode",
    "tenggat",
    "sisa_hari",
    "langkah_terbuka",
    "bidang_masuk",
    "jumlah_bidang",
    "belum_masuk",
    "langkah",
    "kelengkapan",
]
LANGKAH_JSON_KEYS = [
    "nomor",
    "kunci",
    "nama",
    "pelaksana",
    "status",
    "waktu",
    "oleh",
    "catatan",
    "sumber",
    "durasi_menit",
    "mutu_baku_menit",
    "terlambat",
    "keterangan",
]
KELENGKAPAN_JSON_KEYS = ["bidang", "periode", "status", "waktu"]


def _tanggal(value: str) -> dt.date:
    """A date as 2024-01-10 or 10-01-2024 (also with /)."""
    text = value.strip()
    m = re.fullmatch(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})", text)
    n = re.fullmatch(r"(\d{1,2})[-/](\d{1,2})[-/](\d{4})", text)
    try:
        if m:
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if n:
            return dt.date(int(n[3]), int(n[2]), int(n[1]))
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(
        f"tanggal '{value}' tidak sah (contoh: 2024-01-10 atau 10-01-2024)"
    )


def _nomor(value: str) -> int:
    if value.strip().isdigit() and 1 <= int(value) <= 7:
        return int(value)
    raise argparse.ArgumentTypeError(f"langkah '{value}' tidak ada (langkah SOP 1 sampai 7)")


def register(sub: Any) -> None:
    r = sub.add_parser("round", help="putaran pengumpulan data: buka, catat langkah, status")
    rsub = r.add_subparsers(dest="round_command", metavar="PERINTAH", parser_class=Parser)
    rsub.required = True

    o = rsub.add_parser("open", help="buka putaran (langkah 1: disposisi) dengan tenggatnya")
    _store_options(o)
    o.add_argument("--tahun", type=_tahun, required=True, help="tahun")
    o.add_argument("--periode", type=_periode, required=True, help="periode, mis. 'TW I'")
    o.add_argument(
        "--tenggat",
        type=_tanggal,
        help="batas kiriman bidang, mis. 2024-04-10 (bawaan: pengaturan tenggat_hari; pada "
        "putaran yang sudah dibuka: mengubah tenggatnya)",
    )
    o.add_argument("--catatan", help="catatan disposisi, mis. nomor surat")
    o.add_argument("--user", default=None, help="nama pengguna (bawaan: pengguna sistem)")
    o.set_defaults(func=cmd_round_open)

    s = rsub.add_parser("step", help="catat satu langkah SOP (1-7) dengan tangan, dengan catatan")
    _store_options(s)
    s.add_argument("nomor", type=_nomor, metavar="N", help="nomor langkah SOP, 1 sampai 7")
    s.add_argument("--catatan", help="apa yang terjadi di luar aplikasi")
    s.add_argument("--user", default=None, help="nama pengguna (bawaan: pengguna sistem)")
    _round_choice(s)
    s.set_defaults(func=cmd_round_step)

    st = rsub.add_parser("status", help="langkah putaran dan kelengkapan kiriman bidang")
    _store_options(st)
    _round_choice(st)
    st.set_defaults(func=cmd_round_status)


def _round_choice(p: argparse.ArgumentParser) -> None:
    p.add_argument("--tahun", type=_tahun, help="tahun putaran (bawaan: putaran berjalan)")
    p.add_argument("--periode", type=_periode, help="periode putaran (bersama --tahun)")


def _open_round_of(args: argparse.Namespace) -> tuple[Any, int | None, int, str] | int:
    """(store, instansi id, tahun, periode) of the round --tahun/--periode names, else of the
    current one; or the exit code when there is none to work on (2: only one of the two
    options given; 1: no round yet), with its message said and nothing left open."""
    from kinerja import putaran_store

    bad = _usage_both(args)
    if bad is not None:
        return bad
    store, iid = _connect(args)
    if args.tahun is not None:
        return store, iid, int(args.tahun), str(args.periode)
    current = putaran_store.current_round(store, iid)
    if current is None:
        store.close()
        return _no_round(args)
    return store, iid, *current


def _usage_both(args: argparse.Namespace) -> int | None:
    if (args.tahun is None) != (args.periode is None):
        _echo(
            f"kinerja round {args.round_command}: kesalahan penggunaan: --tahun dan --periode "
            "diberikan bersama",
            err=True,
        )
        return 2
    return None


def _no_round(args: argparse.Namespace) -> int:
    msg = "Belum ada putaran; buka dengan 'kinerja round open --tahun TAHUN --periode PERIODE'."
    if args.json:
        _dump_json({"ok": False, "error": msg})
    _echo(f"kinerja round {args.round_command}: {msg}", err=True)
    return 1


@_store_command
def cmd_round_open(args: argparse.Namespace) -> int:
    from kinerja import putaran, putaran_store

    store, iid = _connect(args, create=True)
    try:
        if iid is None:
            iid = store.init(user=_user(args))
        if args.tenggat is not None and putaran_store.is_open(store, args.tahun, args.periode, iid):
            # Already opened: --tenggat moves its deadline.
            tenggat = args.tenggat
            putaran_store.ubah_tenggat(
                store, args.tahun, args.periode, tenggat, user=_user(args), instansi_id=iid
            )
            what = "sudah dibuka; tenggatnya diubah"
        else:
            tenggat = putaran_store.buka(
                store,
                args.tahun,
                args.periode,
                user=_user(args),
                tenggat=args.tenggat,
                catatan=args.catatan,
                instansi_id=iid,
            )
            what = "dibuka"
    finally:
        store.close()
    if args.json:
        _dump_json(
            {
                "ok": True,
                "tahun": args.tahun,
                "periode": args.periode,
                "tenggat": tenggat.isoformat(),
                "dibuka": what == "dibuka",
            }
        )
    else:
        _echo(
            f"Putaran {args.periode} {args.tahun} {what}; tenggat {putaran.teks_tanggal(tenggat)}."
        )
    return 0


@_store_command
def cmd_round_step(args: argparse.Namespace) -> int:
    from kinerja import putaran_store

    got = _open_round_of(args)
    if isinstance(got, int):
        return got
    store, iid, tahun, periode = got
    try:
        tahap = putaran_store.catat(
            store, tahun, periode, args.nomor, user=_user(args), catatan=args.catatan,
            instansi_id=iid,
        )  # fmt: skip
    finally:
        store.close()
    if args.json:
        _dump_json(
            {
                "ok": True,
                "tahun": tahun,
                "periode": periode,
                "nomor": tahap.nomor,
                "kunci": tahap.kunci,
            }
        )
    else:
        _echo(f"Langkah {tahap.nomor} ({tahap.nama}) putaran {periode} {tahun} dicatat.")
    return 0


def status_json(keadaan: Any, matrix: Any) -> dict[str, Any]:
    """The round as `round status --json` prints it (STATUS_JSON_KEYS)."""
    import pandas as pd

    out = keadaan.to_json()
    out["kelengkapan"] = [
        {
            "bidang": r["bidang"],
            "periode": r["periode"],
            "status": r["status"],
            "waktu": None if pd.isna(r["waktu"]) else pd.Timestamp(r["waktu"]).isoformat(),
        }
        for r in matrix.to_dict("records")
    ]
    return {k: out[k] for k in STATUS_JSON_KEYS}


@_store_command
def cmd_round_status(args: argparse.Namespace) -> int:
    from kinerja import putaran, putaran_store

    got = _open_round_of(args)
    if isinstance(got, int):
        return got
    store, iid, tahun, periode = got
    try:
        now = dt.datetime.now(dt.UTC)
        k = putaran_store.read_round(store, tahun, periode, now=now, instansi_id=iid)
        matrix = putaran_store.read_kelengkapan(store, tahun, now=now, instansi_id=iid)
    finally:
        store.close()
    if args.json:
        _dump_json(status_json(k, matrix))
        return 0
    durasi, waktu = putaran.teks_durasi, putaran.teks_waktu
    _echo(f"Putaran {periode} {tahun}: {putaran.teks_tenggat(k)}")
    for s in k.langkah:
        t = s.tahap
        mark = {"selesai": "selesai", "berjalan": "BERJALAN", "belum": "belum"}[s.status]
        late = " TERLAMBAT" if s.terlambat else ""
        when = f" {waktu(s.waktu)}" if s.waktu else ""
        who = f" oleh {_safe(s.oleh)}" if s.oleh else ""
        took = f"; {durasi(s.durasi)} dari mutu baku {durasi(t.mutu_baku)}" if s.durasi else ""
        _echo(f"{t.nomor}. {t.nama} ({t.pelaksana}): {mark}{late}{when}{who}{took}")
        extra = [x for x in (s.keterangan, s.catatan) if x]
        if extra:
            _echo(f"     {_safe('; '.join(extra))}")
    if k.belum_masuk:
        _echo(f"Belum masuk: {_safe(', '.join(k.belum_masuk))}")
    _echo(f"Kelengkapan {tahun}:")
    label = putaran.STATUS_KELENGKAPAN
    for p, g in matrix.groupby("periode", sort=False):
        pairs = zip(g["bidang"], g["status"], strict=True)
        cells = ", ".join(f"{_safe(b)}: {label[st]}" for b, st in pairs)
        _echo(f"  {p}: {cells}")
    return 0


# The round `kinerja demo` leaves in progress: opened four hours before the demo ran, the
# format built 3 h 20 min later (past its 3 h mutu baku: the late step), sent 15 minutes after
# that; the deadline a week ahead. Three bidang are in (the demo's files), Perindustrian is
# missing (data/contoh-susulan/ holds its sheet).
DEMO_PUTARAN = (2023, "TW IV")
DEMO_LANGKAH = [
    (1, dt.timedelta(hours=-4), "kepala_dinas", "Disposisi surat nomor 005/017 (demo)."),
    (2, dt.timedelta(minutes=-40), "subkoordinator", "Format disusun dari PK dan Rencana Aksi."),
    (3, dt.timedelta(minutes=-25), "subkoordinator", "Format dikirim lewat surel ke bidang."),
]
DEMO_TENGGAT_HARI = 7


def open_demo_round(store: Any, now: dt.datetime) -> bool:
    """Open the demo's round (DEMO_PUTARAN, steps 1-3 at DEMO_LANGKAH's times before now)
    unless the agency has opened any round already (a person's rounds are never touched).
    True when it was opened."""
    from kinerja import putaran, putaran_store

    r = store.rounds()
    if not r.empty and (r["langkah"] == "disposisi").any():
        return False
    settings = store.settings()

    def name(role: str) -> str:
        who = settings.get(role)
        default = {"kepala_dinas": "Kepala Dinas", "subkoordinator": "Sub Koordinator"}[role]
        return str(who.get("nama") or default) if isinstance(who, dict) else default

    tahun, periode = DEMO_PUTARAN
    (_, d1, who1, note1), *rest = DEMO_LANGKAH
    tenggat = putaran.wib(now).date() + dt.timedelta(days=DEMO_TENGGAT_HARI)
    putaran_store.buka(store, tahun, periode, user=name(who1), tenggat=tenggat, catatan=note1,
                       waktu=now + d1)  # fmt: skip
    for nomor, d, who, note in rest:
        putaran_store.catat(
            store, tahun, periode, nomor, user=name(who), catatan=note, waktu=now + d
        )
    return True
