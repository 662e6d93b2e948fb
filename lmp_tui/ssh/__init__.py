"""``lmp-tui serve-ssh``: the server (``server``), its gate for connections not yet signed
in, host keys, each session's child process, revocation of removed keys and disabled
users, and the staff keys' format (``keys``)."""
