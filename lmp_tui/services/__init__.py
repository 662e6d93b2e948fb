"""The only door to the data. Screens, widgets and the command line call these; none of
them opens a database session of its own."""

from __future__ import annotations

from .actions import ActionsMixin
from .base import Clock, utcnow
from .parties import PartiesMixin
from .queries import CSV_COLUMNS, QueriesMixin, csv_values
from .views import CycleCloseResult, PromoCodeView, ReportPage, ReportRow, StaffUserView


class BillingService(QueriesMixin, ActionsMixin, PartiesMixin):
    """Everything one staff user can ask of the billing data.

    Every call checks the user's role and distributor and the report's status, runs in
    one transaction, writes history for what it changed, and raises an
    :class:`lmp_tui.errors.LmpError` with a clerk-readable message when refused (in which
    case nothing changed)."""


__all__ = [
    "BillingService", "Clock", "utcnow", "CSV_COLUMNS", "csv_values", "CycleCloseResult",
    "PromoCodeView", "ReportPage", "ReportRow", "StaffUserView",
]
