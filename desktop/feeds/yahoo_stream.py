"""The live feed: Yahoo Finance's websocket streamer, with our own connection and reconnect loop.

One asyncio loop on the feed's thread runs one connection per chunk of at most `per_connection`
symbols (Yahoo is reported to drop symbols past about 100 on one connection). Each connection
subscribes to its chunk, follows changes of the symbol set with subscribe/unsubscribe, re-sends the
full subscription every `resubscribe_every` seconds (as Yahoo's own client does), and decodes frames.
A malformed frame is counted and skipped. A closed or dropped connection, or one silent for
`stall_after` seconds while the market is open (twice as long after each silence that followed an answer,
up to ten minutes: its symbols trade rarely), is re-opened after an exponential, jittered, capped
backoff. yfinance's own listen loops are not used (see the project notes on their failure modes).

Frames are read in gatherings: after a frame, the connection takes whatever else has arrived, hands the
lot to the sink as one batch, and then stops reading its socket for `read_every` seconds. A thread woken
for every frame costs more than the frame: with 100 symbols quoted once a second each, 4.6 % of a core
woken 100 times a second against 1.3 % woken 10 times. A frame after a quiet spell is read at once; one
that comes while the socket rests waits at most `read_every`. A quarter of a second rather than a tenth:
13 symbols quoted once a second each at their own moments (a live day of the default watchlist) cost the
stream thread 7.4 ms of CPU a second and the window's thread 17, against 3.5 and 14 (alternated runs).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from desktop import logs
from desktop.config import YAHOO_WS_ENV
from desktop.core.market_calendar import US_MARKET
from desktop.feeds.base import MAX_AHEAD_S, FeedState, FeedStatus, QuoteSink, StatusListener
from desktop.feeds.yahoo_protocol import FrameError, decode_frame, subscribe_message, unsubscribe_message

log = logs.feed

DEFAULT_URL = "wss://streamer.finance.yahoo.com/?version=2"
READ_EVERY_S = 0.25  # the longest a frame waits in the socket before it is read (see the module notes)
URL_ENV = YAHOO_WS_ENV


def stream_url() -> str:
    return os.environ.get(URL_ENV, "").strip() or DEFAULT_URL


def regular_hours(ts: float) -> bool:
    """Is the US market in its regular session at `ts` (when silence means a stalled stream)? Holidays
    and early closes count as closed."""
    return US_MARKET.is_regular(ts)


@dataclass
class StreamStats:
    """Counters a user (or a test) can read: what arrived and what went wrong."""

    frames: int = 0
    quotes: int = 0
    malformed: int = 0
    dropped: int = 0
    connects: int = 0
    reconnects: int = 0
    stalls: int = 0


def _cancel_leftovers(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel the tasks still on the loop and let them end, as asyncio.run does: a loop closed under a
    connection's live tasks leaves its socket open until the garbage collector finds it. Then a few more
    turns of the loop: an aborted transport closes its socket in a callback of the next turn, and the turn
    that ended the last task may have scheduled one, which a closed loop would never run."""
    left = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in left:
        task.cancel()
    if left:
        loop.run_until_complete(asyncio.gather(*left, return_exceptions=True))
    for _ in range(3):
        loop.run_until_complete(asyncio.sleep(0))


def _abort(ws: object) -> None:
    """Drop a connection at once (its socket closed, no closing handshake)."""
    transport = getattr(ws, "transport", None)
    if transport is not None:
        transport.abort()


def _noting_connections(opened: set[object]) -> type:
    """websockets' client connection, in `opened` from the moment its socket connects until the socket is
    closed. A stop then drops every connection, those in their opening or closing handshake too. Noted
    only while serving, a connection that was closing when the stop came (no longer needed after the
    watchlist shrank, or leaving its read loop on the stop) had its closing handshake cancelled and its
    socket left open behind the closed loop, for the garbage collector to find: about one stop in three
    in a stress run of starts and stops."""
    from websockets.asyncio.client import ClientConnection

    class NotedConnection(ClientConnection):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            opened.add(self)
            super().connection_made(transport)

        def connection_lost(self, exc: Exception | None) -> None:
            opened.discard(self)
            super().connection_lost(exc)

    return NotedConnection


