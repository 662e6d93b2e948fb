"""What the command line prints on stdout: text made harmless to show (stored text is data,
never terminal control), and JSON that keeps every character exactly."""

from __future__ import annotations

import sys
from typing import Any

from lmp_tui.safetext import display_text, json_text

#: what --format offers: rows of a list (csv too), or one answer
FORMATS_ROWS = ("table", "json", "csv")
FORMATS = ("table", "json")


def out(text: str) -> None:
    sys.stdout.write(display_text(text, multiline=True) + "\n")


def dump(data: Any) -> None:
    sys.stdout.write(json_text(data) + "\n")
