"""Alert rules drawn as horizontal levels on a chart: drag one to move its rule, right-click to add one.

Shared by the price chart (price rules on the shown symbol) and the spread chart (rules on the shown pair
and measure). The chart says which rules it shows, how a level is written, and how a level maps to its y
(a log or percent price scale draws a level somewhere other than at its own value). A new level shows
while it is dragged and is saved when the mouse is released.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QObject, QPointF, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QWidget

from desktop.core.alerts.rules import AlertRule, Condition
from desktop.ui.alerts_controller import AlertsController
from desktop.ui.theme import LIGHT, Colors


def identity(value: float) -> float:
    return value


class AlertLevels(QObject):
    """Keeps one draggable line per matching rule on `plot`, and offers "Alert when … crosses here"."""

    def __init__(
        self,
        plot: pg.PlotItem,
        alerts: AlertsController | None,
        *,
        matches: Callable[[AlertRule], bool],
        new_rule: Callable[[Condition, float], AlertRule | None],
        describe: Callable[[float], str],
        snap: Callable[[float], float],
        what: str,
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.plot = plot
        self.alerts = alerts
        self.matches = matches
        self.new_rule = new_rule
        self.describe = describe
        # A level placed with the mouse, to the digits `describe` shows: the saved level is the one shown.
        self.snap = snap
        self.what = what  # "price", "this": the menu reads "Alert When Price Crosses 175.00"
        self.to_y: Callable[[float], float] = identity
        self.from_y: Callable[[float], float] = identity
        self.colors: Colors = LIGHT
        self.lines: dict[str, pg.InfiniteLine] = {}
        self.mirrors: dict[str, pg.InfiniteLine] = {}  # an `outside` rule's other edge, at minus its level
        self.current: float | None = None  # the measure now: a new rule crosses away from it
        self._menu_value: float | None = None
        self._widget = parent
        self.add_action = QAction(f"Alert When {what.capitalize()} Crosses Here", parent)
        self.add_action.triggered.connect(lambda: self.add_at(self._menu_value))
        plot.scene().sigMouseClicked.connect(self._clicked)
        if alerts is not None:  # a headless export draws the chart alone
            alerts.rules_changed.connect(self.sync)

    def set_mapping(self, to_y: Callable[[float], float], from_y: Callable[[float], float]) -> None:
        self.to_y, self.from_y = to_y, from_y
        for line in self.lines.values():
            line.setValue(to_y(line.level))
        for rule_id, mirror in self.mirrors.items():
            mirror.setValue(to_y(-self.lines[rule_id].level))

    def sync(self) -> None:
        """One line per rule the chart shows, enabled or not (dotted when off); the others removed."""
        rules = self.alerts.rules if self.alerts is not None else []
        wanted = {r.id: r for r in rules if self.matches(r)}
        for rule_id in [k for k in self.lines if k not in wanted]:
            self.plot.removeItem(self.lines.pop(rule_id))
        for rule_id, rule in wanted.items():
            line = self.lines.get(rule_id)
            if line is None:
                line = self.lines[rule_id] = self._level_line(movable=True, label_above=True)
                line.sigDragged.connect(self._dragging)
                line.sigPositionChangeFinished.connect(self._dropped)
                line.rule_id = rule_id
            if not line.moving:
                line.level = rule.level
                line.setValue(self.to_y(rule.level))
            style = Qt.PenStyle.SolidLine if rule.enabled else Qt.PenStyle.DotLine
            line.setPen(pg.mkPen(self.colors.marker, width=2, style=style))
            line.setHoverPen(pg.mkPen(self.colors.marker, width=4))
            line.label.setText(f"{rule.title}: {self.describe(rule.level)}")
            line.label.setColor(self.colors.chart_foreground)
        self._sync_mirrors(wanted)

    def _sync_mirrors(self, wanted: dict[str, AlertRule]) -> None:
        """A second line at −level for each `outside` rule (fires beyond the level either way): it follows
        the rule's own line, which is the one to drag."""
        either_way = {rule_id: rule for rule_id, rule in wanted.items() if rule.condition is Condition.OUTSIDE}
        for rule_id in [k for k in self.mirrors if k not in either_way]:
            self.plot.removeItem(self.mirrors.pop(rule_id))
        for rule_id, rule in either_way.items():
            mirror = self.mirrors.get(rule_id)
            if mirror is None:
                mirror = self.mirrors[rule_id] = self._level_line(movable=False, label_above=False)
            level = self.lines[rule_id].level
            mirror.setValue(self.to_y(-level))
            mirror.setPen(self.lines[rule_id].pen)
            mirror.label.setText(f"{rule.title}: {self.describe(-level)}")
            mirror.label.setColor(self.colors.chart_foreground)

    def _level_line(self, movable: bool, label_above: bool) -> pg.InfiniteLine:
        """A horizontal line on the plot, above the data, its label at the left end (over or under it)."""
        anchor = (0, 1) if label_above else (0, 0)
        line = pg.InfiniteLine(
            angle=0, movable=movable, label="", labelOpts={"position": 0.01, "anchors": [anchor, anchor]}
        )
        line.setZValue(5)
        self.plot.addItem(line, ignoreBounds=True)
        return line

    def levels(self) -> dict[str, float]:
        return {rule_id: float(line.level) for rule_id, line in self.lines.items()}

    def _dragging(self, line: pg.InfiniteLine) -> None:
        assert self.alerts is not None
        rule = self.alerts.engine.rule(line.rule_id)
        if rule is not None:
            level = self.from_y(float(line.value()))
            line.label.setText(f"{rule.title}: {self.describe(level)} (release to save)")
            if (mirror := self.mirrors.get(rule.id)) is not None:
                mirror.setValue(self.to_y(-level))

    def _dropped(self, line: pg.InfiniteLine) -> None:
        assert self.alerts is not None
        rule = self.alerts.engine.rule(line.rule_id)
        if rule is None:
            return
        level = self.snap(self.from_y(float(line.value())))
        if rule.condition is Condition.OUTSIDE:  # either edge stands for the distance from 0
            level = abs(level)
            line.setValue(self.to_y(level))
        if level != rule.level:
            line.level = level
            if not self.alerts.save_rule(rule.with_changes(level=level)):  # refused (said by the controller)
                line.level = rule.level
                line.setValue(self.to_y(rule.level))
                line.label.setText(f"{rule.title}: {self.describe(rule.level)}")
        if (mirror := self.mirrors.get(rule.id)) is not None:
            mirror.setValue(self.to_y(-line.level))

    def add_at(self, level: float | None) -> AlertRule | None:
        """A new rule at `level`, crossing in the direction away from the value now."""
        if level is None or self.alerts is None:
            return None
        below = self.current is not None and level < self.current
        rule = self.new_rule(Condition.CROSSES_BELOW if below else Condition.CROSSES_ABOVE, self.snap(level))
        return rule if rule is not None and self.alerts.save_rule(rule) else None

    def _clicked(self, event: Any) -> None:
        if event.button() != Qt.MouseButton.RightButton or self.alerts is None:
            return
        pos: QPointF = event.scenePos()
        if not self.plot.sceneBoundingRect().contains(pos):
            return
        self._menu_value = self.from_y(float(self.plot.getViewBox().mapSceneToView(pos).y()))
        self.add_action.setText(f"Alert When {self.what.capitalize()} Crosses {self.describe(self._menu_value)}")
        menu = QMenu(self._widget)
        menu.addAction(self.add_action)
        menu.popup(event.screenPos().toPoint())
        event.accept()
