"""Return windows for spread rules: where a symbol's return is measured from.

A symbol's return over a window is `(last / base - 1) * 100`, with base:
- `day`: the previous session's last price (the previous close);
- `Nd`: the last price of the session N sessions before the current one, counting the symbol's own
  sessions (for daily bars: N rows back);
- `mtd` / `qtd` / `ytd`: the last price of the last session before the first day of the current
  month / quarter / year;
- `since:YYYY-MM-DD`: the last price of the last session before that date; before it, undefined.
The current session is the New York date of the evaluation time. There is no fallback: a base that is
not in the data leaves the value undefined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

_SESSIONS = re.compile(r"^(\d{1,4})d$")
_SINCE = re.compile(r"^since(?::\s*|\s+)(\S+)$")


@dataclass(frozen=True)
class Window:
    """A parsed window. `kind` is day, sessions, mtd, qtd, ytd or since."""

    kind: str
    sessions: int = 0
    since: date | None = None

    @property
    def text(self) -> str:
        if self.kind == "sessions":
            return f"{self.sessions}d"
        if self.kind == "since":
            assert self.since is not None
            return f"since:{self.since.isoformat()}"
        return self.kind

    def period_start(self, current: date) -> date | None:
        """First day of the period whose base is the last session before it (mtd/qtd/ytd/since)."""
        if self.kind == "mtd":
            return current.replace(day=1)
        if self.kind == "qtd":
            return date(current.year, 3 * ((current.month - 1) // 3) + 1, 1)
        if self.kind == "ytd":
            return date(current.year, 1, 1)
        if self.kind == "since":
            return self.since
        return None


def parse_window(text: str) -> Window:
    """Parse `day`, `Nd`, `mtd`, `qtd`, `ytd` or `since:YYYY-MM-DD`; ValueError names the accepted forms."""
    value = text.strip().lower()
    if value in ("day", "mtd", "qtd", "ytd"):
        return Window(value)
    match = _SESSIONS.match(value)
    if match and int(match.group(1)) >= 1:
        return Window("sessions", sessions=int(match.group(1)))
    if (since := _SINCE.match(value)) is not None:  # since:2025-10-01, or as said: since 2025-10-01
        try:
            return Window("since", since=date.fromisoformat(since[1]))
        except ValueError:
            pass
    raise ValueError(f"{text!r} is not a window (use day, 5d, 20d, mtd, qtd, ytd or since:YYYY-MM-DD)")
