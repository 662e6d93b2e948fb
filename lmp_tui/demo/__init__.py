"""The demo database: deterministic for a seed, every status and rule on show."""

from lmp_tui.demo.generator import DemoOptions, ensure, generate

__all__ = ["DemoOptions", "ensure", "generate"]
