"""A real HTTP server on 127.0.0.1 that records the POSTs a webhook channel sends, and can misbehave."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class WebhookRecorder:
    """Records each POST (path, headers, body). `fail(n)` answers the next n with 500; `hang(s)` makes the
    next requests wait s seconds before answering."""

    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, str], bytes]] = []
        self._failures = 0
        self._hang = 0.0
        self._lock = threading.Lock()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with recorder._lock:
                    hang, failing = recorder._hang, recorder._failures > 0
                    if failing:
                        recorder._failures -= 1
                if hang:
                    time.sleep(hang)
                if failing:
                    self.send_response(500)
                    self.end_headers()
                    return
                with recorder._lock:
                    recorder.posts.append((self.path, dict(self.headers), body))
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/hooks/s3cr3t-token"

    def fail(self, times: int) -> None:
        with self._lock:
            self._failures = times

    def hang(self, seconds: float) -> None:
        with self._lock:
            self._hang = seconds

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
