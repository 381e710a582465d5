"""Edit → Undo / Redo for rule and watchlist edits, on Qt's own QUndoStack.

Each edit is done (and saved) first; only an edit that worked is pushed, as a command whose first redo
does nothing. Undoing and redoing go through the same saved paths as the edit itself, so a database that
refuses says so and the stack stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QUndoCommand


class DoneEdit(QUndoCommand):
    """An edit already made: `undo` and `redo` replay it through the app's own saving functions (each
    returns False when it could not be saved)."""

    def __init__(self, text: str, undo: Callable[[], bool], redo: Callable[[], bool]) -> None:
        super().__init__(text)
        self._undo = undo
        self._redo = redo
        self._first = True

    def redo(self) -> None:
        if self._first:  # pushed after the edit was made and saved
            self._first = False
            return
        if not self._redo():
            self.setObsolete(True)

    def undo(self) -> None:
        if not self._undo():
            self.setObsolete(True)
