"""A private D-Bus session bus (a real dbus-daemon) with a notifications service that records Notify calls."""

from __future__ import annotations

import shutil
import subprocess
import threading
from pathlib import Path
from typing import Any

NAME = "org.freedesktop.Notifications"


class PrivateNotifications:
    def __init__(self, folder: Path) -> None:
        from jeepney import HeaderFields, MessageType, new_method_return
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        daemon = shutil.which("dbus-daemon")
        if daemon is None:
            raise RuntimeError("dbus-daemon is not installed")
        self.address = f"unix:path={folder / 'bus'}"
        self._daemon = subprocess.Popen(
            [daemon, "--session", "--nofork", "--nopidfile", f"--address={self.address}", "--print-address"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        )  # fmt: skip
        assert self._daemon.stdout is not None
        self._daemon.stdout.readline()  # the bus is listening once it prints its address
        self.calls: list[tuple[Any, ...]] = []
        self._conn = open_dbus_connection(bus=self.address)
        self._conn.send_and_get_reply(message_bus.RequestName(NAME), timeout=5)
        self._stopping = False

        def serve() -> None:
            while not self._stopping:
                try:
                    msg = self._conn.receive(timeout=0.2)
                except TimeoutError:
                    continue
                except (OSError, ValueError):
                    return
                if msg.header.message_type != MessageType.method_call:
                    continue
                if msg.header.fields.get(HeaderFields.member) == "Notify":
                    self.calls.append(tuple(msg.body))
                    self._conn.send(new_method_return(msg, "u", (len(self.calls),)))

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopping = True
        self._thread.join(2)
        self._conn.close()
        self._daemon.terminate()
        self._daemon.wait(5)
        if self._daemon.stdout is not None:
            self._daemon.stdout.close()
