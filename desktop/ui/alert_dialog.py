"""The add / edit alert dialog: one form per rule type, checked as you type, showing the live value."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from desktop.core.alerts.durations import format_duration
from desktop.core.alerts.engine import AlertEngine
from desktop.core.alerts.rules import (
    DEFAULT_BENCHMARK,
    DEFAULT_LOOKBACK,
    DEFAULT_MA,
    DEFAULT_MOMENTUM,
    MAX_LEVEL,
    MAX_NAME,
    POSITIVE_LEVELS,
    AlertRule,
    AlertType,
    Condition,
    Quadrant,
    RuleError,
    new_rule_id,
    rule_from_dict,
)
from desktop.core.formatting import decimals_of, symbol_decimals
from desktop.core.symbol_lists import typed_symbol
from desktop.services.alert_book import channels_note
from desktop.ui.alert_models import format_level, format_measure
from desktop.ui.form_names import name_fields_by_labels
from desktop.ui.plain_numbers import DecimalSpinBox, plain_numbers

CONDITION_LABELS = {
    Condition.CROSSES_ABOVE: "crosses above",
    Condition.CROSSES_BELOW: "crosses below",
    Condition.CROSSES: "crosses either way",
    Condition.ABOVE: "is above (fires when it becomes true)",
    Condition.BELOW: "is below (fires when it becomes true)",
    Condition.OUTSIDE: "moves beyond ± either way (fires when it becomes true)",
}
TYPE_LABELS = {
    AlertType.PRICE: "Price",
    AlertType.CHANGE: "Change % on the day",
    AlertType.SPREAD: "Return spread (A − B)",
    AlertType.RATIO: "Ratio (A / B)",
    AlertType.TREND: "Trend: price or A / B against its moving average",
    AlertType.ZSCORE: "Z-score of A / B against its past",
    AlertType.QUADRANT: "Rotation quadrant against a benchmark",
}
LEVEL_SUFFIX = {AlertType.CHANGE: " %", AlertType.SPREAD: " pts", AlertType.TREND: " %", AlertType.ZSCORE: " sd"}
WINDOWS = ["day", "5d", "20d", "mtd", "qtd", "ytd"]
LEVEL_DECIMALS = 4  # what the level field shows, or more when a saved rule's level has more
MAX_LEVEL_DECIMALS = 10


class AlertDialog(QDialog):
    """Builds a rule; OK stays disabled while the form does not make a valid rule.

    `check_symbol` returns None for a symbol the current source can supply, else the reason.
    """

    def __init__(
        self,
        engine: AlertEngine,
        check_symbol: Callable[[str], str | None],
        rule: AlertRule | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit Alert" if rule is not None else "New Alert")
        self.engine = engine
        self.check_symbol = check_symbol
        self._id = rule.id if rule is not None else new_rule_id()
        # The saved level as loaded, and as the field shows it: an edit that leaves the field alone keeps the
        # level exactly, whatever digits it has.
        self._loaded_level: tuple[float, float] | None = None
        self._touched = rule is not None  # a blank new rule says nothing is wrong before anything is typed
        # Which of a rule's channels are not set up (the panel's, from the database): said, not refused.
        self.channels_missing: Callable[[list[AlertRule]], list[str]] = lambda _rules: []
        self.result_rule: AlertRule | None = None

        self.type_box = QComboBox()
        for kind, label in TYPE_LABELS.items():
            self.type_box.addItem(label, kind)
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("optional")
        self.name_edit.setMaxLength(MAX_NAME)
        self.symbol_edit = QLineEdit()
        self.a_edit = QLineEdit()
        self.b_edit = QLineEdit()
        for edit in (self.symbol_edit, self.a_edit, self.b_edit):
            edit.setMaxLength(20)
        self.window_box = QComboBox()
        self.window_box.setEditable(True)
        self.window_box.addItems(WINDOWS)
        self.window_box.setToolTip("day, Nd (e.g. 5d), mtd, qtd, ytd or since:YYYY-MM-DD")
        self.ma_spin = _sessions_spin(2, DEFAULT_MA, "Sessions in the moving average")
        self.lookback_spin = _sessions_spin(3, DEFAULT_LOOKBACK, "Past sessions the z-score measures against")
        self.momentum_spin = _sessions_spin(1, DEFAULT_MOMENTUM, "Sessions back for RS-Momentum")
        self.benchmark_edit = QLineEdit(DEFAULT_BENCHMARK)
        self.benchmark_edit.setMaxLength(20)
        self.quadrant_box = QComboBox()
        for quadrant in Quadrant:
            self.quadrant_box.addItem(quadrant.value, quadrant)
        self.quadrant_box.setToolTip(
            "leading: RS-Ratio and RS-Momentum ≥ 100 · weakening: ratio only · lagging: neither · "
            "improving: momentum only"
        )
        self.condition_box = QComboBox()
        for condition, label in CONDITION_LABELS.items():
            self.condition_box.addItem(label, condition)
        self.level_spin = DecimalSpinBox()
        self.level_spin.setDecimals(LEVEL_DECIMALS)  # before the range: the range is rounded to the decimals
        self.level_spin.setRange(-MAX_LEVEL, MAX_LEVEL)
        self.level_spin.setSingleStep(0.5)
        self.cooldown_edit = QLineEdit()
        self.cooldown_edit.setPlaceholderText("none (e.g. 90s, 15m, 2h, 1d)")
        self.channels_edit = QLineEdit()
        self.channels_edit.setPlaceholderText("every channel set for all rules (or names: ops, phone)")
        self.channels_edit.setToolTip("Where this rule's fires are delivered (Alerts ▸ Delivery Channels…)")
        self.once_box = QCheckBox("Fire once, then disable")
        self.enabled_box = QCheckBox("Enabled")
        self.enabled_box.setChecked(True)
        self.current_label = QLabel()
        self.current_label.setObjectName("currentValue")
        self.error_label = QLabel()
        self.error_label.setObjectName("formError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828;")

        self.form = QFormLayout()
        self.form.addRow("Type", self.type_box)
        self.form.addRow("Name", self.name_edit)
        self.form.addRow("Symbol", self.symbol_edit)
        self.form.addRow("A", self.a_edit)
        self.form.addRow("B", self.b_edit)
        self.form.addRow("Window", self.window_box)
        self.form.addRow("Benchmark", self.benchmark_edit)
        self.form.addRow("Average of", self.ma_spin)
        self.form.addRow("Lookback", self.lookback_spin)
        self.form.addRow("Momentum over", self.momentum_spin)
        self.form.addRow("Fires on entering", self.quadrant_box)
        self.form.addRow("When the value", self.condition_box)
        self.form.addRow("Level", self.level_spin)
        self.form.addRow("Cooldown", self.cooldown_edit)
        self.form.addRow("Deliver to", self.channels_edit)
        self.form.addRow("", self.once_box)
        self.form.addRow("", self.enabled_box)
        self.form.addRow("Now", self.current_label)
        name_fields_by_labels(self.form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setSizeConstraint(QLayout.SizeConstraint.SetMinimumSize)  # grows when a message takes two lines
        layout.addLayout(self.form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)

        if rule is not None:
            self.load(rule)
        # A new price or ratio rule's level starts at the rule's value now, once its symbols have one, and
        # follows them until the user sets a level: what they chose is never replaced.
        self._level_chosen = rule is not None and bool(rule.level)
        self._filled_level: float | None = None
        self.level_spin.valueChanged.connect(self._level_edited)
        for signal in (
            self.type_box.currentIndexChanged,
            self.condition_box.currentIndexChanged,
            self.level_spin.valueChanged,
            self.window_box.currentTextChanged,
            self.name_edit.textChanged,
            self.symbol_edit.textChanged,
            self.a_edit.textChanged,
            self.b_edit.textChanged,
            self.cooldown_edit.textChanged,
            self.channels_edit.textChanged,
            self.once_box.toggled,
            self.enabled_box.toggled,
            self.ma_spin.valueChanged,
            self.lookback_spin.valueChanged,
            self.momentum_spin.valueChanged,
            self.benchmark_edit.textChanged,
            self.quadrant_box.currentIndexChanged,
        ):
            signal.connect(self._edited)
        self.validate()

    def load(self, rule: AlertRule) -> None:
        self.type_box.setCurrentIndex(self.type_box.findData(rule.type))
        self.name_edit.setText(rule.name)
        self.symbol_edit.setText(rule.symbol or "")
        self.a_edit.setText(rule.a or "")
        self.b_edit.setText(rule.b or "")
        if rule.window is not None:
            self.window_box.setCurrentText(rule.window.text)
        for spin, value in (
            (self.ma_spin, rule.ma),
            (self.lookback_spin, rule.lookback),
            (self.momentum_spin, rule.momentum),
        ):
            if value is not None:
                spin.setValue(value)
        if rule.benchmark:
            self.benchmark_edit.setText(rule.benchmark)
        if rule.quadrant is not None:
            self.quadrant_box.setCurrentIndex(self.quadrant_box.findData(rule.quadrant))
        else:
            self.condition_box.setCurrentIndex(self.condition_box.findData(rule.condition))
            self.level_spin.setDecimals(min(MAX_LEVEL_DECIMALS, max(LEVEL_DECIMALS, decimals_of(rule.level))))
            self.level_spin.setValue(rule.level)
            self._loaded_level = (rule.level, self.level_spin.value())
        self.cooldown_edit.setText(format_duration(rule.cooldown) if rule.cooldown else "")
        self.once_box.setChecked(rule.once)
        self.enabled_box.setChecked(rule.enabled)
        self.channels_edit.setText(", ".join(rule.channels))

    @property
    def kind(self) -> AlertType:
        return AlertType(self.type_box.currentData())

    def fields(self) -> dict[str, Any]:
        kind = self.kind
        out: dict[str, Any] = {"id": self._id, "type": kind.value}
        if kind is AlertType.QUADRANT:
            out["quadrant"] = Quadrant(self.quadrant_box.currentData()).value
        else:
            out["condition"] = Condition(self.condition_box.currentData()).value
            level = self.level_spin.value()
            if self._loaded_level is not None and level == self._loaded_level[1]:
                level = self._loaded_level[0]
            out["level"] = level
        out["once"] = self.once_box.isChecked()
        out["enabled"] = self.enabled_box.isChecked()
        if self.name_edit.text().strip():
            out["name"] = self.name_edit.text().strip()
        symbol = typed_symbol(self.symbol_edit.text())
        if kind in (AlertType.PRICE, AlertType.CHANGE, AlertType.QUADRANT) or (kind is AlertType.TREND and symbol):
            out["symbol"] = symbol
        else:
            out["a"] = typed_symbol(self.a_edit.text())
            out["b"] = typed_symbol(self.b_edit.text())
            if kind is AlertType.SPREAD:
                out["window"] = self.window_box.currentText().strip()
        if kind in (AlertType.TREND, AlertType.QUADRANT):
            out["ma"] = self.ma_spin.value()
        if kind is AlertType.ZSCORE:
            out["lookback"] = self.lookback_spin.value()
        if kind is AlertType.QUADRANT:
            out["benchmark"] = typed_symbol(self.benchmark_edit.text())
            out["momentum"] = self.momentum_spin.value()
        if self.cooldown_edit.text().strip():
            out["cooldown"] = self.cooldown_edit.text().strip()
        channels = [c.strip() for c in self.channels_edit.text().replace(" ", ",").split(",") if c.strip()]
        if channels:
            out["channels"] = channels
        return out

    def _show_rows_for(self, kind: AlertType) -> None:
        trend = kind is AlertType.TREND
        single = kind in (AlertType.PRICE, AlertType.CHANGE, AlertType.QUADRANT)
        self.form.setRowVisible(self.symbol_edit, single or trend)
        self.form.setRowVisible(self.a_edit, not single)
        self.form.setRowVisible(self.b_edit, not single)
        self.symbol_edit.setPlaceholderText("or A and B for the ratio A / B" if trend else "")
        self.form.setRowVisible(self.window_box, kind is AlertType.SPREAD)
        self.form.setRowVisible(self.ma_spin, kind in (AlertType.TREND, AlertType.QUADRANT))
        self.form.setRowVisible(self.lookback_spin, kind is AlertType.ZSCORE)
        quadrant = kind is AlertType.QUADRANT
        for row in (self.benchmark_edit, self.momentum_spin, self.quadrant_box):
            self.form.setRowVisible(row, quadrant)
        self.form.setRowVisible(self.condition_box, not quadrant)
        either_way = self.condition_box.model().item(self.condition_box.findData(Condition.OUTSIDE))  # type: ignore[attr-defined]
        either_way.setEnabled(kind not in POSITIVE_LEVELS)  # a price or a ratio is never below 0
        self.form.setRowVisible(self.level_spin, not quadrant)
        suffix = LEVEL_SUFFIX.get(kind, "")
        if self.level_spin.suffix() != suffix:  # setting it re-renders the text: never mid-typing
            self.level_spin.setSuffix(suffix)

    def _edited(self) -> None:
        self._touched = True
        self.validate()

    def _level_edited(self) -> None:
        self._level_chosen = True

    def _fill_level_from_value(self) -> None:
        """An untouched price or ratio level follows the rule's value now (when there is one); a level filled
        that way goes back to 0 when the type changes to one measured in other units."""
        current = self.level_spin.value()
        if self._level_chosen or (current and current != self._filled_level):
            return
        value: float | None = None
        if self.kind in (AlertType.PRICE, AlertType.RATIO):
            try:
                probe: AlertRule | None = rule_from_dict({**self.fields(), "level": 1.0})
            except RuleError:
                probe = None
            if probe is not None and all(self.check_symbol(symbol) is None for symbol in probe.symbols):
                value = self.engine.value(probe)
        level = round(value, self._fill_decimals(value)) if value is not None and value > 0 else 0.0
        if level != current:
            blocker = QSignalBlocker(self.level_spin)  # not the user's choice
            self.level_spin.setValue(level)
            del blocker
        self._filled_level = level or None

    def _fill_decimals(self, value: float) -> int:
        """A price level as the table shows the price (a currency pair's four decimals, a sub-dollar price's
        four, else cents); a ratio to four decimals."""
        if self.kind is not AlertType.PRICE:
            return LEVEL_DECIMALS
        return symbol_decimals(typed_symbol(self.symbol_edit.text()), value)

    def _symbol_problem(self) -> str | None:
        """Why one of the symbols typed cannot be used, said before any other field's problem."""
        fields = self.fields()
        for symbol in (fields.get(name) for name in ("symbol", "a", "b", "benchmark")):
            if isinstance(symbol, str) and symbol:
                reason = self.check_symbol(symbol)
                if reason is not None:
                    return reason
        return None

    def validate(self) -> AlertRule | None:
        """Check the form; show what is wrong or the live value; enable OK only for a valid rule."""
        self._show_rows_for(self.kind)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        rule: AlertRule | None = None
        self._fill_level_from_value()
        error, wrong_field, waiting = "", "", ""
        fields = self.fields()
        try:
            rule = rule_from_dict(fields)
        except RuleError as exc:
            error, wrong_field = f"{exc.field.capitalize()}: {exc.problem}", exc.field
            # A symbol not typed yet is no fault of the user's (nor is the level it would have filled): asked for.
            if needed := [said for name, said in SYMBOL_FIELDS.items() if name in fields and not fields[name]]:
                error, waiting = "", f"type {' and '.join(needed)}"
        if rule is not None or wrong_field == "level":
            reason = self._symbol_problem()
            if reason is not None:
                error, rule = reason, None
        if rule is not None and rule.channels and (missing := self.channels_missing([rule])):
            error = f"Note: {channels_note(missing)}."  # OK stays enabled: the channel may be made later
        self.error_label.setText(error if self._touched else "")
        ok.setEnabled(rule is not None)
        if rule is not None:
            value = self.engine.value(rule)
            if value is None:
                text = (
                    "no value yet (waiting for data)"
                    if rule.type not in ROTATION
                    else "no value yet (too few sessions)"
                )
            elif rule.quadrant is not None:
                text = f"now {format_measure(rule, value)}  (fires on entering {rule.quadrant.value})"
            else:
                text = f"{format_measure(rule, value)}  (level {format_level(rule)})"
            self.current_label.setText(text)
        else:
            self.current_label.setText(waiting)
        return rule

    def accept(self) -> None:
        rule = self.validate()
        if rule is None:
            return
        self.result_rule = rule
        super().accept()


ROTATION = frozenset({AlertType.TREND, AlertType.ZSCORE, AlertType.QUADRANT})
SYMBOL_FIELDS = {
    "symbol": "the symbol",
    "a": "A",
    "b": "B",
    "benchmark": "the benchmark",
}  # field: as the note names it


def _sessions_spin(least: int, default: int, tip: str) -> QSpinBox:
    spin = QSpinBox()
    plain_numbers(spin)
    spin.setRange(least, 10_000)
    spin.setValue(default)
    spin.setSuffix(" sessions")
    spin.setToolTip(tip)
    return spin


def focus_first_empty(dialog: AlertDialog) -> None:
    for edit in (dialog.symbol_edit, dialog.a_edit, dialog.name_edit):
        if edit.isVisible() and not edit.text():
            edit.setFocus(Qt.FocusReason.OtherFocusReason)
            return
