"""The flags of a bidang for its own people (views/tanda.py): the evaluation's open flags on
the bidang's data, each answered with a note on the flagged record."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd
import streamlit as st

from kinerja.evaluate import CHECKS
from kinerja.store import StoreError
from kinerja.store.tanda import STATUS_TANDA
from kinerja.ui import state
from kinerja.ui.data import only_visible, store
from kinerja.ui.evaluasi import flags
from kinerja.ui.markup import escape

TERJAWAB = ("terbuka", "dikembalikan")
"""The flags a bidang answers: not yet judged, or sent back to it."""


def open_flags() -> pd.DataFrame:
    """The open flags of the bidang the account may see, newest round first."""
    found = only_visible(flags())
    if found.empty:
        return found
    found = found[found["status"].isin(TERJAWAB)]
    return found.sort_values(["tahun", "periode", "bidang"], ascending=[False, False, True])


def flag_card(flag: Mapping[Any, Any]) -> None:
    """One flag: what the check found, and the answer (a note on the flagged record)."""
    key = f"{state.TANDA}_{flag['id']}"
    with st.container(border=True, key=f"{key}_kartu"):
        periode = flag["periode"] if isinstance(flag["periode"], str) else "setahun"
        st.markdown(
            f"**{escape(CHECKS.get(str(flag['check']), flag['check']))}** · "
            f"{escape(flag['indikator'])}  \n"
            f"{escape(flag['bidang'])} · {escape(periode)} {int(flag['tahun'])} · "
            f"{escape(STATUS_TANDA.get(str(flag['status']), flag['status']))}"
        )
        st.markdown(escape(flag["message"]))
        if isinstance(flag.get("catatan"), str) and flag["catatan"]:
            st.caption(f"Catatan {escape(flag['oleh'])}: {escape(flag['catatan'])}")
        rid = flag.get("rekaman_id")
        if not isinstance(rid, int | float) or rid != rid:
            st.caption("Belum ada data untuk indikator ini: kirim lembarnya di Unggah Data.")
            return
        with st.form(f"{key}_form", border=False):
            text = st.text_area("Jawaban atau penjelasan", key=f"{key}_jawaban")
            if st.form_submit_button("Kirim jawaban", icon=":material/send:"):
                _answer(int(rid), str(flag["id"]), text)


def _answer(rekaman_id: int, flag_id: str, text: str) -> None:
    try:
        store().add_note(rekaman_id, text.strip(), user=state.user())
    except StoreError as exc:
        state.remember_notice("error", str(exc))
    else:
        state.remember_notice("success", f"Jawaban atas tanda {flag_id} disimpan sebagai catatan.")
    st.rerun()
