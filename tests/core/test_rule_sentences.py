"""Rules typed as sentences: the phrasings people use, every rule's own description read back, and what a
sentence that is not a rule is told."""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

import pytest

from desktop.core.alerts.rule_sentences import SentenceError, WhichWayError, rule_fields_of, toward
from desktop.core.alerts.rules import AlertType, Condition, Quadrant, rule_from_dict, rule_to_dict

PHRASINGS: list[tuple[str, dict[str, Any]]] = [
    # the brief's own examples
    ("NVDA crosses below 175", {"type": "price", "symbol": "NVDA", "condition": "crosses_below", "level": 175.0}),
    ("TSLA moves more than 5% on the day", {"type": "change", "symbol": "TSLA", "condition": "outside", "level": 5.0}),
    (
        "IWM's return minus QQQ's return since the quarter began crosses above +1.5 points",
        {"type": "spread", "a": "IWM", "b": "QQQ", "window": "qtd", "condition": "crosses_above", "level": 1.5},
    ),
    (
        "the IWM/QQQ ratio crosses above 0.42",
        {"type": "ratio", "a": "IWM", "b": "QQQ", "condition": "crosses_above", "level": 0.42},
    ),
    # prices, as typed
    ("nvda below 175", {"type": "price", "symbol": "NVDA", "condition": "below", "level": 175.0}),
    ("$NVDA falls below $175.50.", {"type": "price", "symbol": "NVDA", "condition": "crosses_below", "level": 175.5}),
    (
        "BRK-B price rises above 1,234.5",
        {"type": "price", "symbol": "BRK-B", "condition": "crosses_above", "level": 1234.5},
    ),
    ("NASDAQ:AAPL > 300", {"type": "price", "symbol": "AAPL", "condition": "above", "level": 300.0}),
    # as said to someone: the request around the rule, a currency after the level
    (
        "Alert me when NVDA drops below 170",
        {"type": "price", "symbol": "NVDA", "condition": "crosses_below", "level": 170.0},
    ),
    ("notify me if TSLA moves 5%", {"type": "change", "symbol": "TSLA", "condition": "outside", "level": 5.0}),
    ("when AAPL crosses above 300", {"type": "price", "symbol": "AAPL", "condition": "crosses_above", "level": 300.0}),
    (
        "let me know if SPY falls under 650 USD",
        {"type": "price", "symbol": "SPY", "condition": "crosses_below", "level": 650.0},
    ),
    ("IF crosses above 10 dollars", {"type": "price", "symbol": "IF", "condition": "crosses_above", "level": 10.0}),
    ("price of SPY is under 650", {"type": "price", "symbol": "SPY", "condition": "below", "level": 650.0}),
    (
        "  META   crosses   over   700  ",
        {"type": "price", "symbol": "META", "condition": "crosses_above", "level": 700.0},
    ),
    # a day's move
    ("TSLA moves more than 5%", {"type": "change", "symbol": "TSLA", "condition": "outside", "level": 5.0}),
    ("TSLA moves 5%", {"type": "change", "symbol": "TSLA", "condition": "outside", "level": 5.0}),
    ("TSLA moves more than ±5 % today", {"type": "change", "symbol": "TSLA", "condition": "outside", "level": 5.0}),
    ("AMD is up more than 4%", {"type": "change", "symbol": "AMD", "condition": "above", "level": 4.0}),
    ("AMD down more than 3% on the day", {"type": "change", "symbol": "AMD", "condition": "below", "level": -3.0}),
    ("ORCL drops more than 7 percent", {"type": "change", "symbol": "ORCL", "condition": "below", "level": -7.0}),
    ("NVDA below -3%", {"type": "change", "symbol": "NVDA", "condition": "below", "level": -3.0}),
    ("NVDA drops 3% today", {"type": "change", "symbol": "NVDA", "condition": "below", "level": -3.0}),
    ("AMD jumps 10%", {"type": "change", "symbol": "AMD", "condition": "above", "level": 10.0}),
    ("META gains by 4 percent", {"type": "change", "symbol": "META", "condition": "above", "level": 4.0}),
    ("TSLA tumbles over 8% on the day", {"type": "change", "symbol": "TSLA", "condition": "below", "level": -8.0}),
    ("TSLA change crosses below -2", {"type": "change", "symbol": "TSLA", "condition": "crosses_below", "level": -2.0}),
    ("TSLA's day change outside +/- 6", {"type": "change", "symbol": "TSLA", "condition": "outside", "level": 6.0}),
    # spreads
    (
        "IWM - QQQ qtd spread crosses above 1.5",
        {"type": "spread", "a": "IWM", "b": "QQQ", "window": "qtd", "condition": "crosses_above", "level": 1.5},
    ),
    (
        "IWM – QQQ spread ytd below -2 pts",
        {"type": "spread", "a": "IWM", "b": "QQQ", "window": "ytd", "condition": "below", "level": -2.0},
    ),
    (
        "IWM minus QQQ over the last 20 sessions crosses below 0",
        {"type": "spread", "a": "IWM", "b": "QQQ", "window": "20d", "condition": "crosses_below", "level": 0.0},
    ),
    (
        "IWM vs QQQ since 2025-10-01 above 3",
        {"type": "spread", "a": "IWM", "b": "QQQ", "window": "since:2025-10-01", "condition": "above", "level": 3.0},
    ),
    (
        "IWM return minus QQQ return this month outside 2",
        {"type": "spread", "a": "IWM", "b": "QQQ", "window": "mtd", "condition": "outside", "level": 2.0},
    ),
    (
        "IWM - QQQ spread above 1 on the day",
        {"type": "spread", "a": "IWM", "b": "QQQ", "window": "day", "condition": "above", "level": 1.0},
    ),
    (
        "IWM-QQQ qtd spread crosses above 1.5",
        {"type": "spread", "a": "IWM", "b": "QQQ", "window": "qtd", "condition": "crosses_above", "level": 1.5},
    ),
    (
        "IWM-QQQ this quarter above 2",
        {"type": "spread", "a": "IWM", "b": "QQQ", "window": "qtd", "condition": "above", "level": 2.0},
    ),
    (
        "BTC-USD price crosses above 100000",
        {"type": "price", "symbol": "BTC-USD", "condition": "crosses_above", "level": 100000.0},
    ),
    ("BRK-B crosses above 500", {"type": "price", "symbol": "BRK-B", "condition": "crosses_above", "level": 500.0}),
    (
        "IWM - QQQ 5-day spread above 1",
        {"type": "spread", "a": "IWM", "b": "QQQ", "window": "5d", "condition": "above", "level": 1.0},
    ),
    (
        "IWM outperforms QQQ by more than 1.5 points since the quarter began",
        {"type": "spread", "a": "IWM", "b": "QQQ", "window": "qtd", "condition": "above", "level": 1.5},
    ),
    (
        "QQQ lags IWM by 2% this year",
        {"type": "spread", "a": "QQQ", "b": "IWM", "window": "ytd", "condition": "below", "level": -2.0},
    ),
    (
        "IWM beats SPY by 1 today",
        {"type": "spread", "a": "IWM", "b": "SPY", "window": "day", "condition": "above", "level": 1.0},
    ),
    # ratios, z-scores, averages, quadrants
    ("IWM / QQQ below 0.4", {"type": "ratio", "a": "IWM", "b": "QQQ", "condition": "below", "level": 0.4}),
    (
        "ratio of IWM to QQQ crosses below 0.4",
        {"type": "ratio", "a": "IWM", "b": "QQQ", "condition": "crosses_below", "level": 0.4},
    ),
    ("IWM/QQQ z-score above 2", {"type": "zscore", "a": "IWM", "b": "QQQ", "condition": "above", "level": 2.0}),
    (
        "IWM/QQQ zscore over 60 sessions outside 2.5 sd",
        {"type": "zscore", "a": "IWM", "b": "QQQ", "lookback": 60, "condition": "outside", "level": 2.5},
    ),
    (
        "NVDA crosses below its 50-day average",
        {"type": "trend", "symbol": "NVDA", "ma": 50, "condition": "crosses_below", "level": 0.0},
    ),
    (
        "NVDA crosses above the 200 day moving average",
        {"type": "trend", "symbol": "NVDA", "ma": 200, "condition": "crosses_above", "level": 0.0},
    ),
    (
        "TSLA is more than 10% above its 50-day average",
        {"type": "trend", "symbol": "TSLA", "ma": 50, "condition": "above", "level": 10.0},
    ),
    (
        "TSLA more than 8% below its 20-session average",
        {"type": "trend", "symbol": "TSLA", "ma": 20, "condition": "below", "level": -8.0},
    ),
    (
        "IWM/QQQ crosses above its 50-day average",
        {"type": "trend", "a": "IWM", "b": "QQQ", "ma": 50, "condition": "crosses_above", "level": 0.0},
    ),
    (
        "IWM/QQQ ratio crosses above its 50-day average",
        {"type": "trend", "a": "IWM", "b": "QQQ", "ma": 50, "condition": "crosses_above", "level": 0.0},
    ),
    (
        "NVDA price crosses below its 20 day MA",
        {"type": "trend", "symbol": "NVDA", "ma": 20, "condition": "crosses_below", "level": 0.0},
    ),
    (
        "NVDA below 50-day moving average",  # the article left out
        {"type": "trend", "symbol": "NVDA", "ma": 50, "condition": "below", "level": 0.0},
    ),
    (
        "SPY crosses above the 200 DMA",
        {"type": "trend", "symbol": "SPY", "ma": 200, "condition": "crosses_above", "level": 0.0},
    ),
    ("NVDA above 50dma", {"type": "trend", "symbol": "NVDA", "ma": 50, "condition": "above", "level": 0.0}),
    ("NVDA above 50", {"type": "price", "symbol": "NVDA", "condition": "above", "level": 50.0}),  # a price still
    # a crossing with no way said is a crossing either way (the brief's own words)
    ("NVDA crosses 175", {"type": "price", "symbol": "NVDA", "condition": "crosses", "level": 175.0}),
    (
        "IWM's return minus QQQ's return since the quarter began crosses +1.5 points",
        {"type": "spread", "a": "IWM", "b": "QQQ", "window": "qtd", "condition": "crosses", "level": 1.5},
    ),
    (
        "the IWM/QQQ ratio crosses 0.42",
        {"type": "ratio", "a": "IWM", "b": "QQQ", "condition": "crosses", "level": 0.42},
    ),
    ("IWM enters leading", {"type": "quadrant", "symbol": "IWM", "quadrant": "leading"}),
    (
        "NVDA enters the weakening quadrant against QQQ",
        {"type": "quadrant", "symbol": "NVDA", "benchmark": "QQQ", "quadrant": "weakening"},
    ),
]


