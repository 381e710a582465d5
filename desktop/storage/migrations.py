"""The database schema, as an ordered list of migrations; `PRAGMA user_version` counts those applied.

Never edit a migration that has shipped: append a new one.
"""

from __future__ import annotations

MIGRATIONS: list[list[str]] = [
    # 1: watchlists
    [
        """CREATE TABLE watchlist (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at REAL NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS REAL))
        )""",
        """CREATE TABLE watchlist_symbol (
            watchlist_id INTEGER NOT NULL REFERENCES watchlist(id) ON DELETE CASCADE,
            symbol TEXT NOT NULL,
            position INTEGER NOT NULL,
            PRIMARY KEY (watchlist_id, symbol)
        )""",
    ],
]
