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

MIGRATIONS.append(
    # 2: alert rules, their saved state, and the log of fires (which outlives a deleted rule)
    [
        """CREATE TABLE alert_rule (
            id TEXT PRIMARY KEY,
            position INTEGER NOT NULL,
            definition TEXT NOT NULL,
            updated_at REAL NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS REAL))
        )""",
        """CREATE TABLE alert_state (
            rule_id TEXT PRIMARY KEY REFERENCES alert_rule(id) ON DELETE CASCADE,
            prev REAL,
            prev_time REAL,
            last_fire REAL,
            fires INTEGER NOT NULL DEFAULT 0,
            dropped INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE alert_fire (
            id INTEGER PRIMARY KEY,
            rule_id TEXT NOT NULL,
            title TEXT NOT NULL,
            time REAL NOT NULL,
            daily INTEGER NOT NULL,
            value REAL NOT NULL,
            level REAL NOT NULL,
            condition TEXT NOT NULL,
            inputs TEXT NOT NULL,
            logged_at REAL NOT NULL DEFAULT (CAST(strftime('%s', 'now') AS REAL))
        )""",
        "CREATE INDEX alert_fire_time ON alert_fire(time)",
    ]
)

MIGRATIONS.append(
    # 3: a fire found on replayed data says so; one fire per rule and quote time is looked up by index
    [
        "ALTER TABLE alert_fire ADD COLUMN replayed INTEGER NOT NULL DEFAULT 0",
        "CREATE INDEX alert_fire_rule_time ON alert_fire(rule_id, time)",
    ]
)

MIGRATIONS.append(
    # 4: the evaluator lease: which process (the window or the monitor) fires the rules of this database
    [
        """CREATE TABLE evaluator_lease (
            name TEXT PRIMARY KEY,
            holder TEXT NOT NULL,
            pid INTEGER NOT NULL,
            host TEXT NOT NULL,
            role TEXT NOT NULL,
            expires REAL NOT NULL
        )""",
    ]
)

MIGRATIONS.append(
    # 5: where fires are delivered (webhooks; a rule may name its own), and each fire's delivery per channel
    [
        """CREATE TABLE channel (
            name TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            target TEXT NOT NULL,
            format TEXT NOT NULL,
            template TEXT NOT NULL,
            for_all INTEGER NOT NULL DEFAULT 1
        )""",
        """CREATE TABLE delivery (
            fire_id INTEGER NOT NULL,
            channel TEXT NOT NULL,
            state TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            first_try REAL,
            next_try REAL NOT NULL,
            reason TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (fire_id, channel)
        )""",
        "CREATE INDEX delivery_due ON delivery(state, next_try)",
    ]
)

MIGRATIONS.append(
    # 6: watchlists in the user's order (tabs can be dragged)
    ["ALTER TABLE watchlist ADD COLUMN position INTEGER NOT NULL DEFAULT 0"]
)

MIGRATIONS.append(
    # 7: the next rule's place is MAX(position) + 1; without an index that is a scan per insert, and
    # importing 20,000 rules took 15 s of SQLite time (0.4 s with it)
    ["CREATE INDEX alert_rule_position ON alert_rule(position)"]
)

MIGRATIONS.append(
    # 8: a quadrant rule's fire also reports RS-Momentum (its value is RS-Ratio)
    ["ALTER TABLE alert_fire ADD COLUMN momentum REAL"]
)
