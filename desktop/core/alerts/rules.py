"""Alert rules: what a rule is, how it is checked, and its plain-dict form (used by files and the database).

| type     | fields            | value watched                                                  |
|----------|-------------------|----------------------------------------------------------------|
| price    | symbol            | last price                                                     |
| change   | symbol            | % change of the last price against the previous session close  |
| spread   | a, b, window      | return of a minus return of b over the window, in points       |
| ratio    | a, b              | last price of a / last price of b                              |
| trend    | symbol or a, b; ma| % of the price (or a/b) above its mean over the `ma` past closes |
| zscore   | a, b, lookback    | ln(a/b) now in sample sd from its mean over `lookback` past closes |
| quadrant | symbol, benchmark, ma, momentum, quadrant | the relative rotation quadrant (see rotation) |

Every rule has `id` (generated when missing), optional `name`, `condition` (crosses_above, crosses_below,
crosses (either way), above, below, outside), `level`, optional `cooldown` (90s, 15m, 2h, 3d), `once`
(default false), `enabled` (default true) and optional `expires` (a date-time; New York time when it has
no offset). A quadrant rule has no level: its condition is `enters` and it fires when the symbol enters the
named quadrant.
"""

from __future__ import annotations

import enum
import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property
from typing import Any

from desktop.core.alerts.durations import format_duration, parse_duration
from desktop.core.alerts.windows import Window, parse_window
from desktop.core.sessions import NEW_YORK
from desktop.core.symbol_lists import ticker_of

RULE_ID = re.compile(r"^[A-Za-z0-9_.:\-]{1,64}$")


class AlertType(enum.Enum):
    PRICE = "price"
    CHANGE = "change"
    SPREAD = "spread"
    RATIO = "ratio"
    TREND = "trend"
    ZSCORE = "zscore"
    QUADRANT = "quadrant"


TYPE_NAMES = ", ".join(t.value for t in AlertType)
PAIR_TYPES = frozenset({AlertType.SPREAD, AlertType.RATIO, AlertType.ZSCORE})
# Rules whose value can only be positive: a level at or below 0 would be always above, never below or crossed.
POSITIVE_LEVELS = {AlertType.PRICE: "a price", AlertType.RATIO: "a ratio of two prices"}


class Quadrant(enum.Enum):
    """Relative rotation quadrants; `code` is how a rule's state and level carry one (as a number)."""

    LEADING = "leading"
    WEAKENING = "weakening"
    LAGGING = "lagging"
    IMPROVING = "improving"

    @property
    def code(self) -> float:
        return float(list(Quadrant).index(self) + 1)

    @classmethod
    def of_code(cls, code: float) -> Quadrant:
        return list(Quadrant)[int(code) - 1]


DEFAULT_MA = 50
DEFAULT_LOOKBACK = 50
DEFAULT_MOMENTUM = 10
DEFAULT_BENCHMARK = "SPY"


class Condition(enum.Enum):
    CROSSES_ABOVE = "crosses_above"
    CROSSES_BELOW = "crosses_below"
    CROSSES = "crosses"  # either way: up through the level or down through it
    ABOVE = "above"
    BELOW = "below"
    OUTSIDE = "outside"  # beyond the level either way (|value| > level): a day's move, a spread, a z-score
    ENTERS = "enters"  # quadrant rules only


class RuleError(ValueError):
    """An invalid rule; the message names the rule and the field."""

    def __init__(self, rule: str, field_name: str, problem: str) -> None:
        super().__init__(f"rule {rule}: {field_name}: {problem}")
        self.rule = rule
        self.field = field_name
        self.problem = problem

    @property
    def about(self) -> str:
        """The field and its problem, for a message where the rule is already named."""
        return f"{self.field}: {self.problem}"


