"""Waiting in tests: for a condition, with a deadline, never for a fixed time.

A test that sleeps for a fixed time is slow when the machine is idle and flaky when it is
busy. These helpers look again and again (a short step apart, the only sleeps in the
suite) until the condition holds, and fail with a sentence saying what never happened.
The deadlines are generous: they are only reached when something is wrong.

Pilot tests (the interface) use ``tests.ui.conftest.until``, which steps through the app's
own message loop instead of sleeping."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

T = TypeVar("T")

#: seconds between two looks; short enough not to slow a test, long enough not to spin
STEP_S = 0.05

#: the default deadline: far beyond what any condition needs on a loaded machine
TIMEOUT_S = 30.0


def wait_until(condition: Callable[[], T | None], timeout: float = TIMEOUT_S, what: str = "the condition",
               *, step: float = STEP_S) -> T:
    """``condition()``'s first true value, looked for every ``step`` seconds; AssertionError
    naming ``what`` if it is still false after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(step)


def waited(condition: Callable[[], object], timeout: float = TIMEOUT_S, what: str = "the condition") -> float:
    """Seconds until ``condition()`` held (see :func:`wait_until`): for tests that bound them."""
    start = time.monotonic()
    wait_until(condition, timeout, what)
    return time.monotonic() - start


async def async_wait_until(condition: Callable[[], T | None], timeout: float = TIMEOUT_S, what: str = "the condition",
                           *, step: Callable[[], Awaitable[object]] | None = None) -> T:
    """:func:`wait_until` inside an event loop: awaits ``step()`` (by default a short
    ``asyncio.sleep``) between looks, so the loop runs the work being waited for."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        if step is None:
            await asyncio.sleep(STEP_S)
        else:
            await step()
