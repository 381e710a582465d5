"""Bad input and hostile text on the command line: one line, exit 2 (bad input) or 1 (outside failure),
nothing stored touched. Each case printed a traceback, or was taken silently, before."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from desktop.config import HOME_ENV
from desktop.core.prices import _cache_file, read_cached
from desktop.paths import bundled_daily_dir

from .disks import fill, small_tmpfs


def run(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, HOME_ENV: str(home)}
    return subprocess.run([sys.executable, "-m", "desktop", *args], capture_output=True, text=True, env=env,
                          timeout=60, check=False)  # fmt: skip


def one_line(done: subprocess.CompletedProcess[str]) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["quote", "SPY", "--source", "replay", "--at", "9999-12-31"], "a year from 1970 to 2200"),
        (["run", "--exit-after", "nan"], "bad number of seconds"),
        (["run", "--exit-after", "1e300"], "bad number of seconds"),
        (["watch", "SPY", "--source", "replay", "--speed", "0"], "bad speed"),
        (["watch", "SPY", "--source", "replay", "--speed", "1e-300"], "bad speed"),
        (["watch", "SPY", "--source", "replay", "--speed", "fast"], "bad speed"),
        (["watch", "SPY", "--source", "replay", "--seconds", "-1"], "bad number of seconds"),
        (["watch", "SPY", "--source", "replay", "--seconds", "nan"], "bad number of seconds"),
        (["alerts", "add", "--type", "price", "--symbol", "SPY", "--condition", "above", "--level", "1",
          "--frobnicate"], "see tickerdesk alerts add --help"),
        (["alerts", "add", "--type", "price", "--symbol", "SPY", "--condition", "above", "--level", "1",
          "--cooldown", "9" * 400 + "s"], "longer than ten years"),
        (["alerts", "add", "--type", "price", "--symbol", "SPY", "--condition", "above", "--level", "9" * 400],
         "not a number"),
        (["watchlist", "add", "default", "B@D"], "'B@D' is not a ticker symbol"),
        (["watchlist", "add", "NVDA"], "required: SYMBOL, as in: tickerdesk watchlist add Default NVDA AMD"),
        (["quote", "NV DA", "--source", "replay"], "'NV DA' is not a ticker symbol (give symbols apart, separated by"),
        (["quote", "SPY,QQQ", "--source", "replay"], "'SPY,QQQ' is not a ticker symbol (give symbols apart"),
        (["quote", "$12", "--source", "replay"], "'$12' is not a ticker symbol (NVDA, BRK-B"),
        (["alerts", "add", "--type", "price", "--symbol", "NVDA", "--condition", "above", "--level", "-5"],
         "a price is always above 0"),
        (["alerts", "add", "NVDA", "crosses", "below", "-5"],
         "'NVDA crosses below -5': level: -5.0: a price is always above 0"),
        # a value that starts with a dash is the option's value, judged as such (argparse took it for an option)
        (["alerts", "add", "--type", "price", "--symbol", "NVDA", "--condition", "above", "--level", "5",
          "--cooldown", "-5m"], "cooldown: '-5m' is not a duration"),
        (["alerts", "add", "--type", "price", "--symbol", "-NVDA", "--condition", "above", "--level", "5"],
         "'-NVDA' is not a ticker symbol"),
    ],
)  # fmt: skip
def test_bad_values_are_one_line_and_exit_2(tmp_path: Path, args: list[str], words: str) -> None:
    done = run(tmp_path, *args)
    assert done.returncode == 2
    assert words in one_line(done)


def test_the_watchlist_takes_every_kind_of_yahoo_ticker_and_gives_up_any_symbol_it_holds(tmp_path: Path) -> None:
    added = run(tmp_path, "watchlist", "add", "mine", "^vix", "brk-b", "eurusd=x", "m&m.ns", "0700.hk")
    assert added.returncode == 0 and "^VIX, BRK-B, EURUSD=X, M&M.NS, 0700.HK" in added.stdout
    (tmp_path / "list.txt").write_text("Symbol\n^GSPC\nGC=F\nB@D\n")
    imported = run(tmp_path, "watchlist", "import", "mine", str(tmp_path / "list.txt"))
    assert imported.returncode == 0 and "B@D" in imported.stderr
    assert run(tmp_path, "watchlist", "show", "mine").stdout.split() == ["^GSPC", "GC=F"]
    removed = run(tmp_path, "watchlist", "remove", "mine", "gc=f")
    assert removed.returncode == 0 and run(tmp_path, "watchlist", "show", "mine").stdout.split() == ["^GSPC"]


def test_a_cashtag_is_its_ticker(tmp_path: Path) -> None:
    done = run(tmp_path, "quote", "$spy", "--source", "replay", "--at", "2025-12-19")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].split()[0] == "SPY"


def test_from_after_to_is_refused(tmp_path: Path) -> None:
    rules = tmp_path / "r.toml"
    rules.write_text('[[alerts]]\nid = "x"\ntype = "price"\nsymbol = "SPY"\ncondition = "above"\nlevel = 1\n')
    done = run(tmp_path, "backtest", "--prices", str(bundled_daily_dir()), "--alerts", str(rules), "--from",
               "2025-05-01", "--to", "2025-01-01")  # fmt: skip
    assert done.returncode == 2 and "--from 2025-05-01 is after --to 2025-01-01" in one_line(done)


def test_a_rule_file_with_an_unstorable_value_is_refused_whole(tmp_path: Path) -> None:
    assert run(tmp_path, "alerts", "add", "--type", "price", "--symbol", "SPY", "--condition", "above", "--level",
               "500", "--id", "keep").returncode == 0  # fmt: skip
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([
        {"id": "ok", "type": "price", "symbol": "QQQ", "condition": "above", "level": 1},
        {"id": "far", "type": "price", "symbol": "QQQ", "condition": "above", "level": 1,
         "expires": "9999-12-31T23:00-12:00"},
    ]))  # fmt: skip
    done = run(tmp_path, "alerts", "import", str(bad))
    assert done.returncode == 2 and "far" in one_line(done) and "expires" in one_line(done)
    listed = json.loads(run(tmp_path, "alerts", "list", "--format", "json").stdout)
    assert [r["id"] for r in listed] == ["keep"]


def test_control_characters_in_names_are_escaped_on_the_terminal(tmp_path: Path) -> None:
    hostile = "Pwn\x1b]0;owned\x07\r\nfake line"
    assert run(tmp_path, "alerts", "add", "--type", "price", "--symbol", "SPY", "--condition", "above", "--level",
               "1", "--id", "evil", "--name", hostile).returncode == 0  # fmt: skip
    listed = run(tmp_path, "alerts", "list")
    assert listed.returncode == 0
    assert "\x1b" not in listed.stdout and "\r" not in listed.stdout
    assert "Pwn ]0;owned fake line" in listed.stdout  # a name is one line: control characters are spaces
    assert len(listed.stdout.strip().splitlines()) == 3  # the header, the rule and the count: no forged line


def test_a_missing_file_is_a_sentence(tmp_path: Path) -> None:
    done = run(tmp_path, "alerts", "import", str(tmp_path / "nowhere.toml"))
    assert done.returncode == 2
    line = one_line(done)
    assert "Errno" not in line and "nowhere.toml" in line


@pytest.mark.parametrize("damage", ["empty", "truncated"])
def test_a_bad_price_cache_entry_is_discarded_and_rebuilt(tmp_path: Path, damage: str) -> None:
    source = bundled_daily_dir() / "SPY.csv"
    cache = tmp_path / "cache"
    first = read_cached(source, cache)
    entry = _cache_file(source, cache)
    assert entry.exists()
    entry.write_bytes(b"" if damage == "empty" else entry.read_bytes()[:300])
    again = read_cached(source, cache)
    assert list(again.close) == list(first.close)
    assert entry.stat().st_size > 300, "the entry was written again"


def test_a_price_cache_entry_follows_its_file_and_leaves_other_symbols_alone(tmp_path: Path) -> None:
    folder, cache = tmp_path / "prices", tmp_path / "cache"
    folder.mkdir()
    text = (bundled_daily_dir() / "SPY.csv").read_text()
    for name in ("BRK", "BRK-B"):
        (folder / f"{name}.csv").write_text(text)
        read_cached(folder / f"{name}.csv", cache)
    cache.joinpath("BRK-100-200.npz").write_bytes(b"an entry in the format of an older version")
    cache.joinpath("BRK-100-300.npy.partial").write_bytes(b"half an entry: a crash while writing it")
    (folder / "BRK.csv").write_text(text + "2026-12-31,1,1,1,1,1\n")
    changed = read_cached(folder / "BRK.csv", cache)
    assert changed.close[-1] == 1.0
    assert sorted(p.name for p in cache.iterdir()) == sorted(
        [_cache_file(folder / "BRK.csv", cache).name, _cache_file(folder / "BRK-B.csv", cache).name]
    )
    again = read_cached(folder / "BRK.csv", cache)
    assert again.daily and np.array_equal(again.times, changed.times) and again.session.dtype == np.int64


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with small_tmpfs(tmp_path / "disk", "192k") as disk:
        yield disk


def test_an_export_over_a_file_on_a_full_disk_leaves_the_old_file_whole(tmp_path: Path, small_disk: Path) -> None:
    for k in range(40):
        run(tmp_path, "alerts", "add", "--type", "price", "--symbol", "SPY", "--condition", "above", "--level",
            str(100 + k), "--id", f"rule-{k:02d}", "--name", "x" * 200)  # fmt: skip
    target = small_disk / "rules.toml"
    target.write_text("# the export of last week\n")
    fill(small_disk)
    done = run(tmp_path, "alerts", "export", str(target))
    assert done.returncode == 1 and "disk is full" in one_line(done)
    assert target.read_text() == "# the export of last week\n"
    assert [p.name for p in small_disk.iterdir() if p.name != "filler"] == ["rules.toml"]  # no temporary left


def test_a_spreadsheets_symbol_column_is_found_behind_its_byte_order_mark(tmp_path: Path) -> None:
    (tmp_path / "list.csv").write_bytes(b"\xef\xbb\xbfSymbol,Name\r\nNVDA,NVIDIA\r\n^VIX,Volatility\r\n")
    imported = run(tmp_path, "watchlist", "import", "mine", str(tmp_path / "list.csv"))
    assert imported.returncode == 0 and imported.stderr == ""
    assert run(tmp_path, "watchlist", "show", "mine").stdout.split() == ["NVDA", "^VIX"]


def test_a_file_imported_without_a_name_makes_a_list_named_after_it(tmp_path: Path) -> None:
    """`watchlist import FILE` (what a user types first) as the window's Import does: a new list named after
    the file, never one already there. Before, the file was taken for the list's name and "file" was missing."""
    quotes = tmp_path / "quotes.csv"  # Yahoo Finance's portfolio export
    quotes.write_text("Symbol,Current Price,Date,Time,Change,Open,High,Low,Volume,Trade Date,Purchase Price,Quantity\n"
                      "AAPL,271.49,2025/11/21,4:00pm EST,5.24,265.95,273.33,265.67,59030832,,,\n"
                      "BRK-B,506.11,2025/11/21,4:00pm EST,7.1,499.1,508.2,498.7,4903821,,,\n")  # fmt: skip
    first = run(tmp_path, "watchlist", "import", str(quotes))
    assert first.returncode == 0 and first.stdout.strip() == "imported 2 symbols into quotes", first.stderr
    second = run(tmp_path, "watchlist", "import", str(quotes))
    assert second.returncode == 0 and second.stdout.strip() == "imported 2 symbols into quotes 2"
    assert run(tmp_path, "watchlist", "show", "quotes").stdout.split() == ["AAPL", "BRK-B"]
    named = run(tmp_path, "watchlist", "import", "quotes", str(quotes))  # a name given: that list, replaced
    assert named.returncode == 0 and named.stdout.strip() == "imported 2 symbols into quotes"
    listed = run(tmp_path, "watchlist", "list").stdout.splitlines()
    assert [line[:24].strip() for line in listed] == ["Default", "quotes", "quotes 2"]


