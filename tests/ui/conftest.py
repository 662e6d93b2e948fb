"""Fixtures for driving the interface as a person would: the app on a known database,
at 80×24, with helpers that wait for the database workers before looking."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from lmp_tui.ui.app import LmpApp, build_app
from lmp_tui.services import BillingService

from ..conftest import FIXED_NOW
from ..factory import World


@pytest.fixture
def ui_world(sqlite_db) -> World:
    return World.build(sqlite_db)


@pytest.fixture
def make_app(sqlite_db, ui_world, tmp_path: Path):
    def make(user: str = "billing", open_report: int | None = None) -> LmpApp:
        service = BillingService(sqlite_db, user, clock=lambda: FIXED_NOW)
        return build_app(service, open_report=open_report, export_dir=tmp_path / "exports")

    return make


async def settle(pilot: Any, rounds: int = 3) -> None:
    """Let workers finish and their messages land."""
    for _ in range(rounds):
        await pilot.pause()
        # every worker but the change watch, which runs for the app's lifetime
        busy = [w for w in pilot.app.workers if w.group != "watch"]
        if busy:
            await pilot.app.workers.wait_for_complete(busy)
    await pilot.pause()


async def type_text(pilot: Any, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])
