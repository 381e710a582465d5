"""A field above the rules where a rule is typed as a sentence ("NVDA crosses below 175") and added with Enter.

Below it, one line says what the sentence reads as (and the rule's value now), or what is wrong with it.
While the sentence is being typed a problem is said quietly; after Enter, in the error colour. A crossing
with no way given ("NVDA hits 200") is the one toward the level from the rule's value now, as the note says.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from desktop.core.alerts.engine import AlertEngine
from desktop.core.alerts.rule_sentences import SentenceError, WhichWayError, rule_fields_of, toward
from desktop.core.alerts.rules import AlertRule, RuleError, rule_from_dict
from desktop.ui.alert_models import format_level, format_measure

PLACEHOLDER = "Type a rule and press Enter: NVDA crosses below 175"


class SentenceEdit(QLineEdit):
    """The field; Escape empties it."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            return
        super().keyPressEvent(event)


class QuickRuleField(QWidget):
    """Reads the typed sentence at every keystroke; Enter hands `save` a valid rule whose symbols the source
    can supply and which no saved rule already watches (that one is named instead). `save` answers None once
    the rule is saved, else why not; the field empties only once it is saved (a read-only disk keeps what was
    typed, and says so under it)."""

    twin_found = Signal(str)  # the id of the saved rule that already watches what was typed

    def __init__(
        self,
        engine: AlertEngine,
        check_symbol: Callable[[str], str | None],
        save: Callable[[AlertRule], str | None],
        error_color: Callable[[], QColor],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.check_symbol = check_symbol
        self.save = save
        self.error_color = error_color
        self.edit = SentenceEdit()
        self.edit.setObjectName("quickRule")
        self.edit.setAccessibleName("Type an alert rule")
        self.edit.setPlaceholderText(PLACEHOLDER)
        self.edit.setClearButtonEnabled(True)
        self.edit.setToolTip(
            "A rule in words, as the Rule column writes it: NVDA crosses below 175 · TSLA moves more than 5% · "
            "IWM - QQQ qtd spread crosses above 1.5 · IWM/QQQ crosses above 0.42 · NVDA crosses below its 50-day "
            "average · IWM/QQQ z-score outside 2 · IWM enters leading vs SPY. NVDA hits 200: toward 200 from the "
            "price now. Close with 'once' or a cooldown: …, cooldown 1h"
        )
        self.note = QLabel()
        self.note.setObjectName("quickRuleNote")
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.note)
        self.edit.textChanged.connect(lambda _text: self.read(loud=False))
        self.edit.returnPressed.connect(self.add)

    def read(self, loud: bool) -> AlertRule | None:
        """The rule the field says, with the note under it updated; None (and the reason shown) if it says none."""
        text = self.edit.text()
        if not text.strip():
            self._say("", error=False)
            return None
        try:
            try:
                fields = rule_fields_of(text)
            except WhichWayError as crossing:
                fields = self._toward(crossing)
            rule = rule_from_dict(fields)
        except SentenceError as exc:
            self._say(str(exc), error=loud)
            return None
        except RuleError as exc:
            self._say(f"{exc.field.capitalize()}: {exc.problem}", error=loud)
            return None
        for symbol in rule.symbols:
            reason = self.check_symbol(symbol)
            if reason is not None:
                self._say(reason, error=loud)
                return None
        twin = self._twin(rule)
        if twin is not None:
            self._say(f"Already a rule: {twin.title}", error=loud)
        else:
            self._say(f"Enter adds: {rule.describe()}{self._now(rule)}{rule.how_often()}", error=False)
        return rule

    def add(self) -> None:
        rule = self.read(loud=True)
        if rule is None:
            return
        twin = self._twin(rule)
        if twin is not None:
            self.twin_found.emit(twin.id)
            return
        refused = self.save(rule)
        if refused is None:
            self.edit.clear()
        else:
            self._say(refused, error=True)

    def _toward(self, crossing: WhichWayError) -> dict[str, object]:
        """For "NVDA hits 200", the crossing toward the level from the value now (re-raised with no value now)."""
        value = self.engine.value(rule_from_dict(crossing.above))
        if value is None:
            raise crossing
        return toward(crossing, value)

    def _twin(self, rule: AlertRule) -> AlertRule | None:
        return next((r for r in self.engine.rules if r.watches_same_as(rule)), None)

    def _now(self, rule: AlertRule) -> str:
        value = self.engine.value(rule)
        if value is None:
            return ""
        if rule.quadrant is not None:
            return f" (now {format_measure(rule, value)})"
        return f" (now {format_measure(rule, value)}, level {format_level(rule)})"

    def _say(self, text: str, error: bool) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))
        self.note.setStyleSheet(f"color: {self.error_color().name()};" if error else "")
        self.edit.setStyleSheet(f"border: 1px solid {self.error_color().name()};" if error else "")
