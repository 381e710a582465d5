"""Delivering fires to channels (webhooks), off the evaluation path, without losing one.

Deliveries are rows in the database, created with their fire. A worker thread sends the due ones: all due
fires of a channel go as one message (a burst becomes one post, and a channel hears at most one message
per RATE_S), each post with a timeout; a failure is retried with backoff until RETRY_FOR_S after the first
try, then marked failed with its reason. Pending and retrying deliveries survive a restart: the next
worker picks them up. Only the process that holds the evaluator lease delivers.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop import logs
from desktop.core.alerts.engine import AlertFire
from desktop.core.alerts.rules import AlertRule, Condition
from desktop.core.formatting import moment_iso, symbol_price
from desktop.services.channel_senders import (
    DeliveryError,
    notify_desktop,
    post_webhook,
    send_email,
    smtp_password,
    subject_and_text,
)
from desktop.storage.alerts import AlertRepository, StoredFire
from desktop.storage.channels import FAILED, RETRYING, SENT, Channel, ChannelRepository
from desktop.storage.database import Connection, StorageError, connect, storage_errors

log = logs.monitor

DEFAULT_TEMPLATE = "{name}: {value} crossed {level} at {time}"
FORMATS = ("json", "slack", "discord", "ntfy")
TIMEOUT_S = 5.0
RATE_S = 2.0
RETRY_FOR_S = 600.0
MAX_BACKOFF_S = 60.0


# A template's placeholders: `{name}` and the like, nothing more. str.format would also read `{name.upper}`
# (attributes) and `{value:>99999999}` (a 100 MB field) from a template a user typed.
PLACEHOLDER = re.compile(r"\{(\w+)\}")
FIELDS = ("name", "rule", "value", "level", "time", "condition", "symbols", "prices")
MAX_TEMPLATE = 500


def _stray_brace(template: str) -> bool:
    """A brace outside every `{field}` placeholder (str.format syntax, or a typo)."""
    rest = PLACEHOLDER.sub("", template)
    return "{" in rest or "}" in rest


def template_problem(template: str) -> str | None:
    """Why `template` cannot be a channel's message, or None."""
    if len(template) > MAX_TEMPLATE:
        return f"the message template is {len(template)} characters long (at most {MAX_TEMPLATE})"
    unknown = [m.group(1) for m in PLACEHOLDER.finditer(template) if m.group(1) not in FIELDS]
    fields = ", ".join("{" + f + "}" for f in FIELDS)
    if unknown:
        return f"{{{unknown[0]}}} is not a field of a fire (use {fields})"
    if _stray_brace(template):
        return f"a brace that is not around a field name (fields are written {fields}, nothing more)"
    return None


def message(template: str, fire: AlertFire) -> str:
    """The channel's template filled in; an unknown placeholder is left as written, and a stray brace
    (a template older than the check) gets the fire's facts after it."""
    fields = {
        "name": fire.title,
        "rule": fire.rule_id,
        "value": fire.value_text,
        "level": fire.level_text,
        "time": moment_iso(fire.time, fire.daily),
        "condition": fire.condition.value,
        "symbols": ", ".join(s for s, _ in fire.inputs),
        "prices": ", ".join(symbol_price(s, p) for s, p in fire.inputs),
    }
    text = PLACEHOLDER.sub(lambda m: fields.get(m.group(1), m.group(0)), template)
    if _stray_brace(template):
        text += f" · {fields['name']} {fields['value']} (level {fields['level']}) at {fields['time']}"
    return text


def request_for(channel: Channel, fires: list[AlertFire]) -> tuple[bytes, dict[str, str]]:
    """The HTTP body and headers of one post carrying `fires` in the channel's format."""
    text = "\n".join(message(channel.template, f) for f in fires)
    if channel.format == "slack":
        return json.dumps({"text": text}).encode(), {"Content-Type": "application/json"}
    if channel.format == "discord":
        return json.dumps({"content": text[:2000]}).encode(), {"Content-Type": "application/json"}
    if channel.format == "ntfy":
        title = fires[0].title if len(fires) == 1 else f"{len(fires)} alerts fired"
        return text.encode(), {"Title": title.encode("ascii", "replace").decode(), "Content-Type": "text/plain"}
    body: dict[str, Any] = {
        "fires": [
            {
                "rule": f.rule_id,
                "name": f.title,
                "symbols": [s for s, _ in f.inputs],
                "prices": dict(f.inputs),
                "value": f.value,
                "level": f.level_text if f.momentum is not None else f.level,
                **({"momentum": f.momentum} if f.momentum is not None else {}),
                "condition": f.condition.value,
                "time": moment_iso(f.time, f.daily),
            }
            for f in fires
        ],
        "message": text,
    }
    return json.dumps(body).encode(), {"Content-Type": "application/json"}