@pytest.mark.parametrize(("sentence", "fields"), PHRASINGS, ids=[p[0] for p in PHRASINGS])
def test_a_sentence_reads_as_the_rule_it_says(sentence: str, fields: dict[str, Any]) -> None:
    assert rule_fields_of(sentence) == fields
    rule_from_dict(fields)  # and the rule it reads as is a valid one


def _every_kind_of_rule() -> list[dict[str, Any]]:
    levels = {"price": [175.0, 94745.08, 0.0042], "change": [5.0, -3.25], "spread": [1.5, -0.75, 0.0],
              "ratio": [0.42, 12.5], "trend": [0.0, -5.0, 12.0], "zscore": [2.0, -1.5]}  # fmt: skip
    shapes: dict[str, list[dict[str, Any]]] = {
        "price": [{"symbol": "NVDA"}, {"symbol": "BRK-B"}, {"symbol": "^VIX"}],
        "change": [{"symbol": "TSLA"}],
        "spread": [
            {"a": "IWM", "b": "QQQ", "window": w} for w in ("day", "5d", "mtd", "qtd", "ytd", "since:2025-10-01")
        ],
        "ratio": [{"a": "IWM", "b": "QQQ"}],
        "trend": [{"symbol": "NVDA", "ma": 50}, {"a": "IWM", "b": "QQQ", "ma": 200}],
        "zscore": [{"a": "IWM", "b": "QQQ", "lookback": 60}],
    }
    out: list[dict[str, Any]] = []
    for kind, forms in shapes.items():
        for form, condition, level in itertools.product(forms, Condition, levels[kind]):
            if condition is Condition.ENTERS:
                continue
            if condition is Condition.OUTSIDE and (kind in ("price", "ratio") or level <= 0):
                continue
            out.append({"type": kind, **form, "condition": condition.value, "level": level})
    for quadrant in Quadrant:
        out.append({"type": "quadrant", "symbol": "IWM", "benchmark": "QQQ", "quadrant": quadrant.value, "ma": 30,
                    "momentum": 5})  # fmt: skip
    return out


