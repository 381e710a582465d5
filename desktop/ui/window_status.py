"""The status bar and the banner: the feed's state, the quote rate, the newest quote, the market's hours,
and the one path for user messages."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

from desktop import logs
from desktop.core import formatting as fmt
from desktop.core.market_calendar import US_MARKET
from desktop.core.sessions import to_new_york
from desktop.feeds.base import FeedState, FeedStatus
from desktop.feeds.yahoo_errors import unknown_symbol_text
from desktop.ui.busy_bar import BusyBar
from desktop.ui.steady_label import SteadyLabel
from desktop.ui.window_constants import MESSAGE_MS, SNAPSHOT_PROGRESS_S, STALE_AFTER_S
from desktop.ui.window_parts import WindowParts

log = logs.ui
SNAPSHOT_JOB = "first-quotes"
NO_QUOTES = "no quotes yet"
# The newest-quote label follows the one-second tick while quotes creep forward (a live stream), but is
# shown at once when they jump this far (a replay's step, the first quotes after a gap): otherwise it
# trailed a replay's rows by a step.
NEWEST_JUMP_S = 60.0


class StatusArea(WindowParts):
    """A room of MainWindow (see window_parts)."""

    def _build_status_bar(self) -> None:
        status = self.statusBar()
        self.state_label = QLabel("● Starting")
        self.state_label.setObjectName("feedState")
        self.state_label.setAccessibleName("Quote source")
        # Messages have their own label beside the state (QStatusBar's own message would cover it).
        self.message_label = QLabel()
        self.message_label.setObjectName("statusMessage")
        self.message_label.setAccessibleName("Message")
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(lambda: self.message_label.setText(""))
        # These two change every second: labels whose size does not follow their text (see SteadyLabel).
        self.rate_label = SteadyLabel("0 quotes/s", widest="888,888 quotes/s")
        self.newest_label = SteadyLabel(NO_QUOTES, widest="newest quote 8888-88-88 88:88:88 EDT · replay clock")
        self._newest_shown: float | None = None
        self.market_label = QLabel()  # live sources only: "Market closed · opens Mon 09:30 ET"
        self.market_label.setVisible(False)
        self.busy_bar = BusyBar()  # background work: importing rules, the first quotes of a live watchlist
        self._snapshot_timer = QTimer(self)
        self._snapshot_timer.setSingleShot(True)
        self._snapshot_timer.timeout.connect(lambda: self.busy_bar.end(SNAPSHOT_JOB))
        status.addWidget(self.state_label)
        status.addWidget(self.message_label, 1)
        status.addPermanentWidget(self.busy_bar)
        status.addPermanentWidget(self.market_label)
        status.addPermanentWidget(self.rate_label)
        status.addPermanentWidget(self.newest_label)

    def _on_source_changed(self, source: str) -> None:
        """Replay controls only mean something for the replay; ages read the replay's clock or the wall clock."""
        replay = source == "replay"
        for widget in (self.speed_box, self.start_edit):
            widget.setEnabled(replay)
        self.pause_action.setEnabled(replay)
        self.restart_action.setEnabled(replay)
        self.model.stale_after = None if replay else STALE_AFTER_S
        self.setWindowTitle("Tickerdesk" if replay else "Tickerdesk · live")
        self.market_label.setVisible(not replay)
        self._show_market_state()
        self.begin_snapshot_progress()
        if self.feeds.status is not None:
            self._on_status(self.feeds.status)
        if replay and self.feeds.source == "auto" and (missing := self.data_coverage_notes(beyond_the_list=False)):
            self.show_message(" ".join(missing))  # fallen back to the replay: rows it has no data for stay empty

    def begin_snapshot_progress(self) -> None:
        """On a live source, show how many of the shown symbols have their first quote, until all do (or
        for at most SNAPSHOT_PROGRESS_S: a symbol the source never quotes must not hold the bar up)."""
        if self.feeds.is_replay or not self._snapshot_missing():
            self.busy_bar.end(SNAPSHOT_JOB)
            return
        self.busy_bar.begin(SNAPSHOT_JOB, "First quotes…")
        self._snapshot_timer.start(SNAPSHOT_PROGRESS_S * 1000)
        self.show_snapshot_progress()

    def show_snapshot_progress(self) -> None:
        if self.busy_bar.job != SNAPSHOT_JOB:
            return
        symbols = self.model.symbols
        missing = self._snapshot_missing()
        if not missing:
            self.busy_bar.end(SNAPSHOT_JOB)
            return
        have = len(symbols) - len(missing)
        self.busy_bar.advance(SNAPSHOT_JOB, have / len(symbols), f"First quotes: {have} of {len(symbols)}")

    def _snapshot_missing(self) -> list[str]:
        unknown = self.model.unknown()  # never to be quoted: the bar does not wait for them
        return [s for s in self.model.symbols if self.store.latest(s) is None and s not in unknown]

    def _show_market_state(self) -> None:
        if self.market_label.isVisible():
            self.market_label.setText(US_MARKET.state(time.time()).text)

    def _on_status(self, status: FeedStatus) -> None:
        colors = self.colors
        color = {
            FeedState.LIVE: colors.live if colors else None,
            FeedState.REPLAY: colors.replay if colors else None,
            FeedState.ERROR: colors.error_text if colors else None,
            FeedState.OFFLINE: colors.warning if colors else None,
        }.get(status.state)
        dot = f"<span style='color:{color.name()}'>●</span>" if color is not None else "●"
        self.state_label.setText(f"{dot} {status.state.value.capitalize()}")
        self.state_label.setToolTip(status.detail)
        self._show_unknown(status.unknown)
        if status.state is FeedState.REPLAY:
            why = f"{self.feeds.note} — " if self.feeds.note else ""
            text = f"{why}{status.detail} — recorded market data, not live quotes"
        elif status.state is FeedState.LIVE:
            text = ""  # live and well: the status bar says so; the banner is for what needs attention
        else:
            text = status.detail
        self.banner.setVisible(bool(text))
        self.banner.setText(text)

    def _show_unknown(self, unknown: frozenset[str]) -> None:
        """Rows of symbols the source says do not exist say so; a newly named one is also told in the status
        bar, once (a live status is otherwise silent: the banner is for what needs attention)."""
        new = sorted(unknown - self.model.unknown())
        self.model.set_unknown({s: unknown_symbol_text(s) for s in unknown})
        if new:
            told = "; ".join(unknown_symbol_text(s) for s in new)
            self.show_message(f"{told} — remove {'it' if len(new) == 1 else 'them'} or fix the spelling", error=True)
            self.show_snapshot_progress()

    def _tick(self) -> None:
        self.model.refresh_ages()
        self.alerts_panel.refresh_clock()
        self.show_rate()
        self._show_newest()
        self._show_market_state()

    def follow_newest(self) -> None:
        """After a flush: the newest quote's label, when it is missing or the quotes jumped (see NEWEST_JUMP_S)."""
        newest = self.store.newest_time()
        shown = self._newest_shown
        if newest is not None and (shown is None or abs(newest - shown) >= NEWEST_JUMP_S):
            self._show_newest()

    def _show_newest(self) -> None:
        newest = self.store.newest_time()
        self._newest_shown = newest
        if newest is None:
            self.newest_label.setText(NO_QUOTES)
        else:
            stamp = to_new_york(newest).strftime("%Y-%m-%d %H:%M:%S %Z")
            replaying = self.feeds.status is not None and self.feeds.status.state is FeedState.REPLAY
            age = "replay clock" if replaying else f"{fmt.format_age(time.time() - newest)} old"
            self.newest_label.setText(f"newest quote {stamp} · {age}")

    def show_rate(self) -> None:
        paused = self.feeds.replay_started and self.feeds.replay.paused and self.feeds.source == "replay"
        self.rate_label.setText("paused" if paused else f"{self.driver.quotes_per_second():,.0f} quotes/s")

    def show_message(self, text: str, error: bool = False) -> None:
        """The one path for user-facing notices: beside the feed's state, in the error colour when it is one;
        a notice goes after MESSAGE_MS, an error stays until the next message."""
        colour = self.colors.error_text.name() if error and self.colors else ""
        self.message_label.setStyleSheet(f"color: {colour};" if colour else "")
        self.message_label.setText(text)
        self.message_label.setToolTip(text)
        if error:
            self._message_timer.stop()
        else:
            self._message_timer.start(MESSAGE_MS)
