"""The composition root of the terminal interface (the only core module that imports
Textual): builds the app from a service, a signed-in user and settings.

Started from the command line (:func:`run_app`), the app paints its frame first — title,
filter bar, "Loading…" — and only then, in a worker, imports the database stack
(SQLAlchemy, the services, pydantic), reads the settings, opens the database and signs the
user in (:meth:`LmpApp._connect`); the list then reads its first page."""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App, SystemCommand
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from lmp_tui.errors import LmpError
from lmp_tui.ui import keymap
from screens.confirm_dialog import ConfirmDialog
from screens.help_screen import HelpScreen
from screens.report_list import ReportListScreen
from screens.report_opening import PRELOAD_AFTER_S, ReportOpener
from screens.too_small import MIN_HEIGHT, MIN_WIDTH, TooSmallScreen
from widgets.in_turn import InTurn
from widgets.key_bar import bindings_for

if TYPE_CHECKING:  # loaded by the first worker, after the first paint
    from textual.notifications import SeverityLevel

    from lmp_tui.services import BillingService, Changes, StaffUserView
    from lmp_tui.startup.prefetch import FirstPage, Prefetch

#: what opens the database and signs in, in a worker; ``announce`` shows a line of progress
Connect = Callable[[Callable[[str], None]], "tuple[BillingService, StaffUserView]"]


#: the longest the first page read beside the start is waited for (then the list reads it itself)
FIRST_PAGE_WAIT_S = 10.0

#: the longest the change watch blocks before it looks whether the app is stopping
WATCH_WAIT_S = 0.5


