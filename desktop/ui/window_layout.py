"""Window geometry, docks, splitter and table header: restored at start, saved at close."""

from __future__ import annotations

from desktop import logs
from desktop.ui import settings as cfg
from desktop.ui.window_parts import WindowParts
from desktop.ui.window_watchlists import header_setting

log = logs.ui

FIRST_SIZE = (1560, 900)  # the table, the charts and the alerts side by side, nothing cut
# On a smaller screen the first window takes this share of the space left by panels and docks, so that its
# title bar and its bottom edge stay on the screen (a 1366 x 768 laptop's is about 1366 x 740).
SCREEN_SHARE = (0.96, 0.92)


def first_size(available: tuple[int, int] | None) -> tuple[int, int]:
    """The window's size at its first start (later starts restore the last one), for a screen whose free
    area is `available` (None: unknown)."""
    if available is None:
        return FIRST_SIZE
    return (
        min(FIRST_SIZE[0], int(available[0] * SCREEN_SHARE[0])),
        min(FIRST_SIZE[1], int(available[1] * SCREEN_SHARE[1])),
    )


class LayoutPersistence(WindowParts):
    """A room of MainWindow (see window_parts)."""

    def _restore_layout(self) -> None:
        s = self.settings
        if not s.get(cfg.WINDOW_GEOMETRY).isEmpty():
            self.restoreGeometry(s.get(cfg.WINDOW_GEOMETRY))
        if not s.get(cfg.WINDOW_STATE).isEmpty():
            self.restoreState(s.get(cfg.WINDOW_STATE))
        if not s.get(cfg.SPLITTER_STATE).isEmpty():
            self.splitter.restoreState(s.get(cfg.SPLITTER_STATE))
        # Each watchlist keeps its own columns and sort (the one saved before lists existed serves the first).
        own = s.get(header_setting(self.current_list))
        header = own if not own.isEmpty() else s.get(cfg.TABLE_HEADER)
        if not header.isEmpty():
            self.table.fitted.restore_state(header)

    def save_layout(self) -> None:
        s = self.settings
        s.set(cfg.WINDOW_GEOMETRY, self.saveGeometry())
        s.set(cfg.WINDOW_STATE, self.saveState())
        s.set(cfg.SPLITTER_STATE, self.splitter.saveState())
        header = self.table.fitted.saved_state()  # the columns at their widths with room (ui/fitted_columns)
        s.set(cfg.TABLE_HEADER, header)
        s.set(header_setting(self.current_list), header)
        s.set(cfg.CURRENT_WATCHLIST, self.current_list)
        s.set(cfg.SELECTED_SYMBOL, self.table.current_symbol() or "")
        s.set(cfg.REPLAY_SPEED, float(self.speed_box.currentData()))
        if self._charts is not None:  # never built (closed at once): the saved choices stand
            tab, price_range, candles, scale = self._charts.view_choices()
            s.set(cfg.CHART_TAB, tab)
            s.set(cfg.CHART_RANGE, price_range)
            s.set(cfg.CHART_CANDLES, candles)
            s.set(cfg.CHART_SCALE, scale)
        s.sync()
