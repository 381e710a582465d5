"""`tickerdesk monitor` as a user runs it: a real subprocess on the bundled replay data and a real database."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop.config import HOME_ENV

from .test_cli import tickerdesk

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")

RULES = """
[[alerts]]
id = "iwm255"
type = "price"
symbol = "IWM"
condition = "above"
level = 255

[[alerts]]
id = "rot"
type = "spread"
a = "IWM"
b = "QQQ"
window = "qtd"
condition = "crosses_above"
level = 1.5
"""


def setup_rules(home: Path, tmp_path: Path) -> Path:
    rules = tmp_path / "rules.toml"
    rules.write_text(RULES)
    done = tickerdesk("alerts", "import", str(rules), home=home)
    assert done.returncode == 0, done.stderr
    return rules


def logged(home: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(home / "data" / "tickerdesk.db")
    try:
        rows = conn.execute("SELECT rule_id, time, daily FROM alert_fire ORDER BY time, id").fetchall()
    finally:
        conn.close()
    from datetime import datetime
    from zoneinfo import ZoneInfo

    return [(r, datetime.fromtimestamp(t, ZoneInfo("America/New_York")).date().isoformat()) for r, t, _d in rows]


def monitor(home: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, HOME_ENV: str(home)}
    env.pop("DISPLAY", None)
    return subprocess.Popen(
        [sys.executable, "-m", "desktop", "monitor", "--source", "replay", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip


def test_monitor_prints_what_the_backtest_finds_and_a_restart_repeats_nothing(
    tickerdesk_home: Path, tmp_path: Path
) -> None:
    rules = setup_rules(tickerdesk_home, tmp_path)
    first = tickerdesk("monitor", "--source", "replay", "--speed", "max", "--exit-after", "4", home=tickerdesk_home)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    backtest = tickerdesk(
        "backtest", "--prices", "resources/data/daily", "--alerts", str(rules), "--from", "2025-10-01",
        "--format", "json", home=tickerdesk_home,
    )  # fmt: skip
    want = [(f["alert"], f["time"]) for f in json.loads(backtest.stdout)]
    got = [(line.split()[2], line.split()[0]) for line in lines]
    assert got == want and len(got) >= 5
    assert all(" value=" in line and " level=" in line for line in lines)
    assert logged(tickerdesk_home) == [(rule, day) for rule, day in want]
    assert lines[0] not in first.stderr, "a fire is printed once on a terminal (stdout), not again as a log line"
    assert f"delivered to stdout: {lines[0]}" in (tickerdesk_home / "data" / "monitor.log").read_text()
    again = tickerdesk("monitor", "--source", "replay", "--speed", "max", "--exit-after", "3", home=tickerdesk_home)
    assert again.returncode == 0 and again.stdout == "", "the same fires are not announced twice"
    assert logged(tickerdesk_home) == [(rule, day) for rule, day in want]


def test_the_monitor_runs_without_qt(tickerdesk_home: Path, tmp_path: Path) -> None:
    setup_rules(tickerdesk_home, tmp_path)
    script = (
        "import sys; from desktop.cli.main import main; "
        "status = main(['monitor', '--source', 'replay', '--speed', 'max', '--exit-after', '1']); "
        "print('qt' if any(m.startswith('PySide6') for m in sys.modules) else 'no qt', status)"
    )
    env = {**os.environ, HOME_ENV: str(tickerdesk_home)}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False)
    assert done.stdout.splitlines()[-1] == "no qt 0", done.stderr[-2000:]


def test_sigusr1_reports_and_sigterm_stops_cleanly(tickerdesk_home: Path, tmp_path: Path) -> None:
    setup_rules(tickerdesk_home, tmp_path)
    with monitor(tickerdesk_home, "--speed", "1", "--start", "2026-04-01") as proc:
        assert proc.stderr is not None
        for line in proc.stderr:
            if "started on replay" in line:
                break
        time.sleep(0.5)  # nothing to wait on: the handlers are installed before "started" is logged
        proc.send_signal(signal.SIGUSR1)
        for line in proc.stderr:
            if "rules armed" in line:
                assert "source replay" in line and "2 rules armed" in line and "evaluating" in line
                break
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=15) == 0
    conn = sqlite3.connect(tickerdesk_home / "data" / "tickerdesk.db")
    try:
        assert conn.execute("SELECT COUNT(*) FROM evaluator_lease").fetchone()[0] == 0, "the lease was let go"
        assert conn.execute("SELECT COUNT(*) FROM alert_state").fetchone()[0] == 2, "rule states saved at stop"
    finally:
        conn.close()


def test_monitor_stop_ends_the_monitor_of_the_data_folder_cleanly(tickerdesk_home: Path, tmp_path: Path) -> None:
    setup_rules(tickerdesk_home, tmp_path)
    none = tickerdesk("monitor", "--stop", home=tickerdesk_home)
    assert none.returncode == 0 and none.stderr.strip() == "tickerdesk: no monitor watches this data folder"
    with monitor(tickerdesk_home, "--speed", "1", "--start", "2026-04-01") as proc:
        assert proc.stderr is not None
        for line in proc.stderr:
            if "started on replay" in line:
                break
        stopped = tickerdesk("monitor", "--stop", home=tickerdesk_home)
        assert stopped.returncode == 0 and stopped.stderr.strip() == f"tickerdesk: stopped the monitor (pid {proc.pid})"
        assert proc.wait(timeout=15) == 0, "ended cleanly"
    conn = sqlite3.connect(tickerdesk_home / "data" / "tickerdesk.db")
    try:
        assert conn.execute("SELECT COUNT(*) FROM evaluator_lease").fetchone()[0] == 0, "the lease was let go"
    finally:
        conn.close()


def test_sigkill_mid_replay_loses_nothing_and_the_restart_does_not_refire(
    tickerdesk_home: Path, tmp_path: Path
) -> None:
    setup_rules(tickerdesk_home, tmp_path)
    with monitor(tickerdesk_home, "--speed", "4", "--start", "2026-04-01") as proc:
        assert proc.stdout is not None
        first = proc.stdout.readline().strip()
        os.kill(proc.pid, signal.SIGKILL)  # right after its first fire: no chance to shut down
        proc.wait(timeout=30)
    assert first == '2026-04-08 fired iwm255 value=260.47 level=255 rule="IWM price above 255"'
    assert logged(tickerdesk_home) == [("iwm255", "2026-04-08")]
    again = tickerdesk("monitor", "--source", "replay", "--speed", "max", "--start", "2026-04-01",
                       "--exit-after", "3", home=tickerdesk_home)  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "iwm255 value=260.47" not in again.stdout, "fired before the kill: not announced again"
    assert logged(tickerdesk_home).count(("iwm255", "2026-04-08")) == 1


def test_install_and_uninstall_the_user_service(tickerdesk_home: Path, tmp_path: Path) -> None:
    config = tmp_path / "xdg-config"
    done = tickerdesk("monitor", "--install-service", home=tickerdesk_home, XDG_CONFIG_HOME=str(config))
    assert done.returncode == 0, done.stderr
    unit = config / "systemd" / "user" / "tickerdesk-monitor.service"
    text = unit.read_text()
    assert f"ExecStart={sys.executable} -m desktop monitor --source auto" in text
    assert f"Environment={HOME_ENV}={tickerdesk_home}\n" in text and "WantedBy=default.target" in text
    assert "systemctl --user enable --now tickerdesk-monitor.service" in done.stderr
    gone = tickerdesk("monitor", "--uninstall-service", home=tickerdesk_home, XDG_CONFIG_HOME=str(config))
    assert gone.returncode == 0 and not unit.exists() and "removed" in gone.stderr


@pytest.mark.expected_log_warnings
def test_fires_reach_a_webhook_and_failed_deliveries_survive_a_restart(tickerdesk_home: Path, tmp_path: Path) -> None:
    from .fakes.webhook import WebhookRecorder

    hook = WebhookRecorder()
    try:
        setup_rules(tickerdesk_home, tmp_path)
        added = tickerdesk("notify", "add", "ops", "--webhook", hook.url, "--format", "slack", home=tickerdesk_home)
        assert added.returncode == 0, added.stderr
        listed = tickerdesk("notify", "list", home=tickerdesk_home)
        assert "ops" in listed.stdout and "s3cr3t" not in listed.stdout + added.stderr, "the URL's path is secret"
        test = tickerdesk("notify", "test", "ops", home=tickerdesk_home)
        assert test.returncode == 0 and json.loads(hook.posts[-1][2])["text"].startswith("Tickerdesk test message")

        hook.fail(1_000_000)  # the receiver is down for the whole first run
        down = tickerdesk("monitor", "--source", "replay", "--speed", "max", "--exit-after", "3", home=tickerdesk_home)
        fired = down.stdout.splitlines()
        assert down.returncode == 0 and len(fired) >= 5 and len(hook.posts) == 1  # only the test message
        hook.fail(0)
        back = tickerdesk("monitor", "--source", "replay", "--speed", "max", "--exit-after", "6", home=tickerdesk_home)
        assert back.returncode == 0 and back.stdout == ""  # nothing fires anew...
        delivered = [line for _p, _h, body in hook.posts[1:] for line in json.loads(body)["text"].splitlines()]
        assert len(delivered) == len(fired), "...but every fire of the first run reached the webhook"
        assert all(" crossed " in line for line in delivered)
        logs_text = "".join(p.read_text() for p in (tickerdesk_home / "data").glob("*.log*"))
        assert "s3cr3t" not in logs_text and "delivered" in logs_text
        exported = tmp_path / "out.toml"
        assert tickerdesk("alerts", "export", str(exported), home=tickerdesk_home).returncode == 0
        assert "s3cr3t" not in exported.read_text() and "hooks" not in exported.read_text()
    finally:
        hook.stop()


def test_a_standby_monitor_takes_over_when_the_window_lets_go(tickerdesk_home: Path, tmp_path: Path) -> None:
    from desktop.storage import lease
    from desktop.storage.database import open_database

    setup_rules(tickerdesk_home, tmp_path)
    conn = open_database(tickerdesk_home / "data" / "tickerdesk.db").connection
    assert lease.acquire(conn, "window-under-test", "window")  # this test plays the window holding the lease
    with monitor(tickerdesk_home, "--speed", "10", "--start", "2026-04-01") as proc:
        try:
            assert proc.stderr is not None and proc.stdout is not None
            for line in proc.stderr:
                if "rules armed" in line:
                    assert "standing by (window evaluates)" in line
                    break
            lease.release(conn, "window-under-test")  # the window closes
            first = proc.stdout.readline().strip()
        finally:
            proc.kill()
            proc.wait(timeout=30)
    conn.close()
    # The fire of 2026-04-08 happened while the window evaluated (its to log); the monitor fires from its
    # takeover on: the next crossing of the data, the rotation spread in July.
    assert first.startswith("2026-07-") and " fired rot " in first, first


def test_a_unit_file_word_reads_back_as_written() -> None:
    """What systemd would read: % doubled everywhere, $ doubled in a command, blanks and quotes in quotes."""
    from desktop.cli.service import systemd_word

    assert systemd_word("/usr/bin/python3") == "/usr/bin/python3"
    assert systemd_word("TICKERDESK_HOME=/home/me/My Data") == '"TICKERDESK_HOME=/home/me/My Data"'
    assert systemd_word('/opt/a "b" 100%\\x') == '"/opt/a \\"b\\" 100%%\\\\x"'
    assert systemd_word("/opt/$HOME/50%", command=True) == "/opt/$$HOME/50%%"
    assert systemd_word("$x") == "$x", "an Environment= value does not expand variables"
