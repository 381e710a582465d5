"""The database under faults that are not corruption: another process holding it, a full disk, a read-only
mount, a foreign file, a damaged table. Real parts: a second Python process holding SQLite's lock, a tmpfs
of a few pages, a read-only bind mount (these two skip where mounting is not permitted)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.config import HOME_ENV
from desktop.core.alerts.rules import rule_from_dict
from desktop.storage.alerts import AlertRepository
from desktop.storage.database import (
    DatabaseBusyError,
    DatabaseUnwritableError,
    open_database,
)

from ..disks import fill, small_tmpfs

HOLD = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA locking_mode=EXCLUSIVE")
conn.execute("BEGIN EXCLUSIVE")
conn.execute("CREATE TABLE IF NOT EXISTS held (x)")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


def saved_rules(path: Path, count: int = 3) -> None:
    opened = open_database(path)
    repo = AlertRepository(opened.connection)
    repo.save_rules(
        [rule_from_dict({"id": f"r{k}", "type": "price", "symbol": "SPY", "condition": "above", "level": 500 + k})
         for k in range(count)]
    )  # fmt: skip
    opened.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    opened.connection.close()


def rule_ids(path: Path) -> list[str]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [row[0] for row in conn.execute("SELECT id FROM alert_rule ORDER BY position")]
    finally:
        conn.close()


def test_a_database_another_process_holds_is_waited_for_then_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    saved_rules(path)
    before = path.read_bytes()
    heard: list[str] = []
    with subprocess.Popen([sys.executable, "-c", HOLD, str(path), "6"], stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        started = time.monotonic()
        with pytest.raises(DatabaseBusyError, match="busy"):
            open_database(path, timeout=1.5, on_busy=lambda: heard.append("busy"))
        assert heard == ["busy"] and time.monotonic() - started >= 1.4
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))) == ["t.db"]
    assert path.read_bytes() == before
    assert rule_ids(path) == ["r0", "r1", "r2"]  # and once it is let go, everything is there


def test_the_cli_says_busy_and_exits_1_without_moving_anything(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, HOME_ENV: str(home)}
    listed = subprocess.run([sys.executable, "-m", "desktop", "alerts", "list"], capture_output=True, text=True,
                            env=env, timeout=60, check=False)  # fmt: skip
    assert listed.returncode == 0, listed.stderr
    db = next(home.rglob("tickerdesk.db"))
    saved_rules(db)
    with subprocess.Popen([sys.executable, "-c", HOLD, str(db), "9"], stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        busy = subprocess.run([sys.executable, "-m", "desktop", "alerts", "list"], capture_output=True, text=True,
                              env=env, timeout=60, check=False)  # fmt: skip
    assert busy.returncode == 1
    assert "database busy" in busy.stderr and "Traceback" not in busy.stderr
    assert not list(db.parent.glob("*.unreadable-*"))
    assert rule_ids(db) == ["r0", "r1", "r2"]


@pytest.mark.expected_log_warnings
def test_a_foreign_sqlite_file_is_moved_aside_unwritten(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO photos (name) VALUES ('holiday.jpg')")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    opened = open_database(path)
    assert opened.recovery_message is not None and "another program's tables (photos)" in opened.recovery_message
    (kept,) = [p for p in tmp_path.iterdir() if ".unreadable-" in p.name and not p.name.endswith(("-wal", "-shm"))]
    assert kept.read_bytes() == before, "nothing was written into it before it was kept"


@pytest.mark.expected_log_warnings
def test_a_damaged_table_with_the_version_intact_is_detected(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    saved_rules(path)
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE alert_fire")
    conn.commit()
    conn.close()
    opened = open_database(path)
    assert opened.recovery_message is not None and "its table alert_fire is missing" in opened.recovery_message
    assert "Recovered into a fresh database: 3 alert rules." in opened.recovery_message, "the rest is copied over"
    assert [r.id for r in AlertRepository(opened.connection).rules()[0]] == ["r0", "r1", "r2"]


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with small_tmpfs(tmp_path / "disk", "256k") as disk:
        yield disk


def test_a_full_disk_leaves_no_empty_database_behind(small_disk: Path) -> None:
    fill(small_disk)
    path = small_disk / "t.db"
    with pytest.raises(DatabaseUnwritableError, match="full"):
        open_database(path)
    assert not path.exists(), "no 0-byte database for the next start to mistake for an empty one"
    (small_disk / "filler").unlink()
    opened = open_database(path)  # space freed: a normal start
    assert opened.recovery_message is None and opened.read_only is None


def test_a_full_disk_keeps_the_saved_rules_readable(small_disk: Path) -> None:
    path = small_disk / "t.db"
    saved_rules(path, count=5)
    fill(small_disk)
    opened = open_database(path)
    assert opened.recovery_message is None
    assert opened.read_only is not None and "full" in opened.read_only  # and says so, and why
    rules, _ = AlertRepository(opened.connection).rules()
    assert [r.id for r in rules] == [f"r{k}" for k in range(5)]
    opened.connection.close()
    (small_disk / "filler").unlink()
    assert rule_ids(path) == [f"r{k}" for k in range(5)], "nothing was lost while the disk was full"


@pytest.fixture
def read_only_copy(tmp_path: Path) -> Iterator[Path]:
    """A folder holding a saved database, bind-mounted read-only (skipped where not permitted)."""
    source = tmp_path / "data"
    source.mkdir()
    saved_rules(source / "t.db")
    mount = tmp_path / "ro"
    mount.mkdir()
    bound = subprocess.run(["mount", "--bind", str(source), str(mount)], capture_output=True, check=False)
    if bound.returncode != 0:
        pytest.skip("bind mounts are not permitted here")
    remounted = subprocess.run(["mount", "-o", "remount,bind,ro", str(mount)], capture_output=True, check=False)
    try:
        if remounted.returncode != 0:
            pytest.skip("a read-only remount is not permitted here")
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_read_only_mount_opens_read_only_and_says_why(read_only_copy: Path) -> None:
    path = read_only_copy / "t.db"
    before = path.read_bytes()
    opened = open_database(path)
    assert opened.read_only is not None and "read-only" in opened.read_only
    rules, _ = AlertRepository(opened.connection).rules()
    assert [r.id for r in rules] == ["r0", "r1", "r2"]
    with pytest.raises(sqlite3.OperationalError):
        opened.connection.execute("DELETE FROM alert_rule")
    opened.connection.close()
    assert path.read_bytes() == before


def test_the_window_says_busy_while_it_waits_then_refuses(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {**os.environ, HOME_ENV: str(home), "QT_QPA_PLATFORM": "offscreen"}
    assert subprocess.run([sys.executable, "-m", "desktop", "alerts", "list"], env=env, capture_output=True,
                          timeout=60, check=False).returncode == 0  # fmt: skip
    db = next(home.rglob("tickerdesk.db"))
    saved_rules(db)
    with subprocess.Popen([sys.executable, "-c", HOLD, str(db), "9"], stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        # The window waits, says so, then shows its error in a message box (nobody clicks it here: the test
        # ends the process once the log has both lines).
        window = subprocess.Popen([sys.executable, "-m", "desktop", "run", "--source", "replay"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
        log = db.parent / "tickerdesk.log"
        try:
            deadline = time.monotonic() + 30
            while "is busy: another program holds it" not in (log.read_text() if log.exists() else ""):
                assert time.monotonic() < deadline, "the window never said the database was busy"
                time.sleep(0.1)
        finally:
            window.kill()
            window.wait(10)
        assert "database busy: another program holds" in log.read_text()
    assert not list(db.parent.glob("*.unreadable-*"))
    assert rule_ids(db) == ["r0", "r1", "r2"]
