"""What the billing report's workers bring back to its screen, as messages: a report read or
written (its columns' widths measured there, in the worker, not on the interface's thread), a
failure, the report's stamp, a checked code. Each is made by a plain function that runs in the
worker; :class:`screens.billing_report.BillingReportScreen` handles them
(``on_billing_report_screen_loaded`` …)."""

from __future__ import annotations

from textual.message import Message

from lmp_tui.domain.model import Report
from lmp_tui.domain.pricing import CodeGrant
from lmp_tui.editing.editor import ReadRequest, WriteRequest
from lmp_tui.errors import CodeRefused, InvalidInput, LmpError
from lmp_tui.services import BillingService, ReportStamp
from widgets.line_cells import measure_widths

SCREEN = "billing_report_screen"  # the handlers' names: on_billing_report_screen_…


class Loaded(Message, namespace=SCREEN):
    """The report as read or written; ``request``: what it answers (None: the opening)."""

    def __init__(self, report: Report, request: WriteRequest | ReadRequest | None = None) -> None:
        super().__init__()
        self.report, self.request = report, request
        self.widths = measure_widths(report.lines, report.currency, not report.status.shows_money)


class Failed(Message, namespace=SCREEN):
    """Why a read or write failed; ``what``: the request, or "open" or "verify"."""

    def __init__(self, error: LmpError, what: WriteRequest | ReadRequest | str) -> None:
        super().__init__()
        self.error, self.what = error, what


class Stamped(Message, namespace=SCREEN):
    def __init__(self, stamp: ReportStamp) -> None:
        super().__init__()
        self.stamp = stamp


class CodeChecked(Message, namespace=SCREEN):
    def __init__(self, line_no: int, code: str, grant: CodeGrant | None, refusal: str | None) -> None:
        super().__init__()
        self.line_no, self.code, self.grant, self.refusal = line_no, code, grant, refusal


def read_to_open(service: BillingService, report_id: int) -> Loaded | Failed:
    """A report to open, as read in a worker (with its columns' widths), or why not."""
    try:
        return Loaded(service.load_report(report_id))
    except LmpError as err:
        return Failed(err, "open")


def answer(request: WriteRequest | ReadRequest, service: BillingService) -> Loaded | Failed:
    """The editor's read or write, run: the report it leaves, or why not."""
    try:
        return Loaded(request.run(service), request)
    except LmpError as err:
        return Failed(err, request)


def check_code(service: BillingService, report_id: int, line_no: int, code: str) -> CodeChecked | Failed:
    """A code typed for a line, checked: its grant, or the check it failed."""
    try:
        return CodeChecked(line_no, code, service.verify_code(report_id, line_no, code), None)
    except (CodeRefused, InvalidInput) as err:
        return CodeChecked(line_no, code, None, str(err))
    except LmpError as err:
        return Failed(err, "verify")


def stamp_of(service: BillingService, report_id: int) -> Stamped | None:
    """The report's stamp, to tell whether someone else changed it; None when it cannot be read
    (the next change, a reload or a save will say what is wrong)."""
    try:
        return Stamped(service.report_stamp(report_id))
    except LmpError:
        return None
