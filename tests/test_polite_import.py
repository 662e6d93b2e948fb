"""The start's imports give way to keys (lmp_tui.startup.polite_import): the importing thread waits
before each module while the interface is busy, never longer than the limits; other
threads never wait."""

from __future__ import annotations

import sys
import threading
import time

from lmp_tui.startup.polite_import import PoliteImports


def test_an_import_waits_while_the_interface_is_busy(tmp_path, monkeypatch):
    (tmp_path / "lmp_polite_probe.py").write_text("VALUE = 42\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    busy_until = time.monotonic() + 0.2
    with PoliteImports(lambda: busy_until) as polite:
        start = time.monotonic()
        import lmp_polite_probe  # noqa: F401 - a module not imported before

        took = time.monotonic() - start
    assert lmp_polite_probe.VALUE == 42 and polite not in sys.meta_path
    assert 0.15 <= took < 1.0 and polite.waited_s >= 0.15


def test_an_idle_interface_costs_nothing_and_other_threads_never_wait():
    polite = PoliteImports(lambda: time.monotonic() + 10)  # busy for ever
    took: list[float] = []

    def other() -> None:
        start = time.monotonic()
        polite.find_spec("anything", None)
        took.append(time.monotonic() - start)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert took[0] < 0.05 and polite.waited_s == 0
    idle = PoliteImports(lambda: 0.0)
    start = time.monotonic()
    for _ in range(100):
        idle.find_spec("anything", None)
    assert time.monotonic() - start < 0.05


def test_keys_typed_on_and_on_cannot_hold_the_imports_for_ever():
    polite = PoliteImports(lambda: time.monotonic() + 10, longest_s=0.1, budget_s=0.25)
    waits = []
    for _ in range(5):
        start = time.monotonic()
        polite.find_spec("anything", None)
        waits.append(time.monotonic() - start)
    assert all(w < 0.2 for w in waits)  # at most longest_s at a time
    assert 0.2 <= sum(waits) < 0.4 and waits[-1] < 0.02  # and budget_s in all
