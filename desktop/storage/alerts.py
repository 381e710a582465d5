"""Alert rules, their saved state and the fired-alerts log in SQLite; each change is one transaction."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from desktop import logs
from desktop.core.alerts.engine import AlertFire, RuleState
from desktop.core.alerts.rules import MAX_NAME, AlertRule, Condition, RuleError, rule_from_dict, rule_to_dict
from desktop.storage.database import storage_method

log = logs.storage


@dataclass(frozen=True)
class StoredFire:
    """A row of the fired-alerts log."""

    id: int
    fire: AlertFire
    replayed: bool = False  # found on replayed data, not on live quotes


def _upgraded(stored: Any) -> Any:
    """A stored rule as this version reads it: a name saved before names had a length limit is cut to it
    (the rule keeps working rather than being left out at the next start)."""
    name = stored.get("name") if isinstance(stored, dict) else None
    if isinstance(name, str) and len(name) > MAX_NAME:
        stored["name"] = name[: MAX_NAME - 1].rstrip() + "…"
    return stored


class AlertRepository:
    """Reads and writes alert data on one connection (use one repository per thread)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    # -- rules ----------------------------------------------------------------------------------

    def rules(self) -> tuple[list[AlertRule], list[str]]:
        """Stored rules in order, and a message for each stored row that no longer reads as a rule
        (kept in the database untouched, so nothing is lost)."""
        rules: list[AlertRule] = []
        problems: list[str] = []
        for rule_id, definition in self._conn.execute("SELECT id, definition FROM alert_rule ORDER BY position, id"):
            try:
                rules.append(rule_from_dict(_upgraded(json.loads(definition))))
            except (ValueError, RuleError, TypeError, RecursionError) as exc:
                problems.append(f"stored alert {rule_id!r} cannot be read: {exc}")
        return rules, problems

    def save_rule(self, rule: AlertRule) -> None:
        """Insert or update one rule (a new one goes last)."""
        definition = json.dumps(rule_to_dict(rule))
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            self._upsert(rule.id, definition)

    def _upsert(self, rule_id: str, definition: str) -> None:
        self._conn.execute(
            """INSERT INTO alert_rule(id, position, definition)
               VALUES (?, (SELECT COALESCE(MAX(position), -1) + 1 FROM alert_rule), ?)
               ON CONFLICT(id) DO UPDATE SET definition = excluded.definition,
                   updated_at = CAST(strftime('%s', 'now') AS REAL)""",
            (rule_id, definition),
        )

    def save_rule_in_order(self, rule: AlertRule, order: list[str]) -> None:
        """Insert or update `rule`, then number every rule's position as `order` lists their ids (a deleted
        rule brought back by Undo goes back to its place), in one transaction."""
        definition = json.dumps(rule_to_dict(rule))
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            self._upsert(rule.id, definition)
            self._conn.executemany("UPDATE alert_rule SET position = ? WHERE id = ?", list(enumerate(order)))

    def save_rules(self, rules: Iterable[AlertRule]) -> None:
        """Insert or update several rules in one transaction: all of them or none."""
        rows = [(r.id, json.dumps(rule_to_dict(r))) for r in rules]
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            for rule_id, definition in rows:
                self._upsert(rule_id, definition)

    def delete_rule(self, rule_id: str) -> bool:
        return self.delete_rules([rule_id]) == 1

    def delete_rules(self, rule_ids: Iterable[str]) -> int:
        """Delete several rules in one transaction (all or none); how many were there."""
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            return sum(
                self._conn.execute("DELETE FROM alert_rule WHERE id = ?", (rule_id,)).rowcount for rule_id in rule_ids
            )

    # -- state ----------------------------------------------------------------------------------

    def states(self) -> dict[str, RuleState]:
        rows = self._conn.execute("SELECT rule_id, prev, prev_time, last_fire, fires, dropped FROM alert_state")
        return {r[0]: RuleState(r[1], r[2], r[3], r[4], r[5]) for r in rows}

    def _write_states(self, states: dict[str, RuleState]) -> None:
        self._conn.executemany(
            """INSERT INTO alert_state(rule_id, prev, prev_time, last_fire, fires, dropped)
               SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM alert_rule WHERE id = ?)
               ON CONFLICT(rule_id) DO UPDATE SET prev = excluded.prev, prev_time = excluded.prev_time,
                   last_fire = excluded.last_fire, fires = excluded.fires, dropped = excluded.dropped""",
            [(k, s.prev, s.prev_time, s.last_fire, s.fires, s.dropped, k) for k, s in states.items()],
        )

    def save_states(self, states: dict[str, RuleState]) -> None:
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            self._write_states(states)

    # -- the log --------------------------------------------------------------------------------

    def log_fires(
        self, fires: list[AlertFire], states: dict[str, RuleState], disabled: list[AlertRule], replayed: bool = False
    ) -> list[int]:
        """Record fires, the fired rules' state and `once` rules turned off, in one transaction. A rule that
        fired at the same quote time before (the same replay played again) is logged once: its id is the
        earlier row's."""
        return [row_id for row_id, _new in self.log_fires_marking_new(fires, states, disabled, replayed)]

    def log_fires_marking_new(
        self,
        fires: list[AlertFire],
        states: dict[str, RuleState],
        disabled: list[AlertRule],
        replayed: bool = False,
        deliver_to: Callable[[AlertFire], list[str]] | None = None,
    ) -> list[tuple[int, bool]]:
        """`log_fires`, saying of each fire whether it is new in the log (False: logged before). Each new
        fire's deliveries (to the channels `deliver_to` names) are created in the same transaction."""
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            ids: list[tuple[int, bool]] = []
            for fire in fires:
                known = self._conn.execute(
                    "SELECT id FROM alert_fire WHERE rule_id = ? AND time = ? LIMIT 1", (fire.rule_id, fire.time)
                ).fetchone()
                if known is not None:
                    ids.append((int(known[0]), False))
                    continue
                cur = self._conn.execute(
                    """INSERT INTO alert_fire(rule_id, title, time, daily, value, level, condition, inputs, replayed,
                           momentum)
                       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                    (
                        fire.rule_id,
                        fire.title,
                        fire.time,
                        int(fire.daily),
                        fire.value,
                        fire.level,
                        fire.condition.value,
                        json.dumps(dict(fire.inputs)),
                        int(replayed),
                        fire.momentum,
                    ),
                )
                row_id = int(cur.lastrowid or 0)
                ids.append((row_id, True))
                for channel in deliver_to(fire) if deliver_to is not None else []:
                    self._conn.execute(
                        "INSERT OR IGNORE INTO delivery(fire_id, channel, state, next_try) VALUES (?, ?, 'pending', 0)",
                        (row_id, channel),
                    )
            for rule in disabled:
                self._conn.execute(
                    "UPDATE alert_rule SET definition = ? WHERE id = ?", (json.dumps(rule_to_dict(rule)), rule.id)
                )
            self._write_states(states)
        return ids

    @storage_method
    def fires(self, limit: int = 10_000) -> list[StoredFire]:
        """The newest `limit` fires, oldest first."""
        rows = self._conn.execute(
            """SELECT id, rule_id, title, time, daily, value, level, condition, inputs, replayed, momentum FROM
               (SELECT * FROM alert_fire ORDER BY time DESC, id DESC LIMIT ?) ORDER BY time, id""",
            (limit,),
        )
        return self._stored(rows)

    @storage_method
    def fires_after(self, last_id: int, limit: int = 1000) -> list[StoredFire]:
        """Fires logged after the row `last_id`, in the order they were logged (another process's, live)."""
        rows = self._conn.execute(
            """SELECT id, rule_id, title, time, daily, value, level, condition, inputs, replayed, momentum
               FROM alert_fire WHERE id > ? ORDER BY id LIMIT ?""",
            (last_id, limit),
        )
        return self._stored(rows)

    @storage_method
    def data_version(self) -> int:
        """Changes whenever another connection commits (SQLite's counter; reading it touches no disk)."""
        return int(self._conn.execute("PRAGMA data_version").fetchone()[0])

    @property
    def connection(self) -> sqlite3.Connection:
        return self._conn

    @storage_method
    def last_fire_id(self) -> int:
        return int(self._conn.execute("SELECT COALESCE(MAX(id), 0) FROM alert_fire").fetchone()[0])

    @staticmethod
    def _stored(rows: Iterable[Any]) -> list[StoredFire]:
        out = []
        for r in rows:
            inputs = tuple((str(k), float(v)) for k, v in json.loads(r[8]).items())
            fire = AlertFire(r[1], r[2], r[3], bool(r[4]), r[5], r[6], Condition(r[7]), inputs, momentum=r[10])
            out.append(StoredFire(int(r[0]), fire, bool(r[9])))
        return out

    @storage_method
    def clear_fires(self) -> int:
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            return self._conn.execute("DELETE FROM alert_fire").rowcount
