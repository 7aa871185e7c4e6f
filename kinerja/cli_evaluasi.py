"""The command line of SOP step 6: evaluate (the flags, a JSON contract), verify / return /
unverify a bidang's round, and accept or send back one flag. Registered by kinerja.cli."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from kinerja.cli import (
    Parser,
    _connect,
    _dump_json,
    _echo,
    _periode,
    _plain,
    _safe,
    _store_command,
    _store_options,
    _tahun,
    _user,
    _wib,
    add_reader_option,
    seen_bidang,
)

# The keys of one flag in `kinerja evaluate --json`: a contract, keys are only ever added.
FLAG_JSON_KEYS = [
    "id",
    "bidang",
    "sasaran",
    "indikator",
    "tahun",
    "periode",
    "check",
    "message",
    "status",
    "catatan",
    # Added beyond the list (allowed: keys are only ever added).
    "terlambat",
    "rekaman_id",
    "kiriman_id",
    "oleh",
    "waktu",
]
_STATUS_TEKS = {"terbuka": "TERBUKA", "diterima": "diterima", "dikembalikan": "DIKEMBALIKAN"}


def register(sub: Any) -> None:
    e = sub.add_parser("evaluate", help="periksa data tersimpan: daftar tanda evaluasi")
    _store_options(e)
    e.add_argument("--tahun", type=_tahun, help="hanya tahun ini")
    e.add_argument("--bidang", help="hanya bidang ini")
    e.add_argument("--periode", type=_periode, help="hanya periode ini")
    add_reader_option(e)
    e.set_defaults(func=cmd_evaluate)

    for name, help_, func, needs_note in (
        ("verify", "verifikasi (kunci) data satu bidang dalam satu putaran", cmd_verify, False),
        ("return", "kembalikan data satu bidang ke pengirim (wajib --catatan)", cmd_return, True),
        ("unverify", "buka lagi verifikasi (wajib --catatan: alasannya)", cmd_unverify, True),
    ):
        p = sub.add_parser(name, help=help_)
        _store_options(p)
        p.add_argument("--bidang", required=True, help="nama bidang")
        p.add_argument("--tahun", type=_tahun, required=True, help="tahun")
        p.add_argument("--periode", type=_periode, required=True, help="periode, mis. 'TW II'")
        p.add_argument("--user", default=None, help="nama pengguna (bawaan: pengguna sistem)")
        p.add_argument("--catatan", required=needs_note, help="catatan atau alasan")
        p.set_defaults(func=func)

    f = sub.add_parser("flag", help="putuskan satu tanda evaluasi (terima atau kembalikan)")
    fsub = f.add_subparsers(dest="flag_command", metavar="PERINTAH", parser_class=Parser)
    fsub.required = True
    for name, help_ in (
        ("accept", "terima tanda: nilainya benar (wajib --catatan)"),
        ("return", "kembalikan tanda ke bidang untuk diperbaiki (wajib --catatan)"),
    ):
        p = fsub.add_parser(name, help=help_)
        _store_options(p)
        p.add_argument("id", metavar="ID", help="id tanda (dari 'kinerja evaluate')")
        p.add_argument("--catatan", required=True, help="catatan keputusan")
        p.add_argument("--user", default=None, help="nama pengguna (bawaan: pengguna sistem)")
        p.set_defaults(func=cmd_flag, status="diterima" if name == "accept" else "dikembalikan")


def flag_json(row: Mapping[Any, Any]) -> dict[str, Any]:
    """One flag as the JSON contract shows it."""
    return {k: _plain(row.get(k)) for k in FLAG_JSON_KEYS}


@_store_command
def cmd_evaluate(args: argparse.Namespace) -> int:
    from kinerja import evaluasi

    store, iid = _connect(args)
    try:
        ok, seen = seen_bidang(store, args)
        found = evaluasi.flags(
            store, instansi_id=iid, tahun=args.tahun, bidang=seen, periode=args.periode
        )
    finally:
        store.close()
    if not ok:
        found = found.iloc[0:0]
    rows = found.to_dict("records")
    if args.json:
        _dump_json([flag_json(r) for r in rows])
        return 0
    if not rows:
        _echo("Tidak ada tanda evaluasi pada data yang dipilih.")
        return 0
    for r in rows:
        periode = r["periode"] if isinstance(r["periode"], str) else "sepanjang tahun"
        status = _STATUS_TEKS.get(r["status"], r["status"])
        _echo(
            f"[{r['id']}] {status}  {_safe(r['bidang'])}  {r['tahun']} {periode}  "
            f"{r['check']}: {_safe(r['indikator'])}"
        )
        _echo(f"    {_safe(r['message'])}")
        if isinstance(r.get("catatan"), str) and r["catatan"]:
            when = _wib(r["waktu"]) if r.get("waktu") is not None else ""
            _echo(f"    catatan ({_safe(r['oleh'])}, {when}): {_safe(r['catatan'])}")
    terbuka = sum(r["status"] != "diterima" for r in rows)
    _echo(f"{len(rows)} tanda; {terbuka} belum diterima.")
    return 0


def _done(args: argparse.Namespace, status: str, text: str) -> int:
    if args.json:
        _dump_json(
            {
                "ok": True,
                "bidang": args.bidang,
                "tahun": args.tahun,
                "periode": args.periode,
                "status": status,
            }
        )
    else:
        _echo(text)
    return 0


@_store_command
def cmd_verify(args: argparse.Namespace) -> int:
    from kinerja import evaluasi

    store, iid = _connect(args)
    try:
        status = evaluasi.verify(
            store,
            args.bidang,
            args.tahun,
            args.periode,
            user=_user(args),
            note=args.catatan,
            instansi_id=iid,
        )
    finally:
        store.close()
    return _done(
        args, status, f"Data {_safe(args.bidang)} {args.periode} {args.tahun} terverifikasi."
    )


@_store_command
def cmd_return(args: argparse.Namespace) -> int:
    store, iid = _connect(args)
    try:
        status = store.return_(
            args.bidang,
            args.tahun,
            args.periode,
            user=_user(args),
            note=args.catatan,
            instansi_id=iid,
        )
    finally:
        store.close()
    return _done(
        args,
        status,
        f"Data {_safe(args.bidang)} {args.periode} {args.tahun} dikembalikan ke bidang; "
        "bidang perlu mengirim file baru.",
    )


@_store_command
def cmd_unverify(args: argparse.Namespace) -> int:
    store, iid = _connect(args)
    try:
        status = store.unverify(
            args.bidang,
            args.tahun,
            args.periode,
            user=_user(args),
            reason=args.catatan,
            instansi_id=iid,
        )
    finally:
        store.close()
    return _done(
        args,
        status,
        f"Verifikasi data {_safe(args.bidang)} {args.periode} {args.tahun} dibuka lagi.",
    )


@_store_command
def cmd_flag(args: argparse.Namespace) -> int:
    from kinerja import evaluasi

    store, iid = _connect(args)
    try:
        flag = evaluasi.decide(
            store,
            args.id,
            status=args.status,
            catatan=args.catatan,
            user=_user(args),
            instansi_id=iid,
        )
    finally:
        store.close()
    if args.json:
        _dump_json({"ok": True, **flag_json(flag)})
    else:
        kata = "diterima" if args.status == "diterima" else "dikembalikan ke bidang"
        _echo(f"Tanda {flag['id']} ({flag['check']}, {_safe(flag['indikator'])}) {kata}.")
    return 0


DEMO_TAHUN_TERVERIFIKASI = 2022
DEMO_CATATAN = "Diperiksa dengan bidang: nilainya benar (data contoh)."


def verify_demo_year(store: Any, *, user: str, tahun: int = DEMO_TAHUN_TERVERIFIKASI) -> int:
    """The demo's finished year: every flag of tahun accepted with a note, then every bidang
    and round of it verified, through the same rule as the page (evaluasi.verify refuses
    while a flag is open). Returns the number of rounds verified."""
    from kinerja import evaluasi

    for flag_id in evaluasi.flags(store, tahun=tahun)["id"]:
        evaluasi.decide(store, str(flag_id), status="diterima", catatan=DEMO_CATATAN, user=user)
    slots = store.records(tahun=tahun)[["bidang", "periode"]].drop_duplicates()
    for bidang, periode in slots.itertuples(index=False):
        evaluasi.verify(store, str(bidang), tahun, str(periode), user=user, note=DEMO_CATATAN)
    return len(slots)