def test_a_list_exported_without_a_name_is_the_only_list_or_the_lists_are_named(tmp_path: Path) -> None:
    out = tmp_path / "out.txt"
    only = run(tmp_path, "watchlist", "export", str(out))
    assert only.returncode == 0 and only.stdout.strip() == f"exported 13 symbols of Default to {out}", only.stderr
    assert out.read_text().split()[:3] == ["SPY", "QQQ", "IWM"]
    run(tmp_path, "watchlist", "add", "Chips", "NVDA", "AMD")
    out.unlink()
    which = run(tmp_path, "watchlist", "export", str(out))
    assert which.returncode == 2 and not out.exists()
    assert "name the list to export (Default, Chips)" in one_line(which)  # in the tabs' order


def test_a_list_named_in_another_case_is_that_list(tmp_path: Path) -> None:
    added = run(tmp_path, "watchlist", "add", "default", "^vix")
    assert added.returncode == 0 and added.stdout.strip() == "added 1 to Default: ^VIX"
    listed = run(tmp_path, "watchlist", "list").stdout
    assert listed.split() == ["Default", "14", "symbols"], "no second list named 'default'"


def test_importing_a_file_that_is_mostly_not_symbols_leaves_the_list_as_it_was(tmp_path: Path) -> None:
    before = run(tmp_path, "watchlist", "show", "Default").stdout.split()
    wrong = tmp_path / "passwd"  # the wrong file picked: a few of its words read as tickers (LIST, TIME)
    wrong.write_text("root:x:0:0:root:/root:/bin/bash\nlist:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin\n"
                     "systemd-timesync:x:997:997:systemd Time Synchronization:/:/usr/sbin/nologin\n")  # fmt: skip
    refused = run(tmp_path, "watchlist", "import", "Default", str(wrong))
    assert refused.returncode == 2 and "passwd: mostly not ticker symbols" in one_line(refused)
    assert len(before) == 13 and run(tmp_path, "watchlist", "show", "Default").stdout.split() == before


