"""The partner search key: a name as the find box compares it, with accents and case gone
("München" and "munchen", "Ærø" and "aero"... as far as Unicode decomposes them).

Stored beside every copy of a partner's name that the list searches
(``billing_reports.partner_key``, migration 0005) and applied to the text typed, so that
the database compares keys with a plain ``LIKE`` an index can serve."""

from __future__ import annotations

import unicodedata


def search_key(text: str) -> str:
    """NFKD, combining marks removed, casefolded (and once more, for what casefolding makes)."""

    def strip(s: str) -> str:
        return "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))

    return strip(strip(text).casefold())
