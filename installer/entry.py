"""The frozen app's entry point: the same command line as `tickerdesk` / `python -m desktop`."""

from desktop.cli import main

raise SystemExit(main())
