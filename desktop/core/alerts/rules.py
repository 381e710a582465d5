"""Alert rules: what a rule is, how it is checked, and its plain-dict form (used by files and the database).

| type     | fields            | value watched                                                  |
|----------|-------------------|----------------------------------------------------------------|
| price    | symbol            | last price                                                     |
| change   | symbol            | % change of the last price against the previous session close  |
| spread   | a, b, window      | return of a minus return of b over the window, in points       |
| ratio    | a, b              | last price of a / last price of b                              |

Every rule has `id` (generated when missing), optional `name`, `condition` (crosses_above, crosses_below,
above, below), `level`, optional `cooldown` (90s, 15m, 2h, 3d), `once` (default false), `enabled`
(default true) and optional `expires` (a date-time; New York time when it has no offset).
"""

from __future__ import annotations

import enum
import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any

from desktop.core.alerts.durations import format_duration, parse_duration
from desktop.core.alerts.windows import Window, parse_window
from desktop.core.sessions import NEW_YORK

SYMBOL = re.compile(r"^[A-Z0-9^][A-Z0-9.\-=^]{0,19}$")
RULE_ID = re.compile(r"^[A-Za-z0-9_.:\-]{1,64}$")


class AlertType(enum.Enum):
    PRICE = "price"
    CHANGE = "change"
    SPREAD = "spread"
    RATIO = "ratio"


class Condition(enum.Enum):
    CROSSES_ABOVE = "crosses_above"
    CROSSES_BELOW = "crosses_below"
    ABOVE = "above"
    BELOW = "below"


class RuleError(ValueError):
    """An invalid rule; the message names the rule and the field."""

    def __init__(self, rule: str, field_name: str, problem: str) -> None:
        super().__init__(f"rule {rule}: {field_name}: {problem}")
        self.rule = rule
        self.field = field_name
        self.problem = problem


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
    symbols: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        legs = (self.symbol,) if self.type in (AlertType.PRICE, AlertType.CHANGE) else (self.a, self.b)
        object.__setattr__(self, "symbols", tuple(s for s in legs if s))

    @property
    def title(self) -> str:
        return self.name or self.describe()

    def describe(self) -> str:
        """'NVDA price crosses below 175', 'IWM − QQQ qtd spread crosses above 1.5'."""
        condition = self.condition.value.replace("_", " ")
        level = f"{self.level:g}"
        if self.type is AlertType.PRICE:
            return f"{self.symbol} price {condition} {level}"
        if self.type is AlertType.CHANGE:
            return f"{self.symbol} change % {condition} {level}"
        if self.type is AlertType.SPREAD:
            assert self.window is not None
            return f"{self.a} − {self.b} {self.window.text} return spread {condition} {level} pts"
        return f"{self.a} / {self.b} ratio {condition} {level}"

    def with_changes(self, **changes: Any) -> AlertRule:
        return replace(self, **changes)


def new_rule_id() -> str:
    return "r-" + uuid.uuid4().hex[:8]


def _symbol(value: Any, label: str, name: str) -> str:
    if not isinstance(value, str) or not SYMBOL.match(value.strip().upper()):
        raise RuleError(label, name, f"{value!r} is not a ticker symbol")
    return value.strip().upper()


def _bool(value: Any, label: str, name: str) -> bool:
    if not isinstance(value, bool):
        raise RuleError(label, name, f"{value!r} is not true or false")
    return value


# Bounds that keep every stored figure a finite number the engine, SQLite and the files can carry.
MAX_LEVEL = 1e12
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
    "channels",
}  # fmt: skip


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
        raise RuleError(label, "type", "missing (price, change, spread or ratio)")
    try:
        kind = AlertType(data["type"])
    except ValueError:
        raise RuleError(label, "type", f"unknown type {data['type']!r} (price, change, spread or ratio)") from None
    for required in ("condition", "level"):
        if required not in data:
            raise RuleError(label, required, "missing")
    try:
        condition = Condition(data["condition"])
    except ValueError:
        choices = ", ".join(c.value for c in Condition)
        raise RuleError(label, "condition", f"unknown condition {data['condition']!r} ({choices})") from None
    level = data["level"]
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

    symbol = a = b = None
    window = None
    if kind in (AlertType.PRICE, AlertType.CHANGE):
        if "symbol" not in data:
            raise RuleError(label, "symbol", "missing")
        symbol = _symbol(data["symbol"], label, "symbol")
        for extra in ("a", "b", "window"):
            if extra in data:
                raise RuleError(label, extra, f"not a field of a {kind.value} rule")
    else:
        for leg in ("a", "b"):
            if leg not in data:
                raise RuleError(label, leg, "missing")
        a = _symbol(data["a"], label, "a")
        b = _symbol(data["b"], label, "b")
        if a == b:
            raise RuleError(label, "b", f"must differ from a (both are {a})")
        if "symbol" in data:
            raise RuleError(label, "symbol", f"not a field of a {kind.value} rule (use a and b)")
        if kind is AlertType.SPREAD:
            if "window" not in data:
                raise RuleError(label, "window", "missing (day, 5d, mtd, qtd, ytd or since:YYYY-MM-DD)")
            if not isinstance(data["window"], str):
                raise RuleError(label, "window", f"{data['window']!r} is not a window")
            try:
                window = parse_window(data["window"])
            except ValueError as exc:
                raise RuleError(label, "window", str(exc)) from None
        elif "window" in data:
            raise RuleError(label, "window", "not a field of a ratio rule")

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
    )


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
