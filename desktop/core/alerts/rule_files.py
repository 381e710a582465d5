"""Rule files: `[[alerts]]` tables in TOML, or JSON (a list of rules, or {"alerts": [...]}).

A file is checked as a whole: one bad rule refuses the file, with a message naming the rule and field.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from desktop.core.alerts.rules import AlertRule, RuleError, check_unique_ids, rule_from_dict, rule_to_dict
from desktop.core.progress import Progress, report
from desktop.core.safe_files import file_problem, write_atomic


class RuleFileError(ValueError):
    """A rule file that cannot be used; nothing in it was taken."""


def parse_rules(text: str, fmt: str, progress: Progress | None = None) -> list[AlertRule]:
    """Rules from TOML or JSON text (`fmt` is 'toml' or 'json'); `progress` hears how far the checking got
    (the text itself is read in one go: half the bar)."""
    import tomllib  # here: the window's start (which imports this module for its error type) never parses

    text = text.removeprefix("\ufeff")  # the byte-order mark Windows editors put first is not TOML or JSON
    items: Any
    try:
        items = tomllib.loads(text) if fmt == "toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise RuleFileError(f"not valid {fmt.upper()}: {exc}") from None
    except RecursionError:  # arrays or tables nested thousands deep: no rule file looks like that
        raise RuleFileError(f"not valid {fmt.upper()}: nested too deeply") from None
    if isinstance(items, dict):
        items = _alerts_of(items, fmt)
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise RuleFileError("expected a list of rules ([[alerts]] tables in TOML, an array in JSON)")
    report(progress, 0.5)
    try:
        rules = []
        for k, item in enumerate(items):
            if k % 500 == 0:
                report(progress, 0.5 + 0.5 * k / max(1, len(items)))
            rules.append(rule_from_dict(item, k + 1))
        rules = _name_unnamed(rules, [k for k, item in enumerate(items) if item.get("id") is None])
        check_unique_ids(rules)
        report(progress, 1.0)
    except RuleError as exc:
        raise RuleFileError(str(exc)) from None
    return rules


def content_id(rule: AlertRule) -> str:
    """An id made from what the rule says (not from where it stands in its file): reading the same file
    twice gives the same ids, so a backtest's output can be compared run to run and importing a file again
    updates its rules instead of adding them twice."""
    fields = rule_to_dict(rule)
    del fields["id"]
    return "r-" + hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:8]


def _name_unnamed(rules: list[AlertRule], unnamed: list[int]) -> list[AlertRule]:
    """Rules the file gave no id get their `content_id`; a second rule saying the same thing, or one whose
    id a rule of the file already has, gets it with "-2", "-3"... after it (in file order)."""
    if not unnamed:
        return rules
    lacking = set(unnamed)
    taken = {r.id for k, r in enumerate(rules) if k not in lacking}
    named = list(rules)
    for k in unnamed:
        base = content_id(rules[k])
        made = next(c for c in (base, *(f"{base}-{n}" for n in range(2, len(rules) + 2))) if c not in taken)
        taken.add(made)
        named[k] = rules[k].with_changes(id=made)
    return named


def _alerts_of(document: dict[str, Any], fmt: str) -> Any:
    """The document's `alerts`; any other top-level key is refused, so that a misspelt `[[alert]]` is not
    read as a file of no rules."""
    others = sorted(str(key) for key in document if key != "alerts")
    if others:
        where = "[[alerts]] tables" if fmt == "toml" else 'an "alerts" array'
        raise RuleFileError(f"unknown top-level {'key' if len(others) == 1 else 'keys'} "
                            f"{', '.join(repr(k) for k in others)[:120]} (rules go in {where})")  # fmt: skip
    return document.get("alerts", [])


def format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in (".toml", ".json"):
        return suffix[1:]
    raise RuleFileError(f"{path.name}: use a .toml or .json file")


def read_rules(path: Path, progress: Progress | None = None) -> list[AlertRule]:
    fmt = format_of(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleFileError(file_problem(path, exc)) from None
    except UnicodeDecodeError:
        raise RuleFileError(f"{path}: not a text file (expected UTF-8 TOML or JSON)") from None
    try:
        return parse_rules(text, fmt, progress)
    except RuleFileError as exc:
        raise RuleFileError(f"{path.name}: {exc}") from None


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(float(value)) if isinstance(value, float) else str(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid TOML basic string


def dump_rules(rules: Iterable[AlertRule], fmt: str) -> str:
    dicts = [rule_to_dict(rule) for rule in rules]
    if fmt == "json":
        return json.dumps({"alerts": dicts}, indent=2, ensure_ascii=False) + "\n"
    blocks = ["[[alerts]]\n" + "".join(f"{k} = {_toml_value(v)}\n" for k, v in d.items()) for d in dicts]
    return "\n".join(blocks)


def write_rules(path: Path, rules: Iterable[AlertRule]) -> None:
    write_atomic(path, dump_rules(rules, format_of(path)))
