"""The fired-log CSV export: never a formula in a spreadsheet (the writing itself: tests/ui/test_exports.py)."""

from __future__ import annotations

import csv
import io

from desktop.core.alerts.engine import AlertFire
from desktop.core.alerts.rules import Condition
from desktop.storage.alerts import StoredFire
from desktop.ui.alert_models import FiredAlertsModel


def fire(rule_id: str, title: str) -> StoredFire:
    return StoredFire(1, AlertFire(rule_id, title, 1_760_000_000.0, False, 1.5, 1.0, Condition.CROSSES_ABOVE,
                                   (("IWM", 250.0),)))  # fmt: skip


def test_names_that_look_like_formulas_are_neutralised() -> None:
    model = FiredAlertsModel()
    model.set_rows([fire("=cmd|' /C calc'!A0", "+SUM(A1:A9)"), fire("ok", "@import"), fire("plain", "-1.5 spread")])
    text, count = model.csv_text()
    assert count == 3
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [r[1] for r in rows[1:]] == ["'=cmd|' /C calc'!A0", "ok", "plain"]
    assert [r[2] for r in rows[1:]] == ["'+SUM(A1:A9)", "'@import", "'-1.5 spread"]
