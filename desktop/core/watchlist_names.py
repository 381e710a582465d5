"""What a watchlist may be called: the same rule for the window's tabs, the command line and the database."""

from __future__ import annotations

import unicodedata

MAX_LENGTH = 64


def watchlist_name_problem(name: str) -> str | None:
    """Why `name` cannot name a watchlist, or None. Names are shown as tabs and typed on command lines:
    any letters, digits, spaces and punctuation, without blanks at the ends or control characters."""
    if not name.strip():
        return "a watchlist needs a name"
    if name != name.strip():
        return "a watchlist name cannot start or end with a blank"
    if len(name) > MAX_LENGTH:
        return f"a watchlist name is at most {MAX_LENGTH} characters (this one has {len(name)})"
    if any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in name):
        return "a watchlist name cannot hold line breaks, tabs or other control characters"
    return None
