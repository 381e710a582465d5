"""What a screen reader says of the window's inputs, tables and charts: each has a name (a placeholder or a
plot is no name), and the watchlist's follows the list shown."""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QGraphicsView,
    QHeaderView,
    QLineEdit,
    QWidget,
)
from pytestqt.qtbot import QtBot

from .conftest import MakeWindow

NAMED = (QLineEdit, QComboBox, QAbstractSpinBox, QAbstractItemView, QGraphicsView)


def named_here(widget: QWidget, window: QWidget) -> bool:
    """Inputs, tables and charts of the window itself: not Qt's own parts of them (a spin box's line edit,
    a table's header) nor a combo box's popup list, which take their names from what they belong to."""
    return (
        isinstance(widget, NAMED)
        and not isinstance(widget, QHeaderView)
        and not widget.objectName().startswith("qt_")
        and widget.window() is window
    )


def said(widget: QWidget) -> str:
    """The name the accessibility interface gives the widget (what assistive technology reads)."""
    interface = QAccessible.queryAccessibleInterface(widget)
    return "" if interface is None else interface.text(QAccessible.Text.Name)


def labelled_by(widget: QWidget) -> list[str]:
    interface = QAccessible.queryAccessibleInterface(widget)
    assert interface is not None
    # (Qt names the relation of a buddy label "Label" and that of a form's label "Labelled")
    relation = QAccessible.Relation.Label | QAccessible.Relation.Labelled
    return [label.text(QAccessible.Text.Name).strip() for label, _ in interface.relations(relation)]


def test_every_input_table_and_chart_of_the_window_has_a_name(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(run=False)
    charts = window.charts  # built now, every tab
    widgets = [w for w in window.findChildren(QWidget) if named_here(w, window)]
    unnamed = [f"{type(w).__name__} {w.objectName()!r} in {type(w.parent()).__name__}" for w in widgets if not said(w)]
    assert len(widgets) > 15 and unnamed == []
    # A combo box's Name on Linux is its current text ("Linear"): each says what it chooses by a name of its
    # own (read on other systems) or by a label (read on Linux).
    combos = [w for w in widgets if isinstance(w, QComboBox)]
    assert len(combos) >= 5 and [w.objectName() for w in combos if not (w.accessibleName() or labelled_by(w))] == []
    assert (
        said(window.symbol_input) == "Add symbol" and said(window.alerts_panel.quick_rule.edit) == "Type an alert rule"
    )
    assert said(window.table) == "Watchlist Default"
    assert labelled_by(window.speed_box) == ["Speed"] and labelled_by(window.start_edit) == ["From"]
    assert said(charts.price.canvas) == f"Price chart of {window.table.current_symbol()}"
    assert said(charts.rrg.plot) == "Relative rotation graph" and said(charts.board.view) == "Rotation board"


def test_the_watchlists_name_follows_the_list_shown(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(run=False)
    assert window.new_list("Chips") and said(window.table) == "Watchlist Chips"
    assert window.rename_list("Semis") and said(window.table) == "Watchlist Semis"
    window.show_list("Default")
    assert said(window.table) == "Watchlist Default"
    assert labelled_by(window.speed_box) == ["Speed"] and labelled_by(window.start_edit) == ["From"]


def test_the_rule_editors_fields_are_named_by_their_labels(qtbot: QtBot, make_window: MakeWindow) -> None:
    window = make_window(run=False)
    dialog = window.alerts_panel.new_rule()
    fields = [w for w in dialog.findChildren(QWidget) if named_here(w, dialog) and w.isVisible()]
    assert len(fields) >= 3 and [f.objectName() or type(f).__name__ for f in fields if not said(f)] == []
    assert said(dialog.level_spin) == "Level" and dialog.condition_box.accessibleName() == "When the value"
    # On Linux a combo box's name is its current text ("crosses above"); its label reaches a screen reader as
    # the label it is labelled by.
    assert labelled_by(dialog.condition_box) == ["When the value"]
