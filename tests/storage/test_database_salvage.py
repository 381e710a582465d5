"""A database moved aside as unreadable gives up what can still be read: rules, watchlists, channels and
fires are copied into the fresh one, a damaged page costs only its own rows, and the user is told what came
back. Real SQLite files, damaged on disk the way a bad sector or a stray write damages them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from desktop.core.alerts.rules import rule_from_dict
from desktop.storage.alerts import AlertRepository
from desktop.storage.database import open_database
from desktop.storage.watchlists import WatchlistRepository

from ..test_cli import tickerdesk

FIRES = 3000
PAGE = 4096


def filled(path: Path) -> None:
    """A database with three rules (one with saved state), two watchlists, a channel and FIRES logged fires."""
    opened = open_database(path)
    conn = opened.connection
    repo = AlertRepository(conn)
    repo.save_rules(
        [rule_from_dict({"id": f"r{k}", "type": "price", "symbol": "NVDA", "condition": "below", "level": 175 - k})
         for k in range(3)]
    )  # fmt: skip
    lists = WatchlistRepository(conn)
    lists.ensure("Default", ["SPY", "QQQ", "IWM"])
    lists.create("Chips", ["NVDA", "AMD"])
    conn.execute("INSERT INTO alert_state(rule_id, prev, prev_time, fires) VALUES ('r1', 176.5, 1.0e9, 4)")
    conn.execute(
        "INSERT INTO channel(name, kind, target, format, template) "
        "VALUES ('desk', 'webhook', 'https://hooks.example/x', 'json', '')"
    )
    conn.executemany(
        "INSERT INTO alert_fire(rule_id, title, time, daily, value, level, condition, inputs) "
        "VALUES ('r0', ?, ?, 0, 174.0, 175.0, 'below', ?)",
        [(f"fire-{n:05d} NVDA below 175", 1.7e9 + n, json.dumps({"NVDA": 174.0})) for n in range(FIRES)],
    )
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def scribble(path: Path, page: int) -> None:
    """Overwrite one page (numbered from 1) with what a failed write leaves: not zeros, noise."""
    data = bytearray(path.read_bytes())
    data[(page - 1) * PAGE : page * PAGE] = bytes((n * 37 + 11) % 256 for n in range(PAGE))
    path.write_bytes(bytes(data))


def page_holding(path: Path, text: bytes) -> int:
    return path.read_bytes().index(text) // PAGE + 1


def root_page(path: Path, name: str) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0])
    finally:
        conn.close()


@pytest.mark.expected_log_warnings
def test_a_damaged_index_loses_nothing(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    filled(path)
    scribble(path, root_page(path, "alert_fire_time"))
    opened = open_database(path)
    message = opened.recovery_message
    assert message is not None and "damaged file was kept as t.db.unreadable-" in message
    assert "Recovered into a fresh database: 3 alert rules, 2 watchlists, 3,000 logged fires and 1 channel." in message
    assert "integrity check failed: Page " in message and "never used" not in message, "its first finding only"
    assert "could not be read" not in message
    repo = AlertRepository(opened.connection)
    rules, problems = repo.rules()
    assert [r.id for r in rules] == ["r0", "r1", "r2"] and problems == []
    assert repo.states()["r1"].fires == 4
    lists = WatchlistRepository(opened.connection)
    assert lists.names() == ["Default", "Chips"] and lists.symbols("Chips") == ["NVDA", "AMD"]
    fires = repo.fires(limit=FIRES)
    assert len(fires) == FIRES and fires[0].fire.title.startswith("fire-00000")
    assert opened.connection.execute("PRAGMA quick_check").fetchone()[0] == "ok", "the indexes are rebuilt"


@pytest.mark.expected_log_warnings
def test_a_damaged_page_of_the_fire_log_costs_only_its_own_rows(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    filled(path)
    scribble(path, page_holding(path, b"fire-01500"))
    opened = open_database(path)
    message = opened.recovery_message
    assert message is not None and "Recovered into a fresh database: 3 alert rules, 2 watchlists, " in message
    assert "(some logged fires could not be read)" in message
    repo = AlertRepository(opened.connection)
    assert [r.id for r in repo.rules()[0]] == ["r0", "r1", "r2"]
    titles = [f.fire.title[:10] for f in repo.fires(limit=FIRES)]
    assert "fire-01500" not in titles and "fire-00000" in titles and "fire-02999" in titles
    assert FIRES - 100 <= len(titles) < FIRES, "one page of about 55 fires is lost, not the rest of the table"
    assert f"{len(titles):,} logged fires" in message


@pytest.mark.expected_log_warnings
def test_a_file_with_its_first_page_gone_says_nothing_came_back(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    filled(path)
    data = bytearray(path.read_bytes())
    data[100:PAGE] = b"\x07" * (PAGE - 100)  # the schema's page: no table can be found
    path.write_bytes(bytes(data))
    opened = open_database(path)
    assert opened.recovery_message is not None and "kept as" in opened.recovery_message
    assert "Recovered" not in opened.recovery_message
    assert AlertRepository(opened.connection).rules() == ([], [])


@pytest.mark.expected_log_warnings
def test_another_programs_table_of_the_same_name_is_not_taken_for_rules(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE alert_rule (id TEXT PRIMARY KEY, position INTEGER, definition TEXT)")
    conn.execute("""INSERT INTO alert_rule VALUES ('x', 0, '{"type": "price"}')""")
    conn.commit()
    conn.close()
    opened = open_database(path)
    assert opened.recovery_message is not None and "another program's tables (alert_rule)" in opened.recovery_message
    assert "Recovered" not in opened.recovery_message
    assert opened.connection.execute("SELECT count(*) FROM alert_rule").fetchone()[0] == 0


@pytest.mark.expected_log_warnings
def test_the_command_line_lists_the_rules_it_recovered(tmp_path: Path) -> None:
    home = tmp_path / "home"
    made = tickerdesk("alerts", "list", home=home)
    assert made.returncode == 0, made.stderr
    db = next(home.rglob("tickerdesk.db"))
    db.unlink()
    filled(db)
    scribble(db, page_holding(db, b"fire-00700"))
    listed = tickerdesk("alerts", "list", home=home)
    assert listed.returncode == 0, listed.stderr
    assert "Recovered into a fresh database: 3 alert rules" in listed.stderr and "Traceback" not in listed.stderr
    assert [line.split()[0] for line in listed.stdout.splitlines()[1:4]] == ["r0", "r1", "r2"]
