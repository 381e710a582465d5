"""Desktop and e-mail channels against real local servers: a private D-Bus with a notifications service,
an SMTP server (aiosmtpd) on loopback; the SMTP password kept in the keyring and nowhere else."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop.config import HOME_ENV

from .fakes.keyring_file import FILE_ENV
from .test_monitor import setup_rules


def run(home: Path, *args: str, stdin: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, HOME_ENV: str(home), **env}
    return subprocess.run([sys.executable, "-m", "desktop", *args], input=stdin, capture_output=True, text=True,
                          env=environment, timeout=60, check=False)  # fmt: skip


@pytest.fixture
def bus(tmp_path: Path) -> Iterator[Any]:
    if shutil.which("dbus-daemon") is None:
        pytest.skip("dbus-daemon is not installed")
    from .fakes.notifications import PrivateNotifications

    service = PrivateNotifications(tmp_path)
    yield service
    service.stop()


def test_desktop_notifications_reach_the_session_bus_from_the_monitor(
    tickerdesk_home: Path, tmp_path: Path, bus: Any
) -> None:
    env = {"DBUS_SESSION_BUS_ADDRESS": bus.address}
    assert run(tickerdesk_home, "notify", "add", "desk", "--desktop", **env).returncode == 0
    test = run(tickerdesk_home, "notify", "test", "desk", **env)
    assert test.returncode == 0, test.stderr
    app, _id, _icon, summary, body, _actions, _hints, _timeout = bus.calls[-1]
    assert "1.00 crossed 1 at" in body
    assert app == "Tickerdesk" and summary == "Tickerdesk test message"
    setup_rules(tickerdesk_home, tmp_path)
    done = run(tickerdesk_home, "monitor", "--source", "replay", "--speed", "max", "--exit-after", "5", **env)
    fired = done.stdout.splitlines()
    shown = [line for call in bus.calls[1:] for line in call[4].splitlines()]
    assert len(shown) == len(fired) >= 5 and all(" crossed " in line for line in shown)


@pytest.mark.expected_log_warnings
def test_no_desktop_bus_is_a_reason_not_a_crash(tickerdesk_home: Path, tmp_path: Path) -> None:
    env = {"DBUS_SESSION_BUS_ADDRESS": f"unix:path={tmp_path / 'nobody-listens'}"}
    assert run(tickerdesk_home, "notify", "add", "desk", "--desktop", **env).returncode == 0
    test = run(tickerdesk_home, "notify", "test", "desk", **env)
    assert test.returncode == 1 and "no desktop notification service" in test.stderr
    assert len(test.stderr.strip().splitlines()) == 1


@pytest.mark.expected_log_warnings
def test_a_desktop_channel_lists_as_what_it_is_and_no_session_says_why(
    tickerdesk_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)  # a console login, a service with no session
    assert run(tickerdesk_home, "notify", "list").stderr.strip() == "tickerdesk: no channels (tickerdesk notify add)"
    assert run(tickerdesk_home, "notify", "add", "desk", "--desktop", "--only-named").returncode == 0
    listed = run(tickerdesk_home, "notify", "list").stdout.splitlines()
    assert listed[0].split()[:4] == ["NAME", "KIND", "FORMAT", "TARGET"]
    assert listed[1].split()[:5] == ["desk", "desktop", "plain", "desktop", "notifications"]
    assert "rules that name it" in listed[1] and "://" not in listed[1]
    test = run(tickerdesk_home, "notify", "test", "desk")
    assert test.returncode == 1 and "KeyError" not in test.stderr
    assert "no D-Bus session here: DBUS_SESSION_BUS_ADDRESS is not set" in test.stderr


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # loopback, by design of the test
@pytest.mark.expected_log_warnings  # aiosmtpd warns of AUTH without TLS: the server is ours, on loopback
def test_email_goes_through_smtp_with_the_password_from_the_keyring(tickerdesk_home: Path, tmp_path: Path) -> None:
    from .fakes.smtp import SmtpRecorder

    recorder = SmtpRecorder(password="hunter2")
    port = recorder.port
    try:
        env = {"PYTHON_KEYRING_BACKEND": "tests.fakes.keyring_file.FileKeyring", FILE_ENV: str(tmp_path / "kr.json"),
               "PYTHONPATH": str(Path.cwd())}  # fmt: skip
        url = f"smtp://alerts@127.0.0.1:{port}?to=me@example.com"
        added = run(tickerdesk_home, "notify", "add", "mail", "--email", url, "--security", "none",
                    "--password-stdin", stdin="hunter2\n", **env)  # fmt: skip
        assert added.returncode == 0, added.stderr
        test = run(tickerdesk_home, "notify", "test", "mail", **env)
        assert test.returncode == 0, test.stderr
        assert recorder.logins == [("alerts", "hunter2")]
        mail = recorder.messages[-1]
        assert mail.rcpt_tos == ["me@example.com"] and b"Subject: Tickerdesk: Tickerdesk test message" in mail.content
        # The password lives in the keyring only: not in the database, the logs or an export.
        setup_rules(tickerdesk_home, tmp_path)
        assert run(tickerdesk_home, "alerts", "export", str(tmp_path / "out.json")).returncode == 0
        stored = b"".join(p.read_bytes() for p in tickerdesk_home.rglob("*") if p.is_file())
        assert b"hunter2" not in stored + (tmp_path / "out.json").read_bytes()
        assert "hunter2" in (tmp_path / "kr.json").read_text()
        wrong = run(tickerdesk_home, "notify", "test", "mail", **{**env, FILE_ENV: str(tmp_path / "empty.json")})
        assert wrong.returncode == 1 and "not delivered" in wrong.stderr
        # Removing the channel takes its password out of the keyring too.
        removed = run(tickerdesk_home, "notify", "remove", "mail", **env)
        assert removed.returncode == 0 and removed.stderr.strip() == "tickerdesk: removed channel mail"
        assert "hunter2" not in (tmp_path / "kr.json").read_text()
    finally:
        recorder.stop()
