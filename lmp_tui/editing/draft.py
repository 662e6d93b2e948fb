"""A billing report being edited on screen: the version last read from the database,
the edits not saved yet, and the report as it looks with them applied. The edits are the
same commands the services run, carried out by the same function
(:func:`lmp_tui.commands.edits.apply`), so the screen shows exactly what a save will compute."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from lmp_tui.commands.edits import Context, ResetPricing, SetPO, apply
from lmp_tui.domain.model import Line, Report, check_transition
from lmp_tui.domain.pricing import CodeGrant
from lmp_tui.editing.merge import FieldKey, Merge, Side, three_way
from lmp_tui.errors import LmpError


@dataclass
class Draft:
    saved: Report
    pending: list[tuple[Any, CodeGrant | None]] = field(default_factory=list)
    working: Report = field(init=False)

    def __post_init__(self) -> None:
        self.working = self.saved  # shared until the first edit (copy on write)

    @property
    def edits(self) -> list[Any]:
        return [edit for edit, _ in self.pending]

    @property
    def unsaved(self) -> int:
        return len(self.pending)

    def apply(self, edit: Any, grant: CodeGrant | None = None) -> str:
        """Apply one edit to the working copy; raise an LmpError (and change nothing) when
        the rules refuse it. Returns what changed, in words."""
        trial = trial_copy(self.working, edit)
        check_transition(edit.ACTION, trial.status)
        detail = apply(trial, edit, Context(grant=grant)).detail
        self.working = trial
        self.pending.append((edit, grant))
        return detail

    def check(self, edit: Any, grant: CodeGrant | None = None) -> str | None:
        """Why ``edit`` would be refused, or None."""
        try:
            check_transition(edit.ACTION, self.working.status)
            apply(trial_copy(self.working, edit), edit, Context(grant=grant))
        except LmpError as err:
            return str(err)
        return None

    def merge(self, fresh: Report) -> Merge:
        """Three-way merge of this draft (saved → working) with a fresh copy of the report
        that someone else changed: what is taken from each side, and the clashes to decide
        (:mod:`lmp_tui.editing.merge`). Changes nothing; :meth:`rebase` carries a decision out."""
        return three_way(self.saved, self.working, fresh, self.pending)

    def rebase(self, merge: Merge, choices: Mapping[FieldKey, Side] | None = None) -> list[str]:
        """Start again from the merge's fresh copy and apply mine as decided (every clash
        not in ``choices`` keeps theirs); returns the reasons of any change of mine that
        no longer applies (it is dropped)."""
        commands = merge.commands(choices)
        self.saved, self.pending = merge.theirs, []
        self.working = merge.theirs  # shared until the first edit (copy on write)
        dropped = []
        for edit, grant in commands:
            try:
                self.apply(edit, grant)
            except LmpError as err:
                dropped.append(str(err))
        return dropped


def trial_copy(report: Report, edit: Any) -> Report:
    """A copy of ``report`` that ``edit`` may change without touching ``report``: the report
    itself and its lines list are new; of the lines, only those the edit may change are
    copied (a line's fields are immutable values, so a shallow copy is a full one)."""
    trial = copy.copy(report)
    if isinstance(edit, SetPO):
        return trial  # the PO number is the report's own field: no line changes
    line_no = getattr(edit, "line_no", None)
    if line_no is not None:
        trial.lines = [copy.copy(ln) if ln.line_no == line_no else ln for ln in report.lines]
    elif isinstance(edit, ResetPricing):
        trial.lines = [copy.copy(ln) if not _at_price_list(ln) else ln for ln in report.lines]
    else:  # any other command: every line may change
        trial.lines = [copy.copy(ln) for ln in report.lines]
    return trial


def _at_price_list(line: Line) -> bool:
    """Nothing a reset would change: it writes the same values, digit for digit, on such a line."""
    return (
        line.promo_code is None
        and line.editable_field is None
        and line.code_bound is None
        and _same_digits(line.unit_price, line.list_unit_price)
        and _same_digits(line.channel_margin, line.list_channel_margin)
    )


def _same_digits(a: Decimal, b: Decimal) -> bool:
    return a is b or a.as_tuple() == b.as_tuple()  # the same object: as read, or after a reset
