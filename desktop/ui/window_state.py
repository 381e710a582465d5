"""What the window shows, as JSON: `tickerdesk run --dump-state FILE.json` writes it when the window closes.

Read from the models and charts as displayed (texts as the user sees them, beside the raw figures), so a
bug report can carry the window's state and tests can check what a person would have seen.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractItemModel, Qt

from desktop.core.safe_files import write_atomic

if TYPE_CHECKING:
    from desktop.ui.main_window import MainWindow

DISPLAY = Qt.ItemDataRole.DisplayRole


def _number(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def model_rows(model: QAbstractItemModel) -> list[dict[str, Any]]:
    """Every row of a table model in its shown order, keyed by column header, as displayed."""
    headers = [str(model.headerData(c, Qt.Orientation.Horizontal, DISPLAY)) for c in range(model.columnCount())]
    rows = []
    for r in range(model.rowCount()):
        row = {}
        for c, header in enumerate(headers):
            value = model.data(model.index(r, c), DISPLAY)
            row[header] = "" if value is None else str(value)
        rows.append(row)
    return rows


def window_state(window: MainWindow) -> dict[str, Any]:
    status = window.feeds.status
    state: dict[str, Any] = {
        "source": {"banner": window.banner.text(), "state": status.state.value if status else None},
        "watchlist": model_rows(window.table.model()),
        "selected": window.table.current_symbol(),
    }
    engine = window.alerts.engine
    rules = []
    for row, rule in zip(model_rows(window.alerts_panel.rules_model), window.alerts.rules, strict=False):
        saved = engine.state(rule.id)
        rules.append(
            {
                "id": rule.id,
                "title": rule.title,
                "enabled": rule.enabled,
                "condition": rule.condition.value,
                "level": rule.level,
                "value": _number(engine.value(rule)),
                "previous": _number(saved.prev if saved is not None else None),
                "shown": row,
            }
        )
    state["rules"] = rules
    state["fired"] = window.alerts_panel.log_model.rowCount()
    charts = window.charts  # built now if the window closed before they were
    grid = charts.rotation
    state["rotation"] = {
        "a": grid.a,
        "b": grid.b,
        "cells": {label: cell.text() for label, cell in grid.cells.items()},
        "values": {label: _number(v) for label, v in grid.values().items()},
        "verdict": grid.verdict.text(),
    }
    state["chart"] = charts.summary()
    return state


def dump_window_state(window: MainWindow, path: Path) -> None:
    """Write `window_state` to `path` (atomically: a reader never sees half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(window_state(window), indent=2, ensure_ascii=False) + "\n")
