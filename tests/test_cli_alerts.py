"""`tickerdesk backtest` and `tickerdesk alerts` as real subprocesses, checked against plain pandas."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from .test_cli import tickerdesk

ROTATION = """
[[alerts]]
id = "rotation"
name = "Small caps lead big tech this quarter"
type = "spread"
a = "IWM"
b = "QQQ"
window = "qtd"
condition = "crosses_above"
level = 1.5
cooldown = "1d"
"""
NVDA = """
[[alerts]]
id = "nvda175"
type = "price"
symbol = "NVDA"
condition = "crosses_below"
level = 175
"""
TSLA = """
[[alerts]]
id = "tsla5"
type = "change"
symbol = "TSLA"
condition = "above"
level = 5
"""
RATIO = """
[[alerts]]
id = "ratio"
type = "ratio"
a = "IWM"
b = "QQQ"
condition = "crosses_below"
level = 0.4
"""


def closes(daily_dir: Path, symbol: str) -> pd.Series:
    frame = pd.read_csv(daily_dir / f"{symbol}.csv", parse_dates=["Date"], index_col="Date")
    return frame["Close"]


def crossings(values: pd.Series, level: float, above: bool) -> list[str]:
    """Dates where a defined value crosses `level` from its previous defined value."""
    values = values.dropna()
    prev = values.shift(1)
    hit = (prev <= level) & (values > level) if above else (prev >= level) & (values < level)
    return [d.strftime("%Y-%m-%d") for d in values.index[hit.fillna(False)]]


def backtest(home: Path, prices: Path, rules: str, tmp_path: Path, *extra: str) -> list[dict[str, object]]:
    rule_file = tmp_path / "rules.toml"
    rule_file.write_text(rules)
    result = tickerdesk("backtest", "--prices", str(prices), "--alerts", str(rule_file), "--format", "json", *extra,
                        home=home)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return list(json.loads(result.stdout))


def test_price_crossing_matches_pandas(tickerdesk_home: Path, daily_dir: Path, tmp_path: Path) -> None:
    fires = backtest(tickerdesk_home, daily_dir, NVDA, tmp_path)
    expected = crossings(closes(daily_dir, "NVDA"), 175, above=False)
    assert expected, "the data has NVDA crossing below 175"
    assert [f["time"] for f in fires] == expected
    assert all(f["alert"] == "nvda175" and f["level"] == 175 and float(f["value"]) < 175 for f in fires)  # type: ignore[arg-type]


def test_rules_without_ids_name_the_same_fires_every_run_and_import_once(
    tickerdesk_home: Path, daily_dir: Path, tmp_path: Path
) -> None:
    no_id = NVDA.replace('id = "nvda175"\n', "")
    first = backtest(tickerdesk_home, daily_dir, no_id, tmp_path)
    assert first and first == backtest(tickerdesk_home, daily_dir, no_id, tmp_path), "same file, same output"
    rule_file = tmp_path / "rules.toml"
    assert "imported 1 rule (0 updated)" in tickerdesk("alerts", "import", str(rule_file), home=tickerdesk_home).stdout
    assert "imported 1 rule (1 updated)" in tickerdesk("alerts", "import", str(rule_file), home=tickerdesk_home).stdout
    listed = json.loads(tickerdesk("alerts", "list", "--format", "json", home=tickerdesk_home).stdout)
    assert [r["id"] for r in listed] == [first[0]["alert"]], "imported again, the rule is updated, not doubled"


def test_change_edge_trigger_matches_pandas(tickerdesk_home: Path, daily_dir: Path, tmp_path: Path) -> None:
    fires = backtest(tickerdesk_home, daily_dir, TSLA, tmp_path)
    close = closes(daily_dir, "TSLA")
    pct = (close / close.shift(1) - 1) * 100  # undefined on the first row: no previous close
    defined = pct.dropna()
    was = defined.shift(1)
    edge = (defined > 5) & ((was <= 5) | was.isna())
    expected = [d.strftime("%Y-%m-%d") for d in defined.index[edge]]
    assert len(expected) >= 3
    assert [f["time"] for f in fires] == expected
    for fire in fires:
        assert float(fire["value"]) == pytest.approx(pct[pd.Timestamp(str(fire["time"]))], abs=1e-6)  # type: ignore[arg-type]


def test_a_move_either_way_matches_pandas(tickerdesk_home: Path, daily_dir: Path, tmp_path: Path) -> None:
    """TSLA moves more than 5 % on the day, up or down: one fire each time the move gets past 5 % either way."""
    either_way = TSLA.replace('condition = "above"', 'condition = "outside"')
    fires = backtest(tickerdesk_home, daily_dir, either_way, tmp_path)
    close = closes(daily_dir, "TSLA")
    move = ((close / close.shift(1) - 1) * 100).dropna().abs()
    was = move.shift(1)
    expected = [d.strftime("%Y-%m-%d") for d in move.index[(move > 5) & ((was <= 5) | was.isna())]]
    assert [f["time"] for f in fires] == expected
    downs = [f for f in fires if float(f["value"]) < 0]  # type: ignore[arg-type]
    assert len(downs) >= 3 and len(fires) - len(downs) >= 3, "the real data has big days both ways"
    assert all(f["level"] == 5 for f in fires)


def test_a_day_up_exactly_the_level_is_not_above_it(tickerdesk_home: Path, tmp_path: Path) -> None:
    """400 -> 420 is 5 % (5.000000000000004 in binary floating point): the rule fires on 5.25 %, not on it."""
    rows = [("2025-10-01", 400), ("2025-10-02", 420), ("2025-10-03", 400), ("2025-10-06", 421)]
    prices = tmp_path / "TSLA.csv"
    prices.write_text("Date,Close\n" + "".join(f"{day},{close}\n" for day, close in rows))
    fires = backtest(tickerdesk_home, prices, TSLA, tmp_path)
    assert [(f["time"], round(float(f["value"]), 4)) for f in fires] == [("2025-10-06", 5.25)]  # type: ignore[arg-type]


def test_rotation_spread_matches_pandas(tickerdesk_home: Path, daily_dir: Path, tmp_path: Path) -> None:
    iwm, qqq = closes(daily_dir, "IWM"), closes(daily_dir, "QQQ")
    quarter = iwm.index.to_period("Q")

    def qtd(series: pd.Series) -> pd.Series:
        # Base: the last close of the previous quarter; undefined in the data's first quarter.
        last_of_quarter = series.groupby(quarter).last()
        base = pd.Series(quarter, index=series.index).map(lambda q: last_of_quarter.get(q - 1))
        return (series / base.astype(float) - 1) * 100

    spread = qtd(iwm) - qtd(qqq)
    expected = crossings(spread, 1.5, above=True)
    fires = backtest(tickerdesk_home, daily_dir, ROTATION, tmp_path)
    # Daily closes are 24 h apart or more, so the 1d cooldown never drops a next-session fire here.
    assert [f["time"] for f in fires] == expected
    assert "2025-10-14" in expected  # the rotation of late 2025
    for fire in fires:
        assert float(fire["value"]) == pytest.approx(spread[pd.Timestamp(str(fire["time"]))], abs=1e-6)  # type: ignore[arg-type]


def test_ratio_and_window_of_report(tickerdesk_home: Path, daily_dir: Path, tmp_path: Path) -> None:
    ratio = closes(daily_dir, "IWM") / closes(daily_dir, "QQQ")
    expected = crossings(ratio, 0.4, above=False)
    fires = backtest(tickerdesk_home, daily_dir, RATIO, tmp_path)
    assert [f["time"] for f in fires] == expected and expected
    later = backtest(tickerdesk_home, daily_dir, RATIO, tmp_path, "--from", expected[-1])
    assert [f["time"] for f in later] == [expected[-1]]


def test_several_rules_keep_file_order_within_a_time(tickerdesk_home: Path, daily_dir: Path, tmp_path: Path) -> None:
    fires = backtest(tickerdesk_home, daily_dir, ROTATION + NVDA + TSLA, tmp_path)
    keys = [(f["time"], ["rotation", "nvda175", "tsla5"].index(str(f["alert"]))) for f in fires]
    assert keys == sorted(keys)
    assert {f["alert"] for f in fires} == {"rotation", "nvda175", "tsla5"}


def test_intraday_times_keep_their_offset(tickerdesk_home: Path, intraday_dir: Path, tmp_path: Path) -> None:
    rule = '[[alerts]]\nid = "spy"\ntype = "price"\nsymbol = "SPY"\ncondition = "above"\nlevel = 1\n'
    fires = backtest(tickerdesk_home, intraday_dir, rule, tmp_path)
    assert [f["time"] for f in fires] == ["2026-04-24T09:30:00-04:00"]


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ('[[alerts]]\nid = "x"\ntype = "price"\nsymbol = "SPY"\ncondition = "above"\nlevel = "high"\n', "level"),
        (
            '[[alerts]]\nid = "x"\ntype = "price"\nsymbol = "ZZZZ"\ncondition = "above"\nlevel = 1\n',
            "no prices for ZZZZ",
        ),
        ("[[alerts]\n", "not valid TOML"),
    ],
)
def test_backtest_bad_input_exit_2(
    tickerdesk_home: Path, daily_dir: Path, tmp_path: Path, rules: str, message: str
) -> None:
    rule_file = tmp_path / "rules.toml"
    rule_file.write_text(rules)
    result = tickerdesk("backtest", "--prices", str(daily_dir), "--alerts", str(rule_file), home=tickerdesk_home)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_backtest_with_nothing_named_runs_the_saved_rules_over_the_bundled_data(
    tickerdesk_home: Path, daily_dir: Path, tmp_path: Path
) -> None:
    """What the window's rules would have done, without an export first: the saved rules, the bundled data."""
    none_yet = tickerdesk("backtest", home=tickerdesk_home)
    assert none_yet.returncode == 2 and "no saved alert rules" in none_yet.stderr and "--alerts FILE" in none_yet.stderr
    rule_file = tmp_path / "rules.toml"
    rule_file.write_text(NVDA + ROTATION)
    assert tickerdesk("alerts", "import", str(rule_file), home=tickerdesk_home).returncode == 0
    saved = tickerdesk("backtest", "--format", "json", home=tickerdesk_home)
    named = tickerdesk("backtest", "--prices", str(daily_dir), "--alerts", str(rule_file), "--format", "json",
                       home=tickerdesk_home)  # fmt: skip
    assert saved.returncode == 0 and named.returncode == 0, saved.stderr
    fires = json.loads(saved.stdout)
    assert {f["alert"] for f in fires} == {"nvda175", "rotation"} and fires == json.loads(named.stdout)
    over_data = tickerdesk("backtest", "--prices", str(daily_dir), "--format", "json", home=tickerdesk_home)
    assert json.loads(over_data.stdout) == fires