class LmpApp(App[int]):
    CSS_PATH = "lmp.tcss"
    TITLE = "lmp-tui"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = bindings_for(keymap.APP)

    class ReportsChanged(Message):
        """Reports changed in the database, whoever changed them: one message per batch."""

        def __init__(self, changes: Changes) -> None:
            super().__init__()
            self.changes = changes

    def __init__(
        self,
        service: BillingService | None = None,
        user: StaffUserView | None = None,
        *,
        connect: Connect | None = None,
        open_report: int | None = None,
        export_dir: Path | None = None,
        over_ssh: bool = False,
        first_page: Prefetch | None = None,
        end_on_sigterm: bool = False,
    ) -> None:
        super().__init__()
        self._first_page = first_page
        if service is None and connect is None:
            raise TypeError("LmpApp needs a service (and its user) or a way to connect")
        self.service, self.user = service, user
        self._open_first = open_report  # the command line's: the list opens it once the database is open
        self.opener = ReportOpener(self)
        self._connect_with = connect
        #: why the app could not start (no database, unknown user…): run_app raises it after the app ends
        self.startup_error: LmpError | None = None
        self.export_dir = export_dir or Path.cwd()
        #: run by serve-ssh: a file the app writes is on the server, not the user's computer
        self.over_ssh = over_ssh
        self._lmp_small = False
        self._lmp_started = False  # the size is checked once the first screen is up
        #: SIGTERM ends the app as Ctrl+Q does, without asking (run_app's app only: a test's
        #: app leaves the test process's signals alone)
        self._end_on_sigterm = end_on_sigterm
        #: a SIGTERM came (before the mount, run_app's handler only notes it): the app ends
        self.terminated = False

    def on_mount(self) -> None:
        if self._end_on_sigterm:
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self.terminate)
            if self.terminated:  # it came during the start
                self.terminate()
                return
        first, child = None, self._first_page if self.service is None else None
        if child is not None and child.finished():  # read beside the start, and there: in the first frame
            first, child = child.take(timeout=FIRST_PAGE_WAIT_S), None
        self.push_screen(
            ReportListScreen(self.service, self.user, self.export_dir, first=first, open_report=self._open_first)
        )
        self._lmp_started = True
        self.call_after_refresh(self._check_size)
        if self.service is not None:
            self._connected()
        elif child is not None:  # its page first, then the database stack (one interpreter)
            self._take_first_page()
        elif first is not None:
            self.call_after_refresh(self._connect)
        else:
            self._connect()  # the frame is painted first; the database stack loads in the worker

    @work(thread=True, group="connect", exit_on_error=True)
    def _connect(self) -> None:
        """Import the database stack, open the database, sign in (off the event loop)."""
        assert self._connect_with is not None

        def announce(text: str) -> None:
            self.call_from_thread(self._announce, text)

        try:
            service, user = self._connect_with(announce)
        except LmpError as err:
            self.call_from_thread(self._start_failed, err)
            return
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._connected, service, user)

    @work(thread=True, group="first-page", exit_on_error=False)
    def _take_first_page(self) -> None:
        """The first page read beside the start, shown while the database stack loads here."""
        assert self._first_page is not None
        first = self._first_page.take(timeout=FIRST_PAGE_WAIT_S)
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._show_first_page, first)

    def _show_first_page(self, first: FirstPage | None) -> None:
        """Show the page, then load the database stack here (after that paint: both would
        compete for the interpreter); without a page, load it at once."""
        if first is None:
            self._connect()
            return
        for screen in self.screen_stack:
            if isinstance(screen, ReportListScreen):
                screen.show_first(first)
        self.call_after_refresh(self._connect)

    def _announce(self, text: str) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, ReportListScreen):
                screen.announce(text)

    def on_in_turn(self, msg: InTurn) -> None:
        """A callback that came up behind the keys typed before it (widgets/in_turn.py)."""
        msg.callback()

    def _start_failed(self, err: LmpError) -> None:
        self.startup_error = err
        self.exit(1)

    def _connected(self, service: BillingService | None = None, user: StaffUserView | None = None) -> None:
        if service is not None:
            self.service, self.user = service, user
            for screen in self.screen_stack:
                if isinstance(screen, ReportListScreen):
                    screen.attach(service, user)  # type: ignore[arg-type]  # the user comes with the service
        self.set_timer(PRELOAD_AFTER_S, self.opener.preload)
        self._watch_changes()

    # ---------------------------------------------------------------- opening a report

    def open_report(self, report_id: int) -> None:
        """Open a report over the list (:class:`screens.report_opening.ReportOpener`); before
        the database is open, the list opens it once it is."""
        if self.service is None or self.user is None:
            for screen in self.screen_stack:
                if isinstance(screen, ReportListScreen):
                    screen.open_when_connected(report_id)
            return
        self.opener.open(self.service, self.user, report_id)

    def on_report_list_screen_open_report(self, msg: ReportListScreen.OpenReport) -> None:
        self.open_report(msg.report_id)

    def on_report_opener_read(self, msg: ReportOpener.Read) -> None:
        self.opener.read(msg)

    # ---------------------------------------------------------------- following the database

    @work(thread=True, group="watch", exit_on_error=False)
    def _watch_changes(self) -> None:
        """For the app's lifetime: wait for changes, post one message per batch. Stops
        within WATCH_WAIT_S of the app's exit (Textual cancels its workers then)."""
        worker = get_current_worker()
        assert self.service is not None  # _connected starts this watch once there is a service
        try:
            watch = self.service.watch_changes()
        except LmpError as err:
            self.call_from_thread(self.notify, str(err), title="No live refresh", severity="warning", timeout=10)
            return
        try:
            while not worker.is_cancelled:
                changes = watch.wait(WATCH_WAIT_S)
                if changes is not None and not worker.is_cancelled:
                    self.post_message(self.ReportsChanged(changes))
        finally:
            watch.close()

    def on_lmp_app_reports_changed(self, msg: LmpApp.ReportsChanged) -> None:
        """Each screen that shows reports learns of the change (the list, an open report)."""
        for screen in list(self.screen_stack):
            hook = getattr(screen, "reports_changed", None)
            if hook is not None:
                hook(msg.changes)

    # ---------------------------------------------------------------- palette and help

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for c in getattr(screen, "COMMANDS_SPEC", ()):
            if screen.check_action(c.action, ()) is not False:
                yield SystemCommand(c.title, c.help, _runner(screen, c.action))
        yield SystemCommand("Help", "List every key", self.action_help)
        yield from super().get_system_commands(screen)

    def action_help(self) -> None:
        screen = self.screen
        spec = getattr(screen, "COMMANDS_SPEC", ())
        if not spec:
            return
        name = getattr(screen, "HELP_TITLE", "") or type(screen).__name__.replace("Screen", "")
        self.push_screen(HelpScreen(name, [("screen", spec), ("app", keymap.APP)]))

    async def action_quit(self) -> None:
        """Textual's Quit (the palette's system command) asks like Ctrl+Q does."""
        self.action_quit_app()

    def action_quit_app(self) -> None:
        dirty = [s for s in self.screen_stack if getattr(s, "unsaved", 0)]
        if not dirty:
            self.exit(0)
            return
        n = sum(getattr(s, "unsaved", 0) for s in dirty)

        def done(leave: bool | None) -> None:
            if leave:
                self.exit(0)

        self.push_screen(
            ConfirmDialog(
                "Quit with unsaved changes?",
                f"{n} change(s) are not saved. Quit and discard them? (Press n, then Ctrl+S to save them.)",
                yes="Discard and quit",
            ),
            done,
        )

    def terminate(self) -> None:
        """Asked to end from outside (SIGTERM: serve-ssh ends a session whose key was removed
        or whose user was disabled, or someone ran `kill`): the app ends at once, unsaved
        changes unasked, and Textual puts the terminal back as it found it."""
        self.terminated = True
        self.exit(0)

    # ---------------------------------------------------------------- plain text, safe stop

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every toast is plain text, its message and its title: they quote partners' and
        staff's data. Control characters show visibly; ``markup`` is ignored (never markup)."""
        from lmp_tui.safetext import display_text

        super().notify(
            display_text(message, multiline=True),
            title=display_text(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def run_guarded(self, *, headless: bool = False) -> int:
        """Run the app and return the exit status. A crash exits non-zero with one sentence
        on stderr: Textual's report (a traceback with local variables, which may hold
        partners' data) is kept back. With ``LMP_DEBUG=1`` that report is written instead,
        its control characters made visible."""
        import io
        import os

        from rich.console import Console

        from lmp_tui.safetext import display_text

        captured = io.StringIO()
        self.error_console = Console(file=captured, markup=False, highlight=False, color_system=None)
        result = self.run(headless=headless)
        code = self.return_code or 0
        if os.environ.get("LMP_DEBUG") == "1":
            sys.stderr.write(display_text(captured.getvalue(), multiline=True))
        elif code:
            sys.stderr.write(self.crash_sentence(getattr(self, "_exception", None)) + "\n")  # Textual's first
        return code or int(result or 0)

    @staticmethod
    def crash_sentence(error: BaseException | None) -> str:
        """One sentence for a crash: the error's type name (never its message, which may quote
        hostile data; a failed worker's own error) and what to do."""
        from textual.worker import WorkerFailed

        from lmp_tui.safetext import display_text

        if isinstance(error, WorkerFailed):
            error = error.error
        what = f" ({display_text(type(error).__name__)[:100]})" if error is not None else ""
        return (
            f"lmp-tui stopped on an unexpected error{what}; what you had saved is safe, unsaved changes "
            "are lost. Run with LMP_DEBUG=1 to see the details and report them."
        )

    # ---------------------------------------------------------------- size

    def on_resize(self, event: events.Resize) -> None:
        self._check_size(event.size)

    def _check_size(self, size: Size | None = None) -> None:
        """The size the terminal has now (a resize event's own: the app's size follows it a
        moment later)."""
        if not self._lmp_started:
            return
        size = size or self.size
        small = size.width < MIN_WIDTH or size.height < MIN_HEIGHT
        if small and not self._lmp_small:
            self._lmp_small = True
            self.push_screen(TooSmallScreen(), lambda _: setattr(self, "_lmp_small", False))


def _runner(screen: Screen, action: str):  # noqa: ANN202
    async def run() -> None:
        await screen.run_action(action)

    return run


def build_app(service: BillingService, *, open_report: int | None = None, export_dir: Path | None = None) -> LmpApp:
    """The one factory: the command line and the tests build the app through it."""
    return LmpApp(service, service.whoami(), open_report=open_report, export_dir=export_dir)


def run_app(
    *, url: str | None, user: str | None, demo: bool, open_report: int | None, first_page: Prefetch | None = None
) -> int:
    """The interface from the command line: the frame paints at once; the settings, the
    database stack and the database are loaded in the app's first worker (the first page
    may come sooner, from ``first_page``: :mod:`lmp_tui.startup.prefetch`). A refusal (no
    database, an unknown user…) ends the app and is raised here, as one sentence."""
    opened: list[object] = []

    def connect(announce: Callable[[str], None]) -> tuple[BillingService, StaffUserView]:
        from lmp_tui.startup.connect import open_service

        service, me, db = open_service(url, user, demo, announce)
        opened.append(db)
        return service, me

    from lmp_tui.domain.policy import over_ssh

    app = LmpApp(
        connect=connect, open_report=open_report, over_ssh=over_ssh(), first_page=first_page, end_on_sigterm=True
    )
    signal.signal(signal.SIGTERM, lambda *_: setattr(app, "terminated", True))  # until the app mounts
    try:
        code = app.run_guarded()
    finally:
        if first_page is not None:
            first_page.close()
        for db in opened:
            db.dispose()  # type: ignore[attr-defined]  # a Database: the ui package may not import storage
    if app.startup_error is not None:
        raise app.startup_error
    return 128 + signal.SIGTERM if app.terminated else code
