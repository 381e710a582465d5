"""Which source runs, decided by a plain state machine: statuses and probe results in, an action out.

`source` is what the user asked for: `replay`, `yahoo`, or `auto` (Yahoo when it answers, else the replay
with a note saying why, probing again every PROBE_EVERY_S and going live by itself when the network is
back; a live feed that stays offline for OFFLINE_GRACE_S falls back the same way). The window's feed
controller and a headless process carry the actions out; nothing here starts a thread or touches a feed.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass

from desktop.feeds.base import FeedState, FeedStatus

PROBE_EVERY_S = 30.0
OFFLINE_GRACE_S = 60.0


class Action(enum.Enum):
    NOTHING = "nothing"
    PROBE = "probe"  # ask whether Yahoo answers (now, off the caller's thread)
    PROBE_LATER = "probe later"  # ask again in PROBE_EVERY_S
    GO_LIVE = "go live"  # stop what runs, empty the store, start the live feed
    START_REPLAY = "start replay"  # start the replay (nothing else was running)
    FALL_BACK = "fall back"  # stop the live feed, empty the store, start the replay, probe later


@dataclass(frozen=True)
class Decision:
    action: Action
    note: str = ""  # why the replay runs in `auto`, for a banner


class FeedSupervisor:
    def __init__(
        self, source: str, offline_grace_s: float = OFFLINE_GRACE_S, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if source not in ("auto", "replay", "yahoo"):
            raise ValueError(f"unknown source {source!r}")
        self.source = source
        self.offline_grace_s = offline_grace_s
        self._clock = clock
        self.live = False
        self.replay_started = False
        self.note = ""
        self._offline_since: float | None = None

    def start(self) -> Decision:
        if self.source == "yahoo":
            return self._go_live()
        if self.source == "auto":
            return Decision(Action.PROBE)
        return self._start_replay("")

    def probed(self, reachable: bool) -> Decision:
        """Yahoo answered (or not) to a probe."""
        if self.source != "auto":
            return Decision(Action.NOTHING)
        if reachable:
            return Decision(Action.NOTHING) if self.live else self._go_live()
        if not self.live and not self.replay_started:
            return self._start_replay("Yahoo Finance cannot be reached")
        return Decision(Action.PROBE_LATER, self.note)

    def status(self, status: FeedStatus) -> Decision:
        """A live feed's status: offline for longer than the grace period means falling back (in `auto`)."""
        if not self.live or self.source != "auto":
            return Decision(Action.NOTHING)
        if status.state is not FeedState.OFFLINE:
            self._offline_since = None
            return Decision(Action.NOTHING)
        now = self._clock()
        if self._offline_since is None:
            self._offline_since = now
            return Decision(Action.NOTHING)
        if now - self._offline_since <= self.offline_grace_s:
            return Decision(Action.NOTHING)
        self.live = False
        self._offline_since = None
        self.replay_started = True
        self.note = f"Yahoo Finance stopped answering ({status.detail})"
        return Decision(Action.FALL_BACK, self.note)

    def _go_live(self) -> Decision:
        self.live = True
        self.replay_started = False
        self.note = ""
        self._offline_since = None
        return Decision(Action.GO_LIVE)

    def _start_replay(self, note: str) -> Decision:
        self.replay_started = True
        self.note = note
        return Decision(Action.START_REPLAY, note)
