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
