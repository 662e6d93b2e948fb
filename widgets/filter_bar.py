"""The report list's filters: report cycle, status (with counts), partner text. Posts
``FilterBar.Changed`` when any of them changes (typing is debounced)."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Input, OptionList, Select

from lmp_tui.domain.model import Status
from widgets.plain_input import PlainInput
from widgets.plain_text import plain

#: the first key after a pause reads the list at once; a key within this time of the one
#: before it waits this long for the next before the list is read (issue 9: ≤ 100 ms)
DEBOUNCE_S = 0.08


@dataclass(frozen=True)
class Filters:
    cycle: str | None = None
    status: Status | None = None
    partner_text: str | None = None


class FilterBar(Horizontal):
    DEFAULT_CSS = """
    FilterBar { height: 1; margin: 1 0 0 0; }
    FilterBar #cycle { width: 16; margin-right: 1; }
    FilterBar #status { width: 30; margin-right: 1; }
    FilterBar #partner { width: 1fr; }
    """

    class Changed(Message):
        def __init__(self, filters: Filters) -> None:
            super().__init__()
            self.filters = filters

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None, disabled: bool = False
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._timer: Timer | None = None
        self._counts: dict[Status, int] = {}
        self._cycles: list[str] | None = None

    def compose(self) -> ComposeResult:
        yield Select[str]([], prompt="All cycles", id="cycle", allow_blank=True, compact=True)
        yield Select[str](self._status_options(), prompt="All statuses", id="status", allow_blank=True, compact=True)
        yield PlainInput(placeholder="/ Find partner (name contains…)", id="partner", compact=True)

    def _status_options(self) -> list[tuple[Text, str]]:
        return [
            (plain(f"{s.brief} ({self._counts.get(s, 0):,})" if self._counts else s.brief), s.value) for s in Status
        ]

    @property
    def filters(self) -> Filters:
        cycle = self.query_one("#cycle", Select).value
        status = self.query_one("#status", Select).value
        text = self.query_one("#partner", Input).value.strip()
        return Filters(
            cycle=cycle if isinstance(cycle, str) else None,
            status=Status(status) if isinstance(status, str) else None,
            partner_text=text or None,
        )

    def set_cycles(self, cycles: list[str]) -> None:
        if cycles == self._cycles:  # unchanged: the choice is left alone
            return
        self._cycles = list(cycles)
        select = self.query_one("#cycle", Select)
        current = select.value
        with self.prevent(Select.Changed):
            select.set_options([(plain(c), c) for c in cycles])  # cycles come from the database
            if isinstance(current, str) and current in cycles:
                select.value = current

    def set_counts(self, counts: dict[Status, int]) -> None:
        if counts == self._counts:
            return
        self._counts = dict(counts)
        select = self.query_one("#status", Select)
        current = select.value
        overlay = select.query_one(OptionList)  # the Select's overlay, its one option list
        highlighted = overlay.highlighted if select.expanded else None  # the clerk is choosing
        with self.prevent(Select.Changed):
            select.set_options(self._status_options())
            if isinstance(current, str):
                select.value = current
        if highlighted is not None:  # new counts, same choices: the highlight stays where it was
            overlay.highlighted = highlighted

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self.filters))

    def on_input_changed(self, event: Input.Changed) -> None:
        """The first key after a pause is searched for at once; the keys that follow it
        within DEBOUNCE_S of each other wait for the last one (one read for a burst)."""
        event.stop()
        if self._timer is not None:  # within DEBOUNCE_S of the key before: a burst, wait
            self._timer.stop()
            self._timer = self.set_timer(DEBOUNCE_S, self._typed)
            return
        self.post_message(self.Changed(self.filters))
        self._timer = self.set_timer(DEBOUNCE_S, self._quiet)  # the keys within it are a burst

    def _typed(self) -> None:
        self._timer = None
        self.post_message(self.Changed(self.filters))

    def _quiet(self) -> None:
        self._timer = None
