"""A fake of Yahoo's streamer: a real websocket server on 127.0.0.1 speaking the real frame format."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Coroutine
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from desktop.feeds.yahoo_protocol import encode_frame


class FakeStreamer:
    """Runs on its own thread; a test tells it what to send and reads what clients asked for."""

    def __init__(self) -> None:
        self.messages: list[tuple[int, dict[str, Any]]] = []  # (connection number, parsed client message)
        self.connections = 0
        self._live: dict[int, ServerConnection] = {}
        self._lock = threading.Lock()
        self._loop = asyncio.new_event_loop()
        self._server: Server | None = None
        started = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(started,), name="fake-streamer", daemon=True)
        self._thread.start()
        assert started.wait(5), "fake streamer did not start"
        assert self._server is not None
        self.port = self._server.sockets[0].getsockname()[1]
        self.url = f"ws://127.0.0.1:{self.port}/?version=2"

    def _run(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)

        async def start() -> None:
            self._server = await serve(self._handler, "127.0.0.1", 0)
            started.set()

        self._loop.run_until_complete(start())
        self._loop.run_forever()

    async def _handler(self, ws: ServerConnection) -> None:
        with self._lock:
            self.connections += 1
            number = self.connections
            self._live[number] = ws
        try:
            async for raw in ws:
                with self._lock:
                    self.messages.append((number, json.loads(raw)))
        except Exception:
            pass
        finally:
            with self._lock:
                self._live.pop(number, None)

    def _call(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(5)

    # -- what a test can do ---------------------------------------------------------------------

    def subscribed(self) -> set[str]:
        """Symbols currently subscribed, over all connections, replaying every (un)subscribe in order."""
        live: set[str] = set()
        with self._lock:
            open_ones = set(self._live)
            for number, message in self.messages:
                if number not in open_ones:
                    continue
                live |= set(message.get("subscribe", []))
                live -= set(message.get("unsubscribe", []))
        return live

    def send_text(self, text: str) -> None:
        async def send() -> None:
            for ws in list(self._live.values()):
                with contextlib.suppress(ConnectionClosed):  # a client gone: the broadcast goes on to the others
                    await ws.send(text)

        self._call(send())

    def send_quote(self, **fields: Any) -> None:
        self.send_text(encode_frame(**fields))

    def close_all(self) -> None:
        """Close every connection cleanly from the server side."""

        async def close() -> None:
            for ws in list(self._live.values()):
                await ws.close(code=1001, reason="server going away")

        self._call(close())

    def drop_all(self) -> None:
        """Cut every connection without a closing handshake (a network drop)."""

        async def drop() -> None:
            for ws in list(self._live.values()):
                ws.transport.abort()

        self._call(drop())

    def stop_reading(self) -> None:
        """Read nothing more from the clients (a peer gone deaf): a closing handshake they start waits
        for an answer that does not come."""

        async def deafen() -> None:
            for ws in list(self._live.values()):
                ws.transport.pause_reading()

        self._call(deafen())

    def open_count(self) -> int:
        with self._lock:
            return len(self._live)

    def stop(self) -> None:
        async def shutdown() -> None:
            assert self._server is not None
            for ws in list(self._live.values()):  # no closing handshake to wait for: a client that stopped
                ws.transport.abort()  # reading (a stalled stream it gave up on) would hold it for 10 s
            self._server.close()
            await self._server.wait_closed()

        self._call(shutdown())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        self._loop.close()
