"""Opening a billing report, for the app (:class:`lmp_tui.ui.app.LmpApp` has a
:class:`ReportOpener`): the report is read in a worker first, then its screen is shown with
it, complete in its first frame; a read slower than OPEN_WAIT_S shows the screen meanwhile
("Loading report #…"). The report screen's modules are imported in a worker a moment after
the list is up."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.message import Message

if TYPE_CHECKING:
    from lmp_tui.services import BillingService, StaffUserView
    from screens.billing_report import BillingReportScreen
    from screens.report_answers import Failed, Loaded

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
    service: BillingService
    user: StaffUserView
    result: Loaded | Failed | None = None
    screen: BillingReportScreen | None = None


class ReportOpener:
    """Opens reports over the app's screens. The app passes on :class:`Read` (the read's
    answer, posted to it by the worker) to :meth:`read`."""

    class Read(Message):
        """A report asked for by :meth:`ReportOpener.open` was read (or refused)."""

        def __init__(self, opening: _Opening, result: Loaded | Failed) -> None:
            super().__init__()
            self.opening, self.result = opening, result

    def __init__(self, app: App[Any]) -> None:
        self._app = app
        self._opening: _Opening | None = None  # the report asked for last

    def open(self, service: BillingService, user: StaffUserView, report_id: int) -> None:
        """Read the report in a worker, then show its screen with it: complete in one frame.
        A read slower than OPEN_WAIT_S shows the screen meanwhile ("Loading report #…")."""
        opening = self._opening = _Opening(report_id, service, user)
        self._app.run_worker(
            partial(self._read, opening), thread=True, exclusive=True, group="open", description="read a report to open"
        )
        self._app.set_timer(OPEN_WAIT_S, partial(self._open_screen, opening))

    def _read(self, opening: _Opening) -> None:  # in the worker
        from screens.billing_report import read_to_open  # if not preloaded yet: here, off the interface's thread

        self._app.post_message(self.Read(opening, read_to_open(opening.service, opening.report_id)))

    def read(self, msg: Read) -> None:
        """The report was read: to its screen if that is up (a slow read), else its screen now."""
        opening, result = msg.opening, msg.result
        opening.result = result
        if opening.screen is not None:  # a slow read: its screen is up, waiting for it
            opening.screen.post_message(result)
        else:
            self._open_screen(opening)

    def _open_screen(self, opening: _Opening) -> None:
        if opening is not self._opening or opening.screen is not None:
            return  # another report was asked for since, or this one is open
        from screens.billing_report import BillingReportScreen
        from screens.report_answers import Failed

        if isinstance(opening.result, Failed):
            self._opening = None
            BillingReportScreen.cannot_open(self._app, opening.result.error)
            return
        opening.screen = BillingReportScreen(opening.service, opening.user, opening.report_id, first=opening.result)
        self._opening = None  # nothing of the report kept here once its screen has it (or waits for it)
        self._app.push_screen(opening.screen)

    def preload(self) -> None:
        """The report screen's modules, imported in a worker while nothing happens (~50 ms
        that the first opening would otherwise wait for)."""
        if "screens.billing_report" not in sys.modules:
            self._app.run_worker(
                _import_report_screen, thread=True, group="preload", description="import the report screen"
            )


def _import_report_screen() -> None:
    import screens.billing_report  # noqa: F401
