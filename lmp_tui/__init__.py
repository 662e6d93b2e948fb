"""lmp-tui core: billing-report rules, storage, services, settings and command line.

Nothing in this package imports Textual except :mod:`lmp_tui.ui.app`, the composition root
of the terminal interface (a test enforces it).
"""

__version__ = "0.1.0"
