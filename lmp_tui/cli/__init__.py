"""The command line: argument parsing and dispatch (``main``), administration, the SSH
server's command, and how results are printed (``console``, ``render``)."""
