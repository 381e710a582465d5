"""Rule files: `[[alerts]]` tables in TOML, JSON (a list of rules, or {"alerts": [...]}), or a text file of
one rule in words a line. In TOML and JSON a rule may be said in words too (`rule = "NVDA crosses below
175"`, or in JSON a plain string), beside its other fields (name, cooldown, ...).

A file is checked as a whole: one bad rule refuses the file, with a message naming each bad rule (or line)
and its field, all of them at once (the first ten), so a long file is mended in one pass.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from desktop.core.alerts.rule_sentences import SentenceError, reads_as_rule, rule_fields_of
from desktop.core.alerts.rules import (
    SHAPE_FIELDS,
    AlertRule,
    RuleError,
    check_unique_ids,
    rule_from_dict,
    rule_to_dict,
)
from desktop.core.progress import Progress, report
from desktop.core.safe_files import file_problem, write_atomic


class RuleFileError(ValueError):
    """A rule file that cannot be used; nothing in it was taken. When several rules were bad, `problems`
    holds a sentence for each (the first MAX_LISTED) under `heading`, for a caller that lists them one a
    line; the message itself says them all on one line."""

    def __init__(self, message: str, heading: str = "", problems: list[str] | None = None, more: int = 0) -> None:
        super().__init__(message)
        self.heading, self.problems, self.more = heading, problems or [], more

    @classmethod
    def of(cls, problems: list[str], total: int) -> RuleFileError:
        """One error for `problems` (the first MAX_LISTED of `total` bad rules)."""
        if total == 1:
            return cls(problems[0])
        heading, more = f"{total} rules cannot be used", total - len(problems)
        also = f"; and {more} more" if more else ""
        return cls(f"{heading}: {'; '.join(problems)}{also}", heading, problems, more)

    def under(self, name: str) -> RuleFileError:
        """The same error, said of the file `name`."""
        heading = f"{name}: {self.heading}" if self.heading else ""
        return RuleFileError(f"{name}: {self}", heading, self.problems, self.more)


MAX_LISTED = 10  # bad rules named in one error
MAX_SNIFF = 64 * 1024  # bytes read to tell a text file of rules from a symbol list
SNIFF_LINES = 200  # lines of it checked (about 12 ms, off the GUI thread)


def parse_rules(text: str, fmt: str, progress: Progress | None = None) -> list[AlertRule]:
    """Rules from TOML, JSON or text (`fmt` is 'toml', 'json' or 'txt'); `progress` hears how far the
    checking got (the text itself is read in one go: half the bar)."""
    import tomllib  # here: the window's start (which imports this module for its error type) never parses

    text = text.removeprefix("\ufeff")  # the byte-order mark Windows editors put first is not TOML or JSON
    if fmt == "txt":
        return _parse_lines(text, progress)
    items: Any
    try:
        items = tomllib.loads(text) if fmt == "toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise RuleFileError(f"not valid {fmt.upper()}: {exc}") from None
    except RecursionError:  # arrays or tables nested thousands deep: no rule file looks like that
        raise RuleFileError(f"not valid {fmt.upper()}: nested too deeply") from None
    if isinstance(items, dict):
        items = _alerts_of(items, fmt)
    if not isinstance(items, list) or not all(isinstance(item, dict | str) for item in items):
        raise RuleFileError("expected a list of rules ([[alerts]] tables in TOML, an array in JSON)")
    report(progress, 0.5)
    rules: list[AlertRule] = []
    unnamed: list[int] = []
    problems: list[str] = []
    bad = 0
    for k, item in enumerate(items):
        if k % 500 == 0:
            report(progress, 0.5 + 0.5 * k / max(1, len(items)))
        try:
            fields = _in_words(item, k + 1)
            rules.append(rule_from_dict(fields, k + 1))
        except RuleError as exc:
            bad += 1
            if len(problems) < MAX_LISTED:
                problems.append(str(exc))
            continue
        if fields.get("id") is None:
            unnamed.append(len(rules) - 1)
    if bad:
        raise RuleFileError.of(problems, bad)
    try:
        rules = _name_unnamed(rules, unnamed)
        check_unique_ids(rules)
    except RuleError as exc:
        raise RuleFileError(str(exc)) from None
    report(progress, 1.0)
    return rules


def _in_words(item: dict[str, Any] | str, position: int) -> dict[str, Any]:
    """A rule's fields; for a rule said in words (a string, or a table whose `rule` is one), what the words
    say, with the table's other fields (id, name, cooldown, ...) beside them."""
    if isinstance(item, str):
        item = {"rule": item}
    if "rule" not in item:
        return item
    label = f"#{position}" if item.get("id") is None else repr(item["id"])
    sentence = item["rule"]
    if not isinstance(sentence, str):
        raise RuleError(label, "rule", f"{sentence!r} is not a rule in words")
    for name in item:
        if name in SHAPE_FIELDS:
            raise RuleError(label, name, "the rule is also given in words (rule = ...): give one or the other")
    try:
        fields = rule_fields_of(sentence)
    except SentenceError as exc:
        raise RuleError(label, "rule", str(exc)) from None
    # The table's own fields win over what closes the words ("…, cooldown 1h"), as options do on the command line.
    return {**fields, **{k: v for k, v in item.items() if k != "rule"}}


