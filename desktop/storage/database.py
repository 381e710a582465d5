"""Opening the app's SQLite database: WAL mode, schema migrations, and recovery from a corrupt file."""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from desktop.storage.migrations import MIGRATIONS

log = logging.getLogger("desktop.storage")


class DatabaseError(RuntimeError):
    """The database cannot be opened even after moving a bad file aside."""


@dataclass
class OpenedDatabase:
    connection: sqlite3.Connection
    path: Path
    # Set when a bad file was moved aside: a sentence for the user saying where it went.
    recovery_message: str | None = None


def connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=5.0, isolation_level=None)  # autocommit; transactions explicit
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def _check(conn: sqlite3.Connection) -> None:
    """Raise sqlite3.DatabaseError unless the file is a healthy database of a schema we know."""
    result = conn.execute("PRAGMA quick_check").fetchone()
    if result is None or result[0] != "ok":
        raise sqlite3.DatabaseError(f"integrity check failed: {result[0] if result else 'no answer'}")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise sqlite3.DatabaseError(f"schema version {version} is newer than this Tickerdesk knows ({len(MIGRATIONS)})")


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the schema up to date, one migration per transaction."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in script:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        log.info("database migrated to schema version %d", number)


def _move_aside(path: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.unreadable-{stamp}")
    n = 1
    while target.exists():
        n += 1
        target = path.with_name(f"{path.name}.unreadable-{stamp}-{n}")
    path.rename(target)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(target.with_name(target.name + suffix))
    return target


def open_database(path: Path) -> OpenedDatabase:
    """Open (creating or migrating as needed) the database at `path`.

    A file that is not a readable database of a known schema is renamed to `<name>.unreadable-<time>`
    (kept, never deleted) and a fresh database takes its place; `recovery_message` says so.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    conn: sqlite3.Connection | None = None
    try:
        conn = connect(path)
        _check(conn)
        migrate(conn)
        return OpenedDatabase(conn, path)
    except sqlite3.DatabaseError as exc:
        reason = str(exc)
        if conn is not None:
            conn.close()
    log.warning("database %s is unreadable (%s): moving it aside", path, reason)
    moved = _move_aside(path)
    try:
        conn = connect(path)
        migrate(conn)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"cannot create a database at {path}: {exc}") from exc
    message = (
        f"The saved data could not be read ({reason}). The old file was kept as {moved.name} "
        "and a fresh database was started."
    )
    return OpenedDatabase(conn, path, message)
