"""Notifications: bundling, the toast fallback, and sound that never fails loudly."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from desktop.core.alerts.engine import AlertFire
from desktop.core.alerts.rules import Condition
from desktop.ui.notifier import MAX_LINES, Notifier, _chime, summarize


def fire(n: int) -> AlertFire:
    return AlertFire(
        f"r{n}", f"Rule {n}", 1_760_000_000.0 + n, False, 100.0 + n, 100.0, Condition.ABOVE, (("X", 100.0 + n),)
    )


def test_one_fire_names_rule_value_and_prices() -> None:
    title, body = summarize([fire(1)])
    assert title == "Alert: Rule 1" and "101.00 vs level 100" in body and "X 101.00" in body


def test_a_currency_pair_reads_to_its_four_decimals() -> None:
    pair = AlertFire("fx", "EURUSD=X above 1.085", 1_760_000_000.0, False, 1.08512, 1.085, Condition.ABOVE,
                     (("EURUSD=X", 1.08512),))  # fmt: skip
    _, body = summarize([pair])
    assert body.startswith("1.0851 vs level 1.085 · EURUSD=X 1.0851 · "), body


def test_many_fires_are_one_bundled_message() -> None:
    title, body = summarize([fire(n) for n in range(8)])
    assert title == "8 alerts fired"
    assert body.count("\n") == MAX_LINES and body.endswith(f"… and {8 - MAX_LINES} more")


def window_with_notifier(qtbot: QtBot, tmp_path: Path, width: int, height: int) -> tuple[QWidget, Notifier]:
    window = QWidget()
    window.resize(width, height)
    qtbot.addWidget(window)
    window.show()
    return window, Notifier(window, tmp_path / "chime.wav")


def test_toast_when_there_is_no_tray(qtbot: QtBot, tmp_path: Path) -> None:
    window, notifier = window_with_notifier(qtbot, tmp_path, 800, 500)
    notifier.notify([fire(1), fire(2)])
    assert notifier.channel == "toast" and notifier.toast.isVisible()
    assert notifier.toast.title.text() == "2 alerts fired"
    assert notifier.toast.geometry().right() <= window.width()


def test_sound_falls_back_without_qt_multimedia(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    window = QWidget()
    qtbot.addWidget(window)
    beeps: list[int] = []
    monkeypatch.setattr(QApplication, "beep", staticmethod(lambda: beeps.append(1)))
    notifier = Notifier(window, tmp_path / "chime.wav")
    notifier.sound_enabled = True
    notifier.notify([fire(1)])  # QtMultimedia is absent or has no device: never an error
    assert beeps == [1] or notifier._effect is not None


def test_chime_is_a_real_wav(tmp_path: Path) -> None:
    import wave

    path = _chime(tmp_path / "c.wav")
    with wave.open(str(path)) as sound:
        assert sound.getframerate() == 22050 and 0.2 < sound.getnframes() / 22050 < 0.5


def test_a_long_rule_title_wraps_in_the_toast_instead_of_being_cut(qtbot: QtBot, tmp_path: Path) -> None:
    window, notifier = window_with_notifier(qtbot, tmp_path, 900, 600)
    long = AlertFire("r", "IWM − QQQ since:2025-10-01 return spread crosses above 1.5 pts", 1_760_000_000.0, False,
                     1.6, 1.5, Condition.CROSSES_ABOVE, (("IWM", 250.0), ("QQQ", 600.0)))  # fmt: skip
    notifier.notify([long])
    title = notifier.toast.title
    qtbot.waitUntil(title.isVisible)
    needed = title.fontMetrics().horizontalAdvance(title.text())
    assert needed > title.width(), "the title is longer than one line of the toast"
    assert title.height() >= 2 * title.fontMetrics().lineSpacing(), "so it takes two lines, whole"
    assert notifier.toast.geometry().bottom() <= window.height()


def test_a_bundle_whose_lines_wrap_shows_every_line_whole(qtbot: QtBot, tmp_path: Path) -> None:
    """Seven fires where a spread rule's line wraps: the toast grows to the wrapped height, so neither the
    first line nor the "… and 2 more" under the last is cut off (the toast once kept the unwrapped height)."""
    window, notifier = window_with_notifier(qtbot, tmp_path, 1300, 700)
    spread = AlertFire("s", "IWM − QQQ qtd return spread crosses above 1.5 pts", 1_760_000_000.0, False, 2.28, 1.5,
                       Condition.CROSSES_ABOVE, (("IWM", 250.0), ("QQQ", 600.0)))  # fmt: skip
    notifier.notify([fire(1), fire(2), fire(3), spread, fire(4), fire(5), fire(6)])
    body = notifier.toast.body
    qtbot.waitUntil(body.isVisible)
    lines = body.text().count("\n") + 1
    assert body.heightForWidth(body.width()) > lines * body.fontMetrics().lineSpacing(), "a line wraps"
    assert body.height() >= body.heightForWidth(body.width()), "every wrapped line has its room"
    assert notifier.toast.geometry().bottom() <= window.height() and notifier.toast.geometry().top() >= 0