def _parse_lines(text: str, progress: Progress | None) -> list[AlertRule]:
    """One rule in words a line; blank lines and what follows a # are skipped. Every rule gets its
    `content_id`, so a file read again updates the rules it made."""
    lines = text.splitlines()
    rules: list[AlertRule] = []
    problems: list[str] = []
    bad = 0
    for n, line in enumerate(lines, 1):
        if n % 500 == 0:
            report(progress, 0.5 + 0.5 * n / len(lines))
        sentence = line.split("#", 1)[0].strip()
        if not sentence:
            continue
        try:
            rules.append(rule_from_dict(rule_fields_of(sentence)))
            continue
        except SentenceError as exc:
            problem = f"line {n}: {exc}"
        except RuleError as exc:
            problem = f"line {n}: {sentence!r}: {exc.about}"
        bad += 1
        if len(problems) < MAX_LISTED:
            problems.append(problem)
    if bad:
        raise RuleFileError.of(problems, bad)
    rules = _name_unnamed(rules, list(range(len(rules))))
    report(progress, 1.0)
    return rules


def reads_as_rules(path: Path) -> bool:
    """Whether a text file is rules in words, not a list of symbols: every line of its start (past blank
    lines and comments) reads as a rule. A line of tickers has no condition and level; a list whose title
    happens to read as one ("Stocks under 10") is still a list."""
    try:
        with path.open("rb") as file:
            head = file.read(MAX_SNIFF).decode("utf-8", errors="replace")
    except OSError:
        return False
    lines = head.removeprefix("\ufeff").splitlines()
    if len(head) == MAX_SNIFF:
        lines = lines[:-1]  # the last line read may be cut short
    sentences = [line.split("#", 1)[0].strip() for line in lines[:SNIFF_LINES]]
    sentences = [s for s in sentences if s]
    return bool(sentences) and all(reads_as_rule(s) for s in sentences)


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


def format_of(path: Path, reading: bool = False) -> str:
    """'toml' or 'json' from the file's name; 'txt' too for `reading` (rules in words are read, not written:
    a line of words holds no name, cooldown or channels)."""
    suffix = path.suffix.lower()
    if suffix in (".toml", ".json") or (reading and suffix == ".txt"):
        return suffix[1:]
    if reading:
        raise RuleFileError(f"{path.name}: use a .toml, .json or .txt file (a .txt holds one rule in words a line)")
    raise RuleFileError(f"{path.name}: use a .toml or .json file")


def read_rules(path: Path, progress: Progress | None = None) -> list[AlertRule]:
    fmt = format_of(path, reading=True)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RuleFileError(file_problem(path, exc)) from None
    except UnicodeDecodeError:
        raise RuleFileError(f"{path}: not a text file (expected UTF-8 TOML, JSON or rules in words)") from None
    try:
        return parse_rules(text, fmt, progress)
    except RuleFileError as exc:
        raise exc.under(path.name) from None


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
