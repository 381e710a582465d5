"""A fake of Yahoo's chart endpoint: a real HTTP server on 127.0.0.1 answering in the recorded shape."""

from __future__ import annotations

import copy
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "yahoo"
REAL = FIXTURES / "real"  # recorded real replies and frames, with PROVENANCE.md
TEMPLATE = "gadicc_chart-AAPL-2020-08-31-to-2020-11-07.json"
NOT_FOUND = {
    "chart": {"result": None, "error": {"code": "Not Found", "description": "No data found, symbol may be delisted"}}
}


def recorded(name: str) -> dict[str, Any]:
    return dict(json.loads((FIXTURES / name).read_text())["response"])


def chart_body(symbol: str, bars: list[tuple[float, float, float, float, float, float]], prev_close: float,
               name: str | None = None) -> dict[str, Any]:  # fmt: skip
    """A chart response in the recorded real shape, carrying `bars` (time, open, high, low, close, volume)."""
    body = copy.deepcopy(recorded(TEMPLATE)["bodyJson"])
    result = body["chart"]["result"][0]
    meta = result["meta"]
    last = bars[-1] if bars else None
    meta.update({
        "symbol": symbol, "shortName": name or f"{symbol} Inc.", "longName": name or f"{symbol} Inc.",
        "chartPreviousClose": prev_close, "previousClose": prev_close, "dataGranularity": "1m", "range": "1d",
        "regularMarketPrice": last[4] if last else prev_close, "regularMarketTime": int(last[0]) if last else 0,
        "regularMarketDayHigh": max(b[2] for b in bars) if bars else prev_close,
        "regularMarketDayLow": min(b[3] for b in bars) if bars else prev_close,
        "regularMarketVolume": int(sum(b[5] for b in bars)),
    })  # fmt: skip
    result["timestamp"] = [int(b[0]) for b in bars]
    result["indicators"] = {"quote": [{
        "open": [b[1] for b in bars], "high": [b[2] for b in bars], "low": [b[3] for b in bars],
        "close": [b[4] for b in bars], "volume": [int(b[5]) for b in bars],
    }]}  # fmt: skip
    result.pop("events", None)
    return body


class FakeYahooHttp:
    """Serves `charts[symbol]`; unknown symbols get Yahoo's 404; `rate_limit(n)` answers the next n with 429."""

    def __init__(self) -> None:
        self.charts: dict[str, dict[str, Any]] = {}
        self.daily_charts: dict[str, dict[str, Any]] = {}  # answers interval=1d requests when set
        self.raw: dict[str, tuple[int, str]] = {}  # symbol -> (status, body): a recorded reply served as it is
        self.requests: list[tuple[str, dict[str, list[str]]]] = []
        self._rate_limited = 0
        self._lock = threading.Lock()
        self.reply_delay = 0.0  # seconds each reply waits: requests overlap as over a slow network
        self.in_flight = 0
        self.most_in_flight = 0
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with fake._lock:
                    fake.in_flight += 1
                    fake.most_in_flight = max(fake.most_in_flight, fake.in_flight)
                try:
                    if fake.reply_delay:
                        time.sleep(fake.reply_delay)  # the slow network this fake stands for
                    self._answer()
                finally:
                    with fake._lock:
                        fake.in_flight -= 1

            def _answer(self) -> None:
                url = urlparse(self.path)
                with fake._lock:
                    fake.requests.append((url.path, parse_qs(url.query)))
                    limited = fake._rate_limited > 0
                    if limited:
                        fake._rate_limited -= 1
                if limited:
                    self._send(429, "Too Many Requests", "text/plain")
                    return
                if not url.path.startswith("/v8/finance/chart/"):
                    self._send(404, json.dumps({"finance": {"error": {"code": "Not Found"}}}))
                    return
                symbol = unquote(url.path.rsplit("/", 1)[-1]).upper()
                if symbol in fake.raw:
                    status, text = fake.raw[symbol]
                    json_reply = text.lstrip().startswith("{")
                    self._send(status, text, "application/json;charset=utf-8" if json_reply else "text/plain")
                    return
                daily = parse_qs(url.query).get("interval") == ["1d"]
                body = (fake.daily_charts.get(symbol) if daily else None) or fake.charts.get(symbol)
                if body is None:
                    self._send(404, json.dumps(NOT_FOUND))
                else:
                    self._send(200, json.dumps(body))

            def _send(self, status: int, text: str, kind: str = "application/json;charset=utf-8") -> None:
                data = text.encode()
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, name="fake-yahoo-http", daemon=True)
        self._thread.start()

    def serve_recorded(self, symbol: str, name: str, body: dict[str, Any] | None = None) -> None:
        """Answer `symbol` with the recorded reply `name` (under fixtures/yahoo/real): its status and body,
        or `body` in its place when a test changed it."""
        response = json.loads((REAL / name).read_text())["response"]
        self.raw[symbol.upper()] = (response["status"], json.dumps(body if body is not None else response["bodyJson"]))

    def rate_limit(self, times: int) -> None:
        with self._lock:
            self._rate_limited = times

    def chart_requests(self, symbol: str) -> int:
        with self._lock:
            return sum(1 for path, _ in self.requests if path.endswith(f"/{symbol}"))

    def stop(self) -> None:
        """Shut the server down (the port then refuses connections, like a dead network); idempotent."""
        if not self._thread.is_alive():
            return
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(5)