def test_backtest_takes_its_price_folder_as_an_argument_and_says_what_each_fired_rule_watches(
    tickerdesk_home: Path, daily_dir: Path, tmp_path: Path
) -> None:
    """`backtest FOLDER` is `backtest --prices FOLDER`; a table whose ids say nothing of their rules ends each
    line with the rule's name or words."""
    rule_file = tmp_path / "rules.toml"
    rule_file.write_text(NVDA + ROTATION)
    given = tickerdesk("backtest", str(daily_dir), "--alerts", str(rule_file), "--format", "json", home=tickerdesk_home)
    named = tickerdesk("backtest", "--prices", str(daily_dir), "--alerts", str(rule_file), "--format", "json",
                       home=tickerdesk_home)  # fmt: skip
    assert given.returncode == 0, given.stderr
    assert json.loads(given.stdout) == json.loads(named.stdout) != []
    table = tickerdesk("backtest", str(daily_dir), "--alerts", str(rule_file), home=tickerdesk_home).stdout.splitlines()
    assert table[0].split() == ["TIME", "ALERT", "VALUE", "LEVEL", "RULE"]
    rows = {line.split()[1]: line for line in table[1:-1]}
    assert rows["nvda175"].endswith("  NVDA price crosses below 175")
    assert rows["rotation"].endswith("  Small caps lead big tech this quarter")


