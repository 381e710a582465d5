"""What every feed offers the app: start/stop, the symbol set, and status reports."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from desktop.core.quote import Quote

# Pushes a batch of quotes; returns False when the receiver stayed full for `timeout` seconds.
QuoteSink = Callable[[Sequence[Quote], float | None], bool]


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


StatusListener = Callable[[FeedStatus], None]


class Feed(Protocol):
    """A quote source. Methods are called from the app's thread; quotes and statuses arrive from the feed's."""

    name: str

    def start(self) -> None: ...

    def stop(self) -> None: ...

    def set_symbols(self, symbols: Iterable[str]) -> None: ...

    def can_supply(self, symbol: str) -> str | None:
        """None when the feed can supply `symbol`, else the reason it cannot, for the user."""
        ...
