"""One billing report: header, line-item grid, the focused line's discrepancy/comment
pane, history; and the distributor's actions on an Under-review report. Changes collect
in a draft on screen until Save Draft, Submit or Reject writes them in one transaction.

When someone else changes the report, the screen says who and what at once; without
unsaved changes it reloads by itself, with them it keeps them and offers Reload (Ctrl+L),
which merges them with the other's, field by field (clashes are decided in a dialog)."""

from __future__ import annotations

from typing import Any, Callable

from textual import on, work
from textual import events
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.containers import Vertical
from textual.widgets import ContentSwitcher

from lmp_tui import keymap
from lmp_tui.domain import WHY_READ_ONLY, Action, Report, Status
from lmp_tui.policy import offered
from lmp_tui.pricing import CodeGrant
from lmp_tui.draft import Draft
from lmp_tui.errors import CodeRefused, Conflict, InvalidInput, LmpError
from lmp_tui.services import BillingService, ReportStamp, StaffUserView
from lmp_tui.commands import ApplyCode
from lmp_tui.validation import parse
from screens.confirm_dialog import ConfirmDialog
from screens.report_edits import ReportEdits
from screens.report_live import ReportLive
from screens.reject_dialog import RejectDialog
from screens.submit_dialog import SubmitDecision, SubmitDialog
from widgets.history_table import HistoryTable
from widgets.key_bar import KeyBar, bindings_for
from widgets.line_detail import LineDetail
from widgets.line_cells import measure_widths
from widgets.line_grid import LineGrid
from widgets.plain_text import plain
from widgets.report_header import ReportHeader
from widgets.tab_line import TabLine

EDITING = {"save_draft", "submit", "reject", "edit_po", "specify_code", "edit_value", "reset_pricing", "remove_code"}
#: the keys of the actions above: pressed when none is offered, they say why
EDITING_KEYS = frozenset(k for c in keymap.BILLING_REPORT if c.action in EDITING for k in c.keys.split(","))
#: what a failed write was doing, as the title of its message ("Could not save")
FAILED_TITLES = {"saved": "Could not save", "submitted": "Could not submit", "rejected": "Could not reject",
                 "verify": "Could not check the code", "reloaded": "Could not reload",
                 "refreshed": "Could not reload"}


def read_to_open(service: BillingService, report_id: int) -> "BillingReportScreen.Loaded | BillingReportScreen.Failed":
    """A report to open, as read in a worker (with its columns' widths), or why not."""
    try:
        return BillingReportScreen.Loaded(service.load_report(report_id))
    except LmpError as err:
        return BillingReportScreen.Failed(err, "open")