def test_an_empty_list_says_how_to_add_a_rule_instead_of_printing_a_bare_header(tickerdesk_home: Path) -> None:
    empty = tickerdesk("alerts", "list", home=tickerdesk_home)
    assert empty.returncode == 0 and empty.stdout == ""
    assert empty.stderr.strip() == "tickerdesk: no rules (tickerdesk alerts add, or alerts import FILE)"
    assert json.loads(tickerdesk("alerts", "list", "--format", "json", home=tickerdesk_home).stdout) == []


def test_alerts_add_list_export_import_remove(tickerdesk_home: Path, tmp_path: Path) -> None:
    added = tickerdesk("alerts", "add", "--type", "price", "--symbol", "nvda", "--condition", "crosses_below",
                       "--level", "175", "--id", "nvda175", home=tickerdesk_home)  # fmt: skip
    assert added.returncode == 0, added.stderr
    bad = tickerdesk("alerts", "add", "--type", "spread", "--a", "IWM", "--b", "IWM", "--window", "qtd",
                     "--condition", "above", "--level", "1", home=tickerdesk_home)  # fmt: skip
    assert bad.returncode == 2 and bad.stderr.startswith("tickerdesk: b: must differ"), bad.stderr
    rules_file = tmp_path / "more.toml"
    rules_file.write_text(ROTATION + TSLA)
    imported = tickerdesk("alerts", "import", str(rules_file), home=tickerdesk_home)
    assert imported.returncode == 0 and "imported 2 rules" in imported.stdout and imported.stderr == ""
    misspelt = tmp_path / "misspelt.toml"
    misspelt.write_text(TSLA.replace('id = "tsla5"', 'id = "tsla5"\nchannels = ["phnoe"]'))
    noted = tickerdesk("alerts", "import", str(misspelt), home=tickerdesk_home)
    assert noted.returncode == 0 and "the channel phnoe is not set up" in noted.stderr, noted.stderr
    assert tickerdesk("alerts", "import", str(rules_file), home=tickerdesk_home).returncode == 0  # tsla5 as it was
    listed = tickerdesk("alerts", "list", "--format", "json", home=tickerdesk_home)
    assert [r["id"] for r in json.loads(listed.stdout)] == ["nvda175", "rotation", "tsla5"]
    broken = tmp_path / "broken.toml"
    broken.write_text(ROTATION.replace('"rotation"', '"r2"') + TSLA.replace("level = 5", "level = 'x'"))
    refused = tickerdesk("alerts", "import", str(broken), home=tickerdesk_home)
    assert refused.returncode == 2 and "rule 'tsla5': level" in refused.stderr
    out = tmp_path / "out.json"
    assert tickerdesk("alerts", "export", str(out), home=tickerdesk_home).returncode == 0
    assert [r["id"] for r in json.loads(out.read_text())["alerts"]] == ["nvda175", "rotation", "tsla5"], "r2 not taken"
    assert tickerdesk("alerts", "remove", "tsla5", home=tickerdesk_home).returncode == 0
    assert tickerdesk("alerts", "remove", "nope", home=tickerdesk_home).returncode == 2
    conn = sqlite3.connect(tickerdesk_home / "data" / "tickerdesk.db")
    assert [r[0] for r in conn.execute("SELECT id FROM alert_rule ORDER BY position")] == ["nvda175", "rotation"]
    conn.close()


