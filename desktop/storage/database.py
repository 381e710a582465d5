"""Opening the app's SQLite database: WAL mode, schema migrations, and telling a bad file from a bad moment.

Only a file that SQLite says is not a database, that fails its integrity check, that holds another
program's tables, or whose Tickerdesk tables are damaged is *unreadable*: it is renamed to
`<name>.unreadable-<time>` (kept, never deleted), a fresh database takes its place, and whatever rows of it
can still be read are copied into the fresh one (`salvage.py`). Everything else
leaves the file exactly as it is: a database another program holds is waited for and then refused as
busy; one made by a newer Tickerdesk is refused; a read-only file or mount, or a full disk, opens the
database read-only (and says why) when it can be read, else is refused. Nothing is written to a file
before it has been checked.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import ParamSpec, TypeVar
from urllib.parse import quote

from desktop import logs
from desktop.storage.migrations import MIGRATIONS
from desktop.storage.salvage import salvage

log = logs.storage

HEADER = b"SQLite format 3\x00"
BUSY_WAIT_S = 5.0  # how long a database held by another program is waited for
BUSY_NOTICE_S = 1.0  # after this long, the caller hears "database busy"


class StorageError(RuntimeError):
    """The database cannot be used as asked; the message is a sentence for the user."""


class DatabaseError(StorageError):
    """The database cannot be opened even after moving a bad file aside."""


class DatabaseBusyError(StorageError):
    """Another program holds the database (locked) for longer than we wait."""


class DatabaseUnwritableError(StorageError):
    """The database cannot be written (read-only file or mount, full disk, no permission)."""


class NewerDatabaseError(StorageError):
    """The database was made by a newer Tickerdesk: refused, untouched."""


@dataclass
class OpenedDatabase:
    connection: sqlite3.Connection
    path: Path
    # Set when a bad file was moved aside: a sentence for the user saying where it went.
    recovery_message: str | None = None
    # Set when the database could only be opened for reading: why, for the user.
    read_only: str | None = None


def _kind(exc: sqlite3.Error) -> str:
    """'busy', 'readonly', 'full', 'ioerr', 'cantopen', 'corrupt' or 'other', from SQLite's own error code."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    text = str(exc).lower()
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text:
        return "busy"
    if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
        return "readonly"
    if name.startswith("SQLITE_FULL") or "disk is full" in text:
        return "full"
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")) or "not a database" in text or "malformed" in text:
        return "corrupt"
    if name.startswith(("SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")) or "unable to open" in text:
        return "cantopen"
    if name.startswith("SQLITE_IOERR") or "disk i/o error" in text:
        return "ioerr"  # SQLite's word for a write the disk refused (no space for its side files, a bad disk)
    return "other"


def describe(exc: sqlite3.Error, path: Path | None) -> StorageError:
    """A storage error for the user from what SQLite said: busy, read-only, full, or what it is (`path`: the
    database's file, when the caller knows it)."""
    kind = _kind(exc)
    database = "The database" if path is None else f"The database {path}"
    disk = "The disk holding the database" if path is None else f"The disk holding {path}"
    if kind == "busy":
        return DatabaseBusyError(
            f"{database} is busy: another program holds it. Close that program (or the other Tickerdesk) and try again."
        )
    if kind == "readonly":
        return DatabaseUnwritableError(f"{database} is read-only (the file or its disk); nothing was saved.")
    if kind == "full":
        return DatabaseUnwritableError(f"{disk} is full; nothing was saved. Free some space.")
    if kind == "cantopen":
        return DatabaseUnwritableError(f"{database} cannot be opened (permissions, or a missing disk).")
    if kind == "ioerr":
        return DatabaseUnwritableError(f"{disk} refused a write (is it full?); nothing was saved. Free some space.")
    return StorageError(f"{database} failed: {exc}")


Connection = sqlite3.Connection  # what a background job gets: layers above storage never import sqlite3

_P = ParamSpec("_P")
_R = TypeVar("_R")


