"""Copying what can still be read from a database that was moved aside as unreadable into the fresh one.

A file fails its check for many reasons that leave most of it readable: a damaged index, one scribbled
page of the fire log, a table another tool dropped. Its rules, watchlists and channels are the user's work,
so each Tickerdesk table is read by row id, stepping over pages that cannot be read, and what comes out is
inserted into the fresh database (columns the old schema lacks take their defaults). The file itself is
only read, and stays where it was put for anyone who wants to try harder.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from desktop import logs
from desktop.core.formatting import listed

log = logs.storage

# Parents before children, so that the foreign keys checked at the end find their rows. The evaluator
# lease is left out: it names a process of the old file's day.
TABLES = ("watchlist", "watchlist_symbol", "alert_rule", "alert_state", "alert_fire", "channel", "delivery")
# What the user hears about, in the words of the message: what was recovered, and what was partly lost.
COUNTED = {"alert_rule": "alert rule", "watchlist": "watchlist", "alert_fire": "logged fire", "channel": "channel"}
LOST = {
    "watchlist": "watchlists",
    "watchlist_symbol": "watchlist symbols",
    "alert_rule": "alert rules",
    "alert_state": "rule states",
    "alert_fire": "logged fires",
    "channel": "channels",
    "delivery": "deliveries",
}
ORPHANS = (
    "DELETE FROM watchlist_symbol WHERE watchlist_id NOT IN (SELECT id FROM watchlist)",
    "DELETE FROM alert_state WHERE rule_id NOT IN (SELECT id FROM alert_rule)",
)
MAX_HOPS = 200  # damaged stretches stepped over per table before giving up on the rest of it
CHUNK = 20_000  # rows copied by one statement
OLD = "salvaged"  # the schema name the old file is attached under


@dataclass
class Salvage:
    copied: dict[str, int] = field(default_factory=dict)
    damaged: list[str] = field(default_factory=list)  # tables of which some rows could not be read

    def recovered(self) -> str:
        """'3 alert rules, 2 watchlists and 140 logged fires', or '' when none of these came back."""
        parts = [_count(self.copied[t], noun) for t, noun in COUNTED.items() if self.copied.get(t)]
        return listed(parts)

    def lost(self) -> str:
        """'some logged fires', for the tables with rows that could not be read."""
        return "some " + listed([LOST[t] for t in self.damaged]) if self.damaged else ""


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def salvage(old: Path, fresh: sqlite3.Connection) -> Salvage:
    """Copy the readable rows of `old`'s Tickerdesk tables into `fresh` (just migrated, empty, in autocommit
    mode); nothing wrong with `old` makes this raise, only a fresh file that refuses rows (a full disk)."""
    result = Salvage()
    try:
        fresh.execute(f"ATTACH DATABASE ? AS {OLD}", (f"file:{quote(str(old))}?mode=ro",))
    except sqlite3.Error as exc:
        log.info("nothing salvaged from %s: %s", old, exc)
        return result
    try:
        if not _attached_read_only(fresh, old) or not _made_by_tickerdesk(fresh):
            return result
        found = _tables(fresh)
        fresh.execute("PRAGMA foreign_keys=OFF")
        try:
            for table in TABLES:
                if table in found:
                    _copy(fresh, table, found[table], result)
            with _transaction(fresh):
                for statement in ORPHANS:
                    fresh.execute(statement)
        finally:
            fresh.execute("PRAGMA foreign_keys=ON")
    finally:
        fresh.execute(f"DETACH DATABASE {OLD}")
    if result.copied:
        log.info("salvaged from %s: %s", old, result.copied)
    return result


def _attached_read_only(conn: sqlite3.Connection, old: Path) -> bool:
    """Whether the attached file is `old` itself (an SQLite built without URI names would have made a new
    file named after the URI instead) and cannot be written."""
    files = {row[1]: row[2] for row in conn.execute("PRAGMA database_list")}
    attached = files.get(OLD) or ""
    if not attached or Path(attached).resolve() != old.resolve():
        log.info("the file moved aside could not be attached as itself (%r): nothing salvaged", attached)
        return False
    return True


def _made_by_tickerdesk(conn: sqlite3.Connection) -> bool:
    """Whether the file carries a schema version of ours: another program's tables that happen to share a
    name with one of ours are not the user's rules."""
    try:
        return int(conn.execute(f"PRAGMA {OLD}.user_version").fetchone()[0]) > 0
    except sqlite3.Error:
        return False


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _tables(conn: sqlite3.Connection) -> dict[str, list[str]]:
    """The old file's Tickerdesk tables and their columns, or none if its schema cannot be read."""
    try:
        names = [row[0] for row in conn.execute(f"SELECT name FROM {OLD}.sqlite_master WHERE type = 'table'")]
        return {t: [row[1] for row in conn.execute(f'PRAGMA {OLD}.table_info("{t}")')] for t in names if t in TABLES}
    except sqlite3.Error as exc:
        log.info("the old file's schema cannot be read: %s", exc)
        return {}