def test_add_checks_the_symbol_warns_of_a_twin_and_list_shows_the_state(tickerdesk_home: Path) -> None:
    unknown = tickerdesk("alerts", "add", "--type", "price", "--symbol", "PLTR", "--condition", "above",
                         "--level", "100", home=tickerdesk_home)  # fmt: skip
    assert unknown.returncode == 2 and "unknown symbol PLTR" in unknown.stderr and "--force" in unknown.stderr
    forced = tickerdesk("alerts", "add", "--type", "price", "--symbol", "PLTR", "--condition", "above",
                        "--level", "100", "--force", home=tickerdesk_home)  # fmt: skip
    assert forced.returncode == 0 and forced.stdout.startswith("saved ")
    for rule_id in ("one", "two"):
        done = tickerdesk("alerts", "add", "--id", rule_id, "--type", "price", "--symbol", "NVDA",
                          "--condition", "crosses_below", "--level", "175", home=tickerdesk_home)  # fmt: skip
        assert done.returncode == 0
    assert "rule one already watches the same thing" in done.stderr
    listed = tickerdesk("alerts", "list", home=tickerdesk_home).stdout.splitlines()
    assert listed[0].split() == ["ID", "TYPE", "RULE", "STATE", "FIRES", "LAST", "FIRED"]
    assert listed[2].split()[:2] == ["one", "price"] and listed[2].split()[-3:] == ["on", "0", "—"]
    assert "NVDA price crosses below 175" in listed[2]
    help_text = " ".join(tickerdesk("alerts", "add", "--help", home=tickerdesk_home).stdout.split())
    assert all(f"--{option}" in help_text for option in ("type", "window", "condition", "cooldown", "force"))
    assert "quiet time after a fire" in help_text