def test_the_last_list_stays_a_folder_is_named_and_an_absent_symbol_is_said(tmp_path: Path) -> None:
    refused = run(tmp_path, "watchlist", "remove", "Default", "--list")
    assert (
        refused.returncode == 2
        and one_line(refused) == "tickerdesk: Default is the last watchlist: it cannot be deleted"
    )
    assert len(run(tmp_path, "watchlist", "show", "Default").stdout.split()) == 13
    folder = tmp_path / "exports"
    folder.mkdir()
    into_folder = run(tmp_path, "watchlist", "export", "Default", str(folder))
    assert into_folder.returncode == 2 and one_line(into_folder) == f"tickerdesk: {folder}: it is a folder"
    assert list(folder.iterdir()) == [], "no temporary file left beside it"
    removed = run(tmp_path, "watchlist", "remove", "Default", "ZZZZ", "NVDA")
    assert (
        removed.stdout.strip() == "removed 1 from Default: NVDA"
        and one_line(removed) == "tickerdesk: not in Default: ZZZZ"
    )


def test_a_refused_recording_leaves_no_new_file_and_an_old_one_as_it_was(tmp_path: Path) -> None:
    fresh = tmp_path / "new.csv"
    refused = run(tmp_path, "record", "ZZZZ", "--out", str(fresh), "--source", "replay", "--seconds", "1")
    assert refused.returncode == 2 and "unknown symbol ZZZZ" in one_line(refused) and not fresh.exists()
    kept = tmp_path / "kept.csv"
    assert run(tmp_path, "record", "SPY", "--out", str(kept), "--source", "replay", "--seconds", "1").returncode == 0
    before = kept.read_bytes()
    assert run(tmp_path, "record", "ZZZZ", "--out", str(kept), "--source", "replay", "--seconds", "1").returncode == 2
    assert kept.read_bytes() == before
