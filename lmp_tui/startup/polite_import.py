"""Imports that give way to the interface: while it is installed, the thread it was made for
(the app's first worker, importing the database stack: ~0.6 s of interpreter time) waits
before each module it imports for as long as the interface is busy with keys (the
interpreter runs one thread at a time: without this, a status chosen in the first second
took twice as long). It never waits longer than ``longest_s`` at a time, nor ``budget_s``
in all, so a clerk typing on and on cannot keep the database from opening."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Sequence
from importlib.abc import MetaPathFinder
from typing import Any


class PoliteImports(MetaPathFinder):
    def __init__(self, busy_until: Callable[[], float], *, longest_s: float = 0.3, budget_s: float = 1.0) -> None:
        self.thread = threading.current_thread()
        self.busy_until, self.longest_s, self.budget_s = busy_until, longest_s, budget_s
        #: how long the thread has waited so far (the tests read it)
        self.waited_s = 0.0

    def find_spec(self, fullname: str, path: Sequence[str] | None, target: Any = None) -> None:
        """Wait while the interface is busy; finding the module is left to the others."""
        if threading.current_thread() is not self.thread:
            return None
        start = time.monotonic()
        while True:
            now = time.monotonic()
            left = min(self.busy_until() - now, start + self.longest_s - now,
                       self.budget_s - self.waited_s - (now - start))
            if left <= 0:
                break
            time.sleep(min(left, 0.02))
        self.waited_s += time.monotonic() - start
        return None

    def __enter__(self) -> PoliteImports:
        sys.meta_path.insert(0, self)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            sys.meta_path.remove(self)
        except ValueError:
            pass