def _drop_open(loop: asyncio.AbstractEventLoop, opened: set[object]) -> None:
    """Abort the connections still open after the tasks ended, and let their sockets close (an aborted
    transport closes its socket in the next turn of the loop)."""
    if not opened:
        return
    for ws in list(opened):
        _abort(ws)
    for _ in range(2):
        loop.run_until_complete(asyncio.sleep(0))


QUIET_PATIENCE_CAP_S = 600.0  # the longest a connection of rarely traded symbols is left silent


class _StalledError(Exception):
    def __init__(self, answered: bool) -> None:
        super().__init__("silent")
        self.answered = answered  # frames came on the connection before it went silent


class _Patience:
    """How long one connection may stay silent during regular hours before it is taken for stalled.

    A server that answered the subscription and then went silent is alive: its symbols trade rarely (funds,
    thin stocks), so the next connection is given twice as long, up to QUIET_PATIENCE_CAP_S, instead of
    being re-opened every `base` seconds all day. Frames that keep coming bring it back to `base`."""

    def __init__(self, base: float) -> None:
        self.base = base
        self.seconds = base

    def quiet_symbols(self) -> None:
        self.seconds = min(2 * self.seconds, max(self.base, QUIET_PATIENCE_CAP_S))

    def active(self) -> None:
        self.seconds = self.base


async def _arrived_meanwhile(ws: object) -> list[str | bytes]:
    """The frames already received on `ws`, taken without waiting for more (a close ends the list: the
    next read reports it)."""
    from websockets.asyncio.client import ClientConnection
    from websockets.exceptions import ConnectionClosed

    assert isinstance(ws, ClientConnection)
    frames: list[str | bytes] = []
    while True:
        try:
            async with asyncio.timeout(0):
                frames.append(await ws.recv())
        except (TimeoutError, ConnectionClosed):
            return frames


