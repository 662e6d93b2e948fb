"""What the user sees: every screen and modal at 80×24 and 120×40.

Update after an intended change with ``uv run pytest tests/ui/test_snapshots.py --snapshot-update``
and look at the pictures in ``tests/ui/__snapshots__`` before committing them."""

from __future__ import annotations

import pytest

from .conftest import settle, type_text, until

SIZES = [(80, 24), (120, 40)]


def _steps(*keys: str, text: str | None = None, open_key: str | None = None, after=()):
    async def run(pilot):
        await settle(pilot)
        if open_key is not None:
            from widgets.report_table import ReportTable

            world = pilot.app._test_world  # noqa: SLF001
            table = pilot.app.screen.query_one(ReportTable)
            table.move_cursor(row=table.index_of(world[open_key]))
            await pilot.press("enter")
            await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        if text:
            await type_text(pilot, text)
        await pilot.press(*after)
        await settle(pilot)

    return run


async def _merge_dialog(pilot):
    """Mine: a PO and a price; theirs (admin, saved first): another PO and price, same code."""
    from lmp_tui.services import BillingService

    world = pilot.app._test_world  # noqa: SLF001
    rid = world["review"]
    await _steps("p", text="PO-MINE", after=("enter", "c"), open_key="review")(pilot)
    await type_text(pilot, "BD-NA-1")
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("e")
    await type_text(pilot, "7.25")
    await pilot.press("enter")
    BillingService(pilot.app.service.db, "admin").save_draft(rid, [
        {"kind": "set_po", "po_number": "PO-THEIRS"}, {"kind": "apply_code", "line_no": 1, "code": "BD-NA-1"},
        {"kind": "set_unit_price", "line_no": 1, "value": "8.00"}])
    screen = pilot.app.screen
    await until(pilot, lambda: screen.conflict, what="the change watch telling the report of the other save")
    await settle(pilot)
    pilot.app.clear_notifications()
    await pilot.press("ctrl+l", "t")
    await settle(pilot)


CASES = {
    "report_list": _steps(),
    "report_list_filtered": _steps("slash", text="acme", after=("enter",)),
    "billing_report": _steps(open_key="review"),
    "billing_report_history": _steps("p", text="PO-17", after=("enter", "ctrl+s", "h"), open_key="review"),
    "billing_report_preparing": _steps(open_key="prep"),
    "billing_report_completed_jpy": _steps(open_key="submitted_jp"),
    "edit_po_dialog": _steps("p", text="PO-2026-10", open_key="review"),
    "code_refused_dialog": _steps("c", text="BD-NA-OLD", after=("enter",), open_key="review"),
    "submit_dialog": _steps("p", text="PO-1", after=("enter", "s"), open_key="review"),
    "reject_dialog_empty_refused": _steps("r", "tab", "enter", open_key="eu"),
    "confirm_back_dialog": _steps("z", "escape", open_key="review"),
    "help_screen": _steps("f1", open_key="review"),
    "sort_dialog": _steps("o"),
    "merge_dialog": _merge_dialog,
}


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
@pytest.mark.parametrize("case", sorted(CASES))
def test_screens(snap_compare, make_app, ui_world, case, size):
    app = make_app()
    app._test_world = ui_world  # noqa: SLF001
    assert snap_compare(app, terminal_size=size, run_before=CASES[case])


def test_too_small(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=(60, 18), run_before=_steps())
