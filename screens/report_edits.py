"""The billing report's pricing edits, each asked for in a dialog where it needs a value:
Edit PO Number, Specify Promotional Code (the code checked in a worker), the unit price or
channel margin a code opened, Remove Promotional Code, Reset; and Show Partner Comment.
A mixin of :class:`screens.billing_report.BillingReportScreen`: every edit goes to its
draft through ``_apply``, which repaints what changed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from lmp_tui.commands import ApplyCode, RemoveCode, ResetPricing, SetChannelMargin, SetPO, SetUnitPrice
from lmp_tui.domain import EditableField
from lmp_tui.errors import InvalidInput
from lmp_tui.validation import parse
from screens.code_dialog import CodeDialog
from screens.comment_dialog import CommentDialog
from screens.input_dialog import InputDialog
from widgets.line_grid import LineGrid

if TYPE_CHECKING:
    from lmp_tui.draft import Draft
    from lmp_tui.pricing import CodeGrant
    from lmp_tui.services import BillingService


class ReportEdits:
    """The edit actions (``action_*``) and their dialogs; the screen binds their keys."""

    if TYPE_CHECKING:  # what the screen provides
        draft: Draft | None
        service: BillingService
        report_id: int
        app: Any

        def query_one(self, selector: Any) -> Any: ...
        def notify(self, message: str, **kwargs: Any) -> None: ...
        def _apply(self, edit: Any, grant: CodeGrant | None = None) -> bool: ...
        def _verify(self, line_no: int, code: str) -> Any: ...

    def action_edit_po(self) -> None:
        current = self.draft.working.po_number if self.draft else ""

        def check(value: str) -> str | None:
            try:
                parse(SetPO, po_number=value)
            except InvalidInput as err:
                return str(err)
            return None

        def done(value: str | None) -> None:
            if value is not None:
                self._apply(parse(SetPO, po_number=value))

        self.app.push_screen(InputDialog("Edit PO Number", "The partner's purchase order number (1–35 characters):",
                                         current or "", check=check, max_length=35), done)

    def action_specify_code(self) -> None:
        line_no = self.query_one(LineGrid).line_no
        if line_no is not None:
            self._ask_code(line_no, "", None)

    def action_remove_code(self) -> None:
        assert self.draft is not None
        line_no = self.query_one(LineGrid).line_no
        if line_no is None:
            return
        code = self.draft.working.line(line_no).promo_code
        if self._apply(parse(RemoveCode, line_no=line_no)):
            self.notify(f"Code {code} removed from line {line_no}; its unit price and channel margin are back from "
                        "the price list (not saved yet).", timeout=4)

    def action_show_comment(self) -> None:
        if self.draft is None:
            return
        line_no = self.query_one(LineGrid).line_no
        if line_no is None:
            return
        line = self.draft.working.line(line_no)
        if not line.partner_comment:
            self.notify(f"Line {line_no} ({line.name}) has no partner comment.", timeout=4)
            return
        self.app.push_screen(CommentDialog(f"Partner comment — line {line_no} {line.name}", line.partner_comment))

    def _ask_code(self, line_no: int, value: str, error: str | None) -> None:
        assert self.draft is not None
        report = self.draft.working
        line = report.line(line_no)

        def check(text: str) -> str | None:
            try:
                parse(ApplyCode, line_no=line_no, code=text)
            except InvalidInput as err:
                return str(err)
            return None

        def done(code: str | None) -> None:
            if code is not None:
                self._verify(line_no, code)

        self.app.push_screen(CodeDialog(
            f"Specify Promotional Code — line {line_no}",
            f"{report.code_kind.label} for {line.name} (region {report.region_name}); it opens the "
            f"{report.code_opens.label}:", value, currency=report.currency,
            load=lambda: self.service.codes_for_line(self.report_id, line_no), check=check, error=error), done)

    def action_edit_value(self) -> None:
        assert self.draft is not None
        line_no = self.query_one(LineGrid).line_no
        if line_no is None:
            return
        report = self.draft.working
        line = report.line(line_no)
        if line.editable_field is None:
            self.notify(f"Line {line_no} has no promotional code: press c to specify a {report.code_kind.label}; "
                        f"it opens the {report.code_opens.label}.", severity="warning", timeout=8)
            return
        is_price = line.editable_field is EditableField.UNIT_PRICE
        model = SetUnitPrice if is_price else SetChannelMargin

        def make(text: str) -> Any:
            return parse(model, line_no=line_no, value=text)

        def check(text: str) -> str | None:
            try:
                return self.draft.check(make(text)) if self.draft else None
            except InvalidInput as err:
                return str(err)

        def done(text: str | None) -> None:
            if text is not None:
                self._apply(make(text))

        unit = report.currency if is_price else "%"
        bound = ""
        if line.code_bound is not None:
            bound = f" (code {line.promo_code}: {'at least' if is_price else 'at most'} {line.code_bound} {unit})"
        self.app.push_screen(InputDialog(
            f"{line.editable_field.label} — line {line_no}", f"{line.name}, in {unit}{bound}:",
            str(line.unit_price if is_price else line.channel_margin), check=check), done)

    def action_reset_pricing(self) -> None:
        self._apply(ResetPricing())
        self.notify("Unit prices and channel margins are back to the price list (not saved yet).", timeout=4)
