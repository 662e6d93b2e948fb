"""A slow database: keys pressed while a save is in flight wait for it; they never send a
second write of the same changes (which the first would have made a conflict)."""

from __future__ import annotations

import threading
from typing import Any

from lmp_tui.domain.model import Action

from .conftest import said, settle, type_text, until
from .test_live import told
from .test_workflow import SIZE, open_report


class Held:
    """The service's call as a slow database answers it (in the screen's worker thread):
    only once the test lets it (``go.set()``), however long the keys pressed meanwhile take."""

    def __init__(self, call: Any) -> None:
        self.call, self.go = call, threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.go.wait(30)
        return self.call(*args, **kwargs)


def notices(app) -> list[str]:  # noqa: ANN001
    return [message for _, message in said(app)]


async def test_ctrl_s_twice_or_ctrl_s_then_ctrl_l_on_a_slow_database_saves_once(make_app, ui_world):
    app = make_app()
    rid = ui_world["review"]
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        screen = await open_report(pilot, app, rid)
        await pilot.press("p")
        await type_text(pilot, "PO-SLOW")
        await pilot.press("enter")
        save = app.service.save_draft = Held(app.service.save_draft)  # type: ignore[method-assign]
        await pilot.press("ctrl+s", "ctrl+s")  # the second while the first is in flight
        assert told(app, "Saving")  # the second press was told to wait, not sent
        save.go.set()
        await until(pilot, lambda: told(app, "Draft saved"), what="the save answered")
        await settle(pilot)
        assert not told(app, "first, so yours was not written") and not screen.conflict
        assert screen.unsaved == 0 and screen.draft.saved.po_number == "PO-SLOW"
        history = app.service.load_report(rid).history
        assert [h.action for h in history] == [Action.SET_PO, Action.SAVE_DRAFT]
        # Ctrl+L while the next save is in flight: no read under it ("Nobody else changed…")
        app.clear_notifications()
        save.go.clear()
        await pilot.press("p", "ctrl+u")
        await type_text(pilot, "PO-NEXT")
        await pilot.press("enter", "ctrl+s", "ctrl+l")
        save.go.set()
        await until(pilot, lambda: told(app, "Draft saved"), what="the next save answered")
        await settle(pilot)
        assert notices(app) == ["Saving… wait for it to finish.", "Draft saved."]
        assert screen.unsaved == 0 and not screen.conflict
        assert app.service.load_report(rid).po_number == "PO-NEXT"
