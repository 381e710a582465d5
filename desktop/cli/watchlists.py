"""`tickerdesk watchlist`: the named watchlists the window shows as tabs, from the command line."""

from __future__ import annotations

import argparse

from desktop.cli.arguments import CliError, Done
from desktop.cli.database import command_database
from desktop.config import DEFAULT_SYMBOLS, DEFAULT_WATCHLIST
from desktop.core.safe_files import printable, write_atomic
from desktop.core.symbol_lists import SymbolListError, read_symbol_file, symbols_text
from desktop.storage.watchlists import WatchlistError, WatchlistRepository


def cmd_watchlist(args: argparse.Namespace) -> Done:
    with command_database(writes=args.action not in ("list", "show", "export")) as opened:
        repo = WatchlistRepository(opened.connection)
        try:
            if not opened.read_only:
                repo.ensure(DEFAULT_WATCHLIST, list(DEFAULT_SYMBOLS))  # the window's first list, as it makes it
            if getattr(args, "name", None):
                args.name = repo.resolve(args.name)  # `watchlist add default NVDA` means the Default list
            return _action(args, repo)
        except WatchlistError as exc:
            raise CliError(str(exc)) from None


def _need(repo: WatchlistRepository, name: str) -> None:
    if name not in repo.names():
        raise CliError(f"no watchlist named {printable(name)!r} (see tickerdesk watchlist list)")


def _action(args: argparse.Namespace, repo: WatchlistRepository) -> Done:
    if args.action == "list":
        for name in repo.names():
            count = len(repo.symbols(name))
            print(f"{printable(name):<24} {count} symbol{'s' if count != 1 else ''}")
        return Done()
    if args.action == "show":
        _need(repo, args.name)
        print(symbols_text(repo.symbols(args.name)), end="")
        return Done()
    if args.action == "add":
        added = repo.add_many(list(args.symbols), args.name)  # one transaction: all of them or none
        print(f"added {len(added)} to {printable(args.name)}" + (f": {', '.join(added)}" if added else ""))
        return Done()
    if args.action == "remove":
        _need(repo, args.name)
        if args.list:
            held = repo.delete(args.name)
            print(f"deleted watchlist {printable(args.name)} ({len(held)} symbols)")
            return Done()
        if not args.symbols:
            raise CliError("name the symbols to remove, or --list to delete the watchlist")
        gone = [s for s in args.symbols if repo.remove(s, args.name)]
        print(f"removed {len(gone)} from {printable(args.name)}" + (f": {', '.join(gone)}" if gone else ""))
        return Done()
    if args.action == "import":
        try:
            symbols, bad = read_symbol_file(args.file)
        except SymbolListError as exc:
            raise CliError(str(exc)) from None
        if args.name not in repo.names():
            repo.create(args.name, symbols)
        else:
            repo.replace_symbols(args.name, symbols)
        print(f"imported {len(symbols)} symbols into {printable(args.name)}")
        return Done(0, [f"skipped what is not a ticker: {printable(', '.join(bad[:10]))}"] if bad else [])
    _need(repo, args.name)
    args.file.parent.mkdir(parents=True, exist_ok=True)
    symbols = repo.symbols(args.name)
    write_atomic(args.file, symbols_text(symbols))
    print(f"exported {len(symbols)} symbols of {printable(args.name)} to {args.file}")
    return Done()
