"""The suite waits for conditions, never for fixed times (tests/waiting.py says why): no test
file sleeps or pauses for a number of seconds written in it."""

from __future__ import annotations

import re
from pathlib import Path

TESTS = Path(__file__).resolve().parent
FIXED = re.compile(r"\bpause\(\s*[0-9.]+\s*\)|\b(?:time|asyncio)\.sleep\(\s*[0-9.]+\s*\)")


def test_no_test_sleeps_or_pauses_for_a_fixed_time():
    found = [f"{path.relative_to(TESTS)}:{n}: {line.strip()}"
             for path in sorted(TESTS.rglob("*.py"))
             for n, line in enumerate(path.read_text().splitlines(), 1) if FIXED.search(line)]
    assert not found, ("wait for the condition meant (tests.waiting.wait_until, tests.ui.conftest.until), "
                       "not a fixed time:\n" + "\n".join(found))