@pytest.mark.parametrize("fields", _every_kind_of_rule())
def test_every_rule_description_reads_back_to_the_same_rule(fields: dict[str, Any]) -> None:
    """What the table, the log and `alerts list` show can be typed again."""
    rule = rule_from_dict({"id": "r-1", **fields})
    again = rule_from_dict({"id": "r-1", **rule_fields_of(rule.describe())})
    assert rule_to_dict(again) == rule_to_dict(rule), rule.describe()


def test_every_type_is_covered_by_the_read_back() -> None:
    kinds = {fields["type"] for fields in _every_kind_of_rule()}
    assert kinds == {t.value for t in AlertType}


@pytest.mark.parametrize(
    ("sentence", "says"),
    [
        ("", "Type a rule"),
        ("NVDA", "no condition"),
        ("NVDA crosses belwo 175", "no condition"),
        ("NVDA crosses below", "a level"),
        ("SPY crosses below nan", "'nan' is not a level"),
        ("SPY above lots %", "'lots' is not a level"),
        ("NVDA falls 170", "NVDA crosses below 170 for a price, NVDA falls 5% today"),
        ("NVDA rises by 5", "NVDA crosses above 5 for a price, NVDA rises 5% today"),
        ("NVDA hits 175", "which way"),
        ("IWM - QQQ crosses above 1.5", "window"),
        ("IWM - QQQ qtd spread crosses above 1.5 sd", "sd"),
        ("IWM/QQQ above 5%", "%"),
        ("NVDA crosses below 175 on the day", "on the day"),
        ("NVDA above ±175", "±"),
        ("price crosses below 175", "symbol"),
        ("N#VDA crosses below 175", "'N#VDA' is not a ticker"),
        ("the weather crosses above 30", "cannot tell"),
        ("IWM enters the sideways quadrant", "quadrant"),
        ("IWM outperforms QQQ by 1.5 points", "since when"),
        ("IWM outperforms QQQ by 1.5 points on Tuesdays", "not a window"),
    ],
)
def test_a_sentence_that_is_not_a_rule_is_told_what_was_expected(sentence: str, says: str) -> None:
    with pytest.raises(SentenceError) as caught:
        rule_fields_of(sentence)
    assert says in str(caught.value)


