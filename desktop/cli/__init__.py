"""The `tickerdesk` command line: `run` (the window, the default), `quote`, `watch`, `record`, `chart`,
`backtest` and `alerts`.

Qt is imported only by `run` and `chart`, so the terminal commands start fast and work without a display.
Rooms: `arguments` (the parser, value checks, errors), `quotes` (quote, watch, record), `rules` (alerts,
backtest), `chart`, and `main` (dispatch, exit statuses, the one place that prints errors).
"""

from desktop.cli.main import main

__all__ = ["main"]
