"""The command line's start of the terminal interface (``lmp-tui`` without a command):
keys typed from the first moment are kept, the list's first page is read beside it
(:mod:`lmp_tui.startup.prefetch`), then the app runs (:func:`lmp_tui.ui.app.run_app`).
Imports nothing heavy: the interface paints first."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable


def interface(args: argparse.Namespace) -> int:
    """Run the interface for the parsed arguments; the terminal's mode is put back after."""
    restore_terminal = _keep_early_keys()
    try:
        return _interface(args)
    finally:
        restore_terminal()


def _interface(args: argparse.Namespace) -> int:
    url, user = getattr(args, "db", None), getattr(args, "user", None)
    first_page = None
    if args.open is None and sys.stdout.isatty():  # the list's first page, read beside Textual's start
        from lmp_tui.startup import prefetch

        first_page = prefetch.start(url, user, args.demo, _terminal_lines())
    from lmp_tui.ui.app import run_app

    return run_app(url=url, user=user, demo=args.demo, open_report=args.open, first_page=first_page)


def _keep_early_keys() -> Callable[[], None]:
    """Until the interface takes the terminal (~0.4 s), keys typed are kept as typed: not
    echoed, not held back until a line ends, Enter not turned into Ctrl+J, Ctrl+Q and Ctrl+S
    not taken as flow control. Returns what puts the terminal back as it was (the interface
    itself puts back the mode it found: this one)."""
    try:
        import termios

        fd = sys.stdin.fileno()
        if not os.isatty(fd):
            return lambda: None
        before = termios.tcgetattr(fd)
        mode = termios.tcgetattr(fd)
        mode[0] &= ~(termios.ICRNL | termios.IXON)  # input flags
        mode[3] &= ~(termios.ECHO | termios.ICANON)  # local flags
        mode[6][termios.VMIN], mode[6][termios.VTIME] = 1, 0
        termios.tcsetattr(fd, termios.TCSANOW, mode)  # NOW: what was typed already stays
    except Exception:  # noqa: BLE001 - no terminal to speak of (or termios.error): nothing to keep
        return lambda: None

    def restore() -> None:
        try:
            termios.tcsetattr(fd, termios.TCSADRAIN, before)
        except Exception:  # noqa: BLE001 - the terminal is gone
            pass

    return restore


def _terminal_lines() -> int:
    try:
        return os.get_terminal_size(sys.stdout.fileno()).lines
    except (OSError, ValueError):
        return 24
