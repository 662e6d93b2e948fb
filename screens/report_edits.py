"""The billing report's pricing edits that ask for a value, each as the dialog that asks and
the edit its answer makes: Edit PO Number, Specify Promotional Code (the answer is checked
in a worker first), the unit price or channel margin a code opened; and Show Partner Comment.
Plain functions: :class:`screens.billing_report.BillingReportScreen` shows the dialog and
applies the edit through its :class:`lmp_tui.editing.editor.ReportEditor`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lmp_tui.commands.edits import ApplyCode, SetChannelMargin, SetPO, SetUnitPrice
from lmp_tui.commands.validation import parse
from lmp_tui.domain.model import EditableField, Report
from lmp_tui.editing.editor import Notice, ReportEditor
from lmp_tui.errors import InvalidInput
from lmp_tui.services import CodeChoice
from screens.code_dialog import CodeDialog
from screens.comment_dialog import CommentDialog
from screens.input_dialog import InputDialog


@dataclass(frozen=True)
class Ask:
    """A dialog asking for one value, and the edit its answer makes."""

    dialog: InputDialog
    edit: Callable[[str], Any]


def _check(make: Callable[[str], Any]) -> Callable[[str], str | None]:
    """Why the typed text is refused (as the dialog shows it on the spot), or None."""

    def check(text: str) -> str | None:
        try:
            make(text)
        except InvalidInput as err:
            return str(err)
        return None

    return check


def ask_po(editor: ReportEditor) -> Ask | None:
    if editor.draft is None:
        return None
    report = editor.draft.working

    def make(value: str) -> SetPO:
        return parse(SetPO, po_number=value)

    return Ask(
        InputDialog(
            "Edit PO Number",
            "The partner's purchase order number (1–35 characters):",
            report.po_number or "",
            check=_check(make),
            max_length=35,
        ),
        make,
    )


def ask_code(
    report: Report, line_no: int, value: str, error: str | None, load: Callable[[], list[CodeChoice]]
) -> CodeDialog:
    """Specify Promotional Code for a line; its answer is the code to check (then apply)."""
    line = report.line(line_no)
    return CodeDialog(
        f"Specify Promotional Code — line {line_no}",
        f"{report.code_kind.label} for {line.name} (region {report.region_name}); it opens the "
        f"{report.code_opens.label}:",
        value,
        currency=report.currency,
        load=load,
        check=_check(lambda text: parse(ApplyCode, line_no=line_no, code=text)),
        error=error,
    )


def ask_value(editor: ReportEditor, line_no: int | None) -> Ask | Notice | None:
    """The unit price or channel margin the line's code opened; why not, when none is open."""
    if editor.draft is None or line_no is None:
        return None
    report = editor.draft.working
    line = report.line(line_no)
    if line.editable_field is None:
        return Notice(
            f"Line {line_no} has no promotional code: press c to specify a {report.code_kind.label}; "
            f"it opens the {report.code_opens.label}.",
            severity="warning",
            timeout=8,
        )
    is_price = line.editable_field is EditableField.UNIT_PRICE
    model = SetUnitPrice if is_price else SetChannelMargin

    def make(text: str) -> Any:
        return parse(model, line_no=line_no, value=text)

    def check(text: str) -> str | None:
        try:
            return editor.draft.check(make(text)) if editor.draft else None  # the draft as it is then
        except InvalidInput as err:
            return str(err)

    unit = report.currency if is_price else "%"
    bound = ""
    if line.code_bound is not None:
        bound = f" (code {line.promo_code}: {'at least' if is_price else 'at most'} {line.code_bound} {unit})"
    return Ask(
        InputDialog(
            f"{line.editable_field.label} — line {line_no}",
            f"{line.name}, in {unit}{bound}:",
            str(line.unit_price if is_price else line.channel_margin),
            check=check,
        ),
        make,
    )


def show_comment(editor: ReportEditor, line_no: int | None) -> CommentDialog | Notice | None:
    """Show Partner Comment: the line's comment in full; why not, when it has none."""
    if editor.draft is None or line_no is None:
        return None
    line = editor.draft.working.line(line_no)
    if not line.partner_comment:
        return Notice(f"Line {line_no} ({line.name}) has no partner comment.")
    return CommentDialog(f"Partner comment — line {line_no} {line.name}", line.partner_comment)
