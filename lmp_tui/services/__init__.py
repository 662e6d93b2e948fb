"""The only door to the data. Screens, widgets and the command line call these; none of
them opens a database session of its own. Every change goes through one pipeline
(:mod:`lmp_tui.services.pipeline`)."""

from __future__ import annotations

from lmp_tui.domain.views import (
    AdminEntryView,
    CycleCloseResult,
    PromoCodeView,
    ReportPage,
    ReportRow,
    ReportStamp,
    StaffKeyView,
    StaffUserView,
)
from lmp_tui.services.admin import AdminMixin, KeyOwner, initialise, key_refusal, owner_of_key, owners_of_keys
from lmp_tui.services.base import Clock, utcnow
from lmp_tui.services.code_choice import CodeChoice, CodeChoiceMixin
from lmp_tui.services.pipeline import ReportChanged
from lmp_tui.services.plan import ImportResult
from lmp_tui.services.queries import CSV_COLUMNS, QueriesMixin, csv_values
from lmp_tui.services.writes import WritesMixin
from lmp_tui.storage.watch import Changes, ChangeWatch


class BillingService(QueriesMixin, WritesMixin, CodeChoiceMixin, AdminMixin):
    """Everything one staff user can ask of the billing data.

    Every change is a command run through the pipeline: the user's role is authorised by
    the policy, the report's status checked against the status machine, the change made by
    the rules, history written, all in one transaction; a refusal raises an
    :class:`lmp_tui.errors.LmpError` with a clerk-readable message and changes nothing."""


__all__ = [
    "AdminEntryView",
    "BillingService",
    "ChangeWatch",
    "Changes",
    "Clock",
    "CodeChoice",
    "CSV_COLUMNS",
    "csv_values",
    "CycleCloseResult",
    "ImportResult",
    "initialise",
    "key_refusal",
    "KeyOwner",
    "owner_of_key",
    "owners_of_keys",
    "PromoCodeView",
    "ReportChanged",
    "ReportPage",
    "ReportRow",
    "ReportStamp",
    "StaffKeyView",
    "StaffUserView",
    "utcnow",
]