def test_the_readme_backtest_figure_is_what_the_backtest_says(tickerdesk_home: Path, tmp_path: Path) -> None:
    import re

    from .conftest import REPO

    said = re.search(r"would have fired (\d+) times since 2025-10-01", (REPO / "README.md").read_text())
    assert said is not None
    rules = tmp_path / "rotation.toml"
    rules.write_text('[[alerts]]\nid = "rotation"\ntype = "spread"\na = "IWM"\nb = "QQQ"\nwindow = "qtd"\n'
                     'condition = "crosses_above"\nlevel = 1.5\ncooldown = "1d"\n')  # fmt: skip
    done = tickerdesk("backtest", "--prices", str(REPO / "resources" / "data" / "daily"), "--alerts", str(rules),
                      "--from", "2025-10-01", "--format", "json", home=tickerdesk_home)  # fmt: skip
    assert len(json.loads(done.stdout)) == int(said.group(1))


QUADRANT = """
[[alerts]]
id = "nvda-leads"
type = "quadrant"
symbol = "NVDA"
quadrant = "leading"
ma = 20
momentum = 5

[[alerts]]
id = "iwm-qqq-ma"
type = "trend"
a = "IWM"
b = "QQQ"
ma = 50
condition = "crosses_above"
level = 0
"""


def test_backtest_reports_a_quadrant_fire_with_ratio_momentum_and_name(
    tickerdesk_home: Path, daily_dir: Path, tmp_path: Path
) -> None:
    fires = backtest(tickerdesk_home, daily_dir, QUADRANT, tmp_path)
    quadrant = [f for f in fires if f["alert"] == "nvda-leads"]
    assert quadrant and all(f["level"] == "leading" for f in quadrant)
    assert all(float(f["value"]) >= 100 and float(f["momentum"]) >= 100 for f in quadrant)  # type: ignore[arg-type]
    # The trend of the ratio against its 50-session mean, by pandas: crossings of 0 from the previous value.
    iwm, qqq = closes(daily_dir, "IWM"), closes(daily_dir, "QQQ")
    ratio = (iwm / qqq).dropna()
    trend = (ratio / ratio.rolling(50).mean().shift(1) - 1) * 100
    want = crossings(trend, 0.0, above=True)
    got = [f["time"] for f in fires if f["alert"] == "iwm-qqq-ma"]
    assert got == want and all("momentum" not in f for f in fires if f["alert"] == "iwm-qqq-ma")
    table = tmp_path / "rules.toml"
    shown = tickerdesk("backtest", "--prices", str(daily_dir), "--alerts", str(table), home=tickerdesk_home)
    assert shown.returncode == 0 and "   leading" in shown.stdout


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ('[[alerts]]\nid = "q"\ntype = "quadrant"\nsymbol = "SPY"\nquadrant = "leading"\n', "benchmark: must differ"),
        ('[[alerts]]\nid = "q"\ntype = "quadrant"\nsymbol = "NVDA"\nquadrant = "up"\n', "unknown quadrant 'up'"),
        ('[[alerts]]\nid = "t"\ntype = "trend"\nsymbol = "NVDA"\nma = 1\ncondition = "above"\nlevel = 0\n', "ma: 1"),
        ('[[alerts]]\nid = "z"\ntype = "zscore"\na = "IWM"\nb = "QQQ"\nlookback = 2.5\ncondition = "above"\n'
         'level = 1\n', "lookback: 2.5 is not a whole number"),
    ],
)  # fmt: skip
def test_bad_rotation_rule_files_are_refused_whole(
    tickerdesk_home: Path, daily_dir: Path, tmp_path: Path, rules: str, message: str
) -> None:
    rule_file = tmp_path / "rules.toml"
    rule_file.write_text(NVDA + rules)
    result = tickerdesk("alerts", "import", str(rule_file), home=tickerdesk_home)
    assert result.returncode == 2 and message in result.stderr, result.stderr
    listed = tickerdesk("alerts", "list", "--format", "json", home=tickerdesk_home)
    assert json.loads(listed.stdout) == []  # the good rule beside it was not taken either


