"""A footer that never cuts a key off: the screen's active bindings, wrapped over as many
lines as it needs (two at 80 columns), styled with the theme's variables. It keeps the most
lines it has needed at this width (a choice list's fewer keys leave a blank line rather than
the whole screen moving, and laid out again, twice)."""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Static

from lmp_tui.ui.keymap import Command
from widgets.repaint import repaint


class KeyBar(Static):
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: auto;
        max-height: 3;
        background: $footer-background;
        color: $footer-foreground;
        padding: 0 1;
    }
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None, disabled: bool = False
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._items: list[tuple[str, str]] = []
        self._key_style: tuple[str, str] | None = None  # (theme, style): the theme's variables cost ~4 ms
        self._lines, self._at_width = 1, 0  # the most lines needed at that width

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._changed)
        self._changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def sync(self) -> None:
        """Show the screen's keys now, in the frame being made (Textual tells the bar after
        that frame is painted: a frame more on the wire, ~30 ms later)."""
        self._changed(self.screen)

    def on_resize(self) -> None:
        self._fit(self._items)
        repaint(self)  # at another width the keys may need more or fewer lines

    def _width(self) -> int:
        return max(20, (self.content_size.width or self.app.size.width - 2) or 78)

    def _fit(self, items: list[tuple[str, str]]) -> None:
        """Keep the most lines these keys need at this width (a new width starts again)."""
        width = self._width()
        need = self._wrap(items, width).plain.count("\n") + 1
        if width != self._at_width:
            self._at_width, self._lines = width, need
        else:
            self._lines = max(self._lines, need)

    def _changed(self, screen: Screen) -> None:
        seen: set[str] = set()
        items: list[tuple[str, str]] = []
        possible: list[tuple[str, str]] = []  # with the keys that apply later (^s Save after an edit)
        for _ns, binding, enabled, _tip in screen.active_bindings.values():
            if not binding.show or binding.action in seen or not binding.description:
                continue
            seen.add(binding.action)
            possible.append((self.app.get_key_display(binding), binding.description))
            if enabled:
                items.append(possible[-1])
        if items != self._items:
            self._items = items
            # room for every key that may apply here: the first edit (^s Save) or the next
            # page's key does not make the bar grow and the screen move, and a choice's
            # fewer keys keep the lines; the same height: a repaint, no layout of the screen
            self._fit(possible)
            repaint(self)

    def render(self) -> Text:
        # wrapped at paint time, for the width the bar has now
        text = self._wrap(self._items, self._width())
        text.append("\n" * max(0, self._lines - 1 - text.plain.count("\n")))
        return text

    def _wrap(self, items: list[tuple[str, str]], width: int) -> Text:
        theme = self.app.theme
        if self._key_style is None or self._key_style[0] != theme:
            self._key_style = (theme, self.app.get_css_variables().get("footer-key-foreground", "") or "bold")
        key_style = self._key_style[1]
        text, used = Text(), 0
        for key, label in items:
            size = len(key) + 1 + len(label) + 2
            if used and used + size > width:
                text.append("\n")
                used = 0
            text.append(key, style=f"bold {key_style}".strip())
            text.append(f" {label}  ")
            used += size
        return text


def bindings_for(commands: tuple[Command, ...]) -> list[BindingType]:
    """Textual bindings from the keymap: the first key is shown, the others are aliases."""
    out: list[BindingType] = []
    for c in commands:
        first, *more = c.keys.split(",")
        out.append(Binding(first, c.action, c.footer, show=c.show, id=c.id, tooltip=c.title, priority=c.priority))
        out.extend(Binding(k, c.action, c.footer, show=False, id=f"{c.id}-{k}", priority=c.priority) for k in more)
    return out
