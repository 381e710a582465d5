"""Table models for the Alerts panel: the rules with their live state, and the fired-alerts log."""

from __future__ import annotations

import csv
import enum
import io
import json
import time
from bisect import bisect_left
from collections.abc import Set as AbstractSet
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush

from desktop.core.alerts.conditions import holds
from desktop.core.alerts.engine import AlertFire
from desktop.core.alerts.rules import AlertRule, AlertType, Condition, Quadrant
from desktop.core.formatting import DASH, compact_date, moment_iso, symbol_decimals, symbol_price
from desktop.core.safe_files import spreadsheet_safe
from desktop.core.sessions import session_date, to_new_york
from desktop.storage.alerts import StoredFire
from desktop.storage.channels import Delivery
from desktop.ui import item_roles
from desktop.ui.alerts_controller import UNSAVED, AlertsController
from desktop.ui.look_delegate import CellLook
from desktop.ui.theme import LIGHT, Colors

RULE_ID_ROLE = Qt.ItemDataRole.UserRole + 10
DISMISSED = -2  # a fire the database refused and the user let go
SORT_ROLE = Qt.ItemDataRole.UserRole + 11
Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def format_measure(rule: AlertRule, value: float | None, signed: bool = False) -> str:
    """A rule's measure in its own unit: a price, a percent, spread points or a ratio."""
    if value is None:
        return DASH
    sign = "+" if signed else ""
    if rule.type is AlertType.PRICE:  # as the table shows the price; a distance in the level's decimals
        return f"{value:{sign},.{symbol_decimals(rule.symbol or '', rule.level if signed else value)}f}"
    if rule.type is AlertType.CHANGE:
        return f"{value:{sign}.2f}%"
    if rule.type is AlertType.SPREAD:
        return f"{value:{sign}.2f} pts"
    if rule.type is AlertType.TREND:
        return f"{value:+.2f}%"  # above or below its average: the sign is the point
    if rule.type is AlertType.ZSCORE:
        return f"{value:+.2f} sd"
    if rule.type is AlertType.QUADRANT:
        return DASH if signed else Quadrant.of_code(value).value  # a quadrant has no distance to a level
    return f"{value:{sign}.4f}"


def format_level(rule: AlertRule) -> str:
    """A rule's level in its measure's unit, '±' before it for a move either way: '175.00', '±5.00%'."""
    either_way = "±" if rule.condition is Condition.OUTSIDE else ""
    return f"{either_way}{format_measure(rule, rule.level)}"


def to_trigger(rule: AlertRule, value: float) -> float:
    """How far the value has to go to reach the level: for `outside`, the edge on the value's side of 0."""
    if rule.condition is Condition.OUTSIDE and value < 0:
        return -rule.level - value
    return rule.level - value


def fire_time_text(fire: AlertFire) -> str:
    if fire.daily:
        return session_date(fire.time).isoformat()
    moment = to_new_york(fire.time)
    return moment.strftime("%Y-%m-%d %H:%M:%S" if moment.second else "%Y-%m-%d %H:%M")  # bars have no seconds


class RuleStatus(enum.Enum):
    ARMED = "armed"
    COOLING = "cooling"  # (the states are short: they stay whole in a narrow panel's State column)
    FIRED = "fired"
    DISABLED = "disabled"
    EXPIRED = "expired"
    WAITING = "no data"


class RuleColumn(enum.IntEnum):
    ON = 0
    RULE = 1
    VALUE = 2
    DISTANCE = 3
    STATE = 4
    FIRES = 5
    LAST = 6


RULE_HEADERS = ["On", "Rule", "Value", "To trigger", "State", "Fires", "Last fired"]
# What quotes and fires change (the state's colour goes with its text), and what the clock alone does.
LIVE_COLUMNS = (RuleColumn.VALUE, RuleColumn.DISTANCE, RuleColumn.STATE, RuleColumn.FIRES, RuleColumn.LAST)
_RIGHT_COLUMNS = (RuleColumn.VALUE, RuleColumn.DISTANCE, RuleColumn.FIRES)
_RIGHT_FLAG = Qt.AlignmentFlag(_RIGHT)
CLOCK_COLUMNS = (RuleColumn.STATE, RuleColumn.LAST)  # a cooldown ending, an expiry; "yesterday" at midnight
# Up to this many rules to refresh, their cells are compared (~10 us each) and only the changed repainted.
COMPARE_UP_TO = 200


