"""The window's side of the evaluator lease: evaluate the rules, or follow the fires another process logs.

Only the lease's holder fires rules (see storage.lease). While the monitor holds it, the window's engine
still computes every rule's value for the table, but its fires are not logged or announced; instead the
fires the monitor logs are read back every second and shown as they happen. When the holder stops or
dies, the window takes over at its next renewal. All database work runs on the background writer.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from desktop import logs
from desktop.storage import lease
from desktop.storage.alerts import AlertRepository, StoredFire
from desktop.storage.database import Connection, StorageError
from desktop.storage.writer import BackgroundWriter

log = logs.alerts

FOLLOW_MS = 1000


class EvaluatorRole(QObject):
    role_changed = Signal(bool, str)  # evaluating?, and who does when not ("the monitor")
    followed = Signal(list)  # StoredFire logged by the process that evaluates, in log order
    _renewed = Signal(object)  # (evaluating, holder role or "")
    _read = Signal(list)

    def __init__(self, writer: BackgroundWriter, repo: AlertRepository, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.writer = writer
        self.me = lease.new_holder_id("window")
        self.holder = ""
        self.last_seen = 0  # the newest fire row this window has shown (its own or followed)
        try:  # at start, on this thread, like the rules themselves: the first flush must know its role
            self.evaluating = lease.acquire(repo.connection, self.me, "window")
            self.last_seen = repo.last_fire_id()
            if not self.evaluating:
                held = lease.current_holder(repo.connection)
                self.holder = held.role if held else ""
        except StorageError as exc:
            log.warning("evaluator lease unavailable (%s): the window evaluates the rules itself", exc)
            self.evaluating = True
        self._renewed.connect(self._apply_role)
        self._read.connect(self._show_followed)
        self._reading = False
        self._renew_timer = QTimer(self)
        self._renew_timer.setInterval(int(lease.RENEW_S * 1000))
        self._renew_timer.timeout.connect(self.renew)
        self._renew_timer.start()
        self._follow_timer = QTimer(self)
        self._follow_timer.setInterval(FOLLOW_MS)
        self._follow_timer.timeout.connect(self.follow)
        if not self.evaluating:
            self._follow_timer.start()

    def describe(self) -> str:
        if self.evaluating:
            return "This window evaluates the alert rules"
        return f"Alerts are evaluated by the {self.holder or 'other process'}: its fires show here as it logs them"

    def saw(self, stored: list[StoredFire]) -> None:
        """Fires this window logged itself: never shown again as followed."""
        self.last_seen = max([self.last_seen, *(s.id for s in stored)])

    def renew(self) -> None:
        me = self.me

        def job(conn: Connection) -> tuple[bool, str]:
            if lease.acquire(conn, me, "window"):
                return True, ""
            held = lease.current_holder(conn)
            return False, held.role if held else ""

        self.writer.submit(job, self._renewed.emit)

    def _apply_role(self, result: tuple[bool, str]) -> None:
        evaluating, holder = result
        changed = evaluating != self.evaluating
        self.evaluating, self.holder = evaluating, holder
        if evaluating:
            self._follow_timer.stop()
        elif not self._follow_timer.isActive():
            self._follow_timer.start()
        if changed:
            log.info("%s", self.describe())
            self.role_changed.emit(evaluating, holder)

    def follow(self) -> None:
        if self.evaluating or self._reading:
            return
        self._reading = True
        after = self.last_seen
        self.writer.submit(
            lambda conn: AlertRepository(conn).fires_after(after), self._read.emit, lambda _exc: self._read.emit([])
        )

    def _show_followed(self, stored: list[StoredFire]) -> None:
        self._reading = False
        fresh = [s for s in stored if s.id > self.last_seen]
        if fresh:
            self.last_seen = fresh[-1].id
            self.followed.emit(fresh)

    def release(self) -> None:
        """Let go at close (on the writer, before it stops), so a monitor takes over at once."""
        self._renew_timer.stop()
        self._follow_timer.stop()
        if self.evaluating:
            me = self.me
            self.writer.submit(lambda conn: lease.release(conn, me))
