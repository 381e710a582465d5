"""What a watchlist may be called: the same rule for the window's tabs, the command line and the database."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from pathlib import Path

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


def name_for_file(path: Path, taken: Iterable[str]) -> str:
    """A new list's name for symbols imported from `path`: the file's name without its suffix, blanks
    made single ("Imported" for none), numbered on from 2 when a list has it already (in any case)."""
    names = {n.casefold() for n in taken}
    stem = " ".join(path.stem.split())[: MAX_LENGTH - 4] or "Imported"  # room for " 999"
    return next(n for n in (stem, *(f"{stem} {k}" for k in range(2, 1000))) if n.casefold() not in names)
