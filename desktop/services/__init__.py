"""Application policy without Qt: what the window, the command line and a headless process share.

The quote pipeline (the one threading boundary), choosing and probing the source, the feed supervisor's
fallback rules, and the alert book's rule operations. `ui/` adapts these to signals and timers; the CLI
calls them directly.
"""
