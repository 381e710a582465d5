"""The SQLite database: migrations, watchlist persistence, and recovery from a bad file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from desktop.core.symbol_lists import MAX_SYMBOLS
from desktop.storage.database import NewerDatabaseError, open_database
from desktop.storage.migrations import MIGRATIONS
from desktop.storage.watchlists import WatchlistError, WatchlistRepository


def test_fresh_database_is_migrated_and_in_wal_mode(tmp_path: Path) -> None:
    opened = open_database(tmp_path / "t.db")
    conn = opened.connection
    assert opened.recovery_message is None
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_watchlist_persists_across_connections(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    repo = WatchlistRepository(open_database(path).connection)
    repo.ensure("Default", ["SPY", "QQQ"])
    assert repo.add("IWM") and not repo.add("IWM")
    assert repo.remove("SPY") and not repo.remove("SPY")
    again = WatchlistRepository(open_database(path).connection)
    again.ensure("Default", ["SPY", "QQQ"])  # an existing list is not re-seeded
    assert again.symbols() == ["QQQ", "IWM"]


def test_emptied_watchlist_stays_empty(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    repo = WatchlistRepository(open_database(path).connection)
    repo.ensure("Default", ["SPY"])
    repo.remove("SPY")
    again = WatchlistRepository(open_database(path).connection)
    again.ensure("Default", ["SPY"])
    assert again.symbols() == []


def test_list_names_are_one_whatever_their_case(tmp_path: Path) -> None:
    repo = WatchlistRepository(open_database(tmp_path / "t.db").connection)
    repo.ensure("Default", ["SPY"])
    repo.create("Chips", ["NVDA"])
    assert repo.resolve("default") == "Default" and repo.resolve("CHIPS") == "Chips" and repo.resolve("New") == "New"
    with pytest.raises(WatchlistError, match="'Default' exists already"):
        repo.create("DEFAULT", [])
    with pytest.raises(WatchlistError, match="'Default' exists already"):
        repo.rename("Chips", "default")
    repo.rename("Chips", "CHIPS")  # its own name in another case is not a clash
    assert repo.names() == ["Default", "CHIPS"]


@pytest.mark.expected_log_warnings
def test_corrupt_file_is_moved_aside_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    garbage = b"this is not a database" * 100
    path.write_bytes(garbage)
    opened = open_database(path)
    assert opened.recovery_message is not None and "kept as" in opened.recovery_message
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("t.db.unreadable-")]
    assert len(kept) == 1 and kept[0].read_bytes() == garbage
    repo = WatchlistRepository(opened.connection)
    repo.ensure("Default", ["SPY"])
    assert repo.symbols() == ["SPY"]


@pytest.mark.expected_log_warnings
def test_damaged_pages_are_detected(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    repo = WatchlistRepository(open_database(path).connection)
    repo.ensure("Default", [f"S{i}" for i in range(2000)])
    repo._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    repo._conn.close()
    data = bytearray(path.read_bytes())
    data[5000:9000] = b"\xff" * 4000  # scribble over b-tree pages, keep the header
    path.write_bytes(bytes(data))
    opened = open_database(path)
    assert opened.recovery_message is not None


def test_newer_schema_is_refused_and_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(NewerDatabaseError, match="made by a newer Tickerdesk"):
        open_database(path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.db"]


def test_a_full_list_takes_what_it_holds_and_nothing_more(tmp_path: Path) -> None:
    repo = WatchlistRepository(open_database(tmp_path / "t.db").connection)
    full = [f"S{k:04d}" for k in range(MAX_SYMBOLS)]
    repo.create("Full", full)
    assert not repo.add("S0001", "Full"), "one it holds is no error"
    with pytest.raises(WatchlistError, match="as many as a watchlist may"):
        repo.add("NVDA", "Full")
    with pytest.raises(WatchlistError, match="at most 1,000"):
        repo.replace_symbols("Full", [*full, "NVDA"])
    assert repo.symbols("Full") == full
    repo.replace_symbols("Full", full[:-2])
    with pytest.raises(WatchlistError, match="3 more would pass the 1,000 a watchlist may hold"):
        repo.add_many(["NVDA", "AMD", "TSLA", "S0001"], "Full")
    assert repo.symbols("Full") == full[:-2], "all or nothing"
    assert repo.add_many(["NVDA", "S0001", "NVDA", "AMD"], "Full") == ["NVDA", "AMD"]
    assert repo.symbols("Full")[-3:] == [full[-3], "NVDA", "AMD"]
    assert repo.add_many(["SPY", "QQQ"], "New") == ["SPY", "QQQ"] and repo.symbols("New") == ["SPY", "QQQ"]


def test_a_connection_that_leaves_checkpoints_to_others_never_writes_the_database_file(tmp_path: Path) -> None:
    """The window's edits only append to the write-ahead log; the writer's connection moves it into the file."""
    import os

    from desktop.storage.database import connect, leave_checkpoints_to_others
    from desktop.storage.watchlists import WatchlistRepository as Lists

    path = tmp_path / "t.db"
    window = open_database(path).connection
    leave_checkpoints_to_others(window)
    writer = connect(path)
    writer.execute("PRAGMA wal_autocheckpoint = 0")  # for the set-up: fill the log past 1,000 pages
    writer.execute("CREATE TABLE filler(x BLOB)")
    writer.execute("BEGIN")
    writer.executemany("INSERT INTO filler VALUES (?)", [(os.urandom(4000),) for _ in range(1500)])
    writer.execute("COMMIT")
    file_size = path.stat().st_size
    Lists(window).add("NVDA")  # a user's edit, past the point where SQLite would checkpoint in this commit
    assert path.stat().st_size == file_size, "the edit's commit copied the log into the file"
    assert Lists(window).symbols()[-1] == "NVDA"
    writer.execute("PRAGMA wal_autocheckpoint = 1000")  # the writer as the app opens it
    writer.execute("INSERT INTO filler VALUES (x'00')")
    assert path.stat().st_size > file_size + 4_000_000, "the writer's commit checkpoints"
    writer.close()
    window.close()
