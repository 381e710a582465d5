"""A user's edit while another program holds the database's write lock: the window waits a moment, then says
the database is busy and changes nothing; it does not freeze for the lock's length."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
from pytestqt.qtbot import QtBot

from desktop import paths
from desktop.app import EDIT_BUSY_WAIT_S
from desktop.core.alerts.rules import rule_from_dict

from .conftest import MakeWindow


@contextmanager
def write_lock_held() -> Iterator[None]:
    """Another program's connection inside a write transaction (as a long import or a stuck process)."""
    other = sqlite3.connect(paths.database_path(), isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()


@pytest.mark.expected_log_warnings  # the refusal is logged too
def test_a_rule_edit_while_the_database_is_held_is_refused_quickly_and_saved_after(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window(speed=0, start=date(2026, 8, 1), run=False)
    # The window's own commits never checkpoint (no sync of the database file on the GUI thread).
    assert window.alerts.repo.connection.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    rule = rule_from_dict(
        {"id": "nvda175", "type": "price", "symbol": "NVDA", "condition": "crosses_below", "level": 175}
    )
    messages: list[str] = []
    window.alerts.problem.connect(messages.append)
    with write_lock_held():
        started = time.monotonic()
        assert not window.alerts.save_rule(rule)
        waited = time.monotonic() - started
    assert waited < EDIT_BUSY_WAIT_S + 0.5, f"the window froze {waited:.2f} s"
    assert messages and "busy" in messages[-1] and "Nothing was changed" in messages[-1]
    assert ". Nothing was changed." in messages[-1] and ".. " not in messages[-1]
    assert window.alerts.book.rule("nvda175") is None
    assert window.alerts.save_rule(rule)  # the lock gone, the same edit goes through
    assert window.alerts.book.rule("nvda175") is not None


@pytest.mark.expected_log_warnings
def test_a_symbol_added_while_the_database_is_held_is_refused_quickly_and_said(
    qtbot: QtBot, make_window: MakeWindow
) -> None:
    window = make_window(speed=0, start=date(2026, 8, 1), run=False)
    before = list(window.model.symbols)
    window.remove_symbols(["TSLA"])
    with write_lock_held():
        started = time.monotonic()
        assert not window.add_symbol("TSLA")
        waited = time.monotonic() - started
    assert waited < EDIT_BUSY_WAIT_S + 0.5, f"the window froze {waited:.2f} s"
    assert "see the status bar" in window.input_error.text()
    assert (
        window.message_label.text().startswith("Could not save TSLA: The database ")
        and "is busy" in window.message_label.text()
    )
    assert "TSLA" not in window.model.symbols
    assert window.add_symbol("TSLA") and window.model.symbols == before