@dataclass(frozen=True)
class AlertRule:
    id: str
    type: AlertType
    condition: Condition
    level: float
    symbol: str | None = None
    a: str | None = None
    b: str | None = None
    window: Window | None = None
    name: str = ""
    cooldown: float | None = None  # seconds
    once: bool = False
    enabled: bool = True
    expires: float | None = None  # epoch seconds
    channels: tuple[str, ...] = ()  # where its fires go; empty: every channel set for all rules
    ma: int | None = None  # trend and quadrant: sessions in the moving average
    lookback: int | None = None  # zscore: past sessions measured against
    benchmark: str | None = None  # quadrant: what the symbol rotates against
    momentum: int | None = None  # quadrant: sessions back for RS-Momentum
    symbols: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.type is AlertType.QUADRANT:
            legs: tuple[str | None, ...] = (self.symbol, self.benchmark)
        elif self.symbol:
            legs = (self.symbol,)
        else:
            legs = (self.a, self.b)
        object.__setattr__(self, "symbols", tuple(s for s in legs if s))

    @property
    def quadrant(self) -> Quadrant | None:
        """The quadrant a quadrant rule waits for (carried as its level's code)."""
        return Quadrant.of_code(self.level) if self.type is AlertType.QUADRANT else None

    @property
    def measure_key(self) -> tuple[Any, ...]:
        """What the rule's value depends on: a change here makes its previous value meaningless."""
        return (self.type, self.symbols, self.window, self.ma, self.lookback, self.momentum)

    @cached_property
    def title(self) -> str:  # every fire carries it: worked out once per rule (a rule never changes)
        return self.name or self.describe()

    def describe(self) -> str:
        """'NVDA price crosses below 175', 'IWM − QQQ qtd spread crosses above 1.5'."""
        condition = self.condition.value.replace("_", " ")
        level = level_number(self.level)
        if self.condition is Condition.OUTSIDE:
            level = f"±{level}"
        if self.type is AlertType.PRICE:
            return f"{self.symbol} price {condition} {level}"
        if self.type is AlertType.CHANGE:
            return f"{self.symbol} change % {condition} {level}"
        if self.type is AlertType.SPREAD:
            assert self.window is not None
            return f"{self.a} − {self.b} {self.window.text} return spread {condition} {level} pts"
        if self.type is AlertType.TREND:
            subject = self.symbol or f"{self.a}/{self.b}"
            return f"{subject} vs its {self.ma}-session average {condition} {level} %"
        if self.type is AlertType.ZSCORE:
            return f"{self.a}/{self.b} z-score ({self.lookback} sessions) {condition} {level}"
        if self.type is AlertType.QUADRANT:
            assert self.quadrant is not None
            return f"{self.symbol} enters {self.quadrant.value} vs {self.benchmark} ({self.ma}/{self.momentum})"
        return f"{self.a} / {self.b} ratio {condition} {level}"

    def how_often(self) -> str:
        """How often it may fire, closing its text as a sentence would (", once, at most every 2h"): what
        the user typed back, and a rule's text with it reads back as the same rule."""
        said = ["once"] if self.once else []
        if self.cooldown:
            said.append(f"at most every {format_duration(self.cooldown)}")
        return f", {', '.join(said)}" if said else ""

    def with_changes(self, **changes: Any) -> AlertRule:
        return replace(self, **changes)

    def watches_same_as(self, other: AlertRule) -> bool:
        """True when both would fire on the same values (a rule typed twice, whatever its id, name or cooldown)."""
        return (self.measure_key, self.condition, self.level) == (other.measure_key, other.condition, other.level)


def level_number(level: float) -> str:
    """A level as people write it: 175, 1.5, 94745.08, 751234.5 (every digit it has, no float noise; the
    six digits of "%g" made 94745.08 read 94745.1)."""
    return f"{level:.15g}"


def new_rule_id() -> str:
    return "r-" + os.urandom(4).hex()  # as random as a uuid4's first 8 hex digits, without importing uuid


def _one_line(text: str) -> str:
    """A name as the table, the notification and the log show it: line breaks, tabs and other control
    characters become single spaces (a name is one line wherever it appears)."""
    if text.isprintable():
        return text.strip()
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _symbol(value: Any, label: str, name: str) -> str:
    symbol = ticker_of(value) if isinstance(value, str) else None
    if symbol is None:
        raise RuleError(label, name, f"{value!r} is not a ticker symbol")
    return symbol


def _bool(value: Any, label: str, name: str) -> bool:
    if not isinstance(value, bool):
        raise RuleError(label, name, f"{value!r} is not true or false")
    return value


# Bounds that keep every stored figure a finite number the engine, SQLite and the files can carry.
MAX_LEVEL = 1e12
MAX_NAME = 200  # characters in a rule's own name (it is shown in a table cell and a notification title)
MAX_COOLDOWN_S = 10 * 366 * 86_400.0
EARLIEST_TIME, LATEST_TIME = 0.0, 7_258_118_400.0  # 1970 .. 2200


