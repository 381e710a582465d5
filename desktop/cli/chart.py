"""`chart`: a chart rendered headless to a PNG file."""

from __future__ import annotations

import argparse

from desktop.cli.arguments import CliError, Done


def cmd_chart(args: argparse.Namespace) -> Done:
    from desktop.core.alerts.windows import parse_window
    from desktop.ui.charts.chart_export import render_chart

    if args.source == "yahoo":
        raise CliError("chart draws recorded data: use --source replay (and --replay-data)")
    if not args.symbols and not args.spread and not args.rrg:
        raise CliError("name at least one SYMBOL, or --spread A B, or --rrg BENCHMARK")
    if args.weekly and not args.rrg:
        raise CliError("--weekly is for --rrg")
    if args.spread:
        if args.spread[0] == args.spread[1]:
            raise CliError("--spread needs two different symbols")
        try:
            parse_window(args.window)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    print(render_chart(args))  # a confirmation, like `alerts export`: stdout
    return Done()
