"""Backtest a rule from the window: pick a saved rule or type one in words, pick a range of data, see its fires
as a list and on the chart."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop.core.alerts.engine import AlertFire
from desktop.core.alerts.rule_sentences import SentenceError, rule_fields_of
from desktop.core.alerts.rules import AlertRule, RuleError, new_rule_id, rule_from_dict
from desktop.core.backtest import BacktestCancelledError, BacktestError, run_backtest
from desktop.core.prices import PriceFileError, PriceSeries, load_prices
from desktop.core.progress import Progress
from desktop.core.sessions import NEW_YORK
from desktop.ui.alert_models import fire_time_text, format_measure
from desktop.ui.form_names import name_fields_by_labels
from desktop.ui.price_file_dialog import ask_price_files
from desktop.ui.short_lists import some
from desktop.ui.tasks import run_task

PriceSource = Callable[[Progress | None], dict[str, PriceSeries]]  # prices, loading with progress
LOADING_SHARE = 0.3  # of the progress bar, for reading the price files (the rest is the run)
TYPED_ID = "typed"  # the id of a rule typed in words into the dialog (it is not saved)
CHOOSE_FILES = "Price Files…"  # the last entry of the data list: one's own CSV files (yfinance downloads too)


class BacktestDialog(QDialog):
    _step = Signal(float)  # how far the run got, from its worker thread

    """Runs the engine over recorded prices on a worker thread; `show_on_chart` gets the fires."""

    def __init__(
        self,
        rules: list[AlertRule],
        sources: dict[str, PriceSource],
        show_on_chart: Callable[[AlertRule, list[AlertFire]], None],
        selected: str | None = None,
        start: date | None = None,
        parent: QWidget | None = None,
        save_rule: Callable[[AlertRule], str | None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Backtest an Alert")
        self.resize(560, 520)
        self.rules = rules
        self.sources = sources
        self.show_on_chart = show_on_chart
        self.save_rule = save_rule  # None once saved, else why not
        self.fires: list[AlertFire] = []
        self._running: AlertRule | None = None  # the rule of the last run (its fires are shown)
        self.rule_box = QComboBox()
        self.rule_box.setEditable(True)  # a saved rule, or one typed in words to try before saving it
        self.rule_box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.rule_box.lineEdit()
        assert line is not None  # an editable box has one
        line.setPlaceholderText("Type a rule: NVDA crosses below 175")
        for rule in rules:
            self.rule_box.addItem(rule.title, rule.id)
        if selected is not None and self.rule_box.findData(selected) >= 0:
            self.rule_box.setCurrentIndex(self.rule_box.findData(selected))
        elif not rules:
            self.rule_box.setCurrentIndex(-1)
        self.source_box = QComboBox()
        self.source_box.addItems(list(sources))
        self.source_box.addItem(CHOOSE_FILES)
        tip = "Choose CSV price files: bars per symbol, recordings, yfinance downloads"
        self.source_box.setItemData(len(sources), tip, Qt.ItemDataRole.ToolTipRole)
        self.source_box.activated.connect(self._source_picked)
        self._files: list[Path] = []
        self._source_before = 0
        self.from_edit = QDateEdit()
        self.to_edit = QDateEdit()
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        first = start or date(2025, 10, 1)
        self.from_edit.setDate(QDate(first.year, first.month, first.day))
        self.to_edit.setDate(max(QDate.currentDate(), self.from_edit.date()))  # every quote there is, to today
        self.run_button = QPushButton("Run")
        self.run_button.clicked.connect(self.run)
        self.summary = QLabel("Pick a rule (or type one in words) and a range, then Run.")
        self.summary.setObjectName("backtestSummary")
        self.summary.setWordWrap(True)
        self.results = QListWidget()
        # Years of intraday data take a while: how far it got, and a way to stop it.
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setVisible(False)
        self.cancel_button.clicked.connect(self.cancel)
        self._stop = threading.Event()
        self._step.connect(lambda done: self.progress.setValue(int(done * 100)))
        self.chart_button = QPushButton("Show on Chart")
        self.chart_button.setEnabled(False)
        self.chart_button.clicked.connect(self._show)
        self.save_button = QPushButton("Save Rule")
        self.save_button.setToolTip("Add the rule typed in words to the alert rules")
        self.save_button.setVisible(False)  # for a rule typed in words, once it has run
        self.save_button.clicked.connect(self._save_typed)
        form = QFormLayout()
        form.addRow("Rule", self.rule_box)
        form.addRow("Data", self.source_box)
        form.addRow("From", self.from_edit)
        form.addRow("To", self.to_edit)
        name_fields_by_labels(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.addButton(self.run_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.chart_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        running = QHBoxLayout()
        running.addWidget(self.progress, 1)
        running.addWidget(self.cancel_button)
        layout.addLayout(running)
        layout.addWidget(self.results, 1)
        layout.addWidget(buttons)

    def _source_picked(self, index: int) -> None:
        if index != len(self.sources):
            self._source_before = index
            return
        if not self.choose_files():
            self.source_box.setCurrentIndex(self._source_before)  # cancelled: the data chosen before stays

    def choose_files(self, paths: list[Path] | None = None) -> bool:
        """Backtest over CSV price files of one's own (asked for when not given); False when none were chosen."""
        if paths is None:
            paths = ask_price_files(self, "Price Files")
        if not paths:
            return False
        self._files = paths
        shown = some([p.name for p in paths], 3)
        files = len(self.sources)
        self.source_box.setItemText(files, f"Files: {shown}")
        self.source_box.setCurrentIndex(files)
        self._source_before = files
        return True

    def _load(self) -> PriceSource:
        if self.source_box.currentIndex() == len(self.sources):
            files = list(self._files)
            return lambda progress: load_prices(files, progress=progress)
        return self.sources[self.source_box.currentText()]

    def rule(self) -> AlertRule | str:
        """The saved rule whose title the box shows, else the rule its words say; else why there is none."""
        text = self.rule_box.currentText().strip()
        index = self.rule_box.findText(text, Qt.MatchFlag.MatchExactly)
        if index >= 0:
            saved = next((r for r in self.rules if r.id == self.rule_box.itemData(index)), None)
            if saved is not None:
                return saved
        if not text:
            return "Pick a rule, or type one in words (NVDA crosses below 175)."
        try:
            return rule_from_dict({"id": TYPED_ID, **rule_fields_of(text)})
        except SentenceError as exc:
            return str(exc)
        except RuleError as exc:
            return f"{exc.field.capitalize()}: {exc.problem}"

    def run(self) -> None:
        rule = self.rule()
        if isinstance(rule, str):
            self.summary.setText(rule)
            return
        if self.from_edit.date() > self.to_edit.date():  # an empty span would read "fired 0 times"
            first, last = (e.date().toString("yyyy-MM-dd") for e in (self.from_edit, self.to_edit))
            self.summary.setText(f"From ({first}) is after To ({last}): nothing to run.")
            return
        if self.source_box.currentIndex() == len(self.sources) and not self._files and not self.choose_files():
            return
        source = self.source_box.currentText()
        load = self._load()
        start = _day_start(self.from_edit.date())
        end = _day_start(self.to_edit.date().addDays(1)) - 1e-3
        self._running = rule  # from here on the fires shown will be this rule's
        self.run_button.setEnabled(False)
        self.summary.setText("Running…")
        self._stop.clear()
        self.progress.setValue(0)
        self.progress.setVisible(True)
        self.cancel_button.setVisible(True)
        # The engine needs the rule enabled for the run, whatever its live switch says.
        test_rule = rule.with_changes(enabled=True, once=False)

        def step(done: float) -> bool:  # on the worker thread: report, and say whether to go on
            try:
                self._step.emit(done)
            except RuntimeError:  # the dialog is gone: nobody waits for the result
                return False
            return not self._stop.is_set()

        def finished(result: object) -> None:
            if isinstance(result, BacktestCancelledError):
                self._done(None, None, cancelled=True)
            elif isinstance(result, (BacktestError, PriceFileError)):
                self._done(None, f"{source}: {result}")  # which data: the user can pick other data
            elif isinstance(result, Exception):
                self._done(None, f"the backtest failed ({result})")
            else:
                self._done(result, None)  # type: ignore[arg-type]

        def work() -> list[AlertFire]:
            series = load(lambda done: step(LOADING_SHARE * done))
            return run_backtest(
                series, [test_rule], start, end, lambda done: step(LOADING_SHARE + (1 - LOADING_SHARE) * done)
            )

        run_task(self, work, finished, name="backtest")

    def cancel(self) -> None:
        self._stop.set()
        self.summary.setText("Stopping…")

    def _done(self, fires: list[AlertFire] | None, error: str | None, cancelled: bool = False) -> None:
        self.run_button.setEnabled(True)
        self.progress.setVisible(False)
        self.cancel_button.setVisible(False)
        self.results.clear()
        rule = self._running
        self.save_button.setVisible(False)
        if cancelled:
            self.summary.setText("Backtest cancelled.")
            self.fires = []
            self.chart_button.setEnabled(False)
            return
        if error is not None or fires is None or rule is None:
            self.summary.setText(f"Cannot backtest: {error}")
            self.fires = []
            self.chart_button.setEnabled(False)
            return
        self.fires = fires
        since = self.from_edit.date().toString("yyyy-MM-dd")
        times = "once" if len(fires) == 1 else f"{len(fires)} times"
        self.summary.setText(f"“{rule.title}” would have fired {times} since {since}.")
        for fire in fires:
            self.results.addItem(f"{fire_time_text(fire)}   {format_measure(rule, fire.value)}")
        self.chart_button.setEnabled(bool(fires))
        # A rule typed in words can be saved after its run, unless a saved rule watches the same.
        new = rule.id == TYPED_ID and not any(r.watches_same_as(rule) for r in self.rules)
        self.save_button.setVisible(new and self.save_rule is not None)

    def _save_typed(self) -> None:
        """Save the rule typed in words that last ran, then pick it in the box."""
        typed = self._running
        if typed is None or typed.id != TYPED_ID or self.save_rule is None:
            return
        rule = typed.with_changes(id=new_rule_id())
        refused = self.save_rule(rule)
        if refused is not None:
            self.summary.setText(refused)
            return
        self.rules.append(rule)
        self.rule_box.addItem(rule.title, rule.id)
        self.rule_box.setCurrentIndex(self.rule_box.count() - 1)
        self._running = rule
        self.save_button.setVisible(False)
        self.summary.setText(f"{self.summary.text()} Saved as an alert rule.")

    def _show(self) -> None:
        if self._running is not None:
            self.show_on_chart(self._running, self.fires)


def _day_start(day: QDate) -> float:
    return datetime.combine(date(day.year(), day.month(), day.day()), time.min, NEW_YORK).timestamp()
