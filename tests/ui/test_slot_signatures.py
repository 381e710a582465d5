"""A slot connected to `triggered` or `clicked` hears the signal's `checked` flag whenever it can take a
positional argument: `clear_log(self, confirm=True)` was called with confirm=False (the fired log was
deleted without the question), `export_log(self, path=None)` with path=False (the export failed). Such
slots take their options by keyword only."""

from __future__ import annotations

import ast
from pathlib import Path

import desktop

UI = Path(desktop.__file__).parent / "ui"
CHECKED_SIGNALS = {"triggered", "clicked"}


def _methods(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {node.name: node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def _connected_to_checked(tree: ast.Module) -> list[tuple[str, int]]:
    """(method name, line) of every `<x>.triggered/clicked.connect(self.<method>)`."""
    found = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "connect"):
            continue
        signal = node.func.value
        if not (isinstance(signal, ast.Attribute) and signal.attr in CHECKED_SIGNALS and node.args):
            continue
        slot = node.args[0]
        if isinstance(slot, ast.Attribute) and isinstance(slot.value, ast.Name) and slot.value.id == "self":
            found.append((slot.attr, node.lineno))
    return found


def test_no_slot_of_a_checked_signal_takes_a_positional_option() -> None:
    wrong = []
    checked = 0
    for path in sorted(UI.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        methods = _methods(tree)
        for name, line in _connected_to_checked(tree):
            method = methods.get(name)
            if method is None:
                continue  # a Qt method (close, show): Qt's own signature
            checked += 1
            if method.args.args[1:] or method.args.vararg is not None:
                wrong.append(f"{path.name}:{line} {name}({', '.join(a.arg for a in method.args.args[1:])})")
    assert checked > 10, "the scan found the window's slots"
    assert wrong == []
