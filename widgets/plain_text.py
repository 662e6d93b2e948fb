"""The one rule of the interface for text that came from storage or from a person: it is
shown as plain text, never as markup, and never as a terminal control sequence.

Every widget, dialog, table cell and title that shows such text builds it with
:func:`plain`: a Rich ``Text`` (which Textual never parses as markup) of the value as
:func:`lmp_tui.safetext.display_text` makes it visible (``ESC`` shows as ``␛``)."""

from __future__ import annotations

from typing import Any

from rich.text import Text

from lmp_tui.safetext import display_text


def plain(value: Any, *, multiline: bool = False, style: str = "") -> Text:
    """``value`` as plain, harmless text: no markup, no control character."""
    return Text(display_text(value, multiline=multiline), style=style, end="")
