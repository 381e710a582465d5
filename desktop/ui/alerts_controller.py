"""Owns the alert rules on the GUI side: the engine's rule set, saving edits, logging fires off-thread."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from desktop import logs
from desktop.core.alerts.engine import AlertEngine, AlertFire, RuleState
from desktop.core.alerts.rules import AlertRule, AlertType, Condition
from desktop.core.alerts.windows import parse_window
from desktop.services.alert_book import AlertBook, BookError, StorageError
from desktop.services.delivery import DeliveryWorker, routes
from desktop.storage.alerts import AlertRepository, StoredFire
from desktop.storage.channels import ChannelRepository
from desktop.storage.database import Connection
from desktop.storage.writer import BackgroundWriter
from desktop.ui.evaluator_role import EvaluatorRole
from desktop.ui.undo import DoneEdit

log = logs.alerts

STATE_SAVE_MS = 10_000
OTHERS_POLL_MS = 1_000

ROTATION_PRESET = AlertRule(
    id="rotation",
    name="Small caps lead big tech this quarter",
    type=AlertType.SPREAD,
    a="IWM",
    b="QQQ",
    window=parse_window("qtd"),
    condition=Condition.CROSSES_ABOVE,
    level=1.5,
    cooldown=86400.0,
)


UNSAVED = -1  # the log id of a fire the database refused
RETRY_UNSAVED_MS = 30_000


class AlertsController(QObject):
    """Every rule edit is saved in its own transaction before the engine sees it; fires are written by
    the background writer and announced (`fires_logged`) only once they are in the database."""

    rules_changed = Signal()
    fires_logged = Signal(list)  # StoredFire, in order
    fires_saved_late = Signal(list)  # StoredFire: fires that had not been saved, now in the database
    unsaved_changed = Signal(int, str)  # how many fires wait to be saved, and why the last try failed
    problem = Signal(str)  # a sentence for the user
    _rules_read = Signal(object)  # list[AlertRule] as stored now (another process may have changed them)
    deliveries_read = Signal(object)  # dict: log id -> [Delivery]: how each fire's channels stand
    _logged = Signal(list)
    _failed = Signal(str, list)
    _late_logged = Signal(list)
    _late_failed = Signal(str, list)
    history_cleared = Signal()  # every logged fire deleted (after the fires announced before)
    _clear_failed = Signal(str)

    def __init__(
        self,
        engine: AlertEngine,
        repo: AlertRepository,
        writer: BackgroundWriter,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.book = AlertBook(repo, engine, writer.path)
        # Are the fires from replayed data? (set by the composition root: the feed controller knows)
        self.replaying: Callable[[], bool] = lambda: False
        self.engine = engine
        self.repo = repo
        self.writer = writer
        self.startup_problems: list[str] = []
        self._edits = 0  # this window's rule edits so far: a background read older than the last is dropped
        self.last_problem = ""  # what the last refused change was told (also emitted as `problem`)
        # Edit → Undo / Redo: rule edits here, watchlist edits by the window (one stack, one menu).
        self.undo_stack = QUndoStack(self)
        self._replaying = False
        self._logged.connect(self._announce)
        self._failed.connect(self._announce_unsaved)
        self._late_logged.connect(self._saved_late)
        self._late_failed.connect(self._still_unsaved)
        self._clear_failed.connect(lambda error: self.problem.emit(f"Could not clear the alert log: {error}"))
        # Fires the database refused (a full or read-only disk): kept, shown as not saved, retried.
        self.unsaved: list[AlertFire] = []
        self._retrying = False
        self._retry_timer = QTimer(self)
        self._retry_timer.setInterval(RETRY_UNSAVED_MS)
        self._retry_timer.timeout.connect(self.retry_unsaved)
        self._state_timer = QTimer(self)
        self._state_timer.setInterval(STATE_SAVE_MS)
        self._state_timer.timeout.connect(self.save_states)
        self._state_timer.start()
        self.load()
        # Only one process per database fires the rules: this window, or a monitor running beside it.
        self.role = EvaluatorRole(writer, repo, self)
        self.role.followed.connect(self.fires_logged.emit)
        self.role.role_changed.connect(self._role_changed)
        # Fires go on to the delivery channels from here too while the window evaluates (off this thread).
        self.deliveries = DeliveryWorker(writer.path, lambda: self.role.evaluating)
        self.deliveries.start()
        self.first_shown_fire: Callable[[], int | None] = lambda: None  # set by the panel showing the log
        # Rules changed by another process (`tickerdesk alerts`, a monitor turning off a `once` rule) and how
        # deliveries went show here within a second. SQLite's data_version says whether anything was
        # committed meanwhile (a counter in memory, no disk read): only then are they read, on the writer.
        self._rules_read.connect(self._adopt_rules)
        self._seen_version: int | None = None
        self._others_timer = QTimer(self)
        self._others_timer.setInterval(OTHERS_POLL_MS)
        self._others_timer.timeout.connect(self.poll_others)
        self._others_timer.start()

    # -- loading and saving rules ---------------------------------------------------------------

    def load(self) -> None:
        try:
            self.startup_problems = self.book.load()
        except StorageError as exc:
            self.startup_problems = [str(exc)]
        self.rules_changed.emit()

    @property
    def rules(self) -> list[AlertRule]:
        return self.book.rules

    def _change(self, change: Callable[[], object]) -> bool:
        """Run a book operation; a storage failure becomes a message and changes nothing."""
        self._edits += 1
        try:
            change()
        except (StorageError, BookError) as exc:
            # A refused rule is the user's to fix (said where they look); a storage failure is the log's too.
            log.log(
                logging.INFO if isinstance(exc, BookError) else logging.WARNING, "saving alert rules failed: %s", exc
            )
            reason = str(exc).rstrip()
            stop = "" if reason.endswith((".", "!", "?")) else "."  # a storage sentence ends itself; a rule's does not
            self.last_problem = f"Could not save the alert: {reason}{stop} Nothing was changed."
            self.problem.emit(self.last_problem)
            return False
        self.rules_changed.emit()
        return True

    def save_rule(self, rule: AlertRule, place: int | None = None) -> bool:
        """Add a rule (last, or at index `place`), or replace the rule with the same id (keeping its place);
        undoable."""
        before = self.book.rule(rule.id)
        if not self._change(lambda: self.book.save(rule, place)):
            return False
        if before is None:
            self.record(f"Add Alert {rule.id}", lambda: self.delete_rule(rule.id), lambda: self.save_rule(rule))
        else:
            self.record(f"Edit Alert {rule.id}", lambda: self.save_rule(before), lambda: self.save_rule(rule))
        return True

    def delete_rule(self, rule_id: str) -> bool:
        rule = self.book.rule(rule_id)
        place = next((k for k, r in enumerate(self.book.rules) if r.id == rule_id), None)
        if rule is None or not self._change(lambda: self.book.remove([rule_id])):
            return False
        self.record(f"Delete Alert {rule_id}", lambda: self.save_rule(rule, place), lambda: self.delete_rule(rule_id))
        return True

    def set_enabled(self, rule_id: str, enabled: bool) -> bool:
        if self.book.rule(rule_id) is None or not self._change(lambda: self.book.set_enabled(rule_id, enabled)):
            return False
        what = f"{'Enable' if enabled else 'Disable'} Alert {rule_id}"
        self.record(what, lambda: self.set_enabled(rule_id, not enabled), lambda: self.set_enabled(rule_id, enabled))
        return True

    def record(self, text: str, undo: Callable[[], bool], redo: Callable[[], bool]) -> None:
        """Put a saved edit on Edit → Undo (not while an undo or redo is itself replaying edits)."""
        if self._replaying:
            return

        def quietly(step: Callable[[], bool]) -> Callable[[], bool]:
            def run() -> bool:
                self._replaying = True
                try:
                    return step()
                finally:
                    self._replaying = False

            return run

        self.undo_stack.push(DoneEdit(text, quietly(undo), quietly(redo)))

    def import_rules(self, incoming: list[AlertRule]) -> int:
        """Add or update rules read from a file, all or none; undoable (the rules it replaced come back)."""
        replaced = {r.id: r for r in self.book.rules if any(r.id == i.id for i in incoming)} if incoming else {}
        counts: list[int] = []
        if not self._change(lambda: counts.append(self.book.import_rules(incoming)[0])):
            return 0
        added = [r.id for r in incoming if r.id not in replaced]

        def undo() -> bool:
            ok = self._change(lambda: self.book.remove(added)) if added else True
            return ok and (not replaced or self._change(lambda: self.book.import_rules(list(replaced.values()))))

        self.record(f"Import {len(incoming)} Alerts", undo, lambda: self.import_rules(incoming) > 0)
        return counts[0] if counts else 0

    def channel_names(self) -> set[str] | None:
        """The channels set up (None when the database cannot say: nothing is then said about them)."""
        try:
            return self.book.channel_names()
        except StorageError:
            return None

    # -- fires ----------------------------------------------------------------------------------

    def _role_changed(self, evaluating: bool, _holder: str) -> None:
        if evaluating:  # taking over: carry on from the rules and states the other process left
            self.load()
        self.problem.emit(self.role.describe())

    def record_fires(self, fires: list[AlertFire]) -> None:
        """Called on the GUI thread after a flush: hand the fires to the writer; announce when saved.
        While another process holds the evaluator lease, it logs these fires: the window shows its log."""
        if not self.role.evaluating:
            return
        states = {f.rule_id: replace(self.engine.state(f.rule_id) or RuleState()) for f in fires}
        disabled = [r for r in self.engine.rules if not r.enabled and any(f.rule_id == r.id for f in fires)]
        if disabled:
            self.rules_changed.emit()

        replayed = self.replaying()

        rules = self.engine.rules

        def job(conn: Connection) -> list[StoredFire]:
            route = routes(rules, ChannelRepository(conn).channels())
            rows = AlertRepository(conn).log_fires_marking_new(fires, states, disabled, replayed, route)
            return [StoredFire(i, f, replayed) for (i, _new), f in zip(rows, fires, strict=True)]

        self.writer.submit(job, self._logged.emit, lambda exc: self._failed.emit(str(exc), fires))

    def poll_others(self) -> None:
        """Once a second: when the database changed since the last look, read rules and deliveries again."""
        try:
            version = self.repo.data_version()
        except StorageError:
            return
        if version == self._seen_version:
            return
        self._seen_version = version
        self.read_rules()
        self.read_deliveries()

    def read_rules(self) -> None:
        edits = self._edits
        self.writer.submit(lambda conn: (edits, AlertRepository(conn).rules()[0]), self._rules_read.emit)

    def _adopt_rules(self, read: tuple[int, list[AlertRule]]) -> None:
        edits, stored = read
        if edits != self._edits or stored == self.engine.rules:
            return  # read before one of this window's own edits: the next read will have it
        self.engine.set_rules(stored)  # a rule whose measure did not change keeps its state
        self.rules_changed.emit()

    def read_deliveries(self) -> None:
        """Read, in the background, how the shown fires' deliveries stand (for the fired log)."""
        first = self.first_shown_fire()
        if first is None:
            return
        self.writer.submit(lambda conn: ChannelRepository(conn).deliveries_from(first), self.deliveries_read.emit)

    def _announce(self, stored: list[StoredFire]) -> None:
        self.role.saw(stored)
        self.deliveries.wake()
        self.fires_logged.emit(stored)

    def _announce_unsaved(self, error: str, fires: list[AlertFire]) -> None:
        self.unsaved.extend(fires)
        self.fires_logged.emit([StoredFire(UNSAVED, f) for f in fires])
        self._retry_timer.start()
        self.unsaved_changed.emit(len(self.unsaved), error)
        self.problem.emit(f"Alert fired but could not be saved to the log: {error}")

    def retry_unsaved(self) -> None:
        """Try again to save the fires the database refused (every RETRY_UNSAVED_MS, or when asked)."""
        if not self.unsaved or self._retrying:
            return
        fires = list(self.unsaved)
        self._retrying = True

        replayed = self.replaying()

        def job(conn: Connection) -> list[StoredFire]:
            ids = AlertRepository(conn).log_fires(fires, {}, [], replayed)
            return [StoredFire(i, f, replayed) for i, f in zip(ids, fires, strict=True)]

        self.writer.submit(job, self._late_logged.emit, lambda exc: self._late_failed.emit(str(exc), fires))

    def dismiss_unsaved(self) -> None:
        """The user lets the unsaved fires go: they leave the log's "not saved" state, unsaved."""
        self.unsaved.clear()
        self._retry_timer.stop()
        self.unsaved_changed.emit(0, "")

    def _saved_late(self, stored: list[StoredFire]) -> None:
        self._retrying = False
        saved = {id(s.fire) for s in stored}
        self.unsaved = [f for f in self.unsaved if id(f) not in saved]
        if not self.unsaved:
            self._retry_timer.stop()
        self.fires_saved_late.emit(stored)
        self.unsaved_changed.emit(len(self.unsaved), "")

    def _still_unsaved(self, error: str, fires: list[AlertFire]) -> None:
        self._retrying = False
        self.unsaved_changed.emit(len(self.unsaved), error)

    def history(self, limit: int) -> list[StoredFire]:
        """The newest `limit` logged fires, oldest first."""
        return self.repo.fires(limit)

    def clear_history(self) -> None:
        """Delete every logged fire, on the writer (500,000 fires take 0.2 s); `history_cleared` once done.
        The writer runs its jobs in order, so fires saved before the clear are announced before it, and
        the log shown empties after them."""
        self.writer.submit(
            lambda conn: AlertRepository(conn).clear_fires(),
            lambda _count: self.history_cleared.emit(),
            lambda exc: self._clear_failed.emit(str(exc)),
        )

    # -- state ----------------------------------------------------------------------------------

    def save_states(self) -> None:
        """Persist every rule's state (prev value, last fire) in the background (only while this window
        evaluates: the other process's saved states are its own)."""
        if not self.role.evaluating:
            return
        states = {r.id: replace(s) for r in self.engine.rules if (s := self.engine.state(r.id)) is not None}
        if states:
            self.writer.submit(lambda conn: AlertRepository(conn).save_states(states))

    def shutdown(self) -> None:
        self._state_timer.stop()
        self._others_timer.stop()
        self.save_states()
        self.role.release()
        self.deliveries.stop(timeout=0)  # a post in flight is not waited for: its delivery stays pending
        self.writer.wait_idle(5)
        self.writer.close()

    def is_cooling(self, rule: AlertRule, now: float | None) -> bool:
        state = self.engine.state(rule.id)
        return bool(
            rule.cooldown and state and state.last_fire is not None and now is not None
            and now - state.last_fire < rule.cooldown
        )  # fmt: skip