class BillingReportScreen(ReportEdits, ReportLive, Screen[None]):
    HELP_TITLE = "Billing report"
    DEFAULT_CSS = """
    BillingReportScreen #panes { height: 1fr; }
    """
    BINDINGS = bindings_for(keymap.BILLING_REPORT)
    COMMANDS_SPEC = keymap.BILLING_REPORT
    HELP_OFFERED_ONLY = True  # the help lists only what the user may do here

    class Loaded(Message):
        def __init__(self, report: Report, done: str | None = None) -> None:
            super().__init__()
            self.report, self.done = report, done
            # measured here, in the worker that read the report, not on the interface's thread
            self.widths = measure_widths(report.lines, report.currency, report.status is Status.MSP_PREPARING)

    class Failed(Message):
        def __init__(self, error: LmpError, what: str) -> None:
            super().__init__()
            self.error, self.what = error, what

    class Stamped(Message):
        def __init__(self, stamp: ReportStamp) -> None:
            super().__init__()
            self.stamp = stamp

    class CodeChecked(Message):
        def __init__(self, line_no: int, code: str, grant: CodeGrant | None, refusal: str | None) -> None:
            super().__init__()
            self.line_no, self.code, self.grant, self.refusal = line_no, code, grant, refusal

    def __init__(self, service: BillingService, user: StaffUserView, report_id: int, *,
                 first: Loaded | None = None) -> None:
        """``first``: the report as read (:func:`read_to_open`), shown with the screen's first
        frame; without it, the app posts it when read (the screen says "Loading…" meanwhile)."""
        super().__init__()
        self.service, self.user, self.report_id = service, user, report_id
        self._first = first
        self.draft: Draft | None = None
        self.conflict = False  # someone else saved since the draft was read
        self._writing = False  # our own save, submit or reject is under way
        self._recheck = False  # a change came meanwhile: look again once it is written
        self._told_version = 0  # the newest version of theirs already announced
        self._history_of: Report | None = None  # the report the history tab shows
        self._widths: tuple[list[object], dict[str, int]] | None = None  # lines as read, their column widths

    def compose(self) -> ComposeResult:
        yield ReportHeader(plain(f"Loading report #{self.report_id}…"), id="header")
        # a one-line tab bar and a switcher: Textual's TabbedContent cost ~90 ms of every opening
        yield TabLine(("lines", "Lines"), ("history-table", "History"), active="lines", id="tabs")
        with ContentSwitcher(initial="lines", id="panes"):
            with Vertical(id="lines"):
                yield LineGrid(id="grid", on_move=self._show_detail)  # the pane in the rows' frame
                yield LineDetail(id="detail")
            # the history table is made when first shown (~5 ms of every opening otherwise)
        yield KeyBar()

    def on_mount(self) -> None:
        if self._first is not None:
            self.on_billing_report_screen_loaded(self._first)  # before the first frame
            self._first = None

    @staticmethod
    def cannot_open(app: Any, error: LmpError) -> None:
        app.notify(str(error), title="Cannot open the report", severity="error", timeout=10)

    # ---------------------------------------------------------------- state

    @property
    def unsaved(self) -> int:
        return self.draft.unsaved if self.draft else 0

    @property
    def can_edit(self) -> bool:
        return bool(self.draft and offered(Action.SAVE_DRAFT, self.user.role, self.draft.saved.status))

    def _show(self) -> None:
        if self.draft is None:
            return
        if not self.query(LineGrid):  # the tabs mount their panes a moment after the screen
            self.call_after_refresh(self._show)
            return
        report = self.draft.working
        usage_only = report.status is Status.MSP_PREPARING
        why = None
        if report.status is Status.UNDER_REVIEW and not self.user.can_act:
            why = f"you are signed in as {self.user.name}, a viewer (read-only); a billing user or admin can act."
        self.query_one(ReportHeader).show(report, unsaved=self.unsaved, read_only_reason=why, stale=self.conflict,
                                          usage_only=usage_only)
        widths = self._widths[1] if self._widths and self._widths[0] is report.lines else None
        self.query_one(LineGrid).show(report, usage_only=usage_only, widths=widths)  # repaints only what changed
        self._show_history()
        self._show_detail()
        self.sub_title = f"#{report.id}"
        if self.focused is None:  # the lines take the keys
            self.query_one(LineGrid).focus()
        self.refresh_bindings()

    def _show_history(self) -> None:
        """Fill the history table when it is shown and the saved report changed (an edit
        changes the draft, not the history); not while the lines are shown."""
        if self.draft is None or self._history_of is self.draft.saved:
            return
        if self.query_one(ContentSwitcher).current != "history-table":
            return
        self._history_of = self.draft.saved
        self.query_one(HistoryTable).show(self.draft.saved)

    async def _show_pane(self, pane: str) -> None:
        switcher = self.query_one(ContentSwitcher)
        if pane == "history-table" and not self.query(HistoryTable):
            await switcher.mount(HistoryTable(id="history-table"))
        switcher.current = pane
        self.query_one(TabLine).active = pane
        self._show_history()
        (self.query_one(HistoryTable) if pane == "history-table" else self.query_one(LineGrid)).focus()

    @on(TabLine.Chosen, "#tabs")
    async def _tab_chosen(self, event: TabLine.Chosen) -> None:
        await self._show_pane(event.pane)

    def _show_detail(self) -> None:
        if self.draft is None or not self.query(LineDetail):
            return
        report = self.draft.working
        no = self.query_one(LineGrid).line_no
        line = next((ln for ln in report.lines if ln.line_no == no), None)
        self.query_one(LineDetail).show(report, line, usage_only=report.status is Status.MSP_PREPARING,
                                        editable=self.can_edit)  # no key offered that would be refused

    @on(LineGrid.Selected, "#grid")
    def _selected(self, event: LineGrid.Selected) -> None:
        event.stop()
        if self.can_edit:
            self.action_edit_value()
        else:
            self._tell_why_not()

    # ---------------------------------------------------------------- workers

    @work(thread=True, exclusive=True, group="report")
    def _load(self, done: str | None = None) -> None:
        try:
            self.post_message(self.Loaded(self.service.load_report(self.report_id), done))
        except LmpError as err:
            self.post_message(self.Failed(err, done or "open"))

    def _write(self, what: str, call: Callable[[], Report]) -> None:
        self._writing = True  # the change watch sees our own write too: it is not "someone else"
        self._write_now(what, call)

    @work(thread=True, exclusive=True, group="report")
    def _write_now(self, what: str, call: Callable[[], Report]) -> None:
        try:
            self.post_message(self.Loaded(call(), what))
        except LmpError as err:
            self.post_message(self.Failed(err, what))

    @work(thread=True, exclusive=True, group="code")
    def _verify(self, line_no: int, code: str) -> None:
        try:
            grant = self.service.verify_code(self.report_id, line_no, code)
            self.post_message(self.CodeChecked(line_no, code, grant, None))
        except (CodeRefused, InvalidInput) as err:
            self.post_message(self.CodeChecked(line_no, code, None, str(err)))
        except LmpError as err:
            self.post_message(self.Failed(err, "verify"))

    @work(thread=True, exclusive=True, group="stamp")
    def _check_stamp(self) -> None:
        try:
            self.post_message(self.Stamped(self.service.report_stamp(self.report_id)))
        except LmpError:
            pass  # the next change, a reload or a save will say what is wrong

    def on_billing_report_screen_loaded(self, msg: Loaded) -> None:
        self._written()
        if msg.done in ("reloaded", "refreshed") and self.draft is not None and self.draft.unsaved:
            self._merge(msg.report)
            return
        self.conflict = False
        self.draft = Draft(msg.report)
        self._widths = (msg.report.lines, msg.widths)
        messages = {"saved": "Draft saved.", "submitted": "Submitted to Trend Micro.",
                    "rejected": "Rejected and returned to the partner.", "reloaded": "Report reloaded."}
        if msg.done in messages:
            self.notify(messages[msg.done], timeout=4)
        self._show()

    def _written(self) -> None:
        if self._writing:
            self._writing = False
            if self._recheck:
                self._recheck = False
                self._check_stamp()

    def on_billing_report_screen_failed(self, msg: Failed) -> None:
        self._written()
        if msg.what == "open" or (msg.what not in FAILED_TITLES and self.draft is None):
            self.cannot_open(self.app, msg.error)
            self.app.pop_screen()
            return
        if isinstance(msg.error, Conflict):
            self.conflict = True
            err = msg.error
            self.notify(f"{err.who} saved report #{self.report_id} first, so yours was not written. Your "
                        f"{self.unsaved} change(s) are still here: press Ctrl+L to merge them with theirs, then "
                        "save again.", title="Someone saved first", severity="error", timeout=20)
        else:
            self.notify(str(msg.error), title=FAILED_TITLES.get(msg.what, "Could not do it"), severity="error",
                        timeout=10)
        self._show()

    def on_billing_report_screen_code_checked(self, msg: CodeChecked) -> None:
        if msg.grant is None:
            self._ask_code(msg.line_no, msg.code, msg.refusal)
            return
        self._apply(parse(ApplyCode, line_no=msg.line_no, code=msg.code), msg.grant)

    # ---------------------------------------------------------------- actions

    def _why_not(self) -> str:
        """Why no change is offered here, in words."""
        if not self.user.can_act:
            return "you are a viewer (read-only); a billing user or admin can act."
        if self.draft is None:
            return "the report is still loading."
        return WHY_READ_ONLY.get(self.draft.saved.status, "nothing can change this report now.")

    def _tell_why_not(self) -> None:
        self.notify(f"Nothing happens: {self._why_not()}", title="No change possible", severity="warning", timeout=6)

    def on_key(self, event: events.Key) -> None:
        """A key of a change that is not offered (a viewer, a read-only report) says why."""
        if event.key in EDITING_KEYS and not self.can_edit:
            event.stop()
            event.prevent_default()
            self._tell_why_not()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in EDITING:
            if not self.can_edit:
                return False
            if action == "save_draft":
                return True if self.unsaved else None
        if action == "reload":
            return self.draft is not None
        return True

    def _apply(self, edit: Any, grant: CodeGrant | None = None) -> bool:
        assert self.draft is not None
        try:
            self.draft.apply(edit, grant)
        except LmpError as err:
            self.notify(str(err), severity="error", timeout=8)
            return False
        self._show()
        return True

    async def action_next_discrepancy(self) -> None:
        if self.draft is None:
            return
        grid = self.query_one(LineGrid)
        if self.query_one(ContentSwitcher).current != "lines":
            await self._show_pane("lines")
        lines = self.draft.working.lines
        start = grid.cursor_row
        for step in range(1, len(lines) + 1):
            i = (start + step) % len(lines)
            if lines[i].discrepancy or lines[i].partner_comment:
                grid.move_cursor(row=i)
                grid.focus()
                return
        self.notify("No line has a discrepancy or a partner comment.", timeout=4)

    async def action_toggle_history(self) -> None:
        await self._show_pane("history-table" if self.query_one(ContentSwitcher).current == "lines" else "lines")

    def action_save_draft(self) -> None:
        if self.draft and self.unsaved:
            edits, version = self.draft.edits, self.draft.saved.version
            self._write("saved", lambda: self.service.save_draft(self.report_id, edits, expected_version=version))

    def action_submit(self) -> None:
        assert self.draft is not None
        if not self.draft.working.po_number:
            self.notify("Specify the PO number first: press p (Edit PO Number). It is required before Submit to "
                        "Trend Micro.", severity="error", timeout=8)
            return
        edits, version = self.draft.edits, self.draft.saved.version

        def done(decision: SubmitDecision | None) -> None:
            if decision is not None:
                self._write("submitted", lambda: self.service.submit(
                    self.report_id, decision.comment, edits, expected_version=version))

        self.app.push_screen(SubmitDialog(self.draft.working, self.unsaved), done)

    def action_reject(self) -> None:
        assert self.draft is not None
        edits, version = self.draft.edits, self.draft.saved.version

        def done(reason: str | None) -> None:
            if reason is not None:
                self._write("rejected", lambda: self.service.reject(
                    self.report_id, reason, edits, expected_version=version))

        self.app.push_screen(RejectDialog(self.draft.working), done)

    def action_reload(self) -> None:
        self._load("reloaded")

    def action_back(self) -> None:
        if not self.unsaved:
            self.app.pop_screen()
            return

        def done(discard: bool | None) -> None:
            if discard:
                self.app.pop_screen()

        self.app.push_screen(ConfirmDialog(
            "Unsaved changes", f"Report #{self.report_id} has {self.unsaved} unsaved change(s). Leave and discard "
            "them? (Press n, then Ctrl+S to save them.)", yes="Discard and leave"), done)
