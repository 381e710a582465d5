"""Named watchlists and their symbols, in the order the user added them."""

from __future__ import annotations

import sqlite3

from desktop.config import DEFAULT_WATCHLIST
from desktop.core.symbol_lists import MAX_SYMBOLS
from desktop.core.watchlist_names import watchlist_name_problem
from desktop.storage.database import storage_method


class WatchlistError(ValueError):
    """A list operation refused (a taken name, a list that is not there): a sentence for the user."""


def _check_size(count: int) -> None:
    if count > MAX_SYMBOLS:
        raise WatchlistError(f"a watchlist holds at most {MAX_SYMBOLS:,} symbols ({count:,} given)")


def _check_name(name: str) -> None:
    problem = watchlist_name_problem(name)
    if problem is not None:
        raise WatchlistError(problem)


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
        _check_name(name)
        with self._conn:
            self._conn.execute("BEGIN")
            cur = self._conn.execute("INSERT INTO watchlist(name) VALUES (?)", (name,))
            self._conn.executemany(
                "INSERT INTO watchlist_symbol(watchlist_id, symbol, position) VALUES (?, ?, ?)",
                [(cur.lastrowid, s, i) for i, s in enumerate(seed)],
            )

    @storage_method
    def names(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT name FROM watchlist ORDER BY position, id")]

    @storage_method
    def resolve(self, name: str) -> str:
        """The stored list `name` means: itself, else the one list named so but for case ("default" for
        "Default", as people type it), else `name` unchanged (a list still to be made)."""
        if self._id(name) is not None:
            return name
        alike = [r[0] for r in self._conn.execute("SELECT name FROM watchlist WHERE name = ? COLLATE NOCASE", (name,))]
        return alike[0] if len(alike) == 1 else name

    def _clash(self, name: str, besides: str | None = None) -> str | None:
        """Another list's name that differs from `name` only by case (or is it), besides list `besides`."""
        row = self._conn.execute(
            "SELECT name FROM watchlist WHERE name = ? COLLATE NOCASE AND name IS NOT ?", (name, besides)
        ).fetchone()
        return None if row is None else str(row[0])

    @storage_method
    def create(self, name: str, symbols: list[str]) -> None:
        """A new list holding `symbols` (in order), placed last; WatchlistError when the name is taken."""
        _check_name(name)
        _check_size(len(symbols))
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            taken = self._clash(name)
            if taken is not None:
                raise WatchlistError(f"a watchlist named {taken!r} exists already")
            last = self._conn.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM watchlist").fetchone()[0]
            cur = self._conn.execute("INSERT INTO watchlist(name, position) VALUES (?, ?)", (name, last))
            self._conn.executemany(
                "INSERT OR IGNORE INTO watchlist_symbol(watchlist_id, symbol, position) VALUES (?, ?, ?)",
                [(cur.lastrowid, s, i) for i, s in enumerate(symbols)],
            )

    @storage_method
    def rename(self, old: str, new: str) -> None:
        _check_name(new)
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            taken = self._clash(new, besides=old)
            if taken is not None:
                raise WatchlistError(f"a watchlist named {taken!r} exists already")
            if self._conn.execute("UPDATE watchlist SET name = ? WHERE name = ?", (new, old)).rowcount != 1:
                raise WatchlistError(f"no watchlist named {old!r}")

    @storage_method
    def delete(self, name: str) -> list[str]:
        """Remove a list (its symbols go with it); what it held, for an undo."""
        held = self.symbols(name)
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            if self._conn.execute("DELETE FROM watchlist WHERE name = ?", (name,)).rowcount != 1:
                raise WatchlistError(f"no watchlist named {name!r}")
        return held

    @storage_method
    def set_order(self, names: list[str]) -> None:
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany("UPDATE watchlist SET position = ? WHERE name = ?", list(enumerate(names)))

    @storage_method
    def replace_symbols(self, name: str, symbols: list[str]) -> None:
        """The list's symbols become `symbols`, in that order (an import), in one transaction."""
        _check_size(len(symbols))
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            wid = self._id(name)
            if wid is None:
                raise WatchlistError(f"no watchlist named {name!r}")
            self._conn.execute("DELETE FROM watchlist_symbol WHERE watchlist_id = ?", (wid,))
            self._conn.executemany(
                "INSERT OR IGNORE INTO watchlist_symbol(watchlist_id, symbol, position) VALUES (?, ?, ?)",
                [(wid, s, i) for i, s in enumerate(symbols)],
            )

    @storage_method
    def symbols(self, name: str = DEFAULT_WATCHLIST) -> list[str]:
        rows = self._conn.execute(
            """SELECT s.symbol FROM watchlist_symbol s JOIN watchlist w ON w.id = s.watchlist_id
               WHERE w.name = ? ORDER BY s.position""",
            (name,),
        )
        return [r[0] for r in rows]

    def add(self, symbol: str, name: str = DEFAULT_WATCHLIST) -> bool:
        """Append `symbol`; False when it was already there."""
        return bool(self.add_many([symbol], name))

    @storage_method
    def add_many(self, symbols: list[str], name: str = DEFAULT_WATCHLIST) -> list[str]:
        """Append, in one transaction, each of `symbols` the list does not hold yet (made when missing); the
        ones added, in order. WatchlistError, with nothing added, when they would pass MAX_SYMBOLS."""
        with self._conn:
            self._conn.execute("BEGIN")
            wid = self._id(name)
            if wid is None:
                _check_name(name)
                wid = int(self._conn.execute("INSERT INTO watchlist(name) VALUES (?)", (name,)).lastrowid or 0)
            rows = self._conn.execute("SELECT symbol, position FROM watchlist_symbol WHERE watchlist_id = ?", (wid,))
            held = {symbol: position for symbol, position in rows}
            new = list(dict.fromkeys(s for s in symbols if s not in held))
            if new and len(held) >= MAX_SYMBOLS:
                raise WatchlistError(f"{name} holds {len(held):,} symbols, as many as a watchlist may")
            if len(held) + len(new) > MAX_SYMBOLS:
                raise WatchlistError(
                    f"{name} holds {len(held):,} symbols: {len(new):,} more would pass the {MAX_SYMBOLS:,} "
                    "a watchlist may hold"
                )
            first = max(held.values(), default=-1) + 1
            self._conn.executemany(
                "INSERT INTO watchlist_symbol(watchlist_id, symbol, position) VALUES (?, ?, ?)",
                [(wid, symbol, first + k) for k, symbol in enumerate(new)],
            )
            return new

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
