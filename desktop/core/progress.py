"""Long work that reports how far it got and can be stopped: one callback shape for the window and the CLI.

`progress(done)` takes the fraction done (0 to 1) and answers whether to go on; work that hears False
stops by raising `WorkCancelledError`, having changed nothing the caller keeps.
"""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[float], bool]


class WorkCancelledError(Exception):
    """The person asked the work to stop (its progress callback said so)."""


def report(progress: Progress | None, done: float) -> None:
    """Tell `progress` how far the work got; raise WorkCancelledError when it says stop."""
    if progress is not None and not progress(min(1.0, max(0.0, done))):
        raise WorkCancelledError("stopped")


__all__ = ["Progress", "WorkCancelledError", "report"]
