"""The terminal interface's composition root: the Textual app, its key map and stylesheet.
The only part of lmp_tui that imports Textual."""
