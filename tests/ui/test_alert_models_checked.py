"""Qt's own model checks (pytest-qt's qtmodeltester) on the two alert models, with rows in them."""

from __future__ import annotations

from pathlib import Path

from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from desktop.core.alerts.engine import AlertEngine, AlertFire
from desktop.core.alerts.rules import Condition, rule_from_dict
from desktop.storage.alerts import AlertRepository, StoredFire
from desktop.storage.database import open_database
from desktop.storage.writer import BackgroundWriter
from desktop.ui.alert_models import AlertRulesModel, FiredAlertsModel
from desktop.ui.alerts_controller import AlertsController


def test_the_rules_model_passes_qts_checks(qtmodeltester: ModelTester, qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    opened = open_database(path)
    writer = BackgroundWriter(path)
    controller = AlertsController(AlertEngine(), AlertRepository(opened.connection), writer)
    for k, kind in enumerate(("price", "change")):
        controller.save_rule(rule_from_dict({"id": f"r{k}", "type": kind, "symbol": "SPY", "condition": "above",
                                             "level": 1 + k}))  # fmt: skip
    controller.save_rule(rule_from_dict({"id": "s", "type": "spread", "a": "IWM", "b": "QQQ", "window": "qtd",
                                         "condition": "crosses_above", "level": 1.5}))  # fmt: skip
    model = AlertRulesModel(controller)
    assert model.rowCount() == 3
    qtmodeltester.check(model)
    controller.delete_rule("r0")
    qtmodeltester.check(model)
    writer.close()
    opened.connection.close()


def test_the_fired_log_model_passes_qts_checks(qtmodeltester: ModelTester) -> None:
    model = FiredAlertsModel()
    fires = [StoredFire(k, AlertFire(f"r{k}", f"rule {k}", 1.76e9 + k, k % 2 == 0, 1.5 + k, 1.0,
                                     Condition.CROSSES_ABOVE, (("IWM", 250.0),))) for k in range(5)]  # fmt: skip
    model.set_rows(fires[:3])
    qtmodeltester.check(model)
    model.append(fires[3:])
    qtmodeltester.check(model)
    model.mark_saved([fires[0]])
    model.clear()
    qtmodeltester.check(model)


def test_the_log_is_newest_first_without_a_sort_and_sorts_on_a_click(qtbot: QtBot, tmp_path: Path) -> None:
    from PySide6.QtCore import Qt

    from desktop.ui.alert_models import SORT_ROLE, LogColumn
    from desktop.ui.alerts_panel import AlertsPanel

    path = tmp_path / "t.db"
    opened = open_database(path)
    repo = AlertRepository(opened.connection)
    made = [AlertFire("r", f"rule {k}", 1.76e9 + 60 * k, False, v, 1.0, Condition.ABOVE, (("IWM", v),))
            for k, v in enumerate((3.0, 1.0, 2.0))]  # fmt: skip
    repo.log_fires(made, {}, [])
    writer = BackgroundWriter(path)
    panel = AlertsPanel(AlertsController(AlertEngine(), repo, writer), lambda _s: None)
    qtbot.addWidget(panel)
    proxy, model = panel.log_proxy, panel.log_model

    def shown() -> list[float]:
        return [proxy.data(proxy.index(r, LogColumn.VALUE), SORT_ROLE) for r in range(proxy.rowCount())]

    assert proxy.sortColumn() == -1, "the model's own order: no sort at start"
    assert shown() == [2.0, 1.0, 3.0] and [f.value for f in model.fires()] == [3.0, 1.0, 2.0]
    header = panel.log_view.horizontalHeader()
    header.setSortIndicator(LogColumn.VALUE, Qt.SortOrder.AscendingOrder)  # what a click on Value does
    assert shown() == [1.0, 2.0, 3.0]
    header.setSortIndicator(LogColumn.TIME, Qt.SortOrder.DescendingOrder)
    assert proxy.sortColumn() == -1 and shown() == [2.0, 1.0, 3.0]
    older = StoredFire(-1, AlertFire("r", "older", 1.76e9 + 30, False, 9.0, 1.0, Condition.ABOVE, (("IWM", 9.0),)))
    newer = StoredFire(-1, AlertFire("r", "newer", 1.76e9 + 999, False, 7.0, 1.0, Condition.ABOVE, (("IWM", 7.0),)))
    model.append([older])  # a replay played again logs days already past: they go where their time is
    model.append([newer])
    assert shown() == [7.0, 2.0, 1.0, 9.0, 3.0]
    text, count = model.csv_text()
    assert count == 5
    assert [line.split(",")[3] for line in text.splitlines()[1:]] == ["3.0", "9.0", "1.0", "2.0", "7.0"]
    writer.close()
    opened.connection.close()
