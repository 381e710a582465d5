"""Owns the running feed: replay or Yahoo, the switch between them in `auto`, pace, and status as signals."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from desktop.feeds.base import FeedState, FeedStatus, QuoteSink, StatusListener
from desktop.feeds.recorder import QuoteRecorder
from desktop.feeds.replay import ReplayFeed
from desktop.services.feed_supervisor import PROBE_EVERY_S, Action, Decision, FeedSupervisor
from desktop.services.pipeline import Gate, QuotePipeline
from desktop.ui.tasks import run_task

# Factories take the sink the new feed pushes into: a gate of the pipeline, closed when the feed is replaced.
ReplayFactory = Callable[[date | None, float, StatusListener, QuoteSink], ReplayFeed]


class LiveFeed(Protocol):
    """What the controller needs of a live feed (YahooLiveFeed)."""

    name: str

    def start(self) -> None: ...
    def stop(self, wait: bool = True) -> None: ...
    def set_symbols(self, symbols: Iterable[str]) -> None: ...
    def can_supply(self, symbol: str) -> str | None: ...
    def validate_symbol(self, symbol: str) -> str | None: ...
    def set_poll_interval(self, seconds: float) -> None: ...


LiveFactory = Callable[[StatusListener, QuoteSink], LiveFeed]

PROBE_EVERY_MS = int(PROBE_EVERY_S * 1000)
STATUS_EVERY_MS = 200


class FeedController(QObject):
    """The UI's handle on the feed.

    `source` is what the user asked for: `replay`, `yahoo`, or `auto` (Yahoo when it answers, else the
    replay with a banner saying so, probing every 30 s and going live by itself when the network is back;
    a live feed that stays offline for a minute falls back the same way). Status reports arrive from
    feed threads and are coalesced: the GUI thread handles at most one pending report at a time.
    """

    status_changed = Signal(object)  # FeedStatus
    restarted = Signal()  # the store was emptied (replay restart or a switch of source)
    source_changed = Signal(str)  # "replay" or "yahoo": which one is running now
    symbol_checked = Signal(str, object)  # (symbol, None or the reason it cannot be added)
    recording_closed = Signal(object)  # QuoteRecorder: its file is closed (stopped, or writing failed)
    _status_ready = Signal()

    def __init__(
        self,
        pipeline: QuotePipeline,
        *,
        make_replay: ReplayFactory,
        make_live: LiveFactory | None = None,
        source: str = "replay",
        start: date | None = None,
        speed: float = 1.0,
        probe: Callable[[], bool] | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._pipeline = pipeline
        self._make_replay = make_replay
        self._make_live = make_live
        self._probe = probe
        self.source = source if make_live is not None else "replay"
        self._symbols: list[str] = []
        # Symbols the alert rules need beyond the watchlist: the engine watches them whatever list is shown.
        self.also_watch: Callable[[], Iterable[str]] = lambda: ()
        self._lock = threading.Lock()
        self._pending: tuple[Gate | None, FeedStatus] | None = None  # the newest report, and its feed's gate
        self.status: FeedStatus | None = None
        self.note = ""  # why auto is on replay, for the banner
        self.supervisor = FeedSupervisor(self.source)
        self.recorder: QuoteRecorder | None = None
        self._closing: QuoteRecorder | None = None  # the last recorder stopped, maybe still writing
        # A replay at full speed reports every step: the GUI hears the newest status at most every 200 ms.
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(STATUS_EVERY_MS)
        self._status_timer.timeout.connect(self._deliver_status)
        self._status_ready.connect(self._status_arrived)
        self._probe_timer = QTimer(self)
        self._probe_timer.setSingleShot(True)
        self._probe_timer.setInterval(PROBE_EVERY_MS)  # tests shorten it through probe_timer
        self._probe_timer.timeout.connect(self._probe_async)
        self._replay_start = start
        self._replay_gate = pipeline.gate()
        self.replay: ReplayFeed = make_replay(start, speed, self._listener(self._replay_gate), self._replay_gate.push)
        self.replay_started = False
        self.live: LiveFeed | None = None
        self._live_gate: Gate | None = None
        self._running = False

    # -- which feed -----------------------------------------------------------------------------

    @property
    def probe_timer(self) -> QTimer:
        return self._probe_timer

    @property
    def is_replay(self) -> bool:
        return self.live is None

    @property
    def feed(self) -> ReplayFeed | LiveFeed:
        return self.replay if self.live is None else self.live

    def _listener(self, gate: Gate) -> StatusListener:
        """Status reports of the feed behind `gate`: once it is closed (the feed was replaced), none is shown."""
        return lambda status: self._report(status, gate)

    # Called on feed threads.
    def _report(self, status: FeedStatus, gate: Gate | None = None) -> None:
        if gate is not None and gate.closed:
            return
        with self._lock:
            first = self._pending is None
            self._pending = (gate, status)
        if first:
            self._status_ready.emit()

    def _status_arrived(self) -> None:
        with self._lock:
            pending = self._pending
        if self.status is None or self.status.state != (pending[1].state if pending else None):
            self._deliver_status()  # a change of state is shown at once
        elif not self._status_timer.isActive():
            self._status_timer.start()

    def _deliver_status(self) -> None:
        with self._lock:
            pending, self._pending = self._pending, None
        if pending is None or (pending[0] is not None and pending[0].closed):
            return  # (a report its feed sent just before it was replaced)
        status = pending[1]
        self.status = status
        self.status_changed.emit(status)
        if self.live is not None:
            self._carry_out(self.supervisor.status(status))

    def _carry_out(self, decision: Decision) -> None:
        """Do what the supervisor decided (the decisions themselves are in services.feed_supervisor)."""
        action = decision.action
        if action is Action.PROBE:
            self._report(FeedStatus(FeedState.CONNECTING, "Looking for Yahoo Finance…"))
            self._probe_async()
        elif action is Action.PROBE_LATER:
            self._probe_timer.start()
        elif action is Action.GO_LIVE:
            self._switch(live=True)
        elif action is Action.FALL_BACK:
            self._switch(live=False, note=decision.note)
        elif action is Action.START_REPLAY:
            self.note = decision.note
            self._start_replay()
            if self.source == "auto":
                self._probe_timer.start()

    # -- control --------------------------------------------------------------------------------

    def _wanted(self, symbols: Iterable[str]) -> list[str]:
        shown = list(symbols)
        return shown + sorted(set(self.also_watch()) - set(shown))

    def start(self, symbols: Iterable[str]) -> None:
        self._symbols = self._wanted(symbols)
        self._running = True
        self._carry_out(self.supervisor.start())

    def _start_replay(self) -> None:
        self.replay.set_symbols(self._symbols)
        self.replay.start()
        self.replay_started = True
        self.source_changed.emit("replay")

    def stop(self) -> None:
        self._running = False
        self._probe_timer.stop()
        if self.live is not None:
            self.live.stop()
        self.replay.stop()

    def _probe_async(self) -> None:
        probe = self._probe
        if probe is None:
            return
        run_task(self, probe, lambda answer: self._on_probed(answer is True), name="yahoo-probe")

    def _on_probed(self, reachable: bool) -> None:
        if self._running:
            self._carry_out(self.supervisor.probed(reachable))

    def _switch(self, *, live: bool, note: str = "") -> None:
        """Stop what runs, empty the store, start the other source. The stopped feed's threads end on
        their own (a request it still waits for can take seconds): its gate drops what they still push."""
        assert self._make_live is not None
        if self.live is not None:
            assert self._live_gate is not None
            self._live_gate.close()
            self.live.stop(wait=False)
            self.live = None
        if self.replay_started:  # a stopped replay cannot start again: make a fresh one for next time
            self._replace_replay(self._replay_start, self.replay.speed)
            self.replay_started = False
        self._pipeline.reset()
        self.restarted.emit()
        if live:
            self.note = ""
            self._live_gate = self._pipeline.gate()
            self.live = self._make_live(self._listener(self._live_gate), self._live_gate.push)
            self.live.set_symbols(self._symbols)
            self.live.start()
            self.source_changed.emit("yahoo")
        else:
            self.note = note
            self._start_replay()
            if self.source == "auto":
                self._probe_timer.start()

    def _replace_replay(self, start: date | None, speed: float) -> None:
        """Stop the replay without waiting for its thread and make a fresh one (not started) behind a new gate."""
        self._replay_gate.close()
        self.replay.stop(wait=False)
        self._replay_gate = self._pipeline.gate()
        self.replay = self._make_replay(start, speed, self._listener(self._replay_gate), self._replay_gate.push)

    # -- recording --------------------------------------------------------------------------------

    def start_recording(self, path: Path) -> None:
        """Save every quote the pipeline applies from now on to `path` (OSError when it cannot, PriceFileError
        when `path` holds something other than a recording). `recording_closed` says when it has ended."""
        self.stop_recording(wait=False)
        if self._finishing() and self._closing is not None and self._closing.path == path:
            self._closing.wait()  # the same file again at once: its last rows go first (a moment's wait, rare)
        self.recorder = QuoteRecorder(path, on_closed=self.recording_closed.emit)
        self._pipeline.consumers.append(self.recorder.record)

    def stop_recording(self, wait: bool = True) -> QuoteRecorder | None:
        """Stop recording; the recorder, or None when none ran. With `wait` its file is written and closed
        on return (for quitting), else `recording_closed` says when it is (the window does not wait)."""
        recorder, self.recorder = self.recorder, None
        if recorder is not None:
            self._closing = recorder
            # What the pipeline took but has not settled yet still goes to the file, then it closes.
            self._pipeline.retire(recorder.record, lambda: recorder.close(wait=False))
        if wait and self._finishing() and self._closing is not None:
            self._closing.wait()  # also one stopped earlier and still writing: quitting must not cut it short
        return recorder

    def _finishing(self) -> bool:
        """Whether the last recorder stopped has been told to close and is still writing."""
        return self._closing is not None and self._closing.close_requested and not self._closing.closed

    def replay_start_date(self) -> date:
        """The session the replay starts from (its first step when the asked date is past the data)."""
        return self.replay.start_date()

    def set_symbols(self, symbols: Iterable[str]) -> None:
        wanted = self._wanted(symbols)
        if wanted != self._symbols:
            self._symbols = wanted
            self.feed.set_symbols(self._symbols)

    def can_supply(self, symbol: str) -> str | None:
        return self.feed.can_supply(symbol)

    def replay_symbols(self) -> list[str]:
        """Every symbol the replay's data holds, in alphabetical order."""
        return sorted(self.replay.timeline.series)

    def check_symbol(self, symbol: str) -> None:
        """Answer through `symbol_checked`: at once for the replay, after asking Yahoo (off this thread) live."""
        live = self.live
        if live is None:
            self.symbol_checked.emit(symbol, self.replay.can_supply(symbol))
            return

        def checked(reason: object) -> None:
            if isinstance(reason, Exception):
                reason = f"{symbol}: could not be checked ({reason})"
            self.symbol_checked.emit(symbol, reason)

        run_task(self, lambda: live.validate_symbol(symbol), checked, name="symbol-check")

    def set_paused(self, paused: bool) -> None:
        self.replay.set_paused(paused)

    def set_speed(self, speed: float) -> None:
        self.replay.set_speed(speed)

    def set_poll_interval(self, seconds: float) -> None:
        if self.live is not None:
            self.live.set_poll_interval(seconds)

    def use_replay(self, make_replay: ReplayFactory, start: date) -> bool:
        """Replay other data from `start` on (the user opened price files); False while the live feed runs."""
        if self.live is not None:
            return False
        self._make_replay = make_replay
        self.restart(start)
        return True

    def restart(self, start: date | None) -> None:
        """Play the replay again from `start`: queued quotes are dropped and the store is emptied."""
        if self.live is not None:
            return
        paused, speed = self.replay.paused, self.replay.speed
        self._replace_replay(start, speed)
        self._pipeline.reset()
        self._replay_start = start
        self.replay.set_paused(paused)
        self.restarted.emit()
        self._start_replay()