class AlertRulesModel(QAbstractTableModel):
    """One row per rule, in rule order; the enabled box is editable, the rest reads the engine."""

    def __init__(self, controller: AlertsController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.colors: Colors = LIGHT
        self._rules: list[AlertRule] = controller.rules
        self._painted: dict[str, dict[int, object]] = {}  # rule id -> live column -> the text last announced
        controller.rules_changed.connect(self.reload)

    def reload(self) -> None:
        self.beginResetModel()
        self._rules = self.controller.rules
        self._painted.clear()
        self.endResetModel()

    def rule_at(self, row: int) -> AlertRule | None:
        return self._rules[row] if 0 <= row < len(self._rules) else None

    def row_of(self, rule_id: str) -> int | None:
        return next((k for k, r in enumerate(self._rules) if r.id == rule_id), None)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rules)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(RuleColumn)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(RULE_HEADERS)
        ):
            return RULE_HEADERS[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if index.isValid() and index.column() == RuleColumn.ON:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        return base

    def state_of(self, rule: AlertRule) -> RuleStatus:
        engine = self.controller.engine
        now = engine.newest
        if rule.expires is not None and now is not None and now >= rule.expires:
            return RuleStatus.EXPIRED
        if not rule.enabled:
            return RuleStatus.DISABLED
        if self.controller.is_cooling(rule, now):
            return RuleStatus.COOLING
        state = engine.state(rule.id)
        if state is None or state.prev is None:
            return RuleStatus.WAITING if engine.value(rule) is None else RuleStatus.ARMED
        holding = holds(rule.condition, state.prev, rule.level)
        return RuleStatus.FIRED if holding and state.last_fire is not None else RuleStatus.ARMED

    def data(self, index: Index, role: int = item_roles.DISPLAY) -> Any:
        rule = self.rule_at(index.row()) if index.isValid() else None
        if rule is None:
            return None
        column = RuleColumn(index.column())
        if role == RULE_ID_ROLE:
            return rule.id
        if role == item_roles.CHECK_STATE and column == RuleColumn.ON:
            return Qt.CheckState.Checked if rule.enabled else Qt.CheckState.Unchecked
        if role == item_roles.TOOLTIP:
            return f"{rule.id}: {rule.describe()}{rule.how_often()}"
        if role == item_roles.ALIGNMENT and column in _RIGHT_COLUMNS:
            return _RIGHT
        if role == item_roles.FOREGROUND and column == RuleColumn.STATE:
            state = self.state_of(rule)
            if state in (RuleStatus.FIRED, RuleStatus.COOLING):
                return QBrush(self.colors.replay)
            return None
        if role != item_roles.DISPLAY:
            return None
        engine = self.controller.engine
        value = engine.value(rule) if column in (RuleColumn.VALUE, RuleColumn.DISTANCE) else None
        if column == RuleColumn.ON:
            return ""
        if column == RuleColumn.RULE:
            return rule.title
        if column == RuleColumn.VALUE:
            return format_measure(rule, value)
        if column == RuleColumn.DISTANCE:
            return DASH if value is None else format_measure(rule, to_trigger(rule, value), signed=True)
        if column == RuleColumn.STATE:
            return self.state_of(rule).value
        saved = engine.state(rule.id)
        if column == RuleColumn.FIRES:
            return str(saved.fires if saved else 0)
        if saved is None or saved.last_fire is None:
            return DASH
        moment = to_new_york(saved.last_fire)
        return f"{compact_date(moment.date(), to_new_york(time.time()).date())} {moment:%H:%M}"  # full in the log

    def look(self, row: int, column: int) -> CellLook | None:
        """A painted cell's text, alignment and colour in one call (see `ui/look_delegate.py`); None for the
        enabled box (a check state, left to data()) and out of range."""
        if column == RuleColumn.ON or not 0 <= column < len(RuleColumn) or self.rule_at(row) is None:
            return None
        cell = self.createIndex(row, column)
        alignment = _RIGHT_FLAG if column in _RIGHT_COLUMNS else None
        return self.data(cell), alignment, self.data(cell, item_roles.FOREGROUND), None, None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        rule = self.rule_at(index.row()) if index.isValid() else None
        if rule is None or index.column() != RuleColumn.ON or role != Qt.ItemDataRole.CheckStateRole:
            return False
        enabled = Qt.CheckState(value) == Qt.CheckState.Checked
        return self.controller.set_enabled(rule.id, enabled)

    def refresh_values(self, symbols: AbstractSet[str] | None = None) -> None:
        """Repaint the live cells whose text changed: of the rules over `symbols` (quotes came for them), or
        the clock's columns of every rule (None). Cell by cell, as a range's dataChanged repaints a pixel
        into the next row and column; with many rules the view repaints the visible rows instead of the
        model comparing them all."""
        rules = self._rules
        columns = CLOCK_COLUMNS if symbols is None else LIVE_COLUMNS
        rows = (
            range(len(rules))
            if symbols is None
            else [k for k, r in enumerate(rules) if not symbols.isdisjoint(r.symbols)]
        )
        roles = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole]
        if len(rows) > COMPARE_UP_TO:
            self._painted.clear()
            self.dataChanged.emit(self.index(0, LIVE_COLUMNS[0]), self.index(len(rules) - 1, LIVE_COLUMNS[-1]), roles)
            return
        for row in rows:
            painted = self._painted.setdefault(rules[row].id, {})
            for column in columns:
                cell = self.createIndex(row, column)
                text = self.data(cell)
                if painted.get(column) != text:
                    painted[column] = text
                    self.dataChanged.emit(cell, cell, roles)


