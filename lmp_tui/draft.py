"""A billing report being edited on screen: the version last read from the database,
the edits not saved yet, and the report as it looks with them applied. The edits are the
same commands the services run, carried out by the same function
(:func:`lmp_tui.commands.apply`), so the screen shows exactly what a save will compute."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any, Mapping

from .commands import Context, apply
from .domain import Report, check_transition
from .errors import LmpError
from .merge import FieldKey, Merge, Side, three_way
from .pricing import CodeGrant


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
        """Apply one edit to the working copy; raise an LmpError (and change nothing) when
        the rules refuse it. Returns what changed, in words."""
        trial = copy.deepcopy(self.working)
        check_transition(edit.ACTION, trial.status)
        detail = apply(trial, edit, Context(grant=grant)).detail
        self.working = trial
        self.pending.append((edit, grant))
        return detail

    def check(self, edit: Any, grant: CodeGrant | None = None) -> str | None:
        """Why ``edit`` would be refused, or None."""
        try:
            check_transition(edit.ACTION, self.working.status)
            apply(copy.deepcopy(self.working), edit, Context(grant=grant))
        except LmpError as err:
            return str(err)
        return None

    def merge(self, fresh: Report) -> Merge:
        """Three-way merge of this draft (saved → working) with a fresh copy of the report
        that someone else changed: what is taken from each side, and the clashes to decide
        (:mod:`lmp_tui.merge`). Changes nothing; :meth:`rebase` carries a decision out."""
        return three_way(self.saved, self.working, fresh, self.pending)

    def rebase(self, merge: Merge, choices: Mapping[FieldKey, Side] | None = None) -> list[str]:
        """Start again from the merge's fresh copy and apply mine as decided (every clash
        not in ``choices`` keeps theirs); returns the reasons of any change of mine that
        no longer applies (it is dropped)."""
        commands = merge.commands(choices)
        self.saved, self.pending = merge.theirs, []
        self.working = copy.deepcopy(merge.theirs)
        dropped = []
        for edit, grant in commands:
            try:
                self.apply(edit, grant)
            except LmpError as err:
                dropped.append(str(err))
        return dropped
