"""The window and the monitor on one data folder: one evaluates, the other shows what it logs."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from ..test_monitor import logged, monitor, setup_rules
from .conftest import MakeWindow, replayed

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")


@contextmanager
def evaluating_monitor(home: Path, tmp_path: Path, speed: str) -> Iterator[subprocess.Popen[str]]:
    """A monitor replaying from 2026-04-01 on the test's rules, once it holds the evaluator lease; killed
    at the end if the test left it running."""
    setup_rules(home, tmp_path)
    with monitor(home, "--speed", speed, "--start", "2026-04-01") as proc:
        try:
            assert proc.stderr is not None
            for line in proc.stderr:
                if "evaluating the rules" in line:
                    break
            yield proc
        finally:
            if proc.poll() is None:
                proc.kill()


def test_window_shows_the_monitors_fires_and_takes_over_when_it_dies(
    tickerdesk_home: Path, tmp_path: Path, qtbot: QtBot, make_window: MakeWindow
) -> None:
    with evaluating_monitor(tickerdesk_home, tmp_path, "2") as proc:
        # The window replays the same days at full speed, but the monitor holds the lease: the window
        # logs nothing itself and shows the monitor's fire when the monitor logs it (at its own pace).
        window = make_window(speed=0, start=date(2026, 4, 1))
        assert not window.alerts.role.evaluating and "monitor" in window.alerts.role.describe()
        assert window.message_label.text() == window.alerts.role.describe(), "said when the window opens"
        qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
        model = window.alerts_panel.log_model
        qtbot.waitUntil(lambda: any(f.rule_id == "iwm255" for f in model.fires()), timeout=15_000)
        assert logged(tickerdesk_home).count(("iwm255", "2026-04-08")) == 1
        assert window.notifier.last is not None and "IWM" in window.notifier.last[1]
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    # Its holder is gone: the window evaluates from its next renewal on.
    qtbot.waitUntil(lambda: window.alerts.role.evaluating, timeout=10_000)


def test_the_window_delivers_its_fires_and_shows_how_they_went(
    tickerdesk_home: Path, tmp_path: Path, qtbot: QtBot, make_window: MakeWindow
) -> None:
    import json

    from desktop import paths
    from desktop.storage.channels import Channel, ChannelRepository
    from desktop.storage.database import open_database
    from desktop.ui.alert_models import LogColumn

    from ..fakes.webhook import WebhookRecorder

    hook = WebhookRecorder()
    try:
        setup_rules(tickerdesk_home, tmp_path)
        conn = open_database(paths.database_path()).connection
        ChannelRepository(conn).save(Channel("ops", "webhook", hook.url, "json", "{name} at {time}"))
        conn.close()
        window = make_window(speed=0, start=date(2026, 4, 1))
        assert window.alerts.role.evaluating
        qtbot.waitUntil(lambda: replayed(window), timeout=10_000)
        model = window.alerts_panel.log_model
        window.alerts.writer.wait_idle()
        want = len(logged(tickerdesk_home))
        qtbot.waitUntil(lambda: model.rowCount() == want >= 2, timeout=10_000)
        qtbot.waitUntil(lambda: sum(len(json.loads(b)["fires"]) for _p, _h, b in hook.posts) == want, timeout=15_000)
        sent = [f["rule"] for _p, _h, b in hook.posts for f in json.loads(b)["fires"]]
        assert sent == [f.rule_id for f in model.fires()]
        cell = model.index(0, LogColumn.DELIVERY)
        qtbot.waitUntil(lambda: model.data(cell) == "ops ✓", timeout=10_000)
        assert logged(tickerdesk_home)[0][0] == model.fires()[0].rule_id
    finally:
        hook.stop()


def test_channels_dialog_adds_tests_and_removes_a_webhook(qtbot: QtBot, make_window: MakeWindow) -> None:
    import json

    from desktop.ui.channel_forms import WebhookForm

    from ..fakes.webhook import WebhookRecorder

    hook = WebhookRecorder()
    try:
        window = make_window(run=False)
        dialog = window.open_channels()
        qtbot.addWidget(dialog)
        form = WebhookForm(dialog)
        qtbot.addWidget(form)
        form.name_edit.setText("ops")
        form.url_edit.setText("ftp://nope")
        assert form.channel() is None and "URL" in form.error.text()
        form.url_edit.setText(hook.url)
        form.format_box.setCurrentText("discord")
        channel = form.channel()
        assert channel is not None and dialog.save(channel)
        assert dialog.list.count() == 1 and "s3cr3t" not in dialog.list.item(0).text()
        dialog.send_test()
        qtbot.waitUntil(lambda: "Delivered a test message to ops" in dialog.status.text(), timeout=10_000)
        assert json.loads(hook.posts[-1][2])["content"].startswith("Tickerdesk test message")
        hook.fail(1)
        dialog.send_test()
        qtbot.waitUntil(lambda: "not delivered: HTTP 500" in dialog.status.text(), timeout=10_000)
        dialog.remove.click()
        assert dialog.list.count() == 0 and "Removed ops" in dialog.status.text()
    finally:
        hook.stop()


def test_rules_changed_by_another_process_show_up_within_a_second(
    tickerdesk_home: Path, qtbot: QtBot, make_window: MakeWindow
) -> None:
    from ..test_cli import tickerdesk

    window = make_window(run=False)
    added = tickerdesk("alerts", "add", "--id", "from-cli", "--type", "price", "--symbol", "NVDA",
                       "--condition", "crosses_below", "--level", "175", home=tickerdesk_home)  # fmt: skip
    assert added.returncode == 0, added.stderr
    model = window.alerts_panel.rules_model
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.rule_at(0).id == "from-cli", timeout=3000)  # type: ignore[union-attr]
    assert tickerdesk("alerts", "remove", "from-cli", home=tickerdesk_home).returncode == 0
    qtbot.waitUntil(lambda: model.rowCount() == 0, timeout=3000)


def test_the_window_stops_the_background_monitor_and_takes_over(
    tickerdesk_home: Path, tmp_path: Path, qtbot: QtBot, make_window: MakeWindow
) -> None:
    with evaluating_monitor(tickerdesk_home, tmp_path, "1") as proc:
        window = make_window(speed=0, start=date(2026, 4, 1))
        assert not window.alerts.role.evaluating
        window._offer_stopping_the_monitor()  # as the Alerts menu does when it opens
        assert window.stop_monitor_action.isEnabled()
        window.stop_monitor_action.trigger()
        qtbot.waitUntil(lambda: window.message_label.text().startswith("Stopped the monitor"), timeout=20_000)
        assert window.message_label.text() == f"Stopped the monitor (pid {proc.pid})."
        assert proc.wait(timeout=15) == 0
        qtbot.waitUntil(lambda: window.alerts.role.evaluating, timeout=10_000)
        window._offer_stopping_the_monitor()
        assert not window.stop_monitor_action.isEnabled()
