"""Delivery channels and the per-fire delivery records, in the database.

A channel's target (a webhook URL) is a secret: it is stored here, never written to rule exports, logs or the
fired log; `public_target` is what may be shown. Deliveries are created in the same transaction as the fire
they carry (see AlertRepository.log_fires_marking_new), so a fire logged is a fire that will be delivered.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from urllib.parse import urlsplit

from desktop.storage.database import storage_method

PENDING, RETRYING, SENT, FAILED = "pending", "retrying", "sent", "failed"


@dataclass(frozen=True)
class Channel:
    name: str
    kind: str  # webhook, email, desktop
    target: str  # the URL: secret ("session-bus" for desktop notifications)
    format: str  # json, slack, discord, ntfy; an e-mail's security; "plain" for the desktop
    template: str
    for_all: bool = True  # every rule's fires, unless a rule names its own channels

    @property
    def public_target(self) -> str:
        """The URL without its path, query or credentials (a webhook path is the secret part)."""
        if self.kind == "desktop":  # no URL: the session's notification service
            return "desktop notifications"
        parts = urlsplit(self.target)
        try:
            port = f":{parts.port}" if parts.port else ""
        except ValueError:  # a port that is not a number: shown as a port, never as the URL itself
            port = ":?"
        return f"{parts.scheme}://{parts.hostname or '?'}{port}/…"


@dataclass(frozen=True)
class Delivery:
    fire_id: int
    channel: str
    state: str
    attempts: int
    first_try: float | None
    reason: str


class ChannelRepository:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    @storage_method
    def channels(self) -> list[Channel]:
        rows = self._conn.execute("SELECT name, kind, target, format, template, for_all FROM channel ORDER BY name")
        return [Channel(r[0], r[1], r[2], r[3], r[4], bool(r[5])) for r in rows]

    def channel(self, name: str) -> Channel | None:
        return next((c for c in self.channels() if c.name == name), None)

    @storage_method
    def save(self, channel: Channel) -> None:
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.execute(
                """INSERT INTO channel(name, kind, target, format, template, for_all) VALUES (?, ?, ?, ?, ?, ?)
                   ON CONFLICT(name) DO UPDATE SET kind = excluded.kind, target = excluded.target,
                   format = excluded.format, template = excluded.template, for_all = excluded.for_all""",
                (channel.name, channel.kind, channel.target, channel.format, channel.template, int(channel.for_all)),
            )

    @storage_method
    def remove(self, name: str) -> bool:
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            return self._conn.execute("DELETE FROM channel WHERE name = ?", (name,)).rowcount > 0

    # -- deliveries -------------------------------------------------------------------------------

    @storage_method
    def due(self, now: float) -> list[Delivery]:
        rows = self._conn.execute(
            """SELECT fire_id, channel, state, attempts, first_try, reason FROM delivery
               WHERE state IN (?, ?) AND next_try <= ? ORDER BY fire_id""",
            (PENDING, RETRYING, now),
        )
        return [Delivery(int(r[0]), str(r[1]), str(r[2]), int(r[3]), r[4], str(r[5])) for r in rows]

    @storage_method
    def mark(self, fire_ids: list[int], channel: str, state: str, next_try: float, reason: str, now: float) -> None:
        with self._conn:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.executemany(
                """UPDATE delivery SET state = ?, attempts = attempts + 1, first_try = COALESCE(first_try, ?),
                   next_try = ?, reason = ? WHERE fire_id = ? AND channel = ?""",
                [(state, now, next_try, reason, fire_id, channel) for fire_id in fire_ids],
            )

    @storage_method
    def deliveries(self, fire_id: int | None = None) -> list[Delivery]:
        where, args = ("WHERE fire_id = ?", (fire_id,)) if fire_id is not None else ("", ())
        rows = self._conn.execute(
            "SELECT fire_id, channel, state, attempts, first_try, reason FROM delivery "
            f"{where} ORDER BY fire_id, channel",
            args,
        )
        return [Delivery(int(r[0]), str(r[1]), str(r[2]), int(r[3]), r[4], str(r[5])) for r in rows]

    @storage_method
    def deliveries_from(self, first_fire_id: int) -> dict[int, list[Delivery]]:
        """Deliveries of the fires from `first_fire_id` on, by fire (what the fired log shows)."""
        rows = self._conn.execute(
            """SELECT fire_id, channel, state, attempts, first_try, reason FROM delivery WHERE fire_id >= ?
               ORDER BY fire_id, channel""",
            (first_fire_id,),
        )
        out: dict[int, list[Delivery]] = {}
        for r in rows:
            out.setdefault(int(r[0]), []).append(Delivery(int(r[0]), str(r[1]), str(r[2]), int(r[3]), r[4], str(r[5])))
        return out