def _time(value: Any, label: str, name: str) -> float:
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime.combine(value, datetime.min.time())
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise RuleError(label, name, f"{value!r} is not a date-time (use 2025-12-31T16:00-05:00)") from None
    else:
        raise RuleError(label, name, f"{value!r} is not a date-time")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=NEW_YORK)
    try:
        stamp = moment.timestamp()
    except (OverflowError, ValueError, OSError):
        stamp = math.inf
    if not EARLIEST_TIME <= stamp <= LATEST_TIME:
        raise RuleError(label, name, f"{value!r} is outside the years 1970 to 2200")
    return stamp


KNOWN_FIELDS = {
    "id", "name", "type", "symbol", "a", "b", "window", "condition", "level", "cooldown", "once", "enabled", "expires",
    "channels", "ma", "lookback", "benchmark", "momentum", "quadrant",
}  # fmt: skip
# Which fields each type takes besides the common ones (a field of another type is refused by name).
TYPE_FIELDS: dict[AlertType, frozenset[str]] = {
    AlertType.PRICE: frozenset({"symbol"}),
    AlertType.CHANGE: frozenset({"symbol"}),
    AlertType.SPREAD: frozenset({"a", "b", "window"}),
    AlertType.RATIO: frozenset({"a", "b"}),
    AlertType.TREND: frozenset({"symbol", "a", "b", "ma"}),
    AlertType.ZSCORE: frozenset({"a", "b", "lookback"}),
    AlertType.QUADRANT: frozenset({"symbol", "benchmark", "ma", "momentum", "quadrant"}),
}
SPECIFIC_FIELDS = frozenset().union(*TYPE_FIELDS.values())
# The fields that say what a rule watches (a rule given in words gives none of them again).
SHAPE_FIELDS = frozenset({"type", "condition", "level"}) | SPECIFIC_FIELDS


