"""Named watchlists and their symbols, in the order the user added them."""

from __future__ import annotations

import sqlite3

from desktop.config import DEFAULT_WATCHLIST
from desktop.storage.database import storage_method


class WatchlistRepository:
    """Reads and writes watchlists; each change is one transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def _id(self, name: str) -> int | None:
        row = self._conn.execute("SELECT id FROM watchlist WHERE name = ?", (name,)).fetchone()
        return None if row is None else int(row[0])

    @storage_method
    def ensure(self, name: str, seed: list[str]) -> None:
        """Create watchlist `name` holding `seed` if it does not exist yet (an emptied list stays empty)."""
        if self._id(name) is not None:
            return
        with self._conn:
            self._conn.execute("BEGIN")
            cur = self._conn.execute("INSERT INTO watchlist(name) VALUES (?)", (name,))
            self._conn.executemany(
                "INSERT INTO watchlist_symbol(watchlist_id, symbol, position) VALUES (?, ?, ?)",
                [(cur.lastrowid, s, i) for i, s in enumerate(seed)],
            )

    @storage_method
    def names(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT name FROM watchlist ORDER BY id")]

    @storage_method
    def symbols(self, name: str = DEFAULT_WATCHLIST) -> list[str]:
        rows = self._conn.execute(
            """SELECT s.symbol FROM watchlist_symbol s JOIN watchlist w ON w.id = s.watchlist_id
               WHERE w.name = ? ORDER BY s.position""",
            (name,),
        )
        return [r[0] for r in rows]

    @storage_method
    def add(self, symbol: str, name: str = DEFAULT_WATCHLIST) -> bool:
        """Append `symbol`; False when it was already there."""
        with self._conn:
            self._conn.execute("BEGIN")
            wid = self._id(name)
            if wid is None:
                wid = int(self._conn.execute("INSERT INTO watchlist(name) VALUES (?)", (name,)).lastrowid or 0)
            cur = self._conn.execute(
                """INSERT OR IGNORE INTO watchlist_symbol(watchlist_id, symbol, position)
                   VALUES (?, ?, (SELECT COALESCE(MAX(position), -1) + 1
                                  FROM watchlist_symbol WHERE watchlist_id = ?))""",
                (wid, symbol, wid),
            )
            return cur.rowcount == 1

    @storage_method
    def remove(self, symbol: str, name: str = DEFAULT_WATCHLIST) -> bool:
        """Remove `symbol`; False when it was not there."""
        with self._conn:
            self._conn.execute("BEGIN")
            cur = self._conn.execute(
                """DELETE FROM watchlist_symbol
                   WHERE symbol = ? AND watchlist_id = (SELECT id FROM watchlist WHERE name = ?)""",
                (symbol, name),
            )
            return cur.rowcount == 1
