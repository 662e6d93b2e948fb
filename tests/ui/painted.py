"""What the screen shows, read through public API: ``App.export_screenshot()`` (an SVG of
every cell, layers and toasts included) turned back into lines of text."""

from __future__ import annotations

import html
import re
from typing import Any

from textual.widget import Widget

#: what no painted cell may hold: ESC, BEL, the 8-bit CSI and a right-to-left override
RAW = ("\x1b", "\x07", "\x9b", "\u202e")

_TEXT = re.compile(r'<text [^>]*?x="([\d.]+)"[^>]*?textLength="([\d.]+)"[^>]*?'
                   r'clip-path="url\(#[^"]*-line-(\d+)\)"[^>]*>(.*?)</text>', re.S)


def screenshot(app: Any) -> str:
    return app.export_screenshot()


def lines(svg: str) -> list[str]:
    """The screen's rows as text, each cell at its column."""
    rows: dict[int, dict[int, str]] = {}
    for x, length, y, body in _TEXT.findall(svg):
        text = html.unescape(body).replace("\xa0", " ")
        width = float(length) / max(1, len(text))
        col = round(float(x) / width) if width else 0
        row = rows.setdefault(int(y), {})
        for i, ch in enumerate(text.rstrip("\n")):
            row[col + i] = ch
    out = []
    for y in range(max(rows, default=-1) + 1):
        row = rows.get(y, {})
        out.append("".join(row.get(c, " ") for c in range(max(row, default=-1) + 1)))
    return out


def check_painted(app: Any) -> list[str]:
    """The painted lines, after asserting that no raw control character reached them."""
    svg = screenshot(app)
    found = [repr(ch) for ch in RAW if ch in svg]
    assert not found, f"raw control characters painted: {found}"
    return lines(svg)


def shows(app: Any, *texts: str) -> list[str]:
    """Assert every text is painted on one row; returns the rows."""
    rows = check_painted(app)
    screen = "\n".join(rows)
    for text in texts:
        assert text in screen, f"{text!r} is not on the screen:\n{screen}"
    return rows


def where(rows: list[str], text: str) -> tuple[int, int]:
    """(x, y) of the first cell of ``text`` on the screen."""
    for y, row in enumerate(rows):
        x = row.find(text)
        if x >= 0:
            return x, y
    raise AssertionError(f"{text!r} is not on the screen:\n" + "\n".join(rows))


def content(widget: Widget) -> str:
    """The whole text a Static-like widget holds (not cut to its width)."""
    return str(widget.render())