def rule_from_dict(data: Mapping[str, Any], position: int = 1) -> AlertRule:
    """Check and build a rule from its dict form; `position` (1-based) names a rule that has no id."""
    label = f"#{position}"
    raw_id = data.get("id")
    if raw_id is not None:
        if not isinstance(raw_id, str) or not RULE_ID.match(raw_id):
            raise RuleError(label, "id", f"{raw_id!r} is not an id (letters, digits, _ . : - up to 64)")
        label = f"{raw_id!r}"
    unknown = sorted(set(data) - KNOWN_FIELDS)
    if unknown:
        raise RuleError(label, unknown[0], "unknown field")
    if "type" not in data:
        raise RuleError(label, "type", f"missing ({TYPE_NAMES})")
    try:
        kind = AlertType(_named(data["type"]))
    except ValueError:
        raise RuleError(label, "type", f"unknown type {_short(data['type'])} ({TYPE_NAMES})") from None
    condition, level = _condition_and_level(data, kind, label)
    for name in sorted(set(data) & (SPECIFIC_FIELDS - TYPE_FIELDS[kind])):
        hint = " (use a and b)" if name == "symbol" and kind in PAIR_TYPES else ""
        raise RuleError(label, name, f"not a field of a {kind.value} rule{hint}")

    symbol = a = b = benchmark = None
    window = None
    ma = lookback = momentum = None
    if kind is AlertType.TREND:
        has_pair = "a" in data or "b" in data
        if ("symbol" in data) == has_pair:
            raise RuleError(label, "symbol", "give either symbol or a and b (a trend of a price or of a ratio)")
        if has_pair:
            a, b = _pair(data, label)
        else:
            symbol = _symbol(data["symbol"], label, "symbol")
        ma = _count(data, "ma", DEFAULT_MA, 2, label)
    elif kind is AlertType.QUADRANT:
        if "symbol" not in data:
            raise RuleError(label, "symbol", "missing")
        symbol = _symbol(data["symbol"], label, "symbol")
        benchmark = _symbol(data.get("benchmark", DEFAULT_BENCHMARK), label, "benchmark")
        if benchmark == symbol:
            raise RuleError(label, "benchmark", f"must differ from symbol (both are {symbol})")
        ma = _count(data, "ma", DEFAULT_MA, 2, label)
        momentum = _count(data, "momentum", DEFAULT_MOMENTUM, 1, label)
    elif kind in (AlertType.PRICE, AlertType.CHANGE):
        if "symbol" not in data:
            raise RuleError(label, "symbol", "missing")
        symbol = _symbol(data["symbol"], label, "symbol")
    else:
        a, b = _pair(data, label)
        if kind is AlertType.SPREAD:
            if "window" not in data:
                raise RuleError(label, "window", "missing (day, 5d, mtd, qtd, ytd or since:YYYY-MM-DD)")
            if not isinstance(data["window"], str):
                raise RuleError(label, "window", f"{data['window']!r} is not a window")
            try:
                window = parse_window(data["window"])
            except ValueError as exc:
                raise RuleError(label, "window", str(exc)) from None
        elif kind is AlertType.ZSCORE:
            lookback = _count(data, "lookback", DEFAULT_LOOKBACK, 3, label)

    cooldown = None
    if data.get("cooldown") not in (None, ""):
        if not isinstance(data["cooldown"], str):
            raise RuleError(label, "cooldown", f"{data['cooldown']!r} is not a duration (90s, 15m, 2h, 3d)")
        try:
            cooldown = parse_duration(data["cooldown"])
        except ValueError as exc:
            raise RuleError(label, "cooldown", _short(str(exc), 160)) from None
        if not 0 <= cooldown <= MAX_COOLDOWN_S:
            raise RuleError(label, "cooldown", f"{_short(data['cooldown'])} is longer than ten years")
    name = data.get("name", "")
    if not isinstance(name, str):
        raise RuleError(label, "name", f"{name!r} is not text")
    name = _one_line(name)
    if len(name) > MAX_NAME:
        raise RuleError(label, "name", f"{len(name)} characters: a rule's name is at most {MAX_NAME}")
    channels = data.get("channels", [])
    if not isinstance(channels, list | tuple) or not all(isinstance(c, str) and RULE_ID.match(c) for c in channels):
        raise RuleError(label, "channels", f"{_short(channels)} is not a list of channel names")
    return AlertRule(
        id=raw_id if isinstance(raw_id, str) else new_rule_id(),
        type=kind,
        condition=condition,
        level=float(level),
        symbol=symbol,
        a=a,
        b=b,
        window=window,
        name=name,
        cooldown=cooldown,
        once=_bool(data.get("once", False), label, "once"),
        enabled=_bool(data.get("enabled", True), label, "enabled"),
        expires=None if data.get("expires") in (None, "") else _time(data["expires"], label, "expires"),
        channels=tuple(channels),
        ma=ma,
        lookback=lookback,
        benchmark=benchmark,
        momentum=momentum,
    )


def _condition_and_level(data: Mapping[str, Any], kind: AlertType, label: str) -> tuple[Condition, float]:
    """A quadrant rule's condition is `enters` (the default) and its level the quadrant's code; every
    other rule has a condition and a finite level."""
    if kind is AlertType.QUADRANT:
        if "level" in data:
            raise RuleError(
                label, "level", "a quadrant rule has no level (it fires when the symbol enters the quadrant)"
            )
        if _named(data.get("condition", "enters")) != "enters":
            raise RuleError(label, "condition", f"{_short(data['condition'])}: a quadrant rule's condition is enters")
        if "quadrant" not in data:
            raise RuleError(label, "quadrant", f"missing ({', '.join(q.value for q in Quadrant)})")
        try:
            quadrant = Quadrant(_named(data["quadrant"]))
        except ValueError:
            names = ", ".join(q.value for q in Quadrant)
            raise RuleError(label, "quadrant", f"unknown quadrant {_short(data['quadrant'])} ({names})") from None
        return Condition.ENTERS, quadrant.code
    for required in ("condition", "level"):
        if required not in data:
            raise RuleError(label, required, "missing")
    try:
        condition = Condition(_named(data["condition"]))
    except ValueError:
        choices = ", ".join(c.value for c in Condition if c is not Condition.ENTERS)
        raise RuleError(label, "condition", f"unknown condition {_short(data['condition'])} ({choices})") from None
    if condition is Condition.ENTERS:
        raise RuleError(label, "condition", "enters is the condition of quadrant rules only")
    level = data["level"]
    if isinstance(level, str) and _finite_number(level):  # level = "175" in a hand-written TOML file
        raise RuleError(label, "level", f"{_short(level)} is text: a level is a number, written without quotes "
                                         f"({level.strip()})")  # fmt: skip
    if isinstance(level, bool) or not isinstance(level, int | float):
        raise RuleError(label, "level", f"{_short(level)} is not a number")
    try:
        level = float(level)
    except OverflowError:
        level = math.inf
    if math.isnan(level):
        raise RuleError(label, "level", f"{_short(data['level'])} is not a number")
    if not abs(level) <= MAX_LEVEL:
        raise RuleError(label, "level", f"{_short(data['level'])} is larger than any price or spread ({MAX_LEVEL:g})")
    if condition is Condition.OUTSIDE:
        if kind in POSITIVE_LEVELS:
            raise RuleError(
                label, "condition", f"outside is for a value that goes either way of 0, not {POSITIVE_LEVELS[kind]}"
            )
        if level <= 0:
            raise RuleError(label, "level", f"{_short(data['level'])}: outside takes the distance from 0 (above 0)")
    if kind in POSITIVE_LEVELS and level <= 0:
        raise RuleError(label, "level", f"{_short(data['level'])}: {POSITIVE_LEVELS[kind]} is always above 0")
    return condition, float(level)


