"""Nothing the user saved, and no fire the app logged, is lost when the process is killed (SIGKILL)."""

from __future__ import annotations

import os
import re
import signal
import sqlite3
import subprocess
import sys
import textwrap
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.config import HOME_ENV
from desktop.core.alerts.rules import rule_from_dict
from desktop.storage.alerts import AlertRepository
from desktop.storage.database import open_database

from .conftest import MakeWindow, replayed

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")

# IWM closed at 252.91 on 2026-04-07 and 260.47 on 2026-04-08: the first close above 255 after 2026-04-01.
IWM_ABOVE = {"id": "iwm255", "type": "price", "symbol": "IWM", "condition": "above", "level": 255}
# IWM is above 200 all through 2026: history before the start must not make this fire at the first frame.
ALREADY_TRUE = {"id": "iwm200", "type": "price", "symbol": "IWM", "condition": "above", "level": 200}


def app_env(home: Path) -> dict[str, str]:
    return {**os.environ, HOME_ENV: str(home), "QT_QPA_PLATFORM": "offscreen"}


def db_rows(home: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(home / "data" / "tickerdesk.db")
    try:
        return list(conn.execute(sql))
    finally:
        conn.close()


def test_rule_saved_in_the_window_survives_sigkill(tickerdesk_home: Path) -> None:
    script = textwrap.dedent(
        """
        from argparse import Namespace
        from PySide6.QtWidgets import QApplication
        from desktop.app import build_window
        from desktop.core.alerts.rules import rule_from_dict

        app = QApplication([])
        window, _ = build_window(Namespace(source="replay", replay_data=None, speed=1.0, start=None))
        window.show()
        window.feeds.start(window.model.symbols)
        rule = rule_from_dict({"id": "kept", "type": "price", "symbol": "NVDA", "condition": "below", "level": 175})
        print("saved" if window.alerts.save_rule(rule) else "refused", flush=True)
        app.exec()
        """
    )
    with subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env=app_env(tickerdesk_home),
    ) as proc:  # fmt: skip
        try:
            assert proc.stdout is not None and proc.stdout.readline().strip() == "saved"
            os.kill(proc.pid, signal.SIGKILL)  # no chance to shut down cleanly
        finally:
            proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    definitions = db_rows(tickerdesk_home, "SELECT id, definition FROM alert_rule")
    assert [row[0] for row in definitions] == ["kept"] and '"level": 175.0' in str(definitions[0][1])


def test_logged_fires_survive_sigkill_and_restart_does_not_refire(
    tickerdesk_home: Path, qtbot: QtBot, make_window: MakeWindow
) -> None:
    conn = open_database(tickerdesk_home / "data" / "tickerdesk.db").connection
    AlertRepository(conn).save_rules([rule_from_dict(IWM_ABOVE)])
    conn.close()
    logged: list[str] = []
    with subprocess.Popen(
        [sys.executable, "-m", "desktop", "run", "--source", "replay", "--speed", "1", "--start", "2026-04-01",
         "--exit-after", "60"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=app_env(tickerdesk_home),
    ) as proc:  # fmt: skip
        try:
            assert proc.stderr is not None
            for line in proc.stderr:
                match = re.search(r"alert logged: (\S+) at (\S+)", line)
                if match:
                    logged.append(f"{match.group(1)} {match.group(2)}")
                    break
            os.kill(proc.pid, signal.SIGKILL)
        finally:
            proc.wait(timeout=30)
    assert logged == ["iwm255 2026-04-08"], "fires on the first close above the level, not on history"
    fires = db_rows(tickerdesk_home, "SELECT rule_id, date(time, 'unixepoch', '-4 hours') FROM alert_fire")
    assert [f"{r} {d}" for r, d in fires] == logged
    state = db_rows(tickerdesk_home, "SELECT last_fire FROM alert_state WHERE rule_id = 'iwm255'")
    assert state and state[0][0] is not None

    # Restart on the same replay, with a rule whose condition is already true when the replay starts.
    conn = open_database(tickerdesk_home / "data" / "tickerdesk.db").connection
    AlertRepository(conn).save_rule(rule_from_dict(ALREADY_TRUE))
    conn.close()
    window = make_window(speed=0, start=date(2026, 4, 1))
    qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
    window.alerts.writer.wait_idle()
    fired = db_rows(tickerdesk_home, "SELECT rule_id, date(time, 'unixepoch', '-4 hours') FROM alert_fire ORDER BY id")
    assert [f"{r} {d}" for r, d in fired] == logged, "the same fire is logged once; history never fires"
