"""Rule checking and rule files: every invalid input is refused with the rule and the field named."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from desktop.core.alerts.durations import format_duration, parse_duration
from desktop.core.alerts.fires import AlertFire
from desktop.core.alerts.rule_files import RuleFileError, dump_rules, parse_rules, read_rules
from desktop.core.alerts.rules import AlertType, Condition, Quadrant, RuleError, rule_from_dict, rule_to_dict
from desktop.core.alerts.windows import parse_window

ROTATION_TOML = """
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

[[alerts]]
type = "price"
symbol = "nvda"
condition = "crosses_below"
level = 175
"""


def test_issue_example_parses() -> None:
    rotation, nvda = parse_rules(ROTATION_TOML, "toml")
    assert rotation.id == "rotation" and rotation.type is AlertType.SPREAD
    assert (rotation.a, rotation.b, rotation.window and rotation.window.text) == ("IWM", "QQQ", "qtd")
    assert rotation.cooldown == 86400 and rotation.level == 1.5 and rotation.enabled and not rotation.once
    assert nvda.symbol == "NVDA" and nvda.condition is Condition.CROSSES_BELOW and nvda.level == 175.0
    assert nvda.id.startswith("r-"), "an id is generated when missing"


def test_round_trip_toml_and_json() -> None:
    rules = parse_rules(ROTATION_TOML, "toml")
    for fmt in ("toml", "json"):
        again = parse_rules(dump_rules(rules, fmt), fmt)
        assert again == rules


P = {"type": "price", "symbol": "X", "condition": "above", "level": 1}
S = {"type": "spread", "a": "IWM", "b": "QQQ", "window": "qtd", "condition": "above", "level": 1}
R = {"type": "ratio", "a": "IWM", "b": "QQQ", "condition": "above", "level": 1}


def without(base: dict[str, object], *names: str, **changes: object) -> dict[str, object]:
    return {**{k: v for k, v in base.items() if k not in names}, **changes}


def test_named_values_are_read_whatever_their_case_and_separators() -> None:
    # A hand-written file says "Price" or "crosses above": one meaning, so it is taken, and saved in the one spelling.
    rule = rule_from_dict({"type": " Price", "symbol": "NVDA", "condition": "Crosses Below", "level": 175})
    assert (rule.type, rule.condition) == (AlertType.PRICE, Condition.CROSSES_BELOW)
    quadrant = rule_from_dict({"type": "QUADRANT", "symbol": "IWM", "quadrant": "Leading", "condition": "ENTERS"})
    assert quadrant.level == Quadrant.LEADING.code
    assert rule_to_dict(rule)["type"] == "price" and rule_to_dict(rule)["condition"] == "crosses_below"
    assert rule_from_dict({**P, "condition": "crosses-above"}).condition is Condition.CROSSES_ABOVE


@pytest.mark.parametrize(
    ("rule", "field", "words"),
    [
        (without(P, type="volume"), "type", "unknown type"),
        (without(P, "type"), "type", "missing"),
        (without(P, "symbol"), "symbol", "missing"),
        (without(P, "condition"), "condition", "missing"),
        (without(P, "level"), "level", "missing"),
        (without(P, level="high"), "level", "not a number"),
        (without(P, level="175"), "level", "'175' is text: a level is a number, written without quotes (175)"),
        (without(P, level="nan"), "level", "not a number"),
        (without(P, level=True), "level", "not a number"),
        (without(P, level=float("nan")), "level", "not a number"),
        (without(P, level=-5), "level", "a price is always above 0"),
        (without(P, level=0), "level", "a price is always above 0"),
        (without(R, level=0.0), "level", "a ratio of two prices is always above 0"),
        (without(P, condition="sideways"), "condition", "unknown condition"),
        (without(P, cooldown="5 weeks"), "cooldown", "not a duration"),
        (without(P, cooldown=90), "cooldown", "not a duration"),
        (without(S, b="IWM"), "b", "must differ"),
        (without(S, window="quarter"), "window", "not a window"),
        (without(S, "window"), "window", "missing"),
        (without(R, "b"), "b", "missing"),
        (without(R, window="qtd"), "window", "not a field"),
        (without(P, levle=2), "levle", "unknown field"),
        (without(P, symbol="two words"), "symbol", "not a ticker"),
        (without(P, once="yes"), "once", "not true or false"),
        (without(P, expires="soon"), "expires", "not a date-time"),
        (without(P, name="n" * 201), "name", "at most 200"),
        (without(P, condition="outside"), "condition", "goes either way of 0, not a price"),
        (without(R, condition="outside"), "condition", "not a ratio of two prices"),
        (without(S, condition="outside", level=0), "level", "the distance from 0 (above 0)"),
        (without(P, type="change", condition="outside", level=-5), "level", "the distance from 0"),
    ],
)
def test_invalid_rules_name_rule_and_field(rule: dict[str, object], field: str, words: str) -> None:
    with pytest.raises(RuleError) as caught:
        rule_from_dict({"id": "bad-one", **rule})
    assert caught.value.field == field and words in caught.value.problem
    assert str(caught.value).startswith("rule 'bad-one': " + field)


def test_a_name_is_one_line_wherever_it_is_shown() -> None:
    assert rule_from_dict(without(P, name="NVDA\nbelow\t\t175\u2028 ")).name == "NVDA below 175"
    assert rule_from_dict(without(P, name="  Chips ★ \u00e9t\u00e9 ")).name == "Chips ★ été"
    assert rule_from_dict(without(P, name="n" * 200)).name == "n" * 200


def test_levels_below_zero_stay_valid_where_the_value_can_be_negative() -> None:
    for rule in (without(S, level=-1.5), without(P, type="change", level=-5)):
        assert rule_from_dict(rule).level < 0


def test_whole_file_is_refused_for_one_bad_rule(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(ROTATION_TOML + '\n[[alerts]]\nid = "oops"\ntype = "price"\nsymbol = "X"\ncondition = "above"\n')
    with pytest.raises(RuleFileError, match=r"rules.toml: rule 'oops': level: missing"):
        read_rules(path)
    path.write_text("[[alerts]\nbroken")
    with pytest.raises(RuleFileError, match="not valid TOML"):
        read_rules(path)
    dup = tmp_path / "dup.json"
    dup.write_text('[{"id": "x", "type": "price", "symbol": "A", "condition": "above", "level": 1},'
                   ' {"id": "x", "type": "price", "symbol": "B", "condition": "above", "level": 1}]')  # fmt: skip
    with pytest.raises(RuleFileError, match="used by more than one rule"):
        read_rules(dup)
    with pytest.raises(RuleFileError, match=r"use a \.toml, \.json or \.txt"):
        read_rules(tmp_path / "rules.yaml")


def test_rule_without_id_is_named_by_position() -> None:
    with pytest.raises(RuleFileError, match=r"rule #2: level"):
        parse_rules('[{"type":"price","symbol":"A","condition":"above","level":1},'
                    '{"type":"price","symbol":"A","condition":"above","level":"x"}]', "json")  # fmt: skip


def _price_rule(level: int, extra: str = "") -> str:
    return f'[[alerts]]\ntype = "price"\nsymbol = "NVDA"\ncondition = "crosses_below"\nlevel = {level}\n{extra}\n'


def test_a_rule_without_id_is_named_after_what_it_says_not_at_random() -> None:
    text = _price_rule(175) + _price_rule(175) + _price_rule(170)
    first, twin, lower = parse_rules(text, "toml")
    assert [r.id for r in parse_rules(text, "toml")] == [first.id, twin.id, lower.id], "same file, same ids"
    assert twin.id == f"{first.id}-2", "a second rule saying the same thing still gets an id of its own"
    assert lower.id != first.id and lower.id.startswith("r-")
    # Where a rule stands in its file does not change its id; a field that changes the rule does.
    assert [r.id for r in parse_rules(_price_rule(170) + _price_rule(175), "toml")] == [lower.id, first.id]
    assert parse_rules(_price_rule(170, 'name = "Lower"'), "toml")[0].id != lower.id
    # An id the file gives a rule is kept, and a made one steps aside from it.
    clash = _price_rule(1, f'id = "{first.id}"').replace("NVDA", "AMD") + text
    assert [r.id for r in parse_rules(clash, "toml")] == [first.id, f"{first.id}-2", f"{first.id}-3", lower.id]


def test_durations_and_windows() -> None:
    assert [parse_duration(t) for t in ("90s", "15m", "2h", "3d")] == [90, 900, 7200, 259200]
    assert format_duration(5400) == "90m" and format_duration(86400) == "1d" and format_duration(45) == "45s"
    assert parse_window("20D").text == "20d"
    assert parse_window("since:2025-10-01").text == "since:2025-10-01"
    assert parse_window(" Since 2025-10-01 ").text == "since:2025-10-01"
    assert parse_window("since: 2025-10-01").text == "since:2025-10-01"
    for bad in ("0d", "since:2025-13-01", "week", "since", "since:"):
        with pytest.raises(ValueError):
            parse_window(bad)


def test_no_rule_text_is_evaluated() -> None:
    # A level or symbol that looks like code stays text and is refused, never run.
    with pytest.raises(RuleError):
        rule_from_dict({"type": "price", "symbol": "__import__('os')", "condition": "above", "level": 1})
    with pytest.raises(RuleError):
        rule_from_dict({"type": "price", "symbol": "X", "condition": "above", "level": "1+1"})


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ('[[alert]]\nid = "x"\ntype = "price"\nsymbol = "A"\ncondition = "above"\nlevel = 1\n', "toml"),
        ('[[rules]]\nid = "x"\ntype = "price"\nsymbol = "A"\ncondition = "above"\nlevel = 1\n', "toml"),
        (ROTATION_TOML + '\n[[alert]]\nid = "x"\n', "toml"),
        ('{"rules": [{"type": "price", "symbol": "A", "condition": "above", "level": 1}]}', "json"),
    ],
)
def test_misspelt_top_level_key_is_refused_not_read_as_no_rules(text: str, fmt: str) -> None:
    with pytest.raises(RuleFileError, match=r"unknown top-level key '(alert|rules)' \(rules go in"):
        parse_rules(text, fmt)


def test_an_empty_file_holds_no_rules() -> None:
    assert parse_rules("", "toml") == [] and parse_rules("alerts = []\n", "toml") == []
    assert parse_rules("[]", "json") == [] and parse_rules('{"alerts": []}', "json") == []


@pytest.mark.parametrize("suffix", [".toml", ".json"])
def test_a_file_saved_with_a_byte_order_mark_reads_as_without(tmp_path: Path, suffix: str) -> None:
    rules = parse_rules(ROTATION_TOML, "toml")
    path = tmp_path / f"rules{suffix}"
    path.write_bytes(b"\xef\xbb\xbf" + dump_rules(rules, suffix[1:]).encode())  # as Windows Notepad saves
    assert [(r.id, r.level) for r in read_rules(path)] == [(r.id, r.level) for r in rules]


@pytest.mark.parametrize(("text", "fmt"), [("[" * 100_000 + "]" * 100_000, "json"), ("a = " + "[" * 100_000, "toml")])
def test_a_file_nested_past_the_recursion_limit_is_refused_in_a_sentence(text: str, fmt: str) -> None:
    with pytest.raises(RuleFileError, match="nested too deeply"):
        parse_rules(text, fmt)


@pytest.mark.parametrize(
    ("level", "said"),
    [(175.0, "175"), (1.5, "1.5"), (94745.08, "94745.08"), (751234.5, "751234.5"), (0.1 + 0.2, "0.3")],
)
def test_a_level_is_said_with_every_digit_it_has(level: float, said: str) -> None:
    """Six significant digits made a BTC-USD rule at 94745.08 read "crosses above 94745.1" in the rules
    table, the fired log and notifications, and BRK-A at 751234.5 read 751234."""
    rule = rule_from_dict({"id": "r", "type": "price", "symbol": "BTC-USD", "condition": "crosses_above",
                           "level": level})  # fmt: skip
    assert rule.describe() == f"BTC-USD price crosses above {said}"
    fire = AlertFire("r", rule.title, 0.0, False, level + 1, level, rule.condition, (("BTC-USD", level + 1),))
    assert fire.level_text == said


def test_outside_fires_beyond_the_level_either_way_once_per_excursion() -> None:
    from desktop.core.alerts.conditions import crossed, holds

    rule = rule_from_dict(without(P, type="change", symbol="TSLA", condition="outside", level=5))
    assert rule.describe() == "TSLA change % outside ±5"
    assert rule_from_dict(rule_to_dict(rule)) == rule
    walk = [None, 2.0, 5.0, 5.2, 7.0, 1.0, -5.0, -5.3, -9.0, 4.0, 6.0]
    fired = [v for prev, v in pairwise(walk) if v is not None and crossed(rule.condition, prev, v, 5)]
    assert fired == [5.2, -5.3, 6.0]  # 5 itself is not beyond 5; the run 5.2, 7.0 is one fire; so is -5.3, -9.0
    assert crossed(rule.condition, None, -6.0, 5) and not crossed(rule.condition, None, 4.0, 5)
    assert crossed(rule.condition, 6.0, -6.0, 5) is False  # from one side to the other: still outside
    assert holds(rule.condition, -5.1, 5) and not holds(rule.condition, 4.9, 5)


def test_crosses_fires_through_the_level_either_way_never_at_it_nor_on_a_first_value() -> None:
    import numpy as np

    from desktop.core.alerts.conditions import crossed, crossed_each, holds

    rule = rule_from_dict(without(S, condition="crosses", level=1.5))
    assert rule.condition is Condition.CROSSES and rule.describe() == "IWM − QQQ qtd return spread crosses 1.5 pts"
    assert rule_from_dict(rule_to_dict(rule)) == rule
    walk = [None, 1.0, 1.5, 1.6, 2.0, 1.2, 1.5, 1.4, 1.9]
    fired = [v for prev, v in pairwise(walk) if v is not None and crossed(rule.condition, prev, v, 1.5)]
    # Exactly crosses_above or crosses_below: to the level is not through it (1.2 to 1.5), from it is
    # (1.5 to 1.6 up, 1.5 to 1.4 down).
    assert fired == [1.6, 1.2, 1.4, 1.9]
    assert not crossed(rule.condition, None, 2.0, 1.5) and not holds(rule.condition, 2.0, 1.5)
    prev, values = np.array([np.nan, *walk[1:-1]], dtype=float), np.array(walk[1:], dtype=float)
    each = crossed_each(rule.condition, prev, ~np.isnan(prev), values, 1.5)
    assert values[each].tolist() == fired, "the batch path agrees with the scalar one"
