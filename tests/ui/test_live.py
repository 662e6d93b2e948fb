"""Live refresh, with two lmp-tui apps on one database (SQLite file and PostgreSQL): what
one saves or submits shows in the other within 2 s, without a key; an open report reloads
by itself when clean, keeps its unsaved changes and says who changed it when dirty; Reload
merges them field by field, clashes decided in the merge dialog."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from lmp_tui.domain.model import Action, Status
from lmp_tui.services import BillingService
from lmp_tui.ui.app import build_app
from screens.merge_dialog import MergeDialog
from screens.report_list import ReportListScreen
from widgets.report_table import ReportTable

from ..conftest import BACKENDS, FIXED_NOW, _fresh_db
from ..factory import World
from .conftest import said, settle, type_text, until
from .test_workflow import SIZE, open_report

WITHIN_S = 2.0


@pytest.fixture(params=BACKENDS)
def live_db(request: pytest.FixtureRequest, tmp_path: Path):
    database = _fresh_db(request.param, request, tmp_path)
    yield database
    database.dispose()


@pytest.fixture
def live_world(live_db) -> World:
    return World.build(live_db)


@pytest.fixture
def two_apps(live_db, live_world, tmp_path: Path):
    def make(user: str = "billing"):
        return build_app(BillingService(live_db, user, clock=lambda: FIXED_NOW), export_dir=tmp_path / user)

    return make


def cell(app, report_id: int, column: str) -> str:
    table = app.screen.query_one(ReportTable)
    return table.cell(report_id, column)


def told(app, text: str) -> bool:
    return any(text in message for _, message in said(app))


def heard(screen) -> list[object]:  # noqa: ANN001
    """The batches of changes the app's change watch hands ``screen`` from now on: the moment
    a change has reached it, whatever it then shows (or rightly does not)."""
    batches: list[object] = []
    hook = screen.reports_changed
    screen.reports_changed = lambda changes: (batches.append(changes), hook(changes))[1]
    return batches


async def save_po(pilot, app, report_id: int, po: str) -> None:
    screen = await open_report(pilot, app, report_id)
    await pilot.press("p")
    await type_text(pilot, po)
    await pilot.press("enter", "ctrl+s")
    await settle(pilot)
    assert screen.unsaved == 0


async def test_what_one_app_saves_and_submits_shows_in_the_others_list(two_apps, live_world):
    a, b = two_apps("admin"), two_apps("billing")
    rid, other = live_world["review"], live_world["eu"]
    async with a.run_test(size=SIZE) as pa, b.run_test(size=SIZE) as pb:
        await settle(pa)
        await settle(pb)
        table = b.screen.query_one(ReportTable)
        table.move_cursor(row=table.index_of(other))  # b looks at another report
        summary_before = str(b.screen.query_one("#summary").render())
        await save_po(pa, a, rid, "PO-LIVE")
        await until(pb, lambda: cell(b, rid, "po") == "PO-LIVE", WITHIN_S, "the PO in the other list")
        assert table.highlighted_id == other and isinstance(b.screen, ReportListScreen)
        # a submits: the status and the counts change in b's list
        await pa.press("s")
        await settle(pa)
        await pa.press("tab", "enter")
        await settle(pa)
        assert a.screen.draft.saved.status is Status.SUBMITTED
        await until(pb, lambda: cell(b, rid, "status").startswith("Submitted"), WITHIN_S,
                    "the new status in the other list")
        await until(pb, lambda: str(b.screen.query_one("#summary").render()) != summary_before, WITHIN_S,
                    "the counts per status changing")
        assert "Sub 3" in str(b.screen.query_one("#summary").render())
        assert table.highlighted_id == other


async def test_the_list_waits_for_a_dialog_then_catches_up(two_apps, live_world):
    b = two_apps("billing")
    rid = live_world["review"]
    async with b.run_test(size=SIZE) as pb:
        await settle(pb)
        screen = b.screen
        await pb.press("o")  # the sort dialog over the list
        await settle(pb)
        changes = heard(screen)
        BillingService(b.service.db, "admin").set_po(rid, "PO-LATER")
        await until(pb, lambda: changes, what="the change reaching the list under the dialog")
        await settle(pb)
        assert cell_of(screen, rid, "po") == ""  # not read again under the dialog
        await pb.press("escape")
        await until(pb, lambda: cell(b, rid, "po") == "PO-LATER", WITHIN_S, "the new PO in the list")
        assert screen.live_reloads == 1  # read once on the way back, not again and again (nothing else shows it)


def cell_of(screen, report_id: int, column: str) -> str:
    return screen.query_one(ReportTable).cell(report_id, column)


async def test_a_change_off_the_page_repaints_nothing(two_apps, live_world):
    b = two_apps("billing")
    async with b.run_test(size=SIZE) as pb:
        await settle(pb)
        await pb.press("slash")
        await type_text(pb, "berl")
        screen, table = b.screen, b.screen.query_one(ReportTable)
        berlin = sorted([live_world["eu"], live_world["prep_clean"]])
        await until(pb, lambda: sorted(table.row_ids) == berlin, what="Berlin's reports only")
        await settle(pb)
        await pb.press("enter")
        painted: list[list[int]] = []  # the rows each quiet reload repainted
        original_show = table.show_page
        table.show_page = lambda *a, **k: (original_show(*a, **k), painted.append(table.repainted))[0]
        BillingService(b.service.db, "admin").set_po(live_world["review"], "PO-ELSEWHERE")  # not on this page
        # a quiet reload that changes nothing shows nothing: its counter is what tells it happened
        await until(pb, lambda: screen.live_reloads == 1, WITHIN_S, "the list read again after the change")
        await settle(pb)
        assert painted == [[]] and b.screen.query_one("#partner").value == "berl"
        total = cell(b, live_world["eu"], "total")
        BillingService(b.service.db, "admin").run(live_world["eu"], [  # on it: its total changes, in place
            {"kind": "apply_code", "line_no": 1, "code": "PR-EU-1"},
            {"kind": "set_channel_margin", "line_no": 1, "value": "30.00"}])
        await until(pb, lambda: cell(b, live_world["eu"], "total") != total, WITHIN_S, "the new total on the page")
        assert "819.33" in cell(b, live_world["eu"], "total") and painted == [[], [live_world["eu"]]]


async def test_an_open_clean_report_reloads_by_itself(two_apps, live_world):
    a, b = two_apps("admin"), two_apps("billing")
    rid = live_world["review"]
    async with a.run_test(size=SIZE) as pa, b.run_test(size=SIZE, notifications=True) as pb:
        await settle(pa)
        await settle(pb)
        screen = await open_report(pb, b, rid)
        await save_po(pa, a, rid, "PO-FRESH")
        # the notice is a message of its own: it may land a moment after the reload
        await until(pb, lambda: screen.draft.saved.po_number == "PO-FRESH" and told(b, "admin changed report #"),
                    WITHIN_S, "the report read again and the other save told")
        assert screen.unsaved == 0
        assert "PO-FRESH" in str(screen.query_one("#header").render())


async def test_an_open_dirty_report_keeps_its_changes_and_says_who(two_apps, live_world):
    a, b = two_apps("admin"), two_apps("billing")
    rid = live_world["review"]
    async with a.run_test(size=SIZE) as pa, b.run_test(size=SIZE, notifications=True) as pb:
        await settle(pa)
        await settle(pb)
        screen = await open_report(pb, b, rid)
        await pb.press("c")
        await type_text(pb, "BD-NA-1")
        await pb.press("enter")
        await settle(pb)
        assert screen.unsaved == 1
        await save_po(pa, a, rid, "PO-THEIRS")
        # the notice is a message of its own: it may land a moment after the flag
        await until(pb, lambda: screen.conflict and told(b, "admin changed report #"), WITHIN_S, "the other save told")
        assert told(b, "PO-THEIRS")
        assert screen.unsaved == 1 and screen.draft.working.line(1).promo_code == "BD-NA-1"
        assert screen.draft.saved.version == 1  # not reloaded under the user's hands
        await pb.press("ctrl+l")  # nothing clashes: theirs and mine together
        await settle(pb)
        assert screen.draft.working.po_number == "PO-THEIRS" and screen.unsaved == 1
        await pb.press("ctrl+s")
        await settle(pb)
        stored = b.service.load_report(rid)
        assert stored.po_number == "PO-THEIRS" and stored.line(1).promo_code == "BD-NA-1"
        assert [(h.actor, h.action) for h in stored.history] == [
            ("admin", Action.SET_PO), ("admin", Action.SAVE_DRAFT),
            ("billing", Action.APPLY_CODE), ("billing", Action.SAVE_DRAFT)]


async def test_our_own_save_is_not_someone_else(two_apps, live_world):
    b = two_apps("billing")
    async with b.run_test(size=SIZE, notifications=True) as pb:
        await settle(pb)
        screen = await open_report(pb, b, live_world["review"])
        changes = heard(screen)
        await pb.press("p")
        await type_text(pb, "PO-OURS")
        await pb.press("enter", "ctrl+s")
        await settle(pb)
        assert screen.unsaved == 0
        await until(pb, lambda: changes, what="our own save coming back through the change watch")
        await settle(pb)
        assert not screen.conflict and not told(b, "changed report #")


async def test_the_merge_dialog_takes_theirs_for_one_field_and_mine_for_another(two_apps, live_world):
    b = two_apps("billing")
    rid = live_world["review"]
    async with b.run_test(size=SIZE) as pb:
        await settle(pb)
        screen = await open_report(pb, b, rid)
        await pb.press("p")
        await type_text(pb, "PO-MINE")
        await pb.press("enter", "c")
        await type_text(pb, "BD-NA-1")
        await pb.press("enter")
        await settle(pb)
        await pb.press("e")
        await type_text(pb, "7.25")
        await pb.press("enter")
        assert screen.unsaved == 3
        other = BillingService(b.service.db, "admin")  # someone else saves first
        other.save_draft(rid, [{"kind": "set_po", "po_number": "PO-THEIRS"},
                               {"kind": "apply_code", "line_no": 1, "code": "BD-NA-1"},
                               {"kind": "set_unit_price", "line_no": 1, "value": "8.00"}])
        await until(pb, lambda: screen.conflict, WITHIN_S, "the open report told of the other save")
        await pb.press("ctrl+l")
        await settle(pb)
        dialog = b.screen
        assert isinstance(dialog, MergeDialog)
        assert [c.label for c in dialog.merge.clashes] == ["PO number", "line 1 Endpoint Security: unit price"]
        assert [(c.theirs, c.mine, c.theirs_by) for c in dialog.merge.clashes] == [
            ("PO-THEIRS", "PO-MINE", "admin"), ("8.00 USD", "7.25 USD", "admin")]
        await pb.press("enter")  # no choice yet: refused, says so
        assert b.screen is dialog and "2 left" in str(dialog.query_one("#error").render())
        await pb.press("t", "m", "enter")  # theirs for the PO, mine for the price
        await settle(pb)
        assert b.screen is screen
        assert screen.draft.working.po_number == "PO-THEIRS"
        assert screen.draft.working.line(1).unit_price == D("7.25") and screen.unsaved == 1
        await pb.press("ctrl+s")
        await settle(pb)
        stored = b.service.load_report(rid)
        assert stored.po_number == "PO-THEIRS" and stored.line(1).unit_price == D("7.25")
        assert stored.line(1).promo_code == "BD-NA-1"
        assert [(h.actor, h.action) for h in stored.history] == [
            ("admin", Action.SET_PO), ("admin", Action.APPLY_CODE), ("admin", Action.SET_UNIT_PRICE),
            ("admin", Action.SAVE_DRAFT), ("billing", Action.SET_UNIT_PRICE), ("billing", Action.SAVE_DRAFT)]
        assert "8.00 → 7.25" in stored.history[-2].detail


async def test_escape_in_the_merge_dialog_leaves_the_draft_as_it_was(two_apps, live_world):
    b = two_apps("billing")
    rid = live_world["review"]
    async with b.run_test(size=SIZE) as pb:
        await settle(pb)
        screen = await open_report(pb, b, rid)
        await pb.press("p")
        await type_text(pb, "PO-MINE")
        await pb.press("enter")
        BillingService(b.service.db, "admin").set_po(rid, "PO-THEIRS")
        await until(pb, lambda: screen.conflict, WITHIN_S, "the open report told of the other save")
        await pb.press("ctrl+l")
        await settle(pb)
        assert isinstance(b.screen, MergeDialog)
        await pb.press("escape")
        await settle(pb)
        assert b.screen is screen and screen.conflict
        assert screen.draft.saved.version == 1 and screen.draft.working.po_number == "PO-MINE"
