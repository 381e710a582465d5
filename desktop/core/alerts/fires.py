"""What the engine emits and remembers: a fire, a rule's state, and the one place a fire is emitted
(cooldown, counters), for the per-tick and the batch paths alike."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.core.alerts.rules import AlertRule, Condition, Quadrant, level_number
from desktop.core.formatting import format_value


@dataclass(frozen=True)
class AlertFire:
    """One emitted fire: what a log row, a notification and a backtest line show."""

    rule_id: str
    title: str
    time: float
    daily: bool  # the triggering observation was a daily bar: its time prints as a date
    value: float
    level: float
    condition: Condition
    inputs: tuple[tuple[str, float], ...]  # each leg's price at the fire
    disabled_rule: bool = False  # a `once` rule that turned itself off with this fire
    momentum: float | None = None  # a quadrant fire: RS-Momentum (its value is RS-Ratio)

    @property
    def level_text(self) -> str:
        """The level as people read it: '175', '1.5', '±5' (outside), or a quadrant's name for a quadrant rule."""
        return level_text(self.condition, self.level)

    @property
    def value_text(self) -> str:
        """The value as the log, notifications and deliveries show it: to its level's decimals at least."""
        return format_value(self.value, None if self.condition is Condition.ENTERS else self.level)


def level_text(condition: Condition, level: float) -> str:
    if condition is Condition.ENTERS:
        return Quadrant.of_code(level).value
    return f"±{level_number(level)}" if condition is Condition.OUTSIDE else level_number(level)


@dataclass
class RuleState:
    """What the engine remembers of a rule between evaluations (persisted across restarts)."""

    prev: float | None = None
    prev_time: float | None = None
    last_fire: float | None = None
    fires: int = 0
    dropped: int = 0


def emit(
    rule: AlertRule,
    state: RuleState,
    t: float,
    daily: bool,
    value: float,
    inputs: tuple[tuple[str, float], ...],
    momentum: float | None = None,
) -> AlertFire | None:
    """A triggered rule's fire, or None when its cooldown drops it (a dropped fire does not restart the
    cooldown: it is measured from the last *emitted* fire)."""
    if rule.cooldown and state.last_fire is not None and t - state.last_fire < rule.cooldown:
        state.dropped += 1
        return None
    state.last_fire = t
    state.fires += 1
    return AlertFire(rule.id, rule.title, t, daily, value, rule.level, rule.condition, inputs, rule.once, momentum)
