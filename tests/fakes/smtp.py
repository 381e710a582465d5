"""A real SMTP server on loopback (aiosmtpd) that requires a login and keeps what it is sent."""

from __future__ import annotations

import socket
from typing import Any


class SmtpRecorder:
    """Accepts the login `user`/`password` only (plain AUTH: loopback, no TLS) and records every message."""

    def __init__(self, password: str = "hunter2") -> None:
        from aiosmtpd.controller import Controller

        self.messages: list[Any] = []
        self.logins: list[tuple[str, str]] = []
        self._password = password.encode()
        with socket.socket() as probe:  # a free port (aiosmtpd's controller checks its server by connecting)
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, authenticator=self._authenticate,
                                      auth_require_tls=False, auth_required=True)  # fmt: skip
        self._controller.start()

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        from aiosmtpd.smtp import AuthResult, LoginPassword

        assert isinstance(data, LoginPassword)
        self.logins.append((data.login.decode(), data.password.decode()))
        return AuthResult(success=data.password == self._password)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(envelope)
        return "250 OK"

    def stop(self) -> None:
        self._controller.stop()