def _copy(conn: sqlite3.Connection, table: str, old: list[str], result: Salvage) -> None:
    """Copy the table a chunk of rows at a time, each chunk by SQLite in one statement of its own (a read
    that meets damage inside a transaction leaves the transaction unable to commit); a chunk that meets a
    page that cannot be read is undone and gone through row by row instead, stepping over the damage."""
    new = [row[1] for row in conn.execute(f'PRAGMA main.table_info("{table}")')]
    columns = [c for c in old if c in new]
    if not columns:
        return
    listed = ", ".join(f'"{c}"' for c in columns)
    source = f'{OLD}."{table}"'
    chunk = (
        f'INSERT OR IGNORE INTO main."{table}" ({listed}) '
        f"SELECT {listed} FROM {source} WHERE rowid > ? ORDER BY rowid LIMIT {CHUNK}"
    )
    chunk_end = f"SELECT max(rowid) FROM (SELECT rowid FROM {source} WHERE rowid > ? ORDER BY rowid LIMIT {CHUNK})"
    before = conn.total_changes
    after: int | None = -(2**63)
    hops = 0
    while after is not None:
        try:
            end = conn.execute(chunk_end, (after,)).fetchone()[0]
            if end is not None:
                conn.execute(chunk, (after,))
        except sqlite3.DatabaseError as exc:
            if not _damage(exc):
                raise
            log.info("table %s unreadable after row id %d: %s", table, after, exc)
            if table not in result.damaged:
                result.damaged.append(table)
            hops += 1
            after = _past_the_damage(conn, table, columns, after) if hops <= MAX_HOPS else None
            continue
        after = end
    result.copied[table] = conn.total_changes - before


def _damage(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite said the file is damaged (rather than, say, the fresh file's disk being full)."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    return name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")) or "malformed" in str(exc)


def _past_the_damage(conn: sqlite3.Connection, table: str, columns: list[str], after: int) -> int | None:
    """Copy row by row from `after` up to the stretch that cannot be read, then the first row id past it
    that reads (None: there is none)."""
    listed = ", ".join(f'"{c}"' for c in columns)
    read = f'SELECT rowid, {listed} FROM {OLD}."{table}" WHERE rowid > ? ORDER BY rowid LIMIT {CHUNK}'
    insert = f'INSERT OR IGNORE INTO main."{table}" ({listed}) VALUES ({", ".join("?" * len(columns))})'
    rows: list[tuple[Any, ...]] = []
    damaged = False
    try:
        for row in conn.execute(read, (after,)):
            rows.append(row)
    except sqlite3.DatabaseError as exc:
        if not _damage(exc):
            raise
        damaged = True
    if rows:
        with _transaction(conn):
            conn.executemany(insert, [row[1:] for row in rows])
        after = int(rows[-1][0])
    if not damaged:
        return after if rows else None  # the stretch read whole after all: back to chunks
    return _first_readable_start(conn, table, after)


def _reads_from(conn: sqlite3.Connection, table: str, start: int) -> bool | None:
    """Whether the first row after `start` can be read (None: there is none)."""
    try:
        row = conn.execute(f'SELECT * FROM {OLD}."{table}" WHERE rowid > ? ORDER BY rowid LIMIT 1', (start,)).fetchone()
    except sqlite3.DatabaseError:
        return False
    return None if row is None else True


def _first_readable_start(conn: sqlite3.Connection, table: str, bad: int) -> int | None:
    """From a start whose first row cannot be read, a start 1, 2, 4 … ids further on is tried until one
    reads, then narrowed back to the first start that does, so that at most the damaged page's rows are
    lost."""
    step = 1
    while True:
        start = bad + step
        if start >= 2**63 - 1:
            return None
        readable = _reads_from(conn, table, start)
        if readable is None:
            return None
        if readable:
            break
        step *= 2
    low, high = bad + step // 2, start  # reading from `low` failed, from `high` works
    while high - low > 1:
        middle = (low + high) // 2
        if _reads_from(conn, table, middle):
            high = middle
        else:
            low = middle
    return high
