"""tickerdesk.log rotates instead of growing without bound."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from desktop.config import HOME_ENV

SCRIPT = """
import logging
from desktop.app import _configure_logging
from desktop.logs import LOG_BACKUPS, LOG_BYTES
_configure_logging()
line = "x" * 500
for _ in range(3 * LOG_BYTES // 500):
    logging.getLogger("desktop.test").info(line)
print(LOG_BYTES, LOG_BACKUPS)
"""


def test_the_log_file_rotates(tmp_path: Path) -> None:
    env = {**os.environ, HOME_ENV: str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=120,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    limit, backups = map(int, done.stdout.split())
    logs = sorted(tmp_path.rglob("tickerdesk.log*"))
    assert len(logs) == backups + 1
    assert all(p.stat().st_size <= limit + 1000 for p in logs)
