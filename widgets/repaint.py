"""Repainting a widget whose text changed without laying the screen out again when its
height stays the same. A layout makes Textual repaint the widgets around it and the
scrollbars, a frame or two more on the terminal (a Reset's key bar and header changed, the
grid's scrollbar was sent again twice)."""

from __future__ import annotations

from textual.widget import Widget


def repaint(widget: Widget) -> None:
    """Repaint ``widget``; lay out again only if the height its content needs changed."""
    width, height = widget.content_size.width, widget.content_size.height
    widget.refresh()  # also forgets the content's measured size
    if not width or widget.get_content_height(widget.size, widget.app.size, width) != height:
        widget.refresh(layout=True)
