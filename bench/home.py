"""A benchmark run as a module of its own (`python -m bench.ui_bench 10`) keeps the app's files in a fresh
temporary home: never in the user's own Tickerdesk data, where its windows would save their rules."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from desktop.config import HOME_ENV


@contextmanager
def scratch_home() -> Iterator[Path]:
    """HOME_ENV set to a new temporary folder while the block runs (the folder is removed after it)."""
    previous = os.environ.get(HOME_ENV)
    with tempfile.TemporaryDirectory(prefix="tickerdesk-bench-") as home:
        os.environ[HOME_ENV] = home
        try:
            yield Path(home)
        finally:
            if previous is None:
                os.environ.pop(HOME_ENV, None)
            else:
                os.environ[HOME_ENV] = previous
