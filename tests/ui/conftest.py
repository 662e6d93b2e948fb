"""Fixtures for driving the interface as a person would: the app on a known database,
at 80×24, with helpers that wait for the database workers before looking."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest

from lmp_tui.services import BillingService
from lmp_tui.ui.app import LmpApp, build_app

from ..conftest import FIXED_NOW
from ..factory import World
from ..waiting import STEP_S, async_wait_until
from .painted import check_painted

T = TypeVar("T")

#: the deadline for something on screen: far beyond what it needs on a loaded machine
UNTIL_S = 20.0


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


async def until(pilot: Any, condition: Callable[[], T | None], timeout: float = UNTIL_S,
                what: str = "the condition") -> T:
    """``condition()``'s first true value, the app running between looks (no key pressed);
    AssertionError naming ``what`` if it is still false after ``timeout`` seconds. The
    wait for a thing on screen, a screen, a worker's result: never a fixed pause."""
    return await async_wait_until(condition, timeout, what, step=lambda: pilot.pause(STEP_S))


async def until_shown(pilot: Any, *texts: str, timeout: float = UNTIL_S) -> list[str]:
    """The painted rows, once every text is on the screen (see ``painted.shows``)."""

    def painted() -> list[str] | None:
        rows = check_painted(pilot.app)
        screen = "\n".join(rows)
        return rows if all(text in screen for text in texts) else None

    try:
        return await until(pilot, painted, timeout, f"{texts!r} on the screen")
    except AssertionError as missing:
        raise AssertionError(f"{missing}; it shows:\n" + "\n".join(check_painted(pilot.app))) from None


def said(app: Any) -> list[tuple[str, str]]:
    """(title, message) of each notification the app raised and still holds. Read here, in one
    place, from Textual's private ``App._notifications``: Textual has no public reader, and a
    toast on screen is cut to its width and goes after its timeout, so it cannot stand in."""
    return [(n.title, n.message) for n in app._notifications]  # noqa: SLF001


async def run_from_palette(pilot: Any, title: str) -> None:
    """Ctrl+P, ``title`` typed, and Enter once the palette has found its commands and
    highlights that one (it searches in a worker, in batches)."""
    from textual.command import CommandList

    await pilot.press("ctrl+p")
    await type_text(pilot, title)
    await settle(pilot)  # the palette's search is a worker: its last batch is in the list

    def offered() -> bool:
        found = pilot.app.screen.query(CommandList)
        if not found or found.first().highlighted is None:
            return False
        commands = found.first()
        return title in str(commands.get_option_at_index(commands.highlighted).prompt)

    await until(pilot, offered, what=f"the palette highlighting {title!r}")
    await pilot.press("enter")
