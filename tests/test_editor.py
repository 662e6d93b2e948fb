"""The billing report's editing as a plain object (lmp_tui/editing/editor.py), without a screen or a
thread: what each key may do in each state (idle, reading, writing, stale, conflict), what a
write sends, and what the user is told, in order. Among them the reported double save: a
second Ctrl+S while the first is written is refused, never sent as a second write."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from lmp_tui.commands import edits as c
from lmp_tui.domain.model import Action, Status
from lmp_tui.editing.editor import Notice, Outcome, ReadRequest, Refusal, ReportEditor, State, WriteRequest
from lmp_tui.errors import Conflict, DatabaseUnavailable
from lmp_tui.editing.merge import FieldKey
from lmp_tui.storage.watch import UNKNOWN, Changes
from lmp_tui.domain.views import ReportStamp

from .test_merge import AT, grant, report, saved

RID = 7  # the id of test_merge's report


class Told:
    """What the user was told, in order, as the screen would show it."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def __call__(self, answer: Any) -> Any:
        if isinstance(answer, Notice):
            self.messages.append(answer.message)
        elif isinstance(answer, Outcome):
            self.messages += [n.message for n in answer.notices]
        return answer


class Service:
    """A stand-in for BillingService: records the writes asked of it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, list[Any], int, str | None]] = []

    def save_draft(self, report_id: int, edits: list[Any], *, expected_version: int) -> Any:
        self.calls.append(("save", report_id, edits, expected_version, None))

    def submit(self, report_id: int, comment: str | None, edits: list[Any], *, expected_version: int) -> Any:
        self.calls.append(("submit", report_id, edits, expected_version, comment))

    def reject(self, report_id: int, reason: str, edits: list[Any], *, expected_version: int) -> Any:
        self.calls.append(("reject", report_id, edits, expected_version, reason))


def editing(*edits: Any) -> ReportEditor:
    editor = ReportEditor(RID, "billing")
    editor.opened(report())
    for edit in edits:
        assert editor.edit(edit) is None
    return editor


def stamp(version: int, actor: str = "ana") -> ReportStamp:
    return ReportStamp(RID, version, AT, actor, Action.SET_PO, "PO number set to PO-THEIRS")


PO = c.SetPO(po_number="PO-MINE")


def test_ctrl_s_twice_while_the_first_is_written_sends_one_write_and_ends_saved():
    told, service = Told(), Service()
    editor = editing(PO)
    first = told(editor.begin_write("save"))
    second = told(editor.begin_write("save"))  # pressed again while the first is in flight
    assert isinstance(first, WriteRequest) and editor.state is State.WRITING
    assert isinstance(second, Refusal) and second.message == "Saving… wait for it to finish."
    first.run(service)  # the screen's worker
    assert service.calls == [("save", RID, [PO], 1, None)]
    told(editor.written(saved(report(), PO, actor="billing")))
    assert told.messages == ["Saving… wait for it to finish.", "Draft saved."]
    assert editor.state is State.IDLE and not editor.stale and editor.unsaved == 0
    assert editor.draft is not None and editor.draft.saved.version == 2


def test_ctrl_s_then_ctrl_l_says_saving_then_draft_saved_and_nothing_about_nobody_else():
    told = Told()
    editor = editing(PO)
    assert isinstance(told(editor.begin_write("save")), WriteRequest)
    reload = told(editor.begin_reload())
    assert isinstance(reload, Refusal)  # no read under the write: it would see the report before it
    told(editor.written(saved(report(), PO, actor="billing")))
    assert told.messages == ["Saving… wait for it to finish.", "Draft saved."]
    assert isinstance(editor.begin_reload(), ReadRequest)  # once written, Ctrl+L reads again


def test_while_writing_submit_reject_and_leaving_are_refused_too():
    editor = editing(PO)
    editor.begin_write("submit", "Thanks")
    for refused in (editor.may_write("save"), editor.begin_write("reject", "no"), editor.may_leave()):
        assert isinstance(refused, Refusal) and refused.message == "Submitting… wait for it to finish."
    assert editor.state is State.WRITING


def test_edits_made_while_a_save_is_written_stay_on_top_of_it_unsaved():
    told = Told()
    editor = editing(PO)
    request = editor.begin_write("save")
    assert editor.edit(c.ApplyCode(line_no=1, code="BD-A"), grant(1, "BD-A")) is None  # typed meanwhile
    assert isinstance(request, WriteRequest) and request.edits == (PO,)  # the write sends what it had
    told(editor.written(saved(report(), PO, actor="billing")))
    assert editor.draft is not None and editor.draft.saved.po_number == "PO-MINE"
    assert editor.unsaved == 1 and editor.draft.working.line(1).promo_code == "BD-A"
    assert told.messages == ["Draft saved.", "Your 1 change(s) made meanwhile are not saved yet."]


def test_someone_saved_first_keeps_the_draft_refuses_writes_until_reloaded():
    told = Told()
    editor = editing(PO)
    editor.begin_write("save")
    told(editor.write_failed(Conflict("saved first", who="ana", version=2)))
    assert editor.state is State.CONFLICT and editor.stale and editor.unsaved == 1
    assert told.messages[-1].startswith("ana saved report #7 first, so yours was not written.")
    refused = editor.begin_write("save")
    assert isinstance(refused, Refusal) and "press Ctrl+L" in refused.message
    assert editor.state is State.CONFLICT  # a refusal changes nothing
    read = editor.begin_reload()
    assert isinstance(read, ReadRequest) and editor.state is State.READING and editor.stale
    theirs = saved(report(), c.ResetPricing(), actor="ana")
    told(editor.reloaded(theirs))
    assert editor.state is State.IDLE and not editor.stale and editor.unsaved == 1
    again = editor.begin_write("save")
    assert isinstance(again, WriteRequest) and again.version == 2 and again.edits == (PO,)


def test_a_failed_write_says_what_failed_and_keeps_the_draft():
    editor = editing(PO)
    editor.begin_write("reject", "Wrong seat count.")
    out = editor.write_failed(DatabaseUnavailable("The database cannot be reached: try again in a minute."))
    assert [(n.title, n.severity) for n in out.notices] == [("Could not reject", "error")]
    assert editor.state is State.IDLE and editor.unsaved == 1
    assert isinstance(editor.begin_write("save"), WriteRequest)


def test_a_change_elsewhere_with_unsaved_changes_makes_it_stale_and_says_so_once():
    editor = editing(PO)
    assert editor.needs_stamp(UNKNOWN)  # SQLite: which report is not known
    assert not editor.needs_stamp(Changes(frozenset({RID}), ((RID, 1),)))  # not newer than ours
    out = editor.changed_elsewhere(stamp(2))
    assert editor.state is State.STALE and out.read is None
    assert [n.severity for n in out.notices] == ["warning"] and "ana changed report #7" in out.notices[0].message
    assert editor.changed_elsewhere(stamp(2)).notices == []  # told once
    refused = editor.begin_write("submit", None)
    assert isinstance(refused, Refusal) and "then submit again" in refused.message


def test_a_change_elsewhere_on_a_clean_report_reloads_it_quietly():
    editor = editing()
    out = editor.changed_elsewhere(stamp(2, actor="billing"))
    assert out.notices[0].title == "Changed in another of your sessions"
    assert isinstance(out.read, ReadRequest) and not out.read.asked and editor.state is State.READING
    assert isinstance(editor.begin_write("save"), Refusal)  # "Reloading… wait for it to finish."
    fresh = saved(report(), c.SetPO(po_number="PO-THEIRS"))
    assert editor.reloaded(fresh).notices == []  # the notice above said it already
    assert editor.draft is not None and editor.draft.saved is fresh and editor.state is State.IDLE


def test_a_change_seen_while_writing_is_looked_at_once_the_write_is_done():
    editor = editing(PO)
    editor.begin_write("save")
    assert not editor.needs_stamp(UNKNOWN)  # our own write may be what changed
    assert editor.changed_elsewhere(stamp(2)).notices == [] and editor.state is State.WRITING
    out = editor.written(saved(report(), PO, actor="billing"))
    assert out.look_again
    assert editor.changed_elsewhere(stamp(2, actor="billing")).notices == []  # that was ours: version 2


def test_reload_without_changes_elsewhere_says_nobody_else_changed_it():
    editor = editing(PO)
    editor.begin_reload()
    out = editor.reloaded(report())
    assert [n.message for n in out.notices] == ["Nobody else changed the report; your changes are as they were."]
    assert editor.unsaved == 1 and editor.state is State.IDLE
    clean = editing()
    clean.begin_reload()
    assert [n.message for n in clean.reloaded(report()).notices] == ["Report reloaded."]


def test_clashes_wait_for_the_users_choices_escape_keeps_the_draft_stale():
    editor = editing(PO)
    editor.changed_elsewhere(stamp(2))
    editor.begin_reload()
    theirs = saved(report(), c.SetPO(po_number="PO-THEIRS"))
    out = editor.reloaded(theirs)
    assert out.merge is not None and [k.key for k in out.merge.clashes] == [FieldKey("po")]
    assert editor.state is State.STALE
    kept = editor.decided(out.merge, None)  # Escape in the merge dialog
    assert "Not reloaded" in kept.notices[0].message and editor.state is State.STALE
    assert editor.draft is not None and editor.draft.saved.version == 1
    editor.decided(out.merge, {FieldKey("po"): "mine"})
    assert editor.state is State.IDLE and editor.draft.saved is theirs
    assert editor.draft.working.po_number == "PO-MINE" and editor.unsaved == 1


def test_a_change_announced_while_the_user_decides_keeps_the_draft_stale():
    editor = editing(PO)
    editor.changed_elsewhere(stamp(2))
    editor.begin_reload()
    out = editor.reloaded(saved(report(), c.SetPO(po_number="PO-THEIRS")))
    assert out.merge is not None
    editor.changed_elsewhere(stamp(3))  # while the merge dialog is open
    editor.decided(out.merge, {FieldKey("po"): "mine"})
    assert editor.state is State.STALE and isinstance(editor.begin_write("save"), Refusal)


def test_submit_and_reject_send_their_text_and_the_version_the_user_decided_on():
    service = Service()
    editor = editing(PO)
    submit = editor.begin_write("submit", "Thanks", seen=1)
    assert isinstance(submit, WriteRequest)
    submit.run(service)
    done = saved(report(), PO, actor="billing")
    done.status = Status.SUBMITTED
    out = editor.written(done)
    assert [n.message for n in out.notices] == ["Submitted to Trend Micro."]
    other = editing()
    reject = other.begin_write("reject", "Wrong seat count.")
    assert isinstance(reject, WriteRequest)
    reject.run(service)
    assert service.calls == [("submit", RID, [PO], 1, "Thanks"), ("reject", RID, [], 1, "Wrong seat count.")]


def test_an_edit_made_while_submitting_that_no_longer_applies_is_dropped_with_a_reason():
    editor = editing(PO)
    editor.begin_write("submit", None)
    editor.edit(c.SetPO(po_number="PO-LATE"))
    done = saved(report(), PO, actor="billing")
    done.status = Status.SUBMITTED
    out = editor.written(done)
    assert editor.unsaved == 0 and any("was dropped" in n.message for n in out.notices)


def test_a_refused_edit_says_why_and_changes_nothing():
    editor = editing()
    refused = editor.edit(c.SetUnitPrice(line_no=1, value=D("1.00")))  # no code opened the price
    assert refused is not None and refused.severity == "error" and editor.unsaved == 0
