"""The Alerts panel: rules with their live value and state, and the fired-alerts log below them."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop.core.alerts.engine import AlertFire
from desktop.core.alerts.rule_files import RuleFileError, dump_rules, format_of, read_rules
from desktop.core.alerts.rules import AlertRule, new_rule_id
from desktop.services.alert_book import channels_note, missing_channels
from desktop.storage.alerts import StoredFire
from desktop.storage.channels import Delivery
from desktop.ui.alert_models import SORT_ROLE, AlertRulesModel, FiredAlertsModel, LogColumn, RuleColumn
from desktop.ui.alerts_controller import ROTATION_PRESET, AlertsController
from desktop.ui.busy_bar import BusyBar
from desktop.ui.coalescer import Coalescer
from desktop.ui.file_writes import write_later
from desktop.ui.fitted_columns import FittedColumns, Widths
from desktop.ui.look_delegate import LookDelegate
from desktop.ui.quick_rule import QuickRuleField
from desktop.ui.tasks import run_task

if TYPE_CHECKING:
    from desktop.ui.alert_dialog import AlertDialog

REFRESH_MS = 250  # rule values and distances redraw at most four times a second
# In a burst of fires the log takes new rows at most this often (each new row shifts every row below the
# newest, a repaint of the whole log); the first fire after a quiet spell shows at once.
LOG_MS = 250
# The columns beside a rule's text: (width with room, narrowest they give way to, their texts elided), and
# what that text keeps while they can ("IWM − QQQ qtd …ve 1.5 pts", cut in the middle).
RULE_TEXT_MIN = 170
RULE_TEXT_FLOOR = 130  # narrower, a rule's text is unreadable ("NV…75"): the table scrolls sideways instead
RULE_TEXT_MAX = 260  # past this a rule's text is cut in the middle (its level stays in view), not the others further
RULE_WIDTHS: Widths = {
    RuleColumn.ON: (30, 30), RuleColumn.VALUE: (76, 64), RuleColumn.DISTANCE: (76, 66), RuleColumn.STATE: (106, 58),
    RuleColumn.FIRES: (40, 34), RuleColumn.LAST: (112, 90),  # "Mar 19 16:00" whole
}  # fmt: skip
LOG_WIDTHS: Widths = {
    LogColumn.TIME: (172, 118),  # "2026-07-21 09:40 · replay" whole, with room
    LogColumn.VALUE: (70, 52), LogColumn.LEVEL: (64, 40), LogColumn.INPUTS: (150, 70), LogColumn.DELIVERY: (110, 60),
}  # fmt: skip


class RulesView(QTableView):
    """The rules table; Delete (or Backspace) on it deletes the selected rule (Ctrl+Z brings it back)."""

    delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.currentIndex().isValid():
            self.delete_pressed.emit()
            return
        super().keyPressEvent(event)


class AlertsPanel(QWidget):
    """Add, edit, duplicate, switch, delete and import/export rules; read, filter, clear and export the log."""

    backtest_requested = Signal(str)  # rule id, or "" for none selected
    message = Signal(str, bool)  # (text, is_error) for the window's message line
    import_finished = Signal()  # an import was saved, refused or failed (not when cancelled)
    _import_step = Signal(str, float)  # (job, share done), from the reading thread to the busy bar

    def __init__(
        self,
        controller: AlertsController,
        check_symbol: Callable[[str], str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.check_symbol = check_symbol
        self.rules_model = AlertRulesModel(controller, self)
        self.log_model = FiredAlertsModel(self)
        self.log_model.set_rows(controller.history(FiredAlertsModel.MAX_ROWS))
        self.dialog: AlertDialog | None = None  # the open dialog, for tests and for focus
        self.busy_bar: BusyBar | None = None  # the window's, for work that takes a while
        self._import_step.connect(lambda job, done: self.busy_bar.advance(job, done) if self.busy_bar else None)
        self._import_serial = 0  # bumped by each import and by Cancel: only the newest import is taken

        self.rules_view = RulesView()
        self.rules_view.delete_pressed.connect(self.delete_selected)
        self.rules_view.setObjectName("alertRules")
        self.rules_view.setAccessibleName("Alert rules")
        self.rules_view.setModel(self.rules_model)
        # A cell's look in one call. A rule's text ends with its level: cut in the middle, two rules on one
        # symbol still read apart ("NVDA price …s below 175" and "…s below 160", not "NVDA price crosses bel…"
        # twice); the other columns, and the log (which has a Level column), keep the start of their texts.
        delegate = LookDelegate(self.rules_model, self.rules_view, cut_in_the_middle=frozenset({RuleColumn.RULE}))
        self.rules_view.setItemDelegate(delegate)
        self._table_defaults(self.rules_view)
        # In a narrow panel (a laptop's) the other columns give way before the rule's text does.
        self._rules_fit = FittedColumns(
            self.rules_view, RuleColumn.RULE, RULE_WIDTHS, main_min=RULE_TEXT_MIN, floor=RULE_TEXT_FLOOR
        )
        self.rules_view.activated.connect(lambda _i: self.edit_selected())  # Enter, or a double click

        self.log_proxy = QSortFilterProxyModel(self)
        self.log_proxy.setSourceModel(self.log_model)
        self.log_proxy.setFilterKeyColumn(-1)
        self.log_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.log_proxy.setSortRole(SORT_ROLE)
        self.log_view = QTableView()
        self.log_view.setObjectName("alertLog")
        self.log_view.setAccessibleName("Fired alerts")
        self.log_view.setModel(self.log_proxy)
        self._table_defaults(self.log_view)
        # Newest first is the model's own order: the proxy sorts only when another order is clicked.
        log_header = self.log_view.horizontalHeader()
        log_header.setSectionsClickable(True)
        log_header.setSortIndicatorShown(True)
        log_header.setSortIndicator(LogColumn.TIME, Qt.SortOrder.DescendingOrder)
        log_header.sortIndicatorChanged.connect(self._sort_log)
        FittedColumns(self.log_view, LogColumn.RULE, LOG_WIDTHS, main_min=RULE_TEXT_MIN, floor=RULE_TEXT_FLOOR)
        self.log_filter = QLineEdit()
        self.log_filter.setPlaceholderText("Filter the log…")
        self.log_filter.setAccessibleName("Filter the fired alerts")
        self.log_filter.setClearButtonEnabled(True)
        self.log_filter.textChanged.connect(self.log_proxy.setFilterFixedString)

        bar = QToolBar()
        self.new_action = self._action(bar, "New…", self.new_rule, "Add an alert rule", "Ctrl+Shift+A")
        self.edit_action = self._action(bar, "Edit…", self.edit_selected, "Edit the selected rule (Enter)")
        self.duplicate_action = self._action(bar, "Duplicate", self.duplicate_selected, "Copy the selected rule")
        self.toggle_action = self._action(bar, "On/Off", self.toggle_selected, "Enable or disable the selected rule")
        self.delete_action = self._action(
            bar, "Delete", self.delete_selected, "Delete the selected rule (Delete; Ctrl+Z undoes it)"
        )
        bar.addSeparator()
        self.rotation_action = self._action(
            bar, "+ Rotation", self.adopt_rotation, "Add the preset: IWM − QQQ quarter-to-date spread crosses +1.5 pts"
        )
        self.backtest_action = self._action(
            bar, "Backtest…", self._request_backtest, "Replay recorded data through a rule"
        )
        bar.addSeparator()
        self.import_action = self._action(
            bar, "Import…", self.import_rules, "Add rules from a .toml or .json file, or a .txt of rules in words"
        )
        self.export_action = self._action(bar, "Export…", self.export_rules, "Save the rules to a .toml or .json file")

        log_bar = QHBoxLayout()
        log_title = QLabel("<b>Fired alerts</b>")
        log_bar.addWidget(log_title)
        log_bar.addWidget(self.log_filter, 1)
        self.clear_log_action = QAction("Clear", self)
        self.clear_log_action.triggered.connect(self.clear_log)
        self.export_log_action = QAction("Export CSV…", self)
        self.export_log_action.triggered.connect(self.export_log)
        log_tools = QToolBar()
        log_tools.addAction(self.clear_log_action)
        log_tools.addAction(self.export_log_action)
        log_bar.addWidget(log_tools)

        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(bar)
        self.quick_rule = QuickRuleField(
            controller.engine, check_symbol, self.add_rule, lambda: self.rules_model.colors.error_text
        )
        self.quick_rule.twin_found.connect(self.select_rule)
        top_layout.addWidget(self.quick_rule)
        # With no rules yet, a few words on what a rule is instead of an empty grid.
        self.empty_hint = QLabel(
            "<b>No alert rules yet.</b><br>A rule watches a price (NVDA crosses below 175), a day's move (TSLA "
            "moves more than 5 %) or two symbols against each other (IWM's return minus QQQ's since the quarter "
            "began crosses +1.5 points), and tells you when it triggers.<br><br>Type one in the field above and press "
            "Enter, click <b>New…</b>, or "
            "<b>+ Rotation</b> for the small-caps-against-big-tech preset; right-click a row of the watchlist to "
            "alert on its price; drag a level on a chart to move a rule."
        )
        self.empty_hint.setObjectName("alertsEmptyHint")
        self.empty_hint.setWordWrap(True)
        self.empty_hint.setMargin(12)
        self.empty_hint.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.rules_stack = QStackedWidget()
        self.rules_stack.addWidget(self.rules_view)
        self.rules_stack.addWidget(self.empty_hint)
        top_layout.addWidget(self.rules_stack)
        for change in (self.rules_model.modelReset, self.rules_model.rowsInserted, self.rules_model.rowsRemoved):
            change.connect(self._show_rules_or_hint)
            change.connect(self._fit_rule_texts)
        self._show_rules_or_hint()
        self._fit_rule_texts()
        bottom = QWidget()
        bottom_layout = QVBoxLayout(bottom)
        bottom_layout.setContentsMargins(4, 4, 0, 0)
        bottom_layout.addLayout(log_bar)
        # Fires the database refused stay on screen until saved or dismissed: one line, two actions.
        self.unsaved_bar = QWidget()
        unsaved_layout = QHBoxLayout(self.unsaved_bar)
        unsaved_layout.setContentsMargins(0, 0, 0, 0)
        self.unsaved_label = QLabel()
        self.unsaved_label.setWordWrap(True)
        self.retry_button = QPushButton("Retry Now")
        self.retry_button.clicked.connect(controller.retry_unsaved)
        self.dismiss_button = QPushButton("Dismiss")
        self.dismiss_button.clicked.connect(self.dismiss_unsaved)
        unsaved_layout.addWidget(self.unsaved_label, 1)
        unsaved_layout.addWidget(self.retry_button)
        unsaved_layout.addWidget(self.dismiss_button)
        self.unsaved_bar.setVisible(False)
        bottom_layout.addWidget(self.unsaved_bar)
        bottom_layout.addWidget(self.log_view)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(top)
        self.splitter.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)
        controller.fires_logged.connect(self._fires_logged)
        controller.history_cleared.connect(self._log_cleared)
        controller.first_shown_fire = self.log_model.first_logged_id
        controller.deliveries_read.connect(self._show_deliveries)
        self.log_view.setColumnHidden(LogColumn.DELIVERY, True)  # until a fire has a channel to go to
        controller.fires_saved_late.connect(self._saved_late)
        controller.unsaved_changed.connect(self._show_unsaved)
        self._refresh: Coalescer[str] = Coalescer(REFRESH_MS, self.rules_model.refresh_values, self)
        self._log_pending: list[StoredFire] = []
        self._log_timer = QTimer(self)
        self._log_timer.setSingleShot(True)
        self._log_timer.setInterval(LOG_MS)
        self._log_timer.timeout.connect(self.show_logged)

    def _show_deliveries(self, deliveries: dict[int, list[Delivery]]) -> None:
        self.log_model.set_deliveries(deliveries)
        self.log_view.setColumnHidden(LogColumn.DELIVERY, not deliveries)

    def _fit_rule_texts(self) -> None:
        """The Rule column keeps the width the rules' texts need (up to RULE_TEXT_MAX): with room, the other
        columns give way before a rule is cut. (The log's rows tell their rules apart by the level beside
        them, and its time and prices come first.)"""
        model = self.rules_model
        texts = [str(model.data(model.index(row, RuleColumn.RULE))) for row in range(model.rowCount())]
        self._rules_fit.set_main_min(self._rules_fit.wanted_by(texts, RULE_TEXT_MIN, RULE_TEXT_MAX))

    def _show_rules_or_hint(self) -> None:
        empty = self.rules_model.rowCount() == 0
        self.rules_stack.setCurrentWidget(self.empty_hint if empty else self.rules_view)

    @staticmethod
    def _table_defaults(view: QTableView) -> None:
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.verticalHeader().hide()
        view.verticalHeader().setDefaultSectionSize(22)
        view.setAlternatingRowColors(True)
        view.setShowGrid(False)
        view.setWordWrap(False)

    def _action(self, bar: QToolBar, text: str, slot: Callable[[], object], tip: str, key: str = "") -> QAction:
        action = QAction(text, self)
        action.setToolTip(tip)
        if key:
            action.setShortcut(QKeySequence(key))
        action.triggered.connect(lambda _checked=False: slot())
        bar.addAction(action)
        return action

    # -- rules ----------------------------------------------------------------------------------

    def selected_rule(self) -> AlertRule | None:
        index = self.rules_view.currentIndex()
        return self.rules_model.rule_at(index.row()) if index.isValid() else None

    def select_rule(self, rule_id: str) -> None:
        row = self.rules_model.row_of(rule_id)
        if row is not None:
            self.rules_view.selectRow(row)

    def open_dialog(self, rule: AlertRule | None = None) -> AlertDialog:
        """Open the editor (non-modal, so quotes keep flowing); saved when the user presses OK."""
        from desktop.ui.alert_dialog import AlertDialog, focus_first_empty  # built on first use, not at start-up

        dialog = AlertDialog(self.controller.engine, self.check_symbol, rule, self)
        made = self.controller.channel_names()  # read once: the editor checks its channels at every keystroke
        if made is not None:
            dialog.channels_missing = lambda rules: missing_channels(rules, made)
        dialog.accepted.connect(lambda: self._save(dialog.result_rule))
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        self.dialog = dialog
        dialog.show()
        focus_first_empty(dialog)
        return dialog

    def _save(self, rule: AlertRule | None) -> bool:
        if rule is not None and self.controller.save_rule(rule):
            self.select_rule(rule.id)
            self.message.emit(f"Saved alert: {rule.title}", False)
            return True
        return False

    def add_rule(self, rule: AlertRule) -> str | None:
        """Save a rule made elsewhere (typed in words): None once saved, else why not."""
        return None if self._save(rule) else self.controller.last_problem or "Not saved"

    def new_rule(self, template: AlertRule | None = None) -> AlertDialog:
        return self.open_dialog(template)

    def edit_selected(self) -> None:
        rule = self.selected_rule()
        if rule is not None:
            self.open_dialog(rule)

    def duplicate_selected(self) -> None:
        rule = self.selected_rule()
        if rule is not None:
            copy = rule.with_changes(id=new_rule_id(), name=f"{rule.name} (copy)" if rule.name else "")
            self._save(copy)

    def toggle_selected(self) -> None:
        rule = self.selected_rule()
        if rule is not None:
            self.controller.set_enabled(rule.id, not rule.enabled)
            self.select_rule(rule.id)

    def delete_selected(self) -> None:
        rule = self.selected_rule()
        if rule is not None and self.controller.delete_rule(rule.id):
            self.message.emit(f"Deleted alert: {rule.title}", False)

    def adopt_rotation(self) -> None:
        if self.controller.engine.rule(ROTATION_PRESET.id) is not None:
            self.select_rule(ROTATION_PRESET.id)
            self.message.emit("The Rotation alert is already in your rules.", False)
            return
        self._save(ROTATION_PRESET)

    def import_rules(self, path: Path | None = None) -> None:
        """Read the file off the GUI thread (thousands of rules take seconds to parse), showing progress in the
        status bar with a Cancel that drops what was read; then add the rules, all or none."""
        if path is None:
            name, _ = QFileDialog.getOpenFileName(self, "Import Alerts", "", "Alert rules (*.toml *.json *.txt)")
            if not name:
                return
            path = Path(name)
        chosen = path
        self._import_serial += 1
        serial = self._import_serial
        job = f"import-{serial}"

        def cancel() -> None:
            self._import_serial += 1  # the file's rules, when they arrive, are dropped
            self.message.emit(f"Import of {chosen.name} cancelled: nothing imported.", False)

        def step(done: float) -> bool:  # on the reading thread: tell the bar; stop when cancelled
            try:
                self._import_step.emit(job, done)
            except RuntimeError:  # the panel is gone
                return False
            return serial == self._import_serial

        def read() -> list[AlertRule]:
            return read_rules(chosen, step)

        def done(result: object) -> None:
            if self.busy_bar is not None:
                self.busy_bar.end(job)
            if serial != self._import_serial:
                return
            self._import_serial += 1
            if isinstance(result, RuleFileError):
                self.message.emit(f"Nothing imported: {result}", True)
            elif isinstance(result, Exception):
                self.message.emit(f"Nothing imported from {chosen.name}: {result}", True)
            elif isinstance(result, list) and not result:
                self.message.emit(f"Nothing imported: {chosen.name} holds no rules", True)
            elif isinstance(result, list):
                count = self.controller.import_rules(result)
                if count:
                    said = f"Imported {count} alert rule{'s' if count != 1 else ''} from {chosen.name}"
                    made = self.controller.channel_names()
                    missing = missing_channels(result, made) if made is not None else []
                    said += f". Note: {channels_note(missing)}." if missing else ""
                    self.message.emit(said, False)
            self.import_finished.emit()

        if self.busy_bar is not None:
            self.busy_bar.begin(job, f"Reading rules from {chosen.name}…", cancel)
        run_task(self, read, done, name="import-rules")

    def export_rules(self, path: Path | None = None) -> None:
        if path is None:
            name, _ = QFileDialog.getSaveFileName(self, "Export Alerts", "alerts.toml", "TOML (*.toml);;JSON (*.json)")
            if not name:
                return
            path = Path(name)
        rules = self.controller.rules
        try:
            text = dump_rules(rules, format_of(path))
        except RuleFileError as exc:
            self.message.emit(f"Could not export: {exc}", True)
            return
        write_later(
            self, path, text, self.message.emit, f"Exported {len(rules)} rules to {path.name}", "Could not export"
        )

    def _request_backtest(self) -> None:
        rule = self.selected_rule()
        self.backtest_requested.emit(rule.id if rule else "")

    # -- log ------------------------------------------------------------------------------------

    def _sort_log(self, column: int, order: Qt.SortOrder) -> None:
        if column == LogColumn.TIME and order == Qt.SortOrder.DescendingOrder:
            self.log_proxy.sort(-1)  # the model's own order: newest first
        else:
            self.log_proxy.sort(column, order)

    def _fires_logged(self, stored: list[StoredFire]) -> None:
        self._log_pending.extend(stored)
        if not self._log_timer.isActive():
            self.show_logged()

    def announced_fires(self) -> list[AlertFire]:
        """Every fire announced so far, oldest first: the log's rows and those waiting for its next batch
        (a view built now hears only later fires by signal)."""
        return self.log_model.fires() + [stored.fire for stored in self._log_pending]

    def show_logged(self) -> None:
        """Put the fires waiting for the log into it (then wait LOG_MS before the next ones)."""
        if self._log_pending:
            rows, self._log_pending = self._log_pending, []
            self.log_model.append(rows)
            self._log_timer.start()

    def _saved_late(self, stored: list[StoredFire]) -> None:
        self.show_logged()  # the rows to mark must be in the log first
        self.log_model.mark_saved(stored)

    def _show_unsaved(self, count: int, reason: str) -> None:
        self.unsaved_bar.setVisible(count > 0)
        if count:
            why = f": {reason}" if reason else ""
            self.unsaved_label.setText(
                f"⚠ {count} fired alert{'s' if count != 1 else ''} not saved to the log{why}. "
                "Retried every 30 s; marked in the log until saved."
            )
            colors = self.rules_model.colors
            self.unsaved_label.setStyleSheet(f"color: {colors.error_text.name()};")

    def dismiss_unsaved(self) -> None:
        self.show_logged()
        self.controller.dismiss_unsaved()
        self.log_model.dismiss_unsaved()

    def clear_log(self, *, confirm: bool = True) -> None:
        if (
            confirm
            and self.log_model.rowCount()
            and (
                QMessageBox.question(self, "Clear Alert Log", "Delete every fired alert from the log?")
                != QMessageBox.StandardButton.Yes
            )
        ):
            return
        self.controller.clear_history()  # the log empties when the database has (`_log_cleared`)

    def _log_cleared(self) -> None:
        self._log_pending = []
        self.log_model.clear()

    def export_log(self, *, path: Path | None = None) -> None:
        if path is None:
            name, _ = QFileDialog.getSaveFileName(self, "Export Alert Log", "fired-alerts.csv", "CSV (*.csv)")
            if not name:
                return
            path = Path(name)
        rows = [self.log_proxy.mapToSource(self.log_proxy.index(r, 0)).row() for r in range(self.log_proxy.rowCount())]
        text, count = self.log_model.csv_text(rows)
        write_later(
            self, path, text, self.message.emit, f"Exported {count} fired alerts to {path.name}", "Could not export"
        )

    def refresh(self, symbols: Iterable[str]) -> None:
        """Quotes came for `symbols`: their rules' live values repaint at most every 250 ms however fast
        quotes come."""
        self._refresh.add(symbols)

    def refresh_clock(self) -> None:
        """Every second: what the clock alone changes (a cooldown ending, a rule expiring)."""
        self.rules_model.refresh_values()
