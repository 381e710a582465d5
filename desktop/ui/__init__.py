"""The Qt layer: main window, watchlist model and view, charts. Widgets are touched on the GUI thread only."""