class LogColumn(enum.IntEnum):
    TIME = 0
    RULE = 1
    VALUE = 2
    LEVEL = 3
    INPUTS = 4
    DELIVERY = 5


_TIME, _VALUE, _LEVEL = int(LogColumn.TIME), int(LogColumn.VALUE), int(LogColumn.LEVEL)
LOG_HEADERS = ["Time", "Rule", "Value", "Level", "Prices", "Delivered"]
DELIVERY_MARKS = {"sent": "✓", "pending": "…", "retrying": "⟳", "failed": "✗"}


def delivery_text(deliveries: list[Delivery]) -> str:
    """'ops ✓  mail ⟳': each channel and how its delivery stands."""
    return "  ".join(f"{d.channel} {DELIVERY_MARKS.get(d.state, d.state)}" for d in deliveries)


def delivery_tip(deliveries: list[Delivery]) -> str:
    lines = []
    for d in deliveries:
        tries = f", {d.attempts} tr{'y' if d.attempts == 1 else 'ies'}" if d.attempts else ""
        lines.append(f"{d.channel}: {d.state}{tries}{f' ({d.reason})' if d.reason else ''}")
    return "\n".join(lines)


class FiredAlertsModel(QAbstractTableModel):
    """The fired-alerts log, newest first (by the fire's time; the later logged first among equal times);
    bounded so a long session cannot grow it without end.

    It keeps that order itself, so the view shows it without a sort: a proxy sorting 5,000 rows asks
    Python for about 300,000 values, at every start with a full log; it sorts only on a header click."""

    MAX_ROWS = 5000

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[StoredFire] = []
        self.deliveries: dict[int, list[Delivery]] = {}  # by log id: how each channel's delivery stands
        self.colors: Colors = LIGHT

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(LogColumn)

    def first_logged_id(self) -> int | None:
        ids = [r.id for r in self._rows if r.id >= 0]
        return min(ids) if ids else None

    def set_deliveries(self, deliveries: dict[int, list[Delivery]]) -> None:
        """New delivery states (read in the background): only the Delivered cells that changed repaint."""
        changed = [row for row, r in enumerate(self._rows) if deliveries.get(r.id) != self.deliveries.get(r.id)]
        self.deliveries = deliveries
        for row in changed:
            cell = self.index(row, LogColumn.DELIVERY)
            self.dataChanged.emit(cell, cell)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(LOG_HEADERS)
        ):
            return LOG_HEADERS[section]
        return None

    def data(self, index: Index, role: int = item_roles.DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        fire = self._rows[index.row()].fire
        if role == SORT_ROLE:  # asked twice per comparison when the log sorts: plain numbers where they can be
            at = index.column()
            if at == _TIME:
                return fire.time
            if at == _VALUE:
                return fire.value
            if at == _LEVEL:
                return fire.level
            return self.data(index)
        column = LogColumn(index.column())
        if role == RULE_ID_ROLE:
            return fire.rule_id
        if role == item_roles.ALIGNMENT and column in (LogColumn.VALUE, LogColumn.LEVEL):
            return _RIGHT
        stored = self._rows[index.row()]
        stored_id = stored.id
        if column == LogColumn.DELIVERY and role in (item_roles.DISPLAY, item_roles.TOOLTIP):
            sent = self.deliveries.get(stored_id, [])
            return delivery_text(sent) if role == item_roles.DISPLAY else delivery_tip(sent) or None
        if role == item_roles.TOOLTIP:
            if stored_id == UNSAVED:
                return f"{fire.rule_id}: {fire.title}\nNot saved to the log yet: retried until the database takes it"
            if stored_id == DISMISSED:
                return f"{fire.rule_id}: {fire.title}\nNot saved (dismissed)"
            if stored.replayed:
                return f"{fire.rule_id}: {fire.title}\nFound on replayed data, not on live quotes"
            return f"{fire.rule_id}: {fire.title}"
        if role == item_roles.FOREGROUND and stored_id in (UNSAVED, DISMISSED):
            return QBrush(self.colors.error_text)
        if role != item_roles.DISPLAY:
            return None
        if column == LogColumn.TIME:
            mark = {UNSAVED: "⚠ not saved · ", DISMISSED: "not saved · "}.get(stored_id, "")
            return mark + fire_time_text(fire) + (" · replay" if stored.replayed else "")
        if column == LogColumn.RULE:
            return fire.title
        if column == LogColumn.VALUE:
            return fire.value_text
        if column == LogColumn.LEVEL:
            return fire.level_text
        if column == LogColumn.DELIVERY:
            return ""
        return "  ".join(symbol_price(s, p) for s, p in fire.inputs)

    def set_rows(self, rows: list[StoredFire]) -> None:
        """The log's rows, given oldest first (as the database returns them)."""
        self.beginResetModel()
        self._rows = rows[-self.MAX_ROWS :][::-1]
        self.endResetModel()

    def mark_saved(self, stored: list[StoredFire]) -> None:
        """Rows shown as not saved whose fires are now in the database take their log ids."""
        by_fire = {id(s.fire): s for s in stored}
        for row, current in enumerate(self._rows):
            saved = by_fire.get(id(current.fire))
            if saved is not None and current.id in (UNSAVED, DISMISSED):
                self._rows[row] = saved
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(LogColumn) - 1))

    def dismiss_unsaved(self) -> None:
        for row, current in enumerate(self._rows):
            if current.id == UNSAVED:
                self._rows[row] = StoredFire(DISMISSED, current.fire)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(LogColumn) - 1))

    def unsaved_rows(self) -> int:
        return sum(1 for r in self._rows if r.id == UNSAVED)

    def append(self, rows: list[StoredFire]) -> None:
        # A fire logged before (the same replay played again) has its earlier row's id: shown once.
        known = {r.id for r in self._rows if r.id >= 0}
        rows = [r for r in rows if r.id < 0 or r.id not in known]
        if not rows:
            return
        rows = rows[-self.MAX_ROWS :]
        overflow = len(self._rows) + len(rows) - self.MAX_ROWS
        if overflow > 0:  # the oldest go (a replay played again may bring older ones: those go first)
            keep = len(self._rows) - min(overflow, len(self._rows))
            self.beginRemoveRows(QModelIndex(), keep, len(self._rows) - 1)
            del self._rows[keep:]
            self.endRemoveRows()
        if all(not self._rows or r.fire.time >= self._rows[0].fire.time for r in rows):  # the usual: all newest
            self.beginInsertRows(QModelIndex(), 0, len(rows) - 1)
            self._rows[:0] = rows[::-1]
            self.endInsertRows()
            return
        for row in rows:  # above the first row no newer than it (the rows run newest first)
            at = bisect_left(self._rows, -row.fire.time, key=lambda r: -r.fire.time)
            self.beginInsertRows(QModelIndex(), at, at)
            self._rows.insert(at, row)
            self.endInsertRows()

    def clear(self) -> None:
        self.set_rows([])

    def fires(self) -> list[AlertFire]:
        """The log's fires, oldest first."""
        return [r.fire for r in reversed(self._rows)]

    def csv_text(self, rows: list[int] | None = None) -> tuple[str, int]:
        """The log (or the given rows), oldest first, as CSV (time, rule id, rule, value, level, condition,
        prices), and how many fires it holds."""
        chosen = [self._rows[r] for r in sorted(rows if rows is not None else range(len(self._rows)), reverse=True)]
        text = io.StringIO(newline="")
        out = csv.writer(text)
        out.writerow(["time", "rule_id", "rule", "value", "level", "condition", "prices"])
        for stored in chosen:
            f = stored.fire
            iso = moment_iso(f.time, f.daily)
            # Rule names and ids are the user's (or an imported file's) text: never a formula in a spreadsheet.
            out.writerow([iso, spreadsheet_safe(f.rule_id), spreadsheet_safe(f.title), f.value, f.level_text,
                          f.condition.value, json.dumps(dict(f.inputs))])  # fmt: skip
        return text.getvalue(), len(chosen)
