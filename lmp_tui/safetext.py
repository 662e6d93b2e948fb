"""Text that came from storage or from a person, made harmless where it is shown or exported.

Partner names and comments come from partners; PO numbers, reasons and comments from other
staff. Such text is data: it never reaches a terminal as a control sequence, never acts as
markup, and never runs as a spreadsheet formula. This module holds the one rule for each
place the text goes; the interface, the command line and the export all call it.

- :func:`display_text`: for a screen or a terminal table. Control characters (C0, DEL, C1)
  and bidirectional overrides become visible symbols (``ESC`` shows as ``␛``), so the
  text is seen literally and cannot move the cursor, clear the screen, write the
  clipboard (OSC 52), open links (OSC 8) or reorder what follows it.
- :func:`csv_cell`: for a CSV cell. Control characters are removed, and a cell that a
  spreadsheet would read as a formula (first character ``=``, ``+``, ``-``, ``@``, tab or
  carriage return, as OWASP lists them) gets a leading ``'`` so it stays text.
- :func:`json_text`: JSON stays exact (every character is kept), but the characters a
  terminal could act on are written as ``\\uXXXX`` escapes.
- :func:`find_unsafe`: the first character staff may not type into free text, or None.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: bidirectional embeddings, overrides and isolates (and the marks that steer them): they
#: can make text read differently from what it is ("Trojan Source")
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: line and paragraph separators: a terminal or a table would break the line there
SEPARATORS = frozenset("\u2028\u2029\u0085")
REPLACEMENT = "\ufffd"  # �
#: every character :func:`_is_unsafe` names, as one pattern: most text has none, and one
#: search finds that far sooner than a test of each character
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff" + "".join(sorted(BIDI_CONTROLS | SEPARATORS)) + "]")
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def _is_control(ch: str) -> bool:
    o = ord(ch)
    return o < 0x20 or 0x7F <= o <= 0x9F


def _is_unsafe(ch: str) -> bool:
    o = ord(ch)
    return (
        _is_control(ch) or ch in BIDI_CONTROLS or ch in SEPARATORS or 0xD800 <= o <= 0xDFFF
    )  # a lone surrogate: bytes that were not valid UTF-8


def _visible(ch: str) -> str:
    o = ord(ch)
    if o < 0x20:
        return chr(0x2400 + o)  # the Unicode "control pictures": ␛ for ESC, ␇ for BEL
    if o == 0x7F:
        return "\u2421"  # ␡
    return REPLACEMENT


def display_text(value: Any, *, multiline: bool = False) -> str:
    """``value`` as text to show: every control character and bidirectional override made
    visible and harmless. With ``multiline``, line feeds are kept (and tabs become a space)."""
    text = "" if value is None else str(value)
    if not _UNSAFE.search(text):
        return text
    out = []
    for ch in text:
        if multiline and ch == "\n":
            out.append(ch)
        elif multiline and ch == "\t":
            out.append(" ")
        elif _is_unsafe(ch):
            out.append(_visible(ch))
        else:
            out.append(ch)
    return "".join(out)


def csv_cell(value: Any) -> str:
    """``value`` as a CSV cell that a spreadsheet shows as text: control characters and
    bidirectional overrides removed, a formula trigger at the start neutralised with ``'``."""
    text = "" if value is None else str(value)
    trigger = text.lstrip(" ").startswith(FORMULA_TRIGGERS)
    if _UNSAFE.search(text):  # most cells have none: one search, not a test of each character
        text = _UNSAFE.sub("", text)
    return "'" + text if trigger or text.lstrip(" ").startswith(FORMULA_TRIGGERS) else text


def json_text(data: Any) -> str:
    """Indented JSON, exact to the character, with nothing a terminal would act on: C0
    characters are escaped by the encoder; DEL, C1, bidirectional overrides, separators and
    lone surrogates are escaped here."""
    encoded = json.dumps(data, indent=2, ensure_ascii=False)  # C0 inside strings: escaped already

    def escape(ch: str) -> bool:
        return ord(ch) >= 0x7F and _is_unsafe(ch)

    if not any(escape(ch) for ch in encoded):
        return encoded
    return "".join(f"\\u{ord(ch):04x}" if escape(ch) else ch for ch in encoded)


def find_unsafe(text: str, *, multiline: bool = False) -> str | None:
    """The first character of ``text`` that staff may not type into free text (a control
    character, a bidirectional override, a separator, or a character that is not valid
    text), or None. With ``multiline``, line feeds and tabs are allowed."""
    for ch in text:
        if multiline and ch in "\n\t":
            continue
        if _is_unsafe(ch) or not ch.isprintable():
            return ch
    return None
