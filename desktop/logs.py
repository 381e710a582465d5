"""The app's loggers, named once: one per subsystem, so a log line says where it came from."""

from __future__ import annotations

import logging
import sys
from logging.handlers import RotatingFileHandler
from pathlib import Path

app = logging.getLogger("desktop.app")
alerts = logging.getLogger("desktop.alerts")
calendar = logging.getLogger("desktop.calendar")
feed = logging.getLogger("desktop.feed")
prices = logging.getLogger("desktop.prices")
storage = logging.getLogger("desktop.storage")
store = logging.getLogger("desktop.store")
ui = logging.getLogger("desktop.ui")
monitor = logging.getLogger("desktop.monitor")

FILE_ONLY = {"file_only": True}  # `extra=` for a record of what the program printed already: not said twice


class _NotFileOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not getattr(record, "file_only", False)


LOG_BYTES = 2_000_000  # a log file rotates at this size, keeping LOG_BACKUPS older files
LOG_BACKUPS = 3


def configure(log_dir: Path, file_name: str = "tickerdesk.log") -> None:
    """Log INFO and up to stderr and to a rotating file in `log_dir` (stderr alone when it cannot be written)."""
    stream = logging.StreamHandler()
    stream.addFilter(_NotFileOnly())
    handlers: list[logging.Handler] = [stream]
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handlers.append(
            RotatingFileHandler(log_dir / file_name, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
        )
    except OSError as exc:  # a read-only or full data folder: the program still runs, logging to stderr
        print(f"tickerdesk: no log file ({exc.strerror or exc})", file=sys.stderr)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s", handlers=handlers)
