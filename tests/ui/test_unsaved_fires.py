"""Fires the database refuses (a real full disk) stay marked in the log until they are saved or dismissed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop.core.alerts.engine import AlertFire
from desktop.core.alerts.rules import Condition
from desktop.storage.alerts import AlertRepository
from desktop.ui.alert_models import LogColumn

from ..disks import fill, small_tmpfs
from .conftest import alerts_on


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with small_tmpfs(tmp_path / "disk", "512k") as disk:
        yield disk


TITLE = "IWM − QQQ qtd crosses above 1.5 " + "·" * 300  # long titles: a burst that needs many pages


def fires(n: int, first: int = 0) -> list[AlertFire]:
    legs = (("IWM", 250.0), ("QQQ", 600.0))
    return [AlertFire(f"r{k % 3}", TITLE, 1.76e9 + k, False, 1.6, 1.5, Condition.CROSSES_ABOVE, legs)
            for k in range(first, first + n)]  # fmt: skip


@pytest.mark.expected_log_warnings
def test_unsaved_fires_stay_marked_until_saved(qtbot: QtBot, small_disk: Path) -> None:
    opened, writer, controller, panel = alerts_on(small_disk, qtbot)
    fill(small_disk)
    burst = fires(300)
    with qtbot.waitSignal(controller.unsaved_changed, timeout=10_000):
        controller.record_fires(burst)
    model = panel.log_model
    qtbot.waitUntil(lambda: model.rowCount() == 300)
    assert model.unsaved_rows() == 300
    assert model.data(model.index(0, LogColumn.TIME)).startswith("⚠ not saved")
    assert panel.unsaved_bar.isVisible() and "300 fired alerts not saved" in panel.unsaved_label.text()
    controller.record_fires(fires(1, first=300))  # the next fire does not hide the notice: it adds to it
    qtbot.waitUntil(lambda: "301 fired alerts not saved" in panel.unsaved_label.text(), timeout=10_000)
    (small_disk / "filler").unlink()  # space is freed: the retry saves every one of them
    with qtbot.waitSignal(controller.fires_saved_late, timeout=10_000):
        controller.retry_unsaved()
    assert model.unsaved_rows() == 0 and not panel.unsaved_bar.isVisible()
    assert not model.data(model.index(0, LogColumn.TIME)).startswith("⚠")
    assert len(AlertRepository(opened.connection).fires()) == 301
    writer.close()
    opened.connection.close()


@pytest.mark.expected_log_warnings
def test_dismissed_fires_are_let_go(qtbot: QtBot, small_disk: Path) -> None:
    opened, writer, controller, panel = alerts_on(small_disk, qtbot)
    fill(small_disk)
    with qtbot.waitSignal(controller.unsaved_changed, timeout=10_000):
        controller.record_fires(fires(300))
    panel.dismiss_button.click()
    assert controller.unsaved == [] and not panel.unsaved_bar.isVisible()
    assert panel.log_model.data(panel.log_model.index(0, LogColumn.TIME)).startswith("not saved ·")
    writer.close()
    opened.connection.close()
