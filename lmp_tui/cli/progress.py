"""Progress bars on standard error for the command line's long runs (a large import, the demo
data): Rich's, shown only when standard error is a terminal (a script's log gets none)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

#: what a long run is told as it goes: what it is doing ("checking", "writing"), how far, out of how much
Report = Callable[[str, int, int], None]


def _nothing(phase: str, done: int, total: int) -> None:
    pass


@contextmanager
def progress_bar(unit: str = "") -> Iterator[Report]:
    """A bar per phase while the block runs, each left showing how far it got; nothing when
    standard error is not a terminal."""
    if not sys.stderr.isatty():
        yield _nothing
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

    columns = (TextColumn("{task.description:>8}"), BarColumn(), MofNCompleteColumn(), TextColumn(unit))
    with Progress(*columns, console=Console(stderr=True, highlight=False)) as bar:
        tasks: dict[str, TaskID] = {}

        def report(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        yield report
