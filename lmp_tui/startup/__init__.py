"""The interface's start: opening the database and signing in (``connect``), the first page
read beside Textual's start in a child process (``prefetch``, ``quickread``), the
database stack's import giving way to keys, and the command line's part (``interface``)."""