@pytest.mark.parametrize(
    ("sentence", "shape"),
    [
        ("NVDA hits $1,200", {"type": "price", "symbol": "NVDA", "level": 1200.0}),
        ("nvda reaches 180.5", {"type": "price", "symbol": "NVDA", "level": 180.5}),
        ("SPY breaks 700", {"type": "price", "symbol": "SPY", "level": 700.0}),
        ("IWM/QQQ touches 0.42", {"type": "ratio", "a": "IWM", "b": "QQQ", "level": 0.42}),
        ("IWM - QQQ qtd spread gets to 1.5", {"type": "spread", "a": "IWM", "b": "QQQ", "window": "qtd", "level": 1.5}),
        ("TSLA hits -5%", {"type": "change", "symbol": "TSLA", "level": -5.0}),
    ],
)
def test_a_crossing_with_no_way_names_both_and_is_toward_the_level_from_the_value_now(
    sentence: str, shape: dict[str, Any]
) -> None:
    with pytest.raises(WhichWayError) as caught:
        rule_fields_of(sentence)
    assert "which way" in str(caught.value)
    level = shape["level"]
    assert toward(caught.value, level - 1) == {**shape, "condition": "crosses_above"}  # below it now: up to it
    assert toward(caught.value, level + 1) == {**shape, "condition": "crosses_below"}
    with pytest.raises(SentenceError, match="at the level now"):
        toward(caught.value, level)  # on it: either way is as likely