def test_alerts_add_makes_each_rotation_type(tickerdesk_home: Path) -> None:
    for args in (
        ("--type", "trend", "--symbol", "nvda", "--ma", "20", "--condition", "crosses_below", "--level", "-5"),
        ("--type", "zscore", "--a", "iwm", "--b", "qqq", "--lookback", "60", "--condition", "above", "--level", "2"),
        ("--type", "quadrant", "--symbol", "iwm", "--benchmark", "qqq", "--quadrant", "improving"),
    ):
        added = tickerdesk("alerts", "add", *args, home=tickerdesk_home)
        assert added.returncode == 0, added.stderr
    listed = json.loads(tickerdesk("alerts", "list", "--format", "json", home=tickerdesk_home).stdout)
    assert [r["type"] for r in listed] == ["trend", "zscore", "quadrant"]
    assert listed[2] == {"id": listed[2]["id"], "type": "quadrant", "symbol": "IWM", "benchmark": "QQQ", "ma": 50,
                         "momentum": 10, "quadrant": "improving"}  # fmt: skip
    refused = tickerdesk("alerts", "add", "--type", "quadrant", "--symbol", "iwm", "--quadrant", "leading",
                         "--level", "3", home=tickerdesk_home)  # fmt: skip
    assert refused.returncode == 2 and "no level" in refused.stderr


def test_the_list_says_a_rule_has_expired(tickerdesk_home: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps([
        {"id": "old", "type": "price", "symbol": "NVDA", "condition": "above", "level": 5, "expires": "2020-01-01"},
        {"id": "new", "type": "price", "symbol": "NVDA", "condition": "above", "level": 5, "expires": "2199-01-01"},
        {"id": "off", "type": "price", "symbol": "NVDA", "condition": "above", "level": 5, "enabled": False},
    ]))  # fmt: skip
    assert tickerdesk("alerts", "import", str(rules), home=tickerdesk_home).returncode == 0
    rows = tickerdesk("alerts", "list", home=tickerdesk_home).stdout.splitlines()[1:4]
    assert [(row.split()[0], row.split()[-3]) for row in rows] == [("old", "expired"), ("new", "on"), ("off", "off")]


def test_the_list_shows_a_long_rule_whole_and_keeps_its_columns(tickerdesk_home: Path, tmp_path: Path) -> None:
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps([
        {"id": "rotation-small-caps-over-big-tech", "type": "spread", "a": "IWM", "b": "QQQ", "window": "qtd",
         "condition": "crosses_above", "level": 1.5},
        {"id": "nv", "type": "price", "symbol": "NVDA", "condition": "crosses_below", "level": 175},
    ]))  # fmt: skip
    assert tickerdesk("alerts", "import", str(rules), home=tickerdesk_home).returncode == 0
    header, spread, price = tickerdesk("alerts", "list", home=tickerdesk_home).stdout.splitlines()[:3]
    assert "IWM − QQQ qtd return spread crosses above 1.5 " in spread, "the level is the end of the rule's text"
    assert spread.startswith("rotation-small-caps-over-big-tech spread ")
    for row in (spread, price):  # every column starts where its header does
        assert row.index(" on ") + 1 == header.index("STATE") and row.rstrip().endswith("—")
        assert row.index("price" if row is price else "spread") == header.index("TYPE")


def test_importing_a_file_of_no_rules_says_so(tickerdesk_home: Path, tmp_path: Path) -> None:
    for name, text in (("empty.toml", ""), ("none.json", "[]")):
        (tmp_path / name).write_text(text)
        done = tickerdesk("alerts", "import", str(tmp_path / name), home=tickerdesk_home)
        assert done.returncode == 0 and done.stdout.startswith("imported 0 rules")
        assert f"note: {name} holds no rules" in done.stderr


