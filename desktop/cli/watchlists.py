"""`tickerdesk watchlist`: the named watchlists the window shows as tabs, from the command line."""

from __future__ import annotations

import argparse

from desktop.cli.arguments import CliError, Done
from desktop.cli.database import command_database
from desktop.config import DEFAULT_SYMBOLS, DEFAULT_WATCHLIST
from desktop.core.safe_files import printable, write_atomic
from desktop.core.symbol_lists import SymbolListError, read_symbol_file, symbols_text
from desktop.core.watchlist_names import name_for_file
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


def watchlist_symbols(args: argparse.Namespace) -> list[str]:
    """The symbols a quote, watch or record command was given, or else those of its --watchlist (the Default
    list when none is named, made as the window makes it on a fresh machine)."""
    if args.symbols:
        if args.watchlist is not None:
            raise CliError("give symbols or --watchlist, not both")
        return list(args.symbols)
    with command_database(writes=False) as opened:
        repo = WatchlistRepository(opened.connection)
        try:
            if not opened.read_only:
                repo.ensure(DEFAULT_WATCHLIST, list(DEFAULT_SYMBOLS))
            name = repo.resolve(args.watchlist or DEFAULT_WATCHLIST)
            if name == DEFAULT_WATCHLIST and name not in repo.names():  # a read-only database without it
                return list(DEFAULT_SYMBOLS)
            _need(repo, name)
            symbols = repo.symbols(name)
        except WatchlistError as exc:
            raise CliError(str(exc)) from None
    if not symbols:
        raise CliError(f"watchlist {printable(name)} is empty: name the symbols, or add some to it")
    return symbols


def _need(repo: WatchlistRepository, name: str) -> None:
    if name not in repo.names():
        raise CliError(f"no watchlist named {printable(name)!r} (see tickerdesk watchlist list)")


def _action(args: argparse.Namespace, repo: WatchlistRepository) -> Done:
    if args.action == "list":
        for name in repo.names():
            print(f"{printable(name):<24} {_count(len(repo.symbols(name)))}")
        return Done()
    if args.action == "show":
        _need(repo, args.name)
        print(symbols_text(repo.symbols(args.name)), end="")
        return Done()
    if args.action == "add":
        added = repo.add_many(list(args.symbols), args.name)  # one transaction: all of them or none
        held = [s for s in dict.fromkeys(args.symbols) if s not in added]
        print(
            f"added {len(added)} to {printable(args.name)}"
            + (f": {', '.join(added)}" if added else "")
            + (f"; {', '.join(held)} {'was' if len(held) == 1 else 'were'} there already" if held else "")
        )
        return Done()
    if args.action == "remove":
        _need(repo, args.name)
        if args.list:
            if len(repo.names()) == 1:  # as in the window: there is always a list to show
                raise CliError(f"{printable(args.name)} is the last watchlist: it cannot be deleted")
            held = repo.delete(args.name)
            print(f"deleted watchlist {printable(args.name)} ({_count(len(held))})")
            return Done()
        if not args.symbols:
            raise CliError("name the symbols to remove, or --list to delete the watchlist")
        gone = [s for s in args.symbols if repo.remove(s, args.name)]
        print(f"removed {len(gone)} from {printable(args.name)}" + (f": {', '.join(gone)}" if gone else ""))
        absent = [s for s in args.symbols if s not in gone]
        return Done(0, [f"not in {printable(args.name)}: {', '.join(absent)}"] if absent else [])
    if args.action == "import":
        try:
            symbols, bad = read_symbol_file(args.file)
        except SymbolListError as exc:
            raise CliError(str(exc)) from None
        if args.name is None:  # `watchlist import FILE`: a new list, as the window's Import makes
            args.name = name_for_file(args.file, repo.names())
        if args.name not in repo.names():
            repo.create(args.name, symbols)
        else:
            repo.replace_symbols(args.name, symbols)
        print(f"imported {_count(len(symbols))} into {printable(args.name)}")
        return Done(0, [f"skipped what is not a ticker: {printable(', '.join(bad[:10]))}"] if bad else [])
    if args.name is None:  # `watchlist export FILE`: the list, when there is only one
        names = repo.names()
        if len(names) != 1:
            raise CliError(
                f"name the list to export ({printable(', '.join(names))}): tickerdesk watchlist export NAME FILE"
            )
        args.name = names[0]
    _need(repo, args.name)
    args.file.parent.mkdir(parents=True, exist_ok=True)
    symbols = repo.symbols(args.name)
    write_atomic(args.file, symbols_text(symbols))
    print(f"exported {_count(len(symbols))} of {printable(args.name)} to {args.file}")
    return Done()


def _count(symbols: int) -> str:
    return f"{symbols} symbol{'s' if symbols != 1 else ''}"