@pytest.mark.parametrize(
    ("sentence", "extra"),
    [
        ("NVDA crosses below 175 once", {"once": True}),
        ("NVDA crosses below 175, only once.", {"once": True}),
        ("TSLA moves more than 5% on the day, cooldown 30 minutes", {"cooldown": "30m"}),
        ("TSLA moves more than 5% at most every 2 hours", {"cooldown": "2h"}),
        ("IWM - QQQ qtd spread crosses above 1.5 with a cooldown of 1 day", {"cooldown": "1d"}),
        ("NVDA crosses below 175, cooldown 90s, once", {"once": True, "cooldown": "90s"}),
        ("IWM enters leading once", {"once": True}),
    ],
)
def test_once_and_a_cooldown_may_close_the_sentence(sentence: str, extra: dict[str, Any]) -> None:
    fields = rule_fields_of(sentence)
    assert {k: fields[k] for k in ("once", "cooldown") if k in fields} == extra
    rule = rule_from_dict(fields)
    assert rule.once is bool(extra.get("once")) and (rule.cooldown is not None) is ("cooldown" in extra)
    bare = rule_from_dict(rule_fields_of(sentence.split(",")[0].removesuffix(" once").split(" at most")[0]
                                         .split(" with a")[0]))  # fmt: skip
    assert rule.watches_same_as(bare), "what is watched is the same"


@pytest.mark.parametrize(
    ("extra", "said"),
    [({}, ""), ({"once": True}, ", once"), ({"cooldown": "90m"}, ", at most every 90m"),
     ({"once": True, "cooldown": "1d"}, ", once, at most every 1d")],
)  # fmt: skip
def test_how_often_closes_the_description_and_reads_back(extra: dict[str, Any], said: str) -> None:
    rule = rule_from_dict(
        {"id": "r-1", "type": "change", "symbol": "TSLA", "condition": "outside", "level": 5, **extra}
    )
    assert rule.how_often() == said
    again = rule_from_dict({"id": "r-1", **rule_fields_of(rule.describe() + rule.how_often())})
    assert rule_to_dict(again) == rule_to_dict(rule)


def test_an_overlong_sentence_is_refused_before_it_is_read() -> None:
    with pytest.raises(SentenceError, match="characters"):
        rule_fields_of("NVDA " + "really " * 100 + "crosses below 175")


def test_every_sentence_the_readme_offers_reads_as_a_valid_rule() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    table = readme.split("**In words.**", 1)[1].split("\n\n")[1]
    typed = [re.findall(r"`([^`]+)`", row.split(" | ")[0]) for row in table.splitlines()[2:]]
    sentences = [s for row in typed for s in row]
    assert len(sentences) >= 14
    kinds = {rule_from_dict(rule_fields_of(s)).type for s in sentences}
    assert kinds == set(AlertType)
