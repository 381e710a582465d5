"""What every feed offers the app: start/stop, the symbol set, and status reports."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from desktop.core.quote import Quote

# Pushes a batch of quotes; returns False when the receiver stayed full for `timeout` seconds.
QuoteSink = Callable[[Sequence[Quote], float | None], bool]

# A live quote stamped further ahead of this machine's clock is not taken: it would become its symbol's
# latest and hold back every real quote after it as out of order. A day leaves room for a slow clock.
MAX_AHEAD_S = 86_400.0


def not_ahead(quotes: Iterable[Quote], now: float) -> list[Quote]:
    """`quotes` without those stamped more than MAX_AHEAD_S after `now` (wall-clock epoch seconds)."""
    limit = now + MAX_AHEAD_S
    return [q for q in quotes if q.time <= limit]


class FeedState(enum.Enum):
    REPLAY = "replay"
    CONNECTING = "connecting"
    LIVE = "live"
    OFFLINE = "offline"
    ERROR = "error"


@dataclass(frozen=True)
class FeedStatus:
    """A feed's state and a short human sentence about it ("Replay · 2025-10-01 → 2025-10-14 · 1 session/s")."""

    state: FeedState
    detail: str = ""
    unknown: frozenset[str] = frozenset()  # symbols the source answered "no such symbol" for (never quoted)


StatusListener = Callable[[FeedStatus], None]


class Feed(Protocol):
    """A quote source. Methods are called from the app's thread; quotes and statuses arrive from the feed's."""

    name: str

    def start(self) -> None: ...

    def stop(self, wait: bool = True) -> None:
        """Stop the feed's threads; with `wait`, until they have ended."""
        ...

    def set_symbols(self, symbols: Iterable[str]) -> None: ...

    def can_supply(self, symbol: str) -> str | None:
        """None when the feed can supply `symbol`, else the reason it cannot, for the user."""
        ...
