"""A billing report being edited on screen: the version last read from the database,
the changes not saved yet, and the report as it looks with them applied. Pure Python, so
the interface shows exactly what the services will compute when the draft is saved."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from . import domain, pricing
from .domain import Report
from .pricing import CodeGrant
from .errors import InvalidInput
from .validation import ApplyCode, ResetPricing, SetChannelMargin, SetPO, SetUnitPrice


@dataclass
class Draft:
    saved: Report
    pending: list[tuple[Any, CodeGrant | None]] = field(default_factory=list)
    working: Report = field(init=False)

    def __post_init__(self) -> None:
        self.working = copy.deepcopy(self.saved)

    @property
    def edits(self) -> list[Any]:
        return [edit for edit, _ in self.pending]

    @property
    def unsaved(self) -> int:
        return len(self.pending)

    def apply(self, edit: Any, grant: CodeGrant | None = None) -> str:
        """Apply one change to the working copy; raise InvalidInput (and change nothing)
        when the rules refuse it. Returns what changed, in words."""
        trial = copy.deepcopy(self.working)
        detail = apply_edit(trial, edit, grant)
        self.working = trial
        self.pending.append((edit, grant))
        return detail

    def check(self, edit: Any, grant: CodeGrant | None = None) -> str | None:
        """Why ``edit`` would be refused, or None."""
        try:
            apply_edit(copy.deepcopy(self.working), edit, grant)
        except InvalidInput as err:
            return str(err)
        return None

    def rebase(self, fresh: Report) -> list[str]:
        """Start again from a fresh copy of the report and re-apply the unsaved changes;
        returns the reasons of any change that no longer applies (it is dropped)."""
        old, self.saved, self.pending = self.pending, fresh, []
        self.working = copy.deepcopy(fresh)
        dropped = []
        for edit, grant in old:
            try:
                self.apply(edit, grant)
            except InvalidInput as err:
                dropped.append(str(err))
        return dropped

    def saved_as(self, fresh: Report) -> None:
        """The draft was written: the fresh report is the new base, nothing is pending."""
        self.saved, self.pending = fresh, []
        self.working = copy.deepcopy(fresh)


#: which history action each kind of change is
EDIT_ACTIONS = {
    SetPO: domain.Action.SET_PO,
    ApplyCode: domain.Action.APPLY_CODE,
    SetUnitPrice: domain.Action.SET_UNIT_PRICE,
    SetChannelMargin: domain.Action.SET_CHANNEL_MARGIN,
    ResetPricing: domain.Action.RESET_PRICING,
}


def apply_edit(report: Report, edit: Any, grant: CodeGrant | None) -> str:
    """One change, by the rules of :mod:`lmp_tui.domain`; the services use this too."""
    if isinstance(edit, SetPO):
        return pricing.set_po(report, edit.po_number)
    if isinstance(edit, ApplyCode):
        if grant is None:
            raise InvalidInput("The code must be verified first.")
        return pricing.apply_grant(report, grant)
    if isinstance(edit, SetUnitPrice):
        return pricing.set_unit_price(report, edit.line_no, edit.value)
    if isinstance(edit, SetChannelMargin):
        return pricing.set_channel_margin(report, edit.line_no, edit.value)
    if isinstance(edit, ResetPricing):
        return pricing.reset_pricing(report)
    raise InvalidInput(f"Unknown change {edit!r}.")
