"""When someone else changes the open report, for the billing report screen
(:class:`screens.billing_report.BillingReportScreen` mixes this in): the change watch asks
whether this report is newer than the draft; with nothing unsaved it reloads by itself,
else the header says so and Ctrl+L merges the draft with the fresh copy, field by field
(:mod:`lmp_tui.merge`, the choices in :class:`screens.merge_dialog.MergeDialog`)."""

from __future__ import annotations

from typing import Any

from lmp_tui.domain import Report
from lmp_tui.merge import FieldKey, Merge, Side
from lmp_tui.services import Changes
from screens.merge_dialog import MergeDialog


class ReportLive:
    """Needs of the screen: ``draft``, ``report_id``, ``user``, ``unsaved``, ``conflict``,
    ``_writing``, ``_recheck``, ``_told_version``, ``_load``, ``_check_stamp``, ``_show``."""


    def reports_changed(self, changes: Changes) -> None:
        """Reports changed (the app's change watch): is this one newer than the draft's?"""
        if self.draft is None or not changes.touches(self.report_id):
            return
        if self._writing:  # our own write may be what changed: look once it is done
            self._recheck = True
            return
        seen = dict(changes.versions).get(self.report_id)
        if seen is not None and seen <= self.draft.saved.version:
            return  # PostgreSQL said which version: not newer than ours
        self._check_stamp()

    def on_billing_report_screen_stamped(self, msg: Any) -> None:
        stamp = msg.stamp
        if self.draft is None or self._writing:
            self._recheck = self._writing
            return
        if stamp.version <= self.draft.saved.version or stamp.version <= self._told_version:
            return
        self._told_version = stamp.version
        title = "Changed in another of your sessions" if stamp.actor == self.user.name else "Changed by someone else"
        if not self.unsaved:
            self.notify(f"{stamp.said}. The report was reloaded: it shows the change.", title=title, timeout=10)
            self._load("refreshed")
            return
        self.conflict = True
        self.notify(f"{stamp.said}. Your {self.unsaved} unsaved change(s) are kept: press Ctrl+L to reload; "
                    "they are merged with theirs field by field, and you choose where you both changed "
                    "the same field.", title=title, severity="warning", timeout=20)
        self._show()

    def _merge(self, fresh: Report) -> None:
        """Ctrl+L with unsaved changes: merge them with the fresh copy, field by field."""
        assert self.draft is not None
        if fresh.version == self.draft.saved.version:
            self.conflict = False
            self.notify("Nobody else changed the report; your changes are as they were.", timeout=4)
            self._show()
            return
        merge = self.draft.merge(fresh)
        if not merge.clashes:
            self._rebase(merge, {})
            return

        def decided(choices: dict[FieldKey, Side] | None) -> None:
            if choices is None:
                self.notify("Not reloaded: your changes are as they were (a save will be refused until you "
                            "reload).", severity="warning", timeout=8)
                return
            self._rebase(merge, choices)

        self.app.clear_notifications()  # the notices that led here would cover the dialog
        self.app.push_screen(MergeDialog(merge), decided)

    def _rebase(self, merge: Merge, choices: dict[FieldKey, Side]) -> None:
        assert self.draft is not None
        dropped = self.draft.rebase(merge, choices)
        for reason in dropped:
            self.notify(f"One of your changes no longer applies and was dropped: {reason}",
                        severity="warning", timeout=10)
        theirs = len(merge.took_theirs) + sum(1 for side in choices.values() if side == "theirs")
        self.conflict = False
        self._told_version = max(self._told_version, self.draft.saved.version)
        self.notify(f"Report reloaded (version {self.draft.saved.version}): {theirs} change(s) of theirs shown, "
                    f"{self.unsaved} of yours applied on top, not saved yet.", title="Reloaded", timeout=8)
        self._show()
