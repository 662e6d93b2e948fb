"""One billing report being edited, as a plain object: the draft, the version it was read at,
and what is under way, in one explicit state. It decides what a key may do in each state
and words every outcome; it runs nothing itself. A screen asks it (``begin_save`` …), runs
the request it gets in a worker (``request.run(service)``) and feeds the answer back
(``written``, ``write_failed``, ``reloaded`` …); each answer says what to tell the user.

The states:

- IDLE: the draft is on the version last read; nothing is under way.
- READING: a reload is under way (Ctrl+L, or by itself when someone else changed a clean report).
- WRITING: our save, submit or reject is under way. Nothing else is written meanwhile: a
  second Save, a Reload or leaving is refused ("Saving… wait for it to finish"); edits made
  meanwhile are kept and applied again on top of what was written.
- STALE: someone else saved the report since the draft was read, and we have unsaved changes.
- CONFLICT: our write was refused because someone else saved first.

In STALE and CONFLICT a write is refused here (it would be refused by the database): Ctrl+L
merges the draft with the fresh copy (:mod:`lmp_tui.editing.merge`), the clashes decided by the user."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any, Literal

from lmp_tui.domain.model import Report
from lmp_tui.domain.pricing import CodeGrant
from lmp_tui.editing.draft import Draft
from lmp_tui.editing.merge import FieldKey, Merge, Side
from lmp_tui.editing.notice import Notice, Severity
from lmp_tui.errors import Conflict, LmpError

if TYPE_CHECKING:
    from lmp_tui.services import BillingService, Changes, ReportStamp

Write = Literal["save", "submit", "reject"]

#: per write: the word while it is under way, the notice once done, the title of a failure
WRITES: dict[str, tuple[str, str, str]] = {
    "save": ("Saving", "Draft saved.", "Could not save"),
    "submit": ("Submitting", "Submitted to Trend Micro.", "Could not submit"),
    "reject": ("Rejecting", "Rejected and returned to the partner.", "Could not reject"),
}


class State(Enum):
    IDLE = "idle"
    READING = "reading"
    WRITING = "writing"
    STALE = "stale"
    CONFLICT = "conflict"


@dataclass(frozen=True)
class Refusal(Notice):
    """A key that may not act now: nothing was started, nothing changed."""

    severity: Severity = "warning"
    timeout: float = 6


@dataclass(frozen=True)
class WriteRequest:
    """One write to run (in a worker): the edits and the version they were made on."""

    kind: Write
    report_id: int
    edits: tuple[Any, ...]
    version: int
    text: str | None = None  # the submit's comment, the reject's reasons

    def run(self, service: BillingService) -> Report:
        edits, version = list(self.edits), self.version
        if self.kind == "submit":
            return service.submit(self.report_id, self.text, edits, expected_version=version)
        if self.kind == "reject":
            return service.reject(self.report_id, self.text or "", edits, expected_version=version)
        return service.save_draft(self.report_id, edits, expected_version=version)


@dataclass(frozen=True)
class ReadRequest:
    """A read of the report to run (in a worker): asked for (Ctrl+L) or by itself."""

    report_id: int
    asked: bool

    def run(self, service: BillingService) -> Report:
        return service.load_report(self.report_id)


@dataclass
class Outcome:
    """What an answer led to: what to tell, and what the screen is to do next."""

    notices: list[Notice] = field(default_factory=list)
    merge: Merge | None = None  # clashes for the user to decide; then :meth:`ReportEditor.decided`
    read: ReadRequest | None = None  # a read to run now
    look_again: bool = False  # a change came while busy: ask for the report's stamp again


class ReportEditor:
    def __init__(self, report_id: int, user_name: str) -> None:
        self.report_id, self.user_name = report_id, user_name
        self.draft: Draft | None = None
        self.state = State.IDLE
        self.told_version = 0  # the newest version of theirs already announced
        self._resume = State.IDLE  # the state a read returns to when it settles nothing
        self._writing: WriteRequest | None = None
        self._reading: ReadRequest | None = None
        self._look_again = False

    # ---------------------------------------------------------------- what is seen

    @property
    def unsaved(self) -> int:
        return self.draft.unsaved if self.draft else 0

    @property
    def stale(self) -> bool:
        """Someone else saved since the draft was read (the header says so)."""
        behind = (State.STALE, State.CONFLICT)
        return self.state in behind or (self.state is State.READING and self._resume in behind)

    def opened(self, report: Report) -> None:
        self.draft, self.state = Draft(report), State.IDLE

    def edit(self, command: Any, grant: CodeGrant | None = None) -> Notice | None:
        """Apply one edit to the draft (in any state: it is not written yet); why not, if refused."""
        assert self.draft is not None
        try:
            self.draft.apply(command, grant)
        except LmpError as err:
            return Notice(str(err), severity="error", timeout=8)
        return None

    # ---------------------------------------------------------------- writes

    def _busy(self) -> Refusal | None:
        if self.state is State.WRITING and self._writing is not None:
            return Refusal(f"{WRITES[self._writing.kind][0]}… wait for it to finish.", title="Busy", timeout=4)
        if self.state is State.READING:
            return Refusal("Reloading… wait for it to finish.", title="Busy", timeout=4)
        if self.draft is None:
            return Refusal("The report is still loading: wait for it.", title="Busy", timeout=4)
        return None

    def may_write(self, kind: Write) -> Refusal | None:
        """Why ``kind`` may not start now (asked before its dialog, and again when it is sent)."""
        busy = self._busy()
        if busy is not None:
            return busy
        if self.state in (State.STALE, State.CONFLICT):
            return Refusal(
                f"Someone else saved report #{self.report_id} since you read it, so yours would not "
                f"be written: press Ctrl+L to merge your changes with theirs, then {kind} again.",
                title="Reload first",
                severity="error",
                timeout=10,
            )
        return None

    def begin_write(self, kind: Write, text: str | None = None, *, seen: int | None = None) -> WriteRequest | Refusal:
        """Start a write of the draft, or say why not. ``seen``: the version the user decided on
        (a dialog was open meanwhile); the write is refused by the database if it is not the latest."""
        refused = self.may_write(kind)
        if refused is not None:
            return refused
        assert self.draft is not None
        if kind == "save" and not self.unsaved:
            return Refusal("Nothing to save: no change since the report was read.", timeout=4)
        version = self.draft.saved.version if seen is None else seen
        self._writing = WriteRequest(kind, self.report_id, tuple(self.draft.edits), version, text)
        self.state = State.WRITING
        return self._writing

    def written(self, report: Report) -> Outcome:
        """The write went through: ``report`` as written. Edits made meanwhile go on top of it."""
        request, self._writing = self._writing, None
        assert request is not None and self.draft is not None
        later = self.draft.pending[len(request.edits) :]
        self.draft, self.state = Draft(report), State.IDLE
        out = self._settled(Notice(WRITES[request.kind][1]))
        out.notices += self._again(later)
        if self.unsaved:
            out.notices.append(Notice(f"Your {self.unsaved} change(s) made meanwhile are not saved yet.", timeout=6))
        return out

    def write_failed(self, error: LmpError) -> Outcome:
        """The write was refused or failed: nothing of it was written; the draft is as it was."""
        request, self._writing = self._writing, None
        assert request is not None
        if isinstance(error, Conflict):
            self.state = State.CONFLICT
            return self._settled(
                Notice(
                    f"{error.who} saved report #{self.report_id} first, so yours was not written. Your {self.unsaved} "
                    "change(s) are still here: press Ctrl+L to merge them with theirs, then save again.",
                    title="Someone saved first",
                    severity="error",
                    timeout=20,
                )
            )
        self.state = State.IDLE
        return self._settled(Notice(str(error), title=WRITES[request.kind][2], severity="error", timeout=10))

    def may_leave(self) -> Refusal | None:
        """Leaving while our write is under way would not stop it, and would hide how it ended."""
        return self._busy() if self.state is State.WRITING else None

    # ---------------------------------------------------------------- reads and merges

    def begin_reload(self) -> ReadRequest | Refusal:
        """Ctrl+L: read the report again (with unsaved changes, to merge them with it)."""
        return self._busy() or self._read(asked=True)

    def _read(self, *, asked: bool) -> ReadRequest:
        self._resume = self.state
        self._reading, self.state = ReadRequest(self.report_id, asked), State.READING
        return self._reading

    def reloaded(self, fresh: Report) -> Outcome:
        """The report as read again: shown as it is, or merged with the unsaved changes."""
        asked = self._reading.asked if self._reading else True
        self._reading = None
        assert self.draft is not None
        if not self.draft.unsaved:
            self.draft, self.state = Draft(fresh), State.IDLE
            return self._settled(Notice("Report reloaded.") if asked else None)
        if fresh.version == self.draft.saved.version:
            self.state = State.IDLE
            return self._settled(Notice("Nobody else changed the report; your changes are as they were."))
        merge = self.draft.merge(fresh)
        if merge.clashes:
            self.state = self._resume if self._resume in (State.STALE, State.CONFLICT) else State.STALE
            out = self._settled()
            out.merge = merge
            return out
        return self.decided(merge, {})

    def read_failed(self, error: LmpError) -> Outcome:
        self._reading, self.state = None, self._resume
        return self._settled(Notice(str(error), title="Could not reload", severity="error", timeout=10))

    def decided(self, merge: Merge, choices: Mapping[FieldKey, Side] | None) -> Outcome:
        """The clashes decided (``choices``), or the merge called off (None)."""
        assert self.draft is not None
        if choices is None:
            return Outcome(
                [
                    Notice(
                        "Not reloaded: your changes are as they were (a save will be refused until you reload).",
                        severity="warning",
                        timeout=8,
                    )
                ]
            )
        dropped = self.draft.rebase(merge, choices)
        out = Outcome(
            [
                Notice(
                    f"One of your changes no longer applies and was dropped: {reason}", severity="warning", timeout=10
                )
                for reason in dropped
            ]
        )
        theirs = len(merge.took_theirs) + sum(1 for side in choices.values() if side == "theirs")
        version = self.draft.saved.version
        # a change announced while the user decided is newer still: the draft stays behind it
        self.state = State.STALE if self.told_version > version else State.IDLE
        self.told_version = max(self.told_version, version)
        out.notices.append(
            Notice(
                f"Report reloaded (version {version}): {theirs} change(s) of theirs shown, "
                f"{self.unsaved} of yours applied on top, not saved yet.",
                title="Reloaded",
                timeout=8,
            )
        )
        return out

    # ---------------------------------------------------------------- changes made elsewhere

    def needs_stamp(self, changes: Changes) -> bool:
        """Reports changed (the app's change watch): may this one be newer than the draft, so
        that its stamp is to be read now? While busy, the answer waits (``Outcome.look_again``)."""
        if self.draft is None or not changes.touches(self.report_id):
            return False
        if self.state in (State.WRITING, State.READING):  # our own write may be what changed
            self._look_again = True
            return False
        seen = dict(changes.versions).get(self.report_id)
        return seen is None or seen > self.draft.saved.version  # PostgreSQL said which version

    def changed_elsewhere(self, stamp: ReportStamp) -> Outcome:
        """The report's stamp, as read after a change: newer than the draft?"""
        if self.draft is None:
            return Outcome()
        if self.state in (State.WRITING, State.READING):
            self._look_again = True
            return Outcome()
        if stamp.version <= self.draft.saved.version or stamp.version <= self.told_version:
            return Outcome()
        self.told_version = stamp.version
        title = "Changed in another of your sessions" if stamp.actor == self.user_name else "Changed by someone else"
        if not self.unsaved:
            return Outcome(
                [Notice(f"{stamp.said}. The report was reloaded: it shows the change.", title=title, timeout=10)],
                read=self._read(asked=False),
            )
        if self.state is State.IDLE:
            self.state = State.STALE
        return Outcome(
            [
                Notice(
                    f"{stamp.said}. Your {self.unsaved} unsaved change(s) are kept: press Ctrl+L to "
                    "reload; they are merged with theirs field by field, and you choose where you both "
                    "changed the same field.",
                    title=title,
                    severity="warning",
                    timeout=20,
                )
            ]
        )

    # ---------------------------------------------------------------- helpers

    def _settled(self, notice: Notice | None = None) -> Outcome:
        """Nothing is under way any more: a change that came meanwhile is looked at now."""
        look, self._look_again = self._look_again, False
        return Outcome([notice] if notice else [], look_again=look)

    def _again(self, later: list[tuple[Any, CodeGrant | None]]) -> list[Notice]:
        assert self.draft is not None
        dropped = []
        for command, grant in later:
            try:
                self.draft.apply(command, grant)
            except LmpError as err:
                dropped.append(
                    Notice(
                        f"A change made while it was written no longer applies and was dropped: {err}",
                        severity="warning",
                        timeout=10,
                    )
                )
        return dropped
