"""What the rotation rules (trend, zscore, quadrant) measure against: closes of past sessions.

Past values come from sessions strictly before the session of the evaluation time; a symbol's close in
a session is its last price there. Two symbols are measured only on past sessions where both have a
close. Sessions before the current one are final (ticks arrive in time order), so a rule's figures for a
session are worked out once, on its first evaluation in that session, and reused for every tick after.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from desktop.core.alerts.rules import AlertRule, AlertType
from desktop.core.alerts.tracks import SymbolTrack, sessions_before


@dataclass
class SharedCloses:
    """Two symbols' closes on the past sessions both have, grown by a merge as sessions end."""

    a: SymbolTrack
    b: SymbolTrack
    ratios: list[float] = field(default_factory=list)  # a's close / b's close, per shared session, ascending
    _i: int = 0  # how far into a's and b's sessions the merge has read
    _j: int = 0
    _upto: int = 0  # the merge holds every shared session before this one

    def before(self, session: int) -> int:
        """How many shared sessions lie before `session` (the merge reads on as far as it needs)."""
        if session < self._upto:  # an earlier session than asked before (a replay restarted): start over
            self.ratios.clear()
            self._i = self._j = self._upto = 0
        a_sessions, b_sessions = self.a.sessions, self.b.sessions
        i, j = self._i, self._j
        a_end = sessions_before(a_sessions, session)
        b_end = sessions_before(b_sessions, session)
        while i < a_end and j < b_end:
            sa, sb = a_sessions[i], b_sessions[j]
            if sa == sb:
                self.ratios.append(self.a.closes[i] / self.b.closes[j])
                i += 1
                j += 1
            elif sa < sb:
                i += 1
            else:
                j += 1
        self._i, self._j, self._upto = i, j, session
        return len(self.ratios)


class PastCloses:
    """The engine's memory of past closes per rule: figures per (rule, session), shared closes per pair."""

    def __init__(self) -> None:
        self._pairs: dict[tuple[str, str], SharedCloses] = {}
        # rule id -> (its measure, session, past sessions, figures): an edited rule (the editor's live value
        # for a changed `ma`) has another measure under the same id
        self._figures: dict[str, tuple[tuple[Any, ...], int, int, tuple[float, ...] | None]] = {}

    def clear(self) -> None:
        self._pairs.clear()
        self._figures.clear()

    def figures(self, rule: AlertRule, tracks: dict[str, SymbolTrack], session: int) -> tuple[float, ...] | None:
        """The rule's constants for `session` (see `past_figures`), or None while they are undefined."""
        legs = [tracks.get(s) for s in rule.symbols]
        if any(leg is None for leg in legs):
            return None
        values, size = self._history(rule, legs, session)  # type: ignore[arg-type]
        cached = self._figures.get(rule.id)
        if cached is not None and cached[1] == session and cached[2] == size and cached[0] == rule.measure_key:
            return cached[3]
        figures = past_figures(rule, values[:size])
        self._figures[rule.id] = (rule.measure_key, session, size, figures)
        return figures

    def _history(self, rule: AlertRule, legs: list[SymbolTrack], session: int) -> tuple[list[float], int]:
        """The past values the rule measures against (a symbol's closes, or the pair's close ratios) and how
        many of them lie before `session`."""
        if len(legs) == 1:
            return legs[0].closes, sessions_before(legs[0].sessions, session)
        key = (rule.symbols[0], rule.symbols[1])
        shared = self._pairs.get(key)
        if shared is None or shared.a is not legs[0] or shared.b is not legs[1]:
            shared = self._pairs[key] = SharedCloses(legs[0], legs[1])
        return shared.ratios, shared.before(session)


def past_figures(rule: AlertRule, history: list[float]) -> tuple[float, ...] | None:
    """What a rotation rule's value is computed against, from its past values (oldest first):

    trend: (SMA of the last `ma`,); zscore: (mean, sample sd of the logs of the last `lookback`);
    quadrant: (sum of the last `ma` − 1 ratios, `ma`, RS-Ratio at the close `momentum` sessions back).
    None while there are too few sessions (or sd is 0)."""
    if rule.type is AlertType.TREND:
        n = rule.ma or 0
        if len(history) < n:
            return None
        mean = math.fsum(history[-n:]) / n
        return (mean,) if mean > 0 else None
    if rule.type is AlertType.ZSCORE:
        n = rule.lookback or 0
        if len(history) < n:
            return None
        logs = [math.log(x) for x in history[-n:]]
        mean = math.fsum(logs) / n
        sd = math.sqrt(math.fsum((y - mean) ** 2 for y in logs) / (n - 1))
        return (mean, sd) if sd > 0 else None
    assert rule.type is AlertType.QUADRANT and rule.ma and rule.momentum
    ma, momentum = rule.ma, rule.momentum
    size = len(history)
    if size < momentum + ma - 1:
        return None
    then = size - momentum  # the close `momentum` sessions before the current one
    ratio_then = 100.0 * history[then] / (math.fsum(history[then - ma + 1 : then + 1]) / ma)
    return (math.fsum(history[size - ma + 1 :]), float(ma), ratio_then)
