"""Rule files that say their rules in words: a .txt of one rule a line, and `rule = "..."` in TOML or JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.core.alerts.rule_files import RuleFileError, read_rules, reads_as_rules, write_rules
from desktop.core.alerts.rules import AlertType, Condition, rule_to_dict

RULES_TXT = """\
# my alerts
NVDA crosses below 175   # the support
TSLA moves more than 5% on the day

IWM's return minus QQQ's since the quarter began crosses above 1.5 points
"""


def test_a_text_file_holds_one_rule_in_words_a_line(tmp_path: Path) -> None:
    path = tmp_path / "alerts.txt"
    path.write_text(RULES_TXT, encoding="utf-8")
    rules = read_rules(path)
    assert [(r.type, r.condition, r.level) for r in rules] == [
        (AlertType.PRICE, Condition.CROSSES_BELOW, 175.0),
        (AlertType.CHANGE, Condition.OUTSIDE, 5.0),
        (AlertType.SPREAD, Condition.CROSSES_ABOVE, 1.5),
    ]
    assert [r.id for r in read_rules(path)] == [r.id for r in rules], "read twice, the same ids: an import updates"
    assert len({r.id for r in rules}) == 3


def test_a_bad_line_refuses_the_file_and_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "alerts.txt"
    path.write_text(RULES_TXT + "NVDA hits 160\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"alerts.txt: line 6: .*crosses which way"):
        read_rules(path)
    path.write_text("SPY crosses below 0\n", encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"line 1: 'SPY crosses below 0': level: .*always above 0"):
        read_rules(path)
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(RuleFileError, match="not a text file"):
        read_rules(path)


def test_every_bad_line_is_named_at_once_up_to_ten(tmp_path: Path) -> None:
    path = tmp_path / "alerts.txt"
    path.write_text("NVDA crosses below 175\nblah\n# a comment\nIWM/QQQ hits 0.4\nSPY above nan\nQQQ below 0\n")
    with pytest.raises(RuleFileError) as raised:
        read_rules(path)
    error = raised.value
    assert error.heading == "alerts.txt: 4 rules cannot be used" and error.more == 0
    assert [p.split(":")[0] for p in error.problems] == ["line 2", "line 4", "line 5", "line 6"]
    assert str(error).startswith("alerts.txt: 4 rules cannot be used: line 2: 'blah': no condition")
    path.write_text("".join(f"S{n} hits 10\n" for n in range(14)))
    with pytest.raises(RuleFileError, match=r"14 rules cannot be used: line 1: .*line 10: .*; and 4 more$") as raised:
        read_rules(path)
    assert len(raised.value.problems) == 10 and raised.value.more == 4
    toml = tmp_path / "a.toml"
    toml.write_text('[[alerts]]\nrule = "NVDA crosses below 175"\n[[alerts]]\nrule = "SPY above"\n'
                    '[[alerts]]\ntype = "price"\nsymbol = "QQQ"\ncondition = "above"\nlevel = -1\n')  # fmt: skip
    with pytest.raises(RuleFileError, match=r"^a.toml: 2 rules cannot be used: .*#2.*; .*#3.*level") as raised:
        read_rules(toml)
    assert len(raised.value.problems) == 2


def test_toml_and_json_rules_may_be_said_in_words_beside_their_other_fields(tmp_path: Path) -> None:
    toml = tmp_path / "a.toml"
    toml.write_text('[[alerts]]\nrule = "NVDA crosses below 175"\ncooldown = "1h"\nname = "NVDA support"\n'
                    '[[alerts]]\nid = "spy"\nrule = "SPY above 700"\nonce = true\n')  # fmt: skip
    nvda, spy = read_rules(toml)
    assert rule_to_dict(nvda) == {"id": nvda.id, "name": "NVDA support", "type": "price", "symbol": "NVDA",
                                  "condition": "crosses_below", "level": 175.0, "cooldown": "1h"}  # fmt: skip
    assert spy.id == "spy" and spy.once and spy.level == 700.0
    doc = ["IWM/QQQ crosses above 0.42", {"rule": "TSLA moves more than 5%", "enabled": False}]
    as_json = tmp_path / "b.json"
    as_json.write_text(json.dumps(doc))
    ratio, tsla = read_rules(as_json)
    assert (ratio.type, ratio.a, ratio.b, ratio.level) == (AlertType.RATIO, "IWM", "QQQ", 0.42)
    assert tsla.type is AlertType.CHANGE and not tsla.enabled
    # A cooldown in the words and one as a field: the field wins, as --cooldown does beside words on the command line.
    both = tmp_path / "c.toml"
    both.write_text('[[alerts]]\nrule = "NVDA crosses below 175, cooldown 1h"\ncooldown = "2h"\n')
    assert rule_to_dict(read_rules(both)[0])["cooldown"] == "2h"


def test_a_rule_said_twice_or_in_words_that_are_not_a_rule_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text(json.dumps([{"rule": "NVDA crosses below 175", "level": 170}]))
    with pytest.raises(RuleFileError, match=r"rule #1: level: .*in words"):
        read_rules(path)
    path.write_text(json.dumps([{"id": "x", "rule": "NVDA wobbles"}]))
    with pytest.raises(RuleFileError, match=r"rule 'x': rule: .*no condition"):
        read_rules(path)
    path.write_text(json.dumps([{"rule": 175}]))
    with pytest.raises(RuleFileError, match=r"rule #1: rule: 175 is not a rule in words"):
        read_rules(path)


def test_rules_are_not_written_to_a_text_file_which_would_lose_their_names_and_cooldowns(tmp_path: Path) -> None:
    path = tmp_path / "alerts.txt"
    path.write_text(RULES_TXT, encoding="utf-8")
    with pytest.raises(RuleFileError, match=r"\.toml or \.json"):
        write_rules(tmp_path / "out.txt", read_rules(path))


def test_a_text_file_is_told_apart_from_a_symbol_list_by_its_first_line(tmp_path: Path) -> None:
    rules = tmp_path / "rules.txt"
    rules.write_text(RULES_TXT, encoding="utf-8")
    symbols = tmp_path / "symbols.txt"
    symbols.write_text("# tech\nNVDA\nAMD, TSLA\n", encoding="utf-8")
    tradingview = tmp_path / "tv.txt"
    tradingview.write_text("###Big Tech,NASDAQ:NVDA,NASDAQ:AMD\n", encoding="utf-8")
    titled = tmp_path / "cheap.txt"
    titled.write_text("Stocks under 10\nF\nSIRI\n", encoding="utf-8")  # a title that reads as a rule, then tickers
    assert reads_as_rules(rules) and not reads_as_rules(symbols) and not reads_as_rules(tradingview)
    assert not reads_as_rules(titled)
    assert not reads_as_rules(tmp_path / "missing.txt")