def storage_method(method: Callable[_P, _R]) -> Callable[_P, _R]:
    """A repository method whose SQLite exceptions reach callers as StorageError sentences."""

    @functools.wraps(method)
    def wrapped(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as exc:
            raise describe(exc, None) from None

    return wrapped


@contextmanager
def storage_errors(path: Path | None) -> Iterator[None]:
    """Turn SQLite's exceptions inside the block into StorageError sentences (busy, read-only, full)."""
    try:
        yield
    except sqlite3.Error as exc:
        raise describe(exc, path) from None


def wait_when_busy(conn: sqlite3.Connection, seconds: float) -> None:
    """How long `conn` waits for another connection's write to end before saying the database is busy."""
    conn.execute(f"PRAGMA busy_timeout = {round(seconds * 1000)}")


def leave_checkpoints_to_others(conn: sqlite3.Connection) -> None:
    """`conn` never checkpoints the write-ahead log: its commits only append to the log, and never copy the
    log into the database file and sync it to the disk (about 10 ms for the 4 MB a checkpoint moves on this
    project's machines, far longer on a slow disk), which SQLite otherwise does in whichever connection's
    commit finds the log past 1,000 pages. The window's connection, whose commits are the user's own edits
    on the GUI thread, takes this; the background writer's, committing fires and rule states, checkpoints
    (and the last connection to close)."""
    conn.execute("PRAGMA wal_autocheckpoint = 0")


def connect(path: Path, timeout: float = BUSY_WAIT_S) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None)  # autocommit; transactions explicit
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
    except BaseException:
        conn.close()
        raise
    return conn


