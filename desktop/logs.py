"""The app's loggers, named once: one per subsystem, so a log line says where it came from."""

from __future__ import annotations

import logging

app = logging.getLogger("desktop.app")
alerts = logging.getLogger("desktop.alerts")
calendar = logging.getLogger("desktop.calendar")
feed = logging.getLogger("desktop.feed")
prices = logging.getLogger("desktop.prices")
storage = logging.getLogger("desktop.storage")
store = logging.getLogger("desktop.store")
ui = logging.getLogger("desktop.ui")
