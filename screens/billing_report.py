"""One billing report: header, line-item grid, the focused line's discrepancy/comment
pane, history; and the distributor's actions on an Under-review report. Changes collect
in a draft on screen until Save Draft, Submit or Reject writes them in one transaction.

The screen composes, binds keys and shows; the report's editing (the draft, the version
it was read at, what is under way, what a key may do now) is a
:class:`lmp_tui.editing.editor.ReportEditor`. The screen asks it, runs the reads and writes it
hands out in a worker, and feeds the answers back. When someone else changes the report,
the screen says who and what at once; without unsaved changes it reloads by itself, with
them it keeps them and offers Reload (Ctrl+L), which merges them with the other's, field
by field (clashes are decided in a dialog)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher

from lmp_tui.commands.edits import ApplyCode, RemoveCode, ResetPricing
from lmp_tui.commands.validation import parse
from lmp_tui.domain.model import WHY_READ_ONLY, Action, Line, Report, Status
from lmp_tui.domain.policy import offered
from lmp_tui.domain.pricing import CodeGrant
from lmp_tui.editing.draft import Draft
from lmp_tui.editing.editor import Notice, Outcome, ReadRequest, Refusal, ReportEditor, Write, WriteRequest
from lmp_tui.editing.merge import FieldKey, Merge, Side
from lmp_tui.errors import LmpError
from lmp_tui.services import BillingService, Changes, StaffUserView
from lmp_tui.ui import keymap
from screens import report_answers as answers
from screens import report_edits
from screens.confirm_dialog import ConfirmDialog
from screens.merge_dialog import MergeDialog
from screens.reject_dialog import RejectDialog
from screens.report_answers import read_to_open  # noqa: F401  (the app reads a report to open with it)
from screens.submit_dialog import SubmitDecision, SubmitDialog
from widgets.history_table import HistoryTable
from widgets.key_bar import KeyBar, bindings_for
from widgets.line_detail import LineDetail
from widgets.line_grid import LineGrid
from widgets.plain_text import plain
from widgets.report_header import ReportHeader
from widgets.tab_line import TabLine

EDITING = {"save_draft", "submit", "reject", "edit_po", "specify_code", "edit_value", "reset_pricing", "remove_code"}
#: the keys of the actions above: pressed when none is offered, they say why
EDITING_KEYS = frozenset(k for c in keymap.BILLING_REPORT if c.action in EDITING for k in c.keys.split(","))


class BillingReportScreen(Screen[None]):
    HELP_TITLE = "Billing report"
    DEFAULT_CSS = """
    BillingReportScreen #panes { height: 1fr; }
    """
    BINDINGS = bindings_for(keymap.BILLING_REPORT)
    COMMANDS_SPEC = keymap.BILLING_REPORT
    HELP_OFFERED_ONLY = True  # the help lists only what the user may do here

    # what its workers bring back (the app opens a report with these too)
    Loaded: ClassVar[type[answers.Loaded]] = answers.Loaded
    Failed: ClassVar[type[answers.Failed]] = answers.Failed

    def __init__(
        self, service: BillingService, user: StaffUserView, report_id: int, *, first: answers.Loaded | None = None
    ) -> None:
        """``first``: the report as read (:func:`read_to_open`), shown with the screen's first
        frame; without it, the app posts it when read (the screen says "Loading…" meanwhile)."""
        super().__init__()
        self.service, self.user, self.report_id = service, user, report_id
        self._first = first
        self.editor = ReportEditor(report_id, user.name)
        self._history_of: Report | None = None  # the report the history tab shows
        self._widths: tuple[list[Line], dict[str, int]] | None = None  # lines as read, their column widths

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

    # ---------------------------------------------------------------- state (the editor's)

    @property
    def draft(self) -> Draft | None:
        return self.editor.draft

    @property
    def unsaved(self) -> int:
        return self.editor.unsaved

    @property
    def conflict(self) -> bool:
        """Someone else saved since the draft was read."""
        return self.editor.stale

    @property
    def can_edit(self) -> bool:
        return bool(self.draft and offered(Action.SAVE_DRAFT, self.user.role, self.draft.saved.status))

    # ---------------------------------------------------------------- showing

    def _show(self) -> None:
        if self.draft is None:
            return
        if not self.query(LineGrid):  # the tabs mount their panes a moment after the screen
            self.call_after_refresh(self._show)
            return
        report = self.draft.working
        why = None
        if report.status is Status.UNDER_REVIEW and not self.user.can_act:
            why = f"you are signed in as {self.user.name}, a viewer (read-only); a billing user or admin can act."
        self.query_one(ReportHeader).show(report, unsaved=self.unsaved, read_only_reason=why, stale=self.conflict)
        widths = self._widths[1] if self._widths and self._widths[0] is report.lines else None
        self.query_one(LineGrid).show(report, widths=widths)  # repaints only what changed
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
        self.query_one(LineDetail).show(report, line, editable=self.can_edit)  # no key offered that would be refused

    def _tell(self, notices: Notice | list[Notice] | None) -> None:
        for n in [notices] if isinstance(notices, Notice) else notices or []:
            self.notify(n.message, title=n.title or "", severity=n.severity, timeout=n.timeout)

    @on(LineGrid.Selected, "#grid")
    def _selected(self, event: LineGrid.Selected) -> None:
        event.stop()
        if self.can_edit:
            self.action_edit_value()
        else:
            self._tell_why_not()

    # ---------------------------------------------------------------- workers: the editor's requests

    @work(thread=True, group="report")
    def _run(self, request: WriteRequest | ReadRequest) -> None:
        self.post_message(answers.answer(request, self.service))

    @work(thread=True, exclusive=True, group="code")
    def _verify(self, line_no: int, code: str) -> None:
        self.post_message(answers.check_code(self.service, self.report_id, line_no, code))

    @work(thread=True, exclusive=True, group="stamp")
    def _check_stamp(self) -> None:
        stamped = answers.stamp_of(self.service, self.report_id)
        if stamped is not None:
            self.post_message(stamped)

    def _start(self, asked: WriteRequest | ReadRequest | Refusal) -> None:
        if isinstance(asked, Refusal):
            self._tell(asked)
        else:
            self._run(asked)

    def on_billing_report_screen_loaded(self, msg: answers.Loaded) -> None:
        request = msg.request
        if request is None:  # the opening
            self.editor.opened(msg.report)
            outcome = Outcome()
        elif isinstance(request, WriteRequest):
            outcome = self.editor.written(msg.report)
        else:
            outcome = self.editor.reloaded(msg.report)
        if self.draft is not None and self.draft.saved is msg.report:
            self._widths = (msg.report.lines, msg.widths)
        self._follow(outcome)

    def on_billing_report_screen_failed(self, msg: answers.Failed) -> None:
        what = msg.what
        if isinstance(what, WriteRequest):
            self._follow(self.editor.write_failed(msg.error))
        elif isinstance(what, ReadRequest):
            self._follow(self.editor.read_failed(msg.error))
        elif what == "open" or self.draft is None:
            self.cannot_open(self.app, msg.error)
            self.app.pop_screen()
        else:
            self.notify(str(msg.error), title="Could not check the code", severity="error", timeout=10)

    def _follow(self, outcome: Outcome) -> None:
        """Tell what the editor's answer says and do what it asks next; repaint."""
        self._tell(outcome.notices)
        if outcome.look_again:
            self._check_stamp()
        if outcome.read is not None:
            self._run(outcome.read)
        if outcome.merge is not None:
            self._decide(outcome.merge)
        self._show()

    def _decide(self, merge: Merge) -> None:
        def decided(choices: dict[FieldKey, Side] | None) -> None:
            self._follow(self.editor.decided(merge, choices))

        self.app.clear_notifications()  # the notices that led here would cover the dialog
        self.app.push_screen(MergeDialog(merge), decided)

    # ---------------------------------------------------------------- changes made elsewhere

    def reports_changed(self, changes: Changes) -> None:
        """Reports changed (the app's change watch): is this one newer than the draft?"""
        if self.editor.needs_stamp(changes):
            self._check_stamp()

    def on_billing_report_screen_stamped(self, msg: answers.Stamped) -> None:
        self._follow(self.editor.changed_elsewhere(msg.stamp))

    def on_billing_report_screen_code_checked(self, msg: answers.CodeChecked) -> None:
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
        refused = self.editor.edit(edit, grant)
        if refused is not None:
            self._tell(refused)
            return False
        self._show()
        return True

    def _offer(self, asked: report_edits.Ask | Screen[Any] | Notice | None) -> None:
        """A dialog that asks for a value (its answer applied as an edit), one that shows, or why not."""
        if isinstance(asked, Notice):
            self._tell(asked)
        elif isinstance(asked, report_edits.Ask):
            ask = asked

            def done(text: str | None) -> None:
                if text is not None:
                    self._apply(ask.edit(text))

            self.app.push_screen(ask.dialog, done)
        elif asked is not None:
            self.app.push_screen(asked)

    def _line_no(self) -> int | None:
        return self.query_one(LineGrid).line_no if self.draft is not None else None

    def action_edit_po(self) -> None:
        self._offer(report_edits.ask_po(self.editor))

    def action_edit_value(self) -> None:
        self._offer(report_edits.ask_value(self.editor, self._line_no()))

    def action_show_comment(self) -> None:
        self._offer(report_edits.show_comment(self.editor, self._line_no()))

    def action_specify_code(self) -> None:
        line_no = self._line_no()
        if line_no is not None:
            self._ask_code(line_no, "", None)

    def _ask_code(self, line_no: int, value: str, error: str | None) -> None:
        assert self.draft is not None

        def done(code: str | None) -> None:
            if code is not None:
                self._verify(line_no, code)

        self.app.push_screen(
            report_edits.ask_code(
                self.draft.working, line_no, value, error, lambda: self.service.codes_for_line(self.report_id, line_no)
            ),
            done,
        )

    def action_remove_code(self) -> None:
        line_no = self._line_no()
        if line_no is None:
            return
        assert self.draft is not None
        code = self.draft.working.line(line_no).promo_code
        if self._apply(parse(RemoveCode, line_no=line_no)):
            self.notify(
                f"Code {code} removed from line {line_no}; its unit price and channel margin are back from "
                "the price list (not saved yet).",
                timeout=4,
            )

    def action_reset_pricing(self) -> None:
        self._apply(ResetPricing())
        self.notify("Unit prices and channel margins are back to the price list (not saved yet).", timeout=4)

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
        self._start(self.editor.begin_write("save"))

    def _write_after(self, kind: Write, dialog: Any) -> None:
        """Submit or Reject: asked in ``dialog`` first (if the editor may write now), then written."""
        refused = self.editor.may_write(kind)
        if refused is not None:
            self._tell(refused)
            return
        assert self.draft is not None
        seen = self.draft.saved.version  # what the user decides on

        def done(answer: Any) -> None:
            if answer is not None:
                text = answer.comment if isinstance(answer, SubmitDecision) else answer
                self._start(self.editor.begin_write(kind, text, seen=seen))

        self.app.push_screen(dialog, done)

    def action_submit(self) -> None:
        assert self.draft is not None
        if not self.draft.working.po_number:
            self.notify(
                "Specify the PO number first: press p (Edit PO Number). It is required before Submit to Trend Micro.",
                severity="error",
                timeout=8,
            )
            return
        self._write_after("submit", SubmitDialog(self.draft.working, self.unsaved))

    def action_reject(self) -> None:
        assert self.draft is not None
        self._write_after("reject", RejectDialog(self.draft.working))

    def action_reload(self) -> None:
        self._start(self.editor.begin_reload())

    def action_back(self) -> None:
        refused = self.editor.may_leave()
        if refused is not None:
            self._tell(refused)
            return
        if not self.unsaved:
            self.app.pop_screen()
            return

        def done(discard: bool | None) -> None:
            if discard:
                self.app.pop_screen()

        self.app.push_screen(
            ConfirmDialog(
                "Unsaved changes",
                f"Report #{self.report_id} has {self.unsaved} unsaved change(s). Leave and discard "
                "them? (Press n, then Ctrl+S to save them.)",
                yes="Discard and leave",
            ),
            done,
        )
