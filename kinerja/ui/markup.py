"""User text inside Markdown (markdown, captions, alerts, labels): shown as the text it is."""

from __future__ import annotations

import re
import string

# CommonMark shows any backslash-escaped ASCII punctuation as itself: no link, image,
# emphasis, code, heading, list, table, HTML, math ($) or Streamlit directive (:red[...]).
_ESCAPES = {ord(c): "\\" + c for c in string.punctuation}
# Streamlit's Markdown turns bare URLs and e-mail addresses into links after parsing (GFM
# autolink literals), escaped or not. An invisible WORD JOINER where such a link starts
# ("https://", "www.", "@") keeps the text a text.
WORD_JOINER = "\u2060"
_AUTOLINK_START = re.compile(r"(?<=:)(?=//)|(?<=www)(?=\.)|(?=@)", re.IGNORECASE)


def escape(text: object) -> str:
    """``text`` for an f-string that reaches Markdown: every markup character escaped,
    autolinks broken, and line breaks, tabs and runs of spaces as one space (a line break
    could start a heading, a list or a code block)."""
    flat = " ".join(str(text).split())
    return _AUTOLINK_START.sub(WORD_JOINER, flat).translate(_ESCAPES)