class YahooStreamFeed:
    """Pushes streamed quotes to `sink` from its own thread; statuses go to `on_status`."""

    name = "Yahoo"

    def __init__(
        self,
        sink: QuoteSink,
        *,
        url: str | None = None,
        on_status: StatusListener | None = None,
        per_connection: int = 100,
        stall_after: float = 30.0,
        resubscribe_every: float = 15.0,
        backoff_initial: float = 1.0,
        backoff_cap: float = 60.0,
        market_open: Callable[[float], bool] = regular_hours,
        read_every: float = READ_EVERY_S,
    ) -> None:
        self.url = url or stream_url()
        self.read_every = read_every
        self._sink = sink
        self._on_status = on_status
        self.per_connection = per_connection
        self.stall_after = stall_after
        self.resubscribe_every = resubscribe_every
        self.backoff_initial = backoff_initial
        self.backoff_cap = backoff_cap
        self.market_open = market_open
        self.stats = StreamStats()
        self._symbols: list[str] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._changed: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._states: dict[int, str] = {}  # connection -> "connecting" | "live" | "waiting:<when>" | "stalled:<s>"
        self._open: set[object] = set()  # the connections with an open socket (the loop's thread only)
        self.status: FeedStatus = FeedStatus(FeedState.CONNECTING, "Yahoo stream · connecting…")
        self.last_message_at: float | None = None

    # -- control, from any thread ---------------------------------------------------------------

    def start(self) -> None:
        # The loop and its events are made here, so `stop` and `set_symbols` reach them at once, without
        # waiting for the thread to make them (asyncio events bind to a loop when first awaited).
        self._loop = asyncio.new_event_loop()
        self._stop = asyncio.Event()
        self._changed = asyncio.Event()
        self._thread = threading.Thread(target=self._run, args=(self._loop,), name="yahoo-stream", daemon=True)
        self._thread.start()

    def stop(self, wait: bool = True) -> None:
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(stop.set)
        if wait and self._thread is not None:
            # Closing handshakes can take a moment: the GUI thread does not wait for them (the live feed
            # drops anything the stream still delivers once it is stopped).
            self._thread.join(timeout=1.0)

    def set_symbols(self, symbols: Iterable[str]) -> None:
        with self._lock:
            self._symbols = sorted(dict.fromkeys(symbols))
        loop, changed = self._loop, self._changed
        if loop is not None and changed is not None and not loop.is_closed():
            loop.call_soon_threadsafe(changed.set)

    def can_supply(self, symbol: str) -> str | None:
        return None  # whether Yahoo knows a symbol takes a network round trip: see YahooHistory.validate

    def symbols(self) -> list[str]:
        with self._lock:
            return list(self._symbols)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # -- the feed thread ------------------------------------------------------------------------

    def _run(self, loop: asyncio.AbstractEventLoop) -> None:
        try:
            loop.run_until_complete(self._main())
        except Exception:
            log.exception("Yahoo stream failed")
            self._report(FeedStatus(FeedState.ERROR, "Yahoo stream stopped after an internal error (see the log)"))
        finally:
            _cancel_leftovers(loop)
            _drop_open(loop, self._open)
            loop.close()

    async def _main(self) -> None:
        assert self._stop is not None and self._changed is not None
        tasks: dict[int, asyncio.Task[None]] = {}
        while not self._stop.is_set():
            wanted = max(1, -(-len(self.symbols()) // self.per_connection))
            for k in range(wanted):
                if k not in tasks or tasks[k].done():
                    tasks[k] = asyncio.create_task(self._connection(k))
            for k in [k for k in tasks if k >= wanted]:
                tasks.pop(k).cancel()
                self._states.pop(k, None)
            stop_wait = asyncio.create_task(self._stop.wait())
            change_wait = asyncio.create_task(self._changed.wait())
            await asyncio.wait({stop_wait, change_wait}, return_when=asyncio.FIRST_COMPLETED)
            stop_wait.cancel()
            change_wait.cancel()
            self._changed.clear()  # connections re-read their chunk of the symbol set on their own
        for ws in list(self._open):  # stopping: no closing handshakes to wait for (nothing waits for them)
            _abort(ws)
        for task in tasks.values():
            task.cancel()
        await asyncio.gather(*tasks.values(), return_exceptions=True)

    def _chunk(self, k: int) -> list[str]:
        symbols = self.symbols()
        return symbols[k * self.per_connection : (k + 1) * self.per_connection]

    async def _connection(self, k: int) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import WebSocketException

        assert self._stop is not None
        attempt = 0
        first = True
        patience = _Patience(self.stall_after)
        noted = _noting_connections(self._open)
        while not self._stop.is_set():
            if not self._chunk(k):
                await asyncio.sleep(0.2)
                continue
            self._set_state(k, "connecting")
            got_data = False
            try:
                async with connect(
                    self.url, open_timeout=10, close_timeout=2, ping_interval=20, ping_timeout=20, max_size=1 << 20,
                    create_connection=noted,
                ) as ws:  # fmt: skip
                    self.stats.connects += 1
                    if not first:
                        self.stats.reconnects += 1
                    first = False
                    got_data = await self._serve(k, ws, patience)
            except _StalledError as stalled:
                self.stats.stalls += 1
                got_data = True  # it worked before it went quiet: start the backoff afresh
                if stalled.answered:
                    patience.quiet_symbols()
                else:
                    patience.active()
            except (OSError, TimeoutError, WebSocketException) as exc:
                log.info("Yahoo stream connection %d: %s", k, exc)
            if self._stop.is_set():
                break
            attempt = 0 if got_data else attempt + 1
            delay = min(self.backoff_cap, self.backoff_initial * 2**attempt) * random.uniform(0.5, 1.0)
            self._set_state(k, f"waiting:{time.monotonic() + delay}")
            await self._wait_unless_stopped(delay)

    async def _serve(self, k: int, ws: object, patience: _Patience) -> bool:
        """Subscribe and read until the connection ends; True when any frame arrived. Silent for longer
        than `patience` during regular hours: _StalledError."""
        from websockets.asyncio.client import ClientConnection
        from websockets.exceptions import ConnectionClosed

        assert isinstance(ws, ClientConnection) and self._stop is not None
        subscribed = set(self._chunk(k))
        await ws.send(subscribe_message(subscribed))
        last_sub = last_frame = subscribed_at = time.monotonic()
        self._set_state(k, "live")
        got_data = False
        while not self._stop.is_set():
            try:
                raw = await asyncio.wait_for(ws.recv(), timeout=0.5)
            except TimeoutError:
                raw = None
            except ConnectionClosed as exc:
                log.info("Yahoo stream connection %d closed: %s", k, exc)
                return got_data
            now = time.monotonic()
            if raw is not None:
                # Frames coming on after the answer to the subscription: the symbols trade.
                if now - last_frame < self.stall_after and now - subscribed_at > self.stall_after / 2:
                    patience.active()
                got_data = True
                last_frame = now
                self._handle([raw, *await _arrived_meanwhile(ws)])
            wanted = set(self._chunk(k))
            if wanted != subscribed:
                added, removed = wanted - subscribed, subscribed - wanted
                if removed:
                    await ws.send(unsubscribe_message(removed))
                if added:
                    await ws.send(subscribe_message(added))
                subscribed = wanted
            if now - last_sub >= self.resubscribe_every and subscribed:
                await ws.send(subscribe_message(subscribed))
                last_sub = now
            if now - last_frame > patience.seconds and self.market_open(time.time()):
                self._set_state(k, f"stalled:{now - last_frame:.0f}")
                log.warning("Yahoo stream connection %d silent for %.0fs: reconnecting", k, now - last_frame)
                _abort(ws)  # a silent peer will not answer a closing handshake either: no wait for it
                raise _StalledError(answered=got_data)
            if raw is not None and self.read_every > 0:
                await self._let_frames_gather(ws)
        return got_data

    async def _let_frames_gather(self, ws: object) -> None:
        """Leave the socket unread for `read_every` seconds (or until stopped): the frames wait in it
        without waking this thread, and the next read takes them together."""
        transport = getattr(ws, "transport", None)
        if transport is None:
            return
        transport.pause_reading()
        try:
            await self._wait_unless_stopped(self.read_every)
        finally:
            transport.resume_reading()

    async def _wait_unless_stopped(self, seconds: float) -> None:
        assert self._stop is not None
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stop.wait(), timeout=seconds)

    def _handle(self, frames: list[str | bytes]) -> None:
        """Decode a gathering of frames and hand its quotes to the sink as one batch."""
        quotes = []
        wanted = set(self.symbols())
        now = time.time()
        for raw in frames:
            self.stats.frames += 1
            try:
                quote = decode_frame(raw)
                if quote.time > now + MAX_AHEAD_S:
                    raise FrameError(f"stamped {quote.time - now:.0f} s ahead of this machine's clock")
            except FrameError as exc:
                self.stats.malformed += 1
                log.debug("skipped a frame: %s", exc)
                continue
            self.last_message_at = now
            if quote.symbol in wanted:  # (not: a late frame for a symbol just unsubscribed)
                quotes.append(quote)
        if not quotes:
            return
        if self._sink(quotes, 0.5):
            self.stats.quotes += len(quotes)
        else:
            self.stats.dropped += len(quotes)

    # -- status ---------------------------------------------------------------------------------

    def _set_state(self, k: int, state: str) -> None:
        self._states[k] = state
        states = list(self._states.values())
        n = len(self.symbols())
        if states and all(s == "live" for s in states):
            status = FeedStatus(FeedState.LIVE, f"Yahoo stream · live · {n} symbol{'s' if n != 1 else ''}")
        elif silent := [int(s.split(":", 1)[1]) for s in states if s.startswith("stalled:")]:
            status = FeedStatus(FeedState.CONNECTING, f"Yahoo stream · no data for {max(silent)}s, reconnecting")
        elif waits := [float(s.split(":", 1)[1]) for s in states if s.startswith("waiting:")]:
            seconds = max(0, round(min(waits) - time.monotonic()))
            word = "reconnecting" if self.stats.connects else "cannot connect, retrying"
            status = FeedStatus(FeedState.OFFLINE, f"Yahoo stream · {word} in {seconds}s")
        else:
            status = FeedStatus(FeedState.CONNECTING, "Yahoo stream · connecting…")
        self._report(status)

    def _report(self, status: FeedStatus) -> None:
        self.status = status
        if self._on_status is not None:
            self._on_status(status)