def connect_read_only(path: Path, timeout: float = BUSY_WAIT_S) -> sqlite3.Connection:
    """A connection that cannot write, for checking a file and for a database on read-only media."""
    uri = f"file:{quote(str(path))}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=timeout, isolation_level=None)
        conn.execute("PRAGMA user_version").fetchone()
    except sqlite3.OperationalError as exc:
        if _kind(exc) not in ("cantopen", "readonly", "ioerr", "full"):
            raise
        # A WAL database on a read-only mount cannot make its shared-memory file: read it as immutable.
        conn = sqlite3.connect(uri + "&immutable=1", uri=True, timeout=timeout, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    return conn


def _columns(conn: sqlite3.Connection) -> dict[str, set[str]]:
    tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    return {t: {row[1] for row in conn.execute(f'PRAGMA table_info("{t}")')} for t in tables}


class _UnreadableError(Exception):
    """The file is not a healthy Tickerdesk database: it may be moved aside."""


def _inspect(path: Path, timeout: float) -> None:
    """Check an existing file without writing to it; raise _UnreadableError, or a StorageError that leaves it be."""
    try:
        with path.open("rb") as handle:
            header = handle.read(len(HEADER))
    except OSError as exc:
        raise DatabaseUnwritableError(f"The database {path} cannot be read: {exc.strerror or exc}.") from None
    if header != HEADER:
        raise _UnreadableError("it is not an SQLite database")
    try:
        conn = connect_read_only(path, timeout)
    except sqlite3.DatabaseError as exc:
        if _kind(exc) == "corrupt":
            raise _UnreadableError(str(exc)) from None
        raise describe(exc, path) from None
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise NewerDatabaseError(
                f"The database {path} was made by a newer Tickerdesk (schema {version}; this one knows "
                f"{len(MIGRATIONS)}). It was left as it is: use the newer Tickerdesk, or move the file away."
            )
        result = conn.execute("PRAGMA quick_check").fetchone()
        if result is None or result[0] != "ok":
            raise _UnreadableError(f"integrity check failed: {_first_problem(result[0]) if result else 'no answer'}")
        found = _columns(conn)
        if version == 0:
            if found:
                raise _UnreadableError(f"it holds another program's tables ({', '.join(sorted(found)[:4])})")
            return
        made = _made_by(version)
        for table, columns in made.items():
            if not columns <= found.get(table, set()):
                raise _UnreadableError(f"its table {table} is missing or damaged")
    except sqlite3.DatabaseError as exc:
        if _kind(exc) == "corrupt":
            raise _UnreadableError(str(exc)) from None
        raise describe(exc, path) from None
    finally:
        conn.close()


def _first_problem(report: str) -> str:
    """The first finding of SQLite's check ("Page 11: btreeInitPage() returns error code 11"), without its
    heading and the dozens of lines a damaged page can add."""
    findings = [line.strip() for line in str(report).splitlines() if line.strip() and not line.startswith("***")]
    return findings[0] if findings else str(report)


@cache
def _made_by(version: int) -> dict[str, set[str]]:
    """The tables (and columns) the first `version` migrations make."""
    conn = sqlite3.connect(":memory:")
    try:
        for script in MIGRATIONS[:version]:
            for statement in script:
                conn.execute(statement)
        return _columns(conn)
    finally:
        conn.close()


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


def open_database(
    path: Path, timeout: float = BUSY_WAIT_S, on_busy: Callable[[], None] | None = None
) -> OpenedDatabase:
    """Open (creating or migrating as needed) the database at `path`.

    `on_busy` is called (on a timer thread) when opening takes longer than a moment: the caller can
    say "database busy" while SQLite waits up to `timeout` for another program to let go.
    """
    notice = threading.Timer(BUSY_NOTICE_S, on_busy) if on_busy is not None else None
    if notice is not None:
        notice.daemon = True
        notice.start()
    try:
        return _open(path, timeout)
    finally:
        if notice is not None:
            notice.cancel()


def _open(path: Path, timeout: float) -> OpenedDatabase:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseUnwritableError(f"The data folder {path.parent} cannot be made: {exc.strerror or exc}.") from None
    existed = path.exists() and path.stat().st_size > 0
    why: str | None = None  # why the file was moved aside
    moved: Path | None = None
    if existed:
        try:
            _inspect(path, timeout)
        except _UnreadableError as bad:
            log.warning("database %s is unreadable (%s): moving it aside", path, bad)
            try:
                moved = _move_aside(path)
            except OSError as exc:
                raise DatabaseError(
                    f"The saved data in {path} cannot be read ({bad}) and cannot be moved aside ({exc.strerror})."
                ) from None
            existed, why = False, str(bad)
    created = not path.exists()
    try:
        conn = connect(path, timeout)
    except sqlite3.Error as exc:
        error = describe(exc, path)
        if existed and isinstance(error, DatabaseUnwritableError):
            return _read_only(path, timeout, error)
        _remove_if_empty(path, created)
        raise error from None
    try:
        migrate(conn)
    except sqlite3.Error as exc:
        conn.close()
        error = describe(exc, path)
        if existed and isinstance(error, DatabaseUnwritableError) and _current(path, timeout):
            return _read_only(path, timeout, error)
        _remove_if_empty(path, created)
        raise error from None
    recovery = None if moved is None or why is None else _recovered_from(moved, why, conn, path)
    return OpenedDatabase(conn, path, recovery)


def _recovered_from(moved: Path, why: str, conn: sqlite3.Connection, path: Path) -> str:
    """Copy what can be read from the file moved aside; say what came back first, then where the file is."""
    try:
        salvaged = salvage(moved, conn)
    except sqlite3.Error as exc:  # the fresh file refused the rows (a full disk): it is still usable
        log.warning("nothing was copied from %s: %s", moved, exc)
        return (
            f"The saved data could not be read ({why}) and nothing could be copied from it ({describe(exc, path)}). "
            f"The old file was kept as {moved.name}."
        )
    if salvaged.recovered():
        lost = f" ({salvaged.lost()} could not be read)" if salvaged.damaged else ""
        return (
            f"The saved data was damaged ({why}). Recovered into a fresh database: {salvaged.recovered()}{lost}. "
            f"The damaged file was kept as {moved.name}."
        )
    nothing = " and nothing in it could be recovered" if salvaged.damaged else ""
    return (
        f"The saved data could not be read ({why}){nothing}. The old file was kept as {moved.name} "
        "and a fresh database was started."
    )


def _current(path: Path, timeout: float) -> bool:
    """Is the schema already the newest (so the database is usable without writing)?"""
    try:
        conn = connect_read_only(path, timeout)
    except sqlite3.Error:
        return False
    try:
        return bool(conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS))
    finally:
        conn.close()


def _read_only(path: Path, timeout: float, why: StorageError) -> OpenedDatabase:
    try:
        conn = connect_read_only(path, timeout)
    except sqlite3.Error as exc:
        raise describe(exc, path) from None
    return OpenedDatabase(conn, path, read_only=f"{why} Opened read-only: changes will not be saved.")


def _remove_if_empty(path: Path, created: bool) -> None:
    """A file this call created and could not fill (a full disk) is removed: no half-made database is left."""
    if not created:
        return
    for suffix in ("", "-wal", "-shm", "-journal"):
        with suppress(OSError):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
