"""The window on the Yahoo source and on `auto`, against the loopback fakes of Yahoo's stream and chart API."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from desktop.config import DEFAULT_SYMBOLS, YAHOO_HTTP_ENV
from desktop.feeds.base import FeedState
from desktop.feeds.yahoo_live import YahooLiveFeed
from desktop.services.feed_supervisor import Action, Decision
from desktop.ui.watchlist_model import Column
from tests.fakes.yahoo_http import chart_body

from .conftest import T0, MakeWindow


def cell(window, symbol: str, column: Column) -> str:  # type: ignore[no-untyped-def]
    row = window.model.row_of(symbol)
    return "" if row is None else window.model.data(window.model.index(row, column))


def test_live_quotes_reach_the_table(qtbot: QtBot, make_window: MakeWindow, yahoo) -> None:  # type: ignore[no-untyped-def]
    streamer, _ = yahoo
    window = make_window(source="yahoo")
    qtbot.waitUntil(lambda: cell(window, "SPY", Column.LAST) == "700.00", timeout=10_000)  # the snapshot
    assert cell(window, "SPY", Column.CHANGE) == "+2.00"
    qtbot.waitUntil(lambda: {"SPY", "QQQ", "IWM"} <= streamer.subscribed(), timeout=10_000)
    streamer.send_quote(id="SPY", price=703.5, time=int(T0 * 1000), previous_close=698.0, market_hours=2)
    qtbot.waitUntil(lambda: cell(window, "SPY", Column.LAST) == "703.50", timeout=10_000)
    assert cell(window, "SPY", Column.UPDATED).endswith("· post"), "an after-hours quote says so"
    qtbot.waitUntil(lambda: window.feeds.status is not None and window.feeds.status.state is FeedState.LIVE)
    assert not window.banner.isVisible() and not window.speed_box.isEnabled() and not window.pause_action.isEnabled()
    assert "live" in window.state_label.text().lower()


def test_adding_a_symbol_asks_yahoo(qtbot: QtBot, make_window: MakeWindow, yahoo) -> None:  # type: ignore[no-untyped-def]
    streamer, http = yahoo
    window = make_window(source="yahoo")
    window.remove_symbols(["BAC"])
    qtbot.keyClicks(window.symbol_input, "zzzz")
    qtbot.keyClick(window.symbol_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "ZZZZ: no such symbol on Yahoo Finance" in window.input_error.text(), timeout=10_000)
    assert window.model.row_of("ZZZZ") is None and window.symbol_input.isEnabled()
    window.symbol_input.clear()
    qtbot.keyClicks(window.symbol_input, "pltr")
    qtbot.keyClick(window.symbol_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.model.row_of("PLTR") is not None, timeout=10_000)
    qtbot.waitUntil(lambda: "PLTR" in streamer.subscribed(), timeout=10_000)
    qtbot.waitUntil(lambda: cell(window, "PLTR", Column.LAST) == "150.00", timeout=10_000)
    http.stop()  # the network goes away: now a check says so instead of blaming the symbol
    window.symbol_input.clear()
    qtbot.keyClicks(window.symbol_input, "amd")
    window.remove_symbols(["AMD"])
    qtbot.keyClick(window.symbol_input, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: "Cannot reach Yahoo" in window.input_error.text(), timeout=15_000)
    assert "no such symbol" not in window.input_error.text()


def test_auto_falls_back_to_replay_and_goes_live_when_yahoo_returns(
    qtbot: QtBot,
    make_window: MakeWindow,
    yahoo,
    monkeypatch: pytest.MonkeyPatch,  # type: ignore[no-untyped-def]
) -> None:
    _, http = yahoo
    monkeypatch.setenv(YAHOO_HTTP_ENV, "http://127.0.0.1:9")  # nothing there: the network is down
    window = make_window(source="auto", speed=5)
    window.feeds.probe_timer.setInterval(200)
    qtbot.waitUntil(lambda: window.feeds.is_replay and window.feeds.replay_started, timeout=10_000)
    qtbot.waitUntil(lambda: "Yahoo Finance cannot be reached" in window.banner.text(), timeout=10_000)
    assert "recorded market data" in window.banner.text() and window.speed_box.isEnabled()
    monkeypatch.setenv(YAHOO_HTTP_ENV, http.url)  # the network is back
    qtbot.waitUntil(lambda: not window.feeds.is_replay, timeout=10_000)
    qtbot.waitUntil(lambda: cell(window, "SPY", Column.LAST) == "700.00", timeout=10_000)
    assert window.store.latest("SPY").source == "yahoo"  # type: ignore[union-attr]
    assert not window.speed_box.isEnabled()
    assert not window.feeds.replay_started, "the replay that ran is replaced by a fresh one, not started"


def test_auto_with_replay_data_or_a_start_date_plays_the_replay_though_yahoo_answers(
    qtbot: QtBot, make_window: MakeWindow, yahoo, intraday_dir
) -> None:  # type: ignore[no-untyped-def]
    """Files named to replay, or a replay start date, say the recorded data is wanted: on a machine with
    a network, `tickerdesk run --replay-data my-files/` went live on Yahoo and left the files unplayed."""
    for options in ({"replay_data": [intraday_dir]}, {"start": date(2025, 10, 1)}):
        window = make_window(source="auto", **options)
        qtbot.waitUntil(lambda window=window: window.feeds.replay_started, timeout=10_000)  # type: ignore[misc]
        assert window.feeds.is_replay and window.speed_box.isEnabled()
        window.close()


def test_live_rows_read_like_yahoos_own_page(qtbot: QtBot, make_window: MakeWindow, yahoo) -> None:  # type: ignore[no-untyped-def]
    # Real recorded replies: a London listing in pence and EUR/USD with Yahoo's four decimals.
    streamer, http = yahoo
    http.serve_recorded("OCDO.L", "chart-OCDO.L-2020-01-01-to-2020-01-03.json")
    http.serve_recorded("EURUSD=X", "chart-EURUSD=X-2020-01-01-to-2020-01-03.json")
    window = make_window(source="yahoo")
    qtbot.waitUntil(lambda: cell(window, "SPY", Column.LAST) == "700.00", timeout=10_000)
    for symbol in ("OCDO.L", "EURUSD=X"):
        window.add_symbol(symbol)
        qtbot.waitUntil(lambda s=symbol: window.model.row_of(s) is not None, timeout=10_000)  # type: ignore[misc]
    qtbot.waitUntil(lambda: cell(window, "OCDO.L", Column.LAST) == "260.40 GBp", timeout=10_000)
    qtbot.waitUntil(lambda: cell(window, "EURUSD=X", Column.LAST) == "1.1257", timeout=10_000)
    # After the close a post-market print shows its own change from today's close, and the close beside it.
    qtbot.waitUntil(lambda: "SPY" in streamer.subscribed(), timeout=10_000)
    streamer.send_quote(id="SPY", price=701.0, time=int(T0 * 1000) + 5 * 3600_000, change=1.0, market_hours=2)
    qtbot.waitUntil(lambda: cell(window, "SPY", Column.LAST) == "701.00", timeout=10_000)
    assert cell(window, "SPY", Column.CHANGE) == "+1.00"
    row = window.model.row_of("SPY")
    tip = window.model.data(window.model.index(row, Column.LAST), Qt.ItemDataRole.ToolTipRole)
    assert "At close 700.00 +2.00 (+0.29%)" in tip
    assert window.market_label.isVisible() and window.market_label.text().startswith("Market ")


def test_first_quotes_of_the_watchlist_show_progress_until_every_row_has_one(  # type: ignore[no-untyped-def]
    qtbot: QtBot, make_window: MakeWindow, yahoo
) -> None:
    streamer, http = yahoo
    for symbol in DEFAULT_SYMBOLS:  # known to Yahoo, but with no bars yet: their first quotes come streamed
        http.charts.setdefault(symbol, chart_body(symbol, [], 100.0))
    window = make_window(source="yahoo")
    symbols = window.model.symbols
    qtbot.waitUntil(lambda: cell(window, "SPY", Column.LAST) == "700.00", timeout=10_000)
    assert window.busy_bar.isVisibleTo(window)
    assert window.busy_bar.label.text() == f"First quotes: 3 of {len(symbols)}"  # SPY, QQQ, IWM have charts
    assert 0 < window.busy_bar.bar.value() < window.busy_bar.bar.maximum()
    assert not window.busy_bar.cancel_button.isVisibleTo(window)  # nothing to cancel: the quotes keep coming
    qtbot.waitUntil(lambda: set(symbols) <= streamer.subscribed(), timeout=10_000)
    for symbol in symbols:
        streamer.send_quote(id=symbol, price=100.0, time=int(T0 * 1000), previous_close=99.0, market_hours=1)
    qtbot.waitUntil(lambda: not window.busy_bar.isVisibleTo(window), timeout=10_000)
    assert all(cell(window, s, Column.LAST) != "—" for s in symbols)


def test_falling_back_does_not_wait_for_a_hanging_request(  # type: ignore[no-untyped-def]
    qtbot: QtBot, make_window: MakeWindow, yahoo
) -> None:
    streamer, http = yahoo
    window = make_window(source="yahoo", speed=50)
    qtbot.waitUntil(lambda: cell(window, "SPY", Column.LAST) == "700.00", timeout=10_000)
    qtbot.waitUntil(lambda: {"SPY", "QQQ", "IWM"} <= streamer.subscribed(), timeout=10_000)
    live = window.feeds.live
    assert isinstance(live, YahooLiveFeed)
    http.reply_delay = 3.0  # the network hangs: every chart request now waits three seconds
    live.quiet_after = 0.0  # the poller asks for every symbol, streamed or not
    window.feeds.set_poll_interval(1.0)
    qtbot.waitUntil(lambda: http.in_flight > 0 and live.poll.running, timeout=10_000)
    window.feeds._carry_out(Decision(Action.FALL_BACK, "Yahoo Finance stopped answering"))  # as the supervisor does
    assert live.poll.running, "the GUI thread did not wait for the poller's thread to end"
    assert window.feeds.is_replay and window.feeds.replay_started
    qtbot.waitUntil(lambda: not live.poll.running and http.in_flight == 0, timeout=10_000)
    qtbot.waitUntil(lambda: window.store.newest_time() is not None, timeout=10_000)
    qtbot.wait(300)  # (anything the old feed still sent would have been drained by now)
    sources = {window.store.latest(s).source for s in window.store.symbols()}  # type: ignore[union-attr]
    assert sources == {"replay"}, "nothing of the stopped live feed reached the replay's store"
    assert window.feeds.status is not None and window.feeds.status.state is FeedState.REPLAY


def test_a_live_start_does_not_say_the_replays_missing_symbols_are_empty(  # type: ignore[no-untyped-def]
    qtbot: QtBot, yahoo, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Built before the live feed starts, the start-up notice asked the replay data about the list: a London
    # listing Yahoo quotes was said to have "no data; those rows stay empty" beside its filled row.
    from argparse import Namespace

    from desktop import paths
    from desktop.app import build_window
    from desktop.storage.database import open_database
    from desktop.storage.watchlists import WatchlistRepository

    _streamer, http = yahoo
    http.serve_recorded("OCDO.L", "chart-OCDO.L-2020-01-01-to-2020-01-03.json")
    conn = open_database(paths.database_path()).connection
    WatchlistRepository(conn).create("Abroad", ["SPY", "OCDO.L"])
    conn.close()
    for source, said in (("yahoo", False), ("replay", True), ("auto", False)):
        args = Namespace(source=source, replay_data=None, speed=0, start=None, watchlist="Abroad")
        window, notice = build_window(args)
        qtbot.addWidget(window)
        assert ("No data for OCDO.L" in (notice or "")) is said, (source, notice)
        window.show()  # (a window closed unshown would leave its threads to the test's end)
        window.close()
    monkeypatch.setenv(YAHOO_HTTP_ENV, "http://127.0.0.1:9")  # `auto` with the network down: then it is said
    window, _notice = build_window(Namespace(source="auto", replay_data=None, speed=0, start=None, watchlist="Abroad"))
    qtbot.addWidget(window)
    window.show()
    window.feeds.start(window.model.symbols)
    qtbot.waitUntil(lambda: window.feeds.replay_started, timeout=10_000)
    assert "No data for OCDO.L (1 of Abroad)" in window.message_label.text()
    window.close()


def test_a_saved_symbol_yahoo_does_not_know_says_so_in_its_row_and_the_status_bar(
    qtbot: QtBot, make_window: MakeWindow, yahoo
) -> None:  # type: ignore[no-untyped-def]
    """A watchlist can hold a symbol Yahoo no longer knows (imported, added offline, delisted since): its row
    says so where the user looks, the status bar names it once, and the first-quotes bar does not wait for it."""
    window = make_window(source="yahoo", run=False)
    window.remove_symbols([s for s in window.model.symbols if s not in ("SPY", "QQQ")])
    window.model.add_symbol("ZZZZ")  # saved earlier, unchecked: Yahoo answers 404 for it
    window.feeds.start(window.model.symbols)
    qtbot.waitUntil(lambda: cell(window, "ZZZZ", Column.NAME) == "no such symbol", timeout=10_000)
    row = window.model.row_of("ZZZZ")
    assert row is not None
    tip = window.model.data(window.model.index(row, Column.SYMBOL), Qt.ItemDataRole.ToolTipRole)
    assert "ZZZZ: no such symbol on Yahoo Finance" in tip
    qtbot.waitUntil(lambda: "ZZZZ: no such symbol on Yahoo Finance" in window.message_label.text(), timeout=10_000)
    assert cell(window, "SPY", Column.NAME) != "no such symbol"
    qtbot.waitUntil(lambda: cell(window, "SPY", Column.LAST) == "700.00", timeout=10_000)
    qtbot.waitUntil(lambda: cell(window, "QQQ", Column.LAST) == "620.00", timeout=10_000)
    qtbot.waitUntil(lambda: not window.busy_bar.isVisible(), timeout=5_000)  # two of two known symbols quoted
    window.remove_symbols(["ZZZZ"])
    qtbot.waitUntil(lambda: window.feeds.status is not None and not window.feeds.status.unknown, timeout=5_000)
    assert not window.model.unknown() and "no such symbol" not in window.state_label.toolTip()
