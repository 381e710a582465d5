"""The headless alert monitor: the window's feeds, pipeline, alert engine and database, with no window.

It evaluates the saved rules only while it holds the database's evaluator lease (the window and the
monitor never both fire a rule); otherwise it waits and takes over when the holder lets go or dies.
Every fire is logged (in one transaction with the rule's state) before it is announced, and a fire the
log already had (a replay played again after a restart) is not announced twice. Rules edited elsewhere
(the window, `tickerdesk alerts`) are picked up within seconds.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from desktop import logs
from desktop.core.alerts.engine import AlertEngine, AlertFire, RuleState
from desktop.core.alerts.rules import AlertRule
from desktop.core.formatting import moment_iso
from desktop.core.quote_store import QuoteStore
from desktop.services.alert_book import AlertBook
from desktop.services.delivery import DeliveryWorker, routes
from desktop.services.pipeline import QuotePipeline
from desktop.storage import lease
from desktop.storage.alerts import AlertRepository
from desktop.storage.channels import ChannelRepository
from desktop.storage.database import Connection, StorageError, storage_errors

log = logs.monitor

RELOAD_RULES_S = 2.0
SAVE_STATES_S = 10.0
REPORT_S = 300.0  # the state line goes to the log this often (and on SIGUSR1)


class MonitorFeed(Protocol):
    def set_symbols(self, symbols: set[str]) -> None: ...
    def start(self) -> None: ...
    def stop(self) -> None: ...


def fire_line(fire: AlertFire) -> str:
    """'<quote time> fired <rule id> value=<v> level=<l> rule="<the rule in words>"': the time as the input had
    it (a date for daily data); the words in JSON quotes, so a line stays one field per key for a script."""
    line = f"{moment_iso(fire.time, fire.daily)} fired {fire.rule_id} value={fire.value:.10g} level={fire.level_text}"
    if fire.momentum is not None:
        line = f"{line} momentum={fire.momentum:.6g}"
    return f"{line} rule={json.dumps(fire.title, ensure_ascii=False)}"


@dataclass
class MonitorStatus:
    source: str
    quotes_per_s: float
    rules_armed: int
    evaluating: bool
    holder: str | None  # who evaluates when this monitor does not

    def line(self) -> str:
        if self.evaluating:
            role = "evaluating (holds the lease)"
        else:
            role = f"standing by ({self.holder or 'nobody'} evaluates)"
        rate = f"{self.quotes_per_s:,.0f} quotes/s"
        return f"source {self.source} · {rate} · {self.rules_armed} rules armed · {role}"


class AlertMonitor:
    def __init__(
        self,
        conn: Connection,
        path: Path,
        make_feed: Callable[[Callable[..., bool]], MonitorFeed],
        *,
        source: str,
        announce: Callable[[AlertFire], None],
        replayed: bool,
    ) -> None:
        self.conn = conn
        self.path = path
        self.repo = AlertRepository(conn)
        self.channels = ChannelRepository(conn)
        self.deliveries = DeliveryWorker(path, lambda: self.evaluating)
        self.book = AlertBook(self.repo, AlertEngine())
        self.store = QuoteStore()
        self.pipeline = QuotePipeline(self.store, self.book.engine)
        self._woken = threading.Event()
        self.pipeline.on_wake = self._woken.set
        self.feed = make_feed(self.pipeline.push)
        self.source = source
        self.announce = announce
        self.replayed = replayed
        self.me = lease.new_holder_id("monitor")
        self.evaluating = False
        self.quotes = 0
        self.fires = 0
        self._rate = (time.monotonic(), 0)
        self._definitions: list[AlertRule] = []

    # -- state --------------------------------------------------------------------------------------

    def status(self) -> MonitorStatus:
        now = time.monotonic()
        since, count = self._rate
        rate = (self.quotes - count) / (now - since) if now > since else 0.0
        self._rate = (now, self.quotes)
        armed = sum(1 for r in self.book.rules if r.enabled)
        try:
            held = None if self.evaluating else lease.current_holder(self.conn)
        except StorageError:
            held = None
        return MonitorStatus(self.source, rate, armed, self.evaluating, held.role if held else None)

    def symbols(self) -> set[str]:
        return {s for r in self.book.rules if r.enabled for s in r.symbols}

    # -- the loop -----------------------------------------------------------------------------------

    def run(self, stop: threading.Event, seconds: float | None = None) -> None:
        """Watch until `stop` is set (a signal) or `seconds` have passed; always leaves cleanly."""
        problems = self.book.load(with_state=False)  # states: read when it starts to evaluate (_take_lease)
        for problem in problems:
            log.warning("%s", problem)
        self._definitions = self.book.rules
        self._take_lease()
        if not self.evaluating:
            log.info("%s", self.status().line())  # standing by: who evaluates, said once at start
        self.feed.set_symbols(self.symbols())
        self.feed.start()
        self.deliveries.start()
        deadline = None if seconds is None else time.monotonic() + seconds
        next_lease = next_reload = time.monotonic() + min(lease.RENEW_S, RELOAD_RULES_S)
        next_save = time.monotonic() + SAVE_STATES_S
        next_report = time.monotonic() + REPORT_S
        try:
            while not stop.is_set() and (deadline is None or time.monotonic() < deadline):
                if self._woken.wait(0.2):
                    self._woken.clear()
                    self.drain()
                now = time.monotonic()
                if now >= next_lease:
                    self._take_lease()
                    next_lease = now + lease.RENEW_S
                if now >= next_reload:
                    self.reload_rules()
                    next_reload = now + RELOAD_RULES_S
                if now >= next_save:
                    self.save_states()
                    next_save = now + SAVE_STATES_S
                if now >= next_report:
                    log.info("%s", self.status().line())
                    next_report = now + REPORT_S
            self.drain()
        finally:
            self.feed.stop()
            self.deliveries.stop()
            self.save_states()
            if self.evaluating:
                self._quietly(lambda: lease.release(self.conn, self.me))

    def drain(self) -> None:
        flush = self.pipeline.drain()
        self.quotes += flush.count
        if flush.fires:
            self._log_and_announce(flush.fires)

    def _log_and_announce(self, fires: list[AlertFire]) -> None:
        if not self.evaluating:
            return  # the lease's holder fires these rules and logs them; announcing here would be twice
        engine = self.book.engine
        states = {f.rule_id: replace(engine.state(f.rule_id) or RuleState()) for f in fires}
        disabled = [r for r in engine.rules if not r.enabled and any(f.rule_id == r.id for f in fires)]
        try:
            with storage_errors(self.path):
                route = routes(engine.rules, self.channels.channels())
                logged = self.repo.log_fires_marking_new(fires, states, disabled, self.replayed, route)
        except StorageError as exc:
            log.error("%d fire(s) could not be logged, announcing them anyway: %s", len(fires), exc)
            logged = [(0, True)] * len(fires)
        for fire, (_row, new) in zip(fires, logged, strict=True):
            if new:
                self.fires += 1
                self.announce(fire)
        self.deliveries.wake()

    def _take_lease(self) -> None:
        was = self.evaluating
        try:
            self.evaluating = lease.acquire(self.conn, self.me, "monitor")
        except StorageError as exc:
            log.warning("could not renew the evaluator lease: %s", exc)
            return  # keep the role it had: the lease term outlasts a short hiccup
        if self.evaluating and not was:
            log.info("evaluating the rules (holds the evaluator lease)")
            # Rule states may have moved on while another process evaluated: start from what it saved.
            for rule_id, state in self.repo.states().items():
                self.book.engine.restore_state(rule_id, state)
        elif was and not self.evaluating:
            log.warning("another process took the evaluator lease; standing by")
        elif not self.evaluating and not was:
            log.debug("standing by; another process evaluates")

    def reload_rules(self) -> None:
        """Pick up rules added, changed or removed elsewhere since the last look."""
        try:
            rules, _problems = self.repo.rules()
        except StorageError as exc:
            log.warning("could not read the rules: %s", exc)
            return
        if rules == self._definitions:
            return
        self._definitions = rules
        self.book.engine.set_rules(rules)
        self.feed.set_symbols(self.symbols())
        log.info("rules changed; watching %d rule(s) on %d symbol(s)", len(rules), len(self.symbols()))

    def save_states(self) -> None:
        if not self.evaluating:
            return
        engine = self.book.engine
        states = {r.id: replace(s) for r in engine.rules if (s := engine.state(r.id)) is not None}
        if states:
            self._quietly(lambda: self.repo.save_states(states))

    def _quietly(self, job: Callable[[], object]) -> None:
        try:
            with storage_errors(self.path):
                job()
        except StorageError as exc:
            log.warning("database write failed: %s", exc)