def test_alerts_add_takes_the_rule_in_words(tickerdesk_home: Path) -> None:
    """Quoted or not, a sentence is the rule (once or a cooldown may close it); --name, --cooldown and --once still
    apply; words and --type together,
    or a sentence that is not a rule, are refused with what to write instead, and nothing is saved."""
    for words in (
        ("NVDA", "crosses", "below", "175"),
        ("TSLA moves more than 5% on the day", "--cooldown", "1h", "--once"),
        ("IWM's return minus QQQ's return since the quarter began crosses above 1.5 points", "--name", "Small caps"),
        ("AMD", "down", "more", "than", "4%", "once"),
        ("IWM/QQQ", "crosses", "above", "0.42,", "cooldown", "30", "minutes"),
    ):
        added = tickerdesk("alerts", "add", *words, home=tickerdesk_home)
        assert added.returncode == 0, added.stderr
    listed = json.loads(tickerdesk("alerts", "list", "--format", "json", home=tickerdesk_home).stdout)
    assert [{k: v for k, v in r.items() if k != "id"} for r in listed] == [
        {"type": "price", "symbol": "NVDA", "condition": "crosses_below", "level": 175.0},
        {"type": "change", "symbol": "TSLA", "condition": "outside", "level": 5.0, "cooldown": "1h", "once": True},
        {"name": "Small caps", "type": "spread", "a": "IWM", "b": "QQQ", "window": "qtd", "condition": "crosses_above",
         "level": 1.5},
        {"type": "change", "symbol": "AMD", "condition": "below", "level": -4.0, "once": True},
        {"type": "ratio", "a": "IWM", "b": "QQQ", "condition": "crosses_above", "level": 0.42, "cooldown": "30m"},
    ]  # fmt: skip
    which_way = tickerdesk("alerts", "add", "NVDA", "hits", "175", home=tickerdesk_home)
    assert which_way.returncode == 2 and "'NVDA crosses above 175' or 'NVDA crosses below 175'" in which_way.stderr
    twice = tickerdesk("alerts", "add", "NVDA crosses below 175", "--level", "170", home=tickerdesk_home)
    assert twice.returncode == 2 and "given twice" in twice.stderr
    nothing = tickerdesk("alerts", "add", home=tickerdesk_home)
    assert nothing.returncode == 2 and 'alerts add "NVDA crosses below 175"' in nothing.stderr
    unknown = tickerdesk("alerts", "add", "PLTRX crosses above 100", home=tickerdesk_home)
    assert unknown.returncode == 2 and "unknown symbol PLTRX" in unknown.stderr
    dotted = tickerdesk("alerts", "add", "BRK.B crosses above 500", home=tickerdesk_home)
    assert dotted.returncode == 2 and "unknown symbol BRK.B" in dotted.stderr
    assert "Yahoo writes share classes with a dash: BRK-B" in dotted.stderr, "as a typed symbol is told"
    after = json.loads(tickerdesk("alerts", "list", "--format", "json", home=tickerdesk_home).stdout)
    assert after == listed


def test_add_and_list_say_how_often_a_rule_may_fire_in_words_that_read_back(tickerdesk_home: Path) -> None:
    """'once' or a cooldown typed with the rule is echoed and listed with it, as a sentence that adds the same rule."""
    added = tickerdesk("alerts", "add", "AAPL above 300 once", "--cooldown", "2h", home=tickerdesk_home)
    assert added.returncode == 0, added.stderr
    assert added.stdout.rstrip().endswith(": AAPL price above 300, once, at most every 2h")
    plain = tickerdesk("alerts", "add", "NVDA crosses below 175", home=tickerdesk_home)
    assert plain.stdout.rstrip().endswith(": NVDA price crosses below 175")
    table = tickerdesk("alerts", "list", home=tickerdesk_home).stdout
    shown = next(line for line in table.splitlines() if "AAPL" in line)
    text = "AAPL price above 300, once, at most every 2h"
    assert f" {text} " in shown
    removed = tickerdesk("alerts", "remove", shown.split()[0], home=tickerdesk_home)
    assert removed.returncode == 0, removed.stderr
    again = tickerdesk("alerts", "add", text, home=tickerdesk_home)
    assert again.returncode == 0, again.stderr
    listed = json.loads(tickerdesk("alerts", "list", "--format", "json", home=tickerdesk_home).stdout)
    assert {k: v for k, v in listed[-1].items() if k != "id"} == {
        "type": "price", "symbol": "AAPL", "condition": "above", "level": 300.0, "cooldown": "2h", "once": True
    }  # fmt: skip