def _pair(data: Mapping[str, Any], label: str) -> tuple[str, str]:
    for leg in ("a", "b"):
        if leg not in data:
            raise RuleError(label, leg, "missing")
    a = _symbol(data["a"], label, "a")
    b = _symbol(data["b"], label, "b")
    if a == b:
        raise RuleError(label, "b", f"must differ from a (both are {a})")
    return a, b


MAX_SESSIONS = 10_000  # about forty years of sessions: more than any price file holds


def _count(data: Mapping[str, Any], name: str, default: int, least: int, label: str) -> int:
    """A whole number of sessions, at least `least` (50 and 50.0 are the same; 50.5, "50" and true are not)."""
    value = data.get(name, default)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value or value % 1:
        raise RuleError(label, name, f"{_short(value)} is not a whole number of sessions")
    if not least <= value <= MAX_SESSIONS:
        raise RuleError(label, name, f"{_short(value)} must be between {least} and {MAX_SESSIONS} sessions")
    return int(value)


def _named(value: Any) -> Any:
    """A named value (a type, a condition, a quadrant) in its one spelling: "Crosses Below" and
    "crosses-below" say crosses_below. Anything but text is left for the caller to refuse."""
    if not isinstance(value, str):
        return value
    return "_".join(value.strip().lower().replace("-", " ").split())


def _finite_number(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _short(value: Any, limit: int = 40) -> str:
    """A value as it goes into a message, cut so a hostile 400-digit figure does not fill the screen."""
    text = value if isinstance(value, str) and limit > 40 else repr(value)
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


def rule_to_dict(rule: AlertRule) -> dict[str, Any]:
    """The plain form of a rule (the inverse of `rule_from_dict`), fields in a readable order."""
    out: dict[str, Any] = {"id": rule.id}
    if rule.name:
        out["name"] = rule.name
    out["type"] = rule.type.value
    if rule.symbol:
        out["symbol"] = rule.symbol
    if rule.a:
        out["a"] = rule.a
        out["b"] = rule.b
    if rule.window is not None:
        out["window"] = rule.window.text
    if rule.benchmark:
        out["benchmark"] = rule.benchmark
    for name in ("ma", "lookback", "momentum"):
        if getattr(rule, name) is not None:
            out[name] = getattr(rule, name)
    if rule.quadrant is not None:
        out["quadrant"] = rule.quadrant.value
    else:
        out["condition"] = rule.condition.value
        out["level"] = rule.level
    if rule.cooldown:
        out["cooldown"] = format_duration(rule.cooldown)
    if rule.once:
        out["once"] = True
    if not rule.enabled:
        out["enabled"] = False
    if rule.expires is not None:
        out["expires"] = datetime.fromtimestamp(rule.expires, NEW_YORK).isoformat()
    if rule.channels:
        out["channels"] = list(rule.channels)
    return out


def check_unique_ids(rules: list[AlertRule]) -> None:
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise RuleError(repr(rule.id), "id", "used by more than one rule")
        seen.add(rule.id)