def post(channel: Channel, fires: list[AlertFire], timeout: float = TIMEOUT_S) -> None:
    """Send `fires` as one message through the channel, whatever its kind."""
    if channel.kind == "desktop":
        lines = [message(channel.template, f) for f in fires]
        summary = fires[0].title if len(fires) == 1 else f"{len(fires)} alerts fired"
        notify_desktop(channel, summary, "\n".join(lines))
        return
    if channel.kind == "email":
        subject, text = subject_and_text(fires, [message(channel.template, f) for f in fires])
        send_email(channel, subject, text, smtp_password(channel))
        return
    body, headers = request_for(channel, fires)
    post_webhook(channel.target, body, headers, timeout)


@dataclass
class _Sent:
    at: float = 0.0


class DeliveryWorker:
    """Sends due deliveries on its own thread and its own connection; `wake()` after logging fires."""

    def __init__(
        self,
        path: Path,
        may_deliver: Callable[[], bool],
        send: Callable[[Channel, list[AlertFire]], None] = post,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.may_deliver = may_deliver
        self.send = send
        self.clock = clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._last: dict[str, _Sent] = {}
        self._thread = threading.Thread(target=self._run, name="deliveries", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = TIMEOUT_S + 1) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        try:
            conn = connect(self.path)
        except Exception as exc:
            log.error("deliveries cannot start: %s", exc)
            return
        try:
            while not self._stop.is_set():
                if self.may_deliver():
                    try:
                        with storage_errors(self.path):
                            self.round(conn)
                    except StorageError as exc:
                        log.warning("deliveries: %s", exc)
                self._wake.wait(0.5)
                self._wake.clear()
        finally:
            conn.close()

    def round(self, conn: Connection) -> None:
        """Send what is due now: one message per channel."""
        channels = ChannelRepository(conn)
        now = self.clock()
        due = channels.due(now)
        if not due:
            return
        by_channel: dict[str, list[int]] = {}
        for delivery in due:
            by_channel.setdefault(delivery.channel, []).append(delivery.fire_id)
        known = {c.name: c for c in channels.channels()}
        fires = {s.id: s.fire for s in _fires(conn, {d.fire_id for d in due})}
        first_try = {(d.fire_id, d.channel): d.first_try for d in due}
        attempts = {(d.fire_id, d.channel): d.attempts for d in due}
        for name, ids in by_channel.items():
            channel = known.get(name)
            if channel is None:
                channels.mark(ids, name, FAILED, now, f"no channel named {name!r}", now)
                continue
            last = self._last.setdefault(name, _Sent())
            if now - last.at < RATE_S:
                continue  # the next round bundles these with whatever comes meanwhile
            carried = [fires[i] for i in ids if i in fires]
            last.at = now
            try:
                self.send(channel, carried)
            except DeliveryError as exc:
                tries = max(attempts[(i, name)] for i in ids) + 1
                started = min((first_try[(i, name)] or now) for i in ids)
                if now - started >= RETRY_FOR_S:
                    channels.mark(ids, name, FAILED, now, str(exc), now)
                    log.error("delivery to %s failed for good after %d tries: %s", name, tries, exc)
                else:
                    wait = min(MAX_BACKOFF_S, 2.0**tries)
                    channels.mark(ids, name, RETRYING, now + wait, str(exc), now)
                    log.warning("delivery to %s failed (%s); trying again in %g s", name, exc, wait)
                continue
            channels.mark(ids, name, SENT, now, "", now)
            log.info("delivered %d fire(s) to %s", len(carried), name)


def _fires(conn: Connection, ids: set[int]) -> list[StoredFire]:
    repo = AlertRepository(conn)
    low = min(ids) - 1
    return [s for s in repo.fires_after(low, limit=max(ids) - low) if s.id in ids]


def routes(rules: Iterable[AlertRule], channels: list[Channel]) -> Callable[[AlertFire], list[str]]:
    """Where each fire goes: the channels its rule names, or every channel set for all rules."""
    named = {r.id: r.channels for r in rules}
    everyone = [c.name for c in channels if c.for_all]

    def route(fire: AlertFire) -> list[str]:
        return list(named.get(fire.rule_id) or everyone)

    return route


def sample_fire() -> AlertFire:
    """What "Send Test" and `notify test` send: a fire that says it is a test."""
    now = float(int(time.time()))  # whole seconds: a message reads "at 10:42:07", not "10:42:07.743504"
    return AlertFire("test", "Tickerdesk test message", now, False, 1.0, 1.0, Condition.CROSSES_ABOVE,
                     (("TEST", 1.0),))  # fmt: skip
