"""The fired-log CSV export: written whole or not at all, and never a formula in a spreadsheet."""

from __future__ import annotations

import csv
from pathlib import Path

from desktop.core.alerts.engine import AlertFire
from desktop.core.alerts.rules import Condition
from desktop.storage.alerts import StoredFire
from desktop.ui.alert_models import FiredAlertsModel


def fire(rule_id: str, title: str) -> StoredFire:
    return StoredFire(1, AlertFire(rule_id, title, 1_760_000_000.0, False, 1.5, 1.0, Condition.CROSSES_ABOVE,
                                   (("IWM", 250.0),)))  # fmt: skip


def test_names_that_look_like_formulas_are_neutralised(tmp_path: Path) -> None:
    model = FiredAlertsModel()
    model.set_rows([fire("=cmd|' /C calc'!A0", "+SUM(A1:A9)"), fire("ok", "@import"), fire("plain", "-1.5 spread")])
    out = tmp_path / "log.csv"
    assert model.export_csv(out) == 3
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert [r[1] for r in rows[1:]] == ["'=cmd|' /C calc'!A0", "ok", "plain"]
    assert [r[2] for r in rows[1:]] == ["'+SUM(A1:A9)", "'@import", "'-1.5 spread"]
    assert [p.name for p in tmp_path.iterdir()] == ["log.csv"]  # no temporary file left beside it
