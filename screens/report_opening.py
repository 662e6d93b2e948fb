"""Opening a billing report, for the app (:class:`lmp_tui.ui.app.LmpApp` mixes this in): the
report is read in a worker first, then its screen is shown with it, complete in its first
frame; a read slower than OPEN_WAIT_S shows the screen meanwhile ("Loading report #…").
The report screen's modules are imported in a worker a moment after the list is up."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import partial

from textual import work
from textual.message import Message
from textual.screen import Screen

#: a report read within this long opens painted whole, at once; after it, its screen shows
#: meanwhile ("Loading report #…") and is filled in when the report comes
OPEN_WAIT_S = 0.15
#: the report screen's modules are imported this long after the list is up (in a worker)
PRELOAD_AFTER_S = 1.0


@dataclass
class _Opening:
    """A report being opened: its read (a Loaded or Failed message) and its screen, each
    when there is one."""

    report_id: int
    result: Message | None = None
    screen: Screen | None = None


class ReportOpening:
    """The app's side of opening a report. Needs of the app: ``service``, ``user``,
    ``open_report_id``, ``_announce`` (and Textual's App: timers, workers, screens)."""

    _opening: _Opening | None = None  # the report asked for last

    class ReportRead(Message):
        """A report asked for by :meth:`open_report` was read (or refused)."""

        def __init__(self, opening: "_Opening", result: Message) -> None:
            super().__init__()
            self.opening, self.result = opening, result

    def open_report(self, report_id: int) -> None:
        """Read the report in a worker, then show its screen with it: complete in one frame.
        A read slower than OPEN_WAIT_S shows the screen meanwhile ("Loading report #…")."""
        if self.service is None:  # the list came before the database stack: the report opens once it is up
            self.open_report_id = report_id
            self._announce(f"Opening report #{report_id} as soon as the database is open…")
            return
        opening = self._opening = _Opening(report_id)
        self._read_report(opening)
        self.set_timer(OPEN_WAIT_S, partial(self._open_screen, opening))

    @work(thread=True, exclusive=True, group="open", description="read a report to open")
    def _read_report(self, opening: "_Opening") -> None:
        from screens.billing_report import read_to_open  # if not preloaded yet: here, off the interface's thread

        self.post_message(self.ReportRead(opening, read_to_open(self.service, opening.report_id)))

    def on_report_opening_report_read(self, msg: "ReportOpening.ReportRead") -> None:
        opening, result = msg.opening, msg.result
        opening.result = result
        if opening.screen is not None:  # a slow read: its screen is up, waiting for it
            opening.screen.post_message(result)
        else:
            self._open_screen(opening)

    def _open_screen(self, opening: "_Opening") -> None:
        if opening is not self._opening or opening.screen is not None:
            return  # another report was asked for since, or this one is open
        from screens.billing_report import BillingReportScreen

        if isinstance(opening.result, BillingReportScreen.Failed):
            self._opening = None
            BillingReportScreen.cannot_open(self, opening.result.error)
            return
        opening.screen = BillingReportScreen(self.service, self.user, opening.report_id, first=opening.result)
        self._opening = None  # nothing of the report kept here once its screen has it (or waits for it)
        self.push_screen(opening.screen)

    def call_off_opening(self) -> int | None:
        """Forget the report asked for before the database was open; its number, if any."""
        report_id, self.open_report_id = self.open_report_id, None
        return report_id

    def _preload(self) -> None:
        """The report screen's modules, imported in a worker while nothing happens (~50 ms
        that the first opening would otherwise wait for)."""
        if "screens.billing_report" not in sys.modules:
            self._import_report_screen()

    @work(thread=True, group="preload", description="import the report screen")
    def _import_report_screen(self) -> None:
        import screens.billing_report  # noqa: F401