def test_a_text_file_of_rules_in_words_imports_once_and_backtests(tickerdesk_home: Path, tmp_path: Path) -> None:
    rules = tmp_path / "alerts.txt"
    rules.write_text("# levels I watch\nNVDA crosses below 175\nIWM - QQQ qtd spread crosses above 1.5  # rotation\n")
    first = tickerdesk("alerts", "import", str(rules), home=tickerdesk_home)
    again = tickerdesk("alerts", "import", str(rules), home=tickerdesk_home)
    assert "imported 2 rules (0 updated)" in first.stdout and "imported 2 rules (2 updated)" in again.stdout
    listed = json.loads(tickerdesk("alerts", "list", "--format", "json", home=tickerdesk_home).stdout)
    assert [(r["type"], r["level"]) for r in listed] == [("price", 175.0), ("spread", 1.5)]
    from_words = tickerdesk("backtest", "--alerts", str(rules), "--format", "json", home=tickerdesk_home)
    from_toml = tmp_path / "same.toml"
    plain_rotation = ROTATION.replace('id = "rotation"\n', "").replace('cooldown = "1d"\n', "")
    plain_rotation = plain_rotation.replace('name = "Small caps lead big tech this quarter"\n', "")
    from_toml.write_text(NVDA.replace('id = "nvda175"\n', "") + plain_rotation)
    from_fields = tickerdesk("backtest", "--alerts", str(from_toml), "--format", "json", home=tickerdesk_home)
    assert from_words.returncode == 0 and json.loads(from_words.stdout) == json.loads(from_fields.stdout) != []
    refused = tickerdesk("alerts", "export", str(tmp_path / "out.txt"), home=tickerdesk_home)
    assert refused.returncode == 2 and "use a .toml or .json file" in refused.stderr


def test_a_rule_file_with_several_bad_lines_lists_them_all_and_imports_nothing(
    tickerdesk_home: Path, tmp_path: Path
) -> None:
    rules = tmp_path / "alerts.txt"
    rules.write_text("NVDA crosses below 175\nblah\nIWM/QQQ hits 0.4\nSPY above nan\n")
    refused = tickerdesk("alerts", "import", str(rules), home=tickerdesk_home)
    assert refused.returncode == 2 and refused.stdout == ""
    lines = refused.stderr.splitlines()
    assert lines[0] == "tickerdesk: alerts.txt: 3 rules cannot be used (nothing was imported):"
    assert [line.split(":")[0] for line in lines[1:]] == ["  line 2", "  line 3", "  line 4"]
    assert "crosses which way?" in lines[2] and "'nan' is not a level" in lines[3]
    listed = tickerdesk("alerts", "list", "--format", "json", home=tickerdesk_home)
    assert json.loads(listed.stdout or "[]") == [], "not even the good line"


def test_backtest_takes_rules_in_words_without_saving_them(tickerdesk_home: Path, tmp_path: Path) -> None:
    words = tickerdesk("backtest", "--rule", "NVDA crosses below 175", "--rule", "NVDA crosses below 175",
                       "--format", "json", home=tickerdesk_home)  # fmt: skip
    assert words.returncode == 0, words.stderr
    fired = json.loads(words.stdout)
    rules_file = tmp_path / "nvda.toml"
    rules_file.write_text(NVDA)
    from_file = json.loads(tickerdesk("backtest", "--alerts", str(rules_file), "--format", "json",
                                      home=tickerdesk_home).stdout)  # fmt: skip
    assert from_file and [(f["time"], f["value"]) for f in fired[::2]] == [(f["time"], f["value"]) for f in from_file]
    assert {f["alert"] for f in fired} == {"NVDA-price-crosses-below-175", "NVDA-price-crosses-below-175-2"}
    table = tickerdesk("backtest", "--rule", "IWM - QQQ qtd spread crosses above 1.5", home=tickerdesk_home).stdout
    header, first = table.splitlines()[:2]
    assert first.split()[1] == "IWM-QQQ-qtd-return-spread-crosses-above-1.5-pts"
    assert header.index("VALUE") + len("VALUE") == first.index(first.split()[2]) + len(first.split()[2])
    bad = tickerdesk("backtest", "--rule", "NVDA hits 175", home=tickerdesk_home)
    assert bad.returncode == 2 and "crosses which way" in bad.stderr
    assert tickerdesk("alerts", "list", "--format", "json", home=tickerdesk_home).stdout.strip() == "[]"
