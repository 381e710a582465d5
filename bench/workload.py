"""The benchmark workload: a reproducible random walk over many symbols, started from real closes, and rules.

Ticks are stamped inside one synthetic regular session after the bundled data ends, with every symbol's
daily history available for window bases (the real closes, reused cyclically for the synthetic symbols).
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np

from desktop import paths
from desktop.core.alerts.rules import AlertRule, rule_from_dict
from desktop.core.batch import CodedSymbols, TickBatch
from desktop.core.quote import Quote
from desktop.core.sessions import NEW_YORK, close_timestamp

SESSION = date(2026, 8, 24)  # the Monday after the bundled data's last session
OPEN = datetime(2026, 8, 24, 9, 30, tzinfo=NEW_YORK).timestamp()
HISTORY_SESSIONS = 300


@dataclass
class Workload:
    symbols: list[str]
    history: dict[str, tuple[np.ndarray, np.ndarray]]  # symbol -> (session ordinals, closes)
    sym_index: np.ndarray  # tick -> symbol index
    prices: np.ndarray  # tick -> price
    times: np.ndarray  # tick -> epoch seconds
    rules: list[AlertRule]

    def __len__(self) -> int:
        return len(self.prices)

    def prev_close(self, k: int) -> float:
        return float(self.history[self.symbols[k]][1][-1])

    def history_quotes(self) -> list[Quote]:
        """The daily history as daily quotes in time order (what the engine learns window bases from)."""
        return [quote for day in self.history_days() for quote in day]

    def history_days(self) -> Iterator[list[Quote]]:
        """The same, a session at a time: priming the engine holds one session's quotes, not 150,000 (whose
        memory the allocator keeps, and the memory figure would count as the app's)."""
        days: dict[int, list[tuple[str, float]]] = {}
        for symbol, (ordinals, closes) in self.history.items():
            for ordinal, close in zip(ordinals.tolist(), closes.tolist(), strict=True):
                days.setdefault(int(ordinal), []).append((symbol, close))
        for ordinal in sorted(days):
            stamp = close_timestamp(date.fromordinal(ordinal))
            yield [Quote(symbol, close, stamp, daily=True) for symbol, close in days[ordinal]]

    def batch(self, start: int, stop: int) -> TickBatch:
        """Ticks [start, stop) as the columnar batch a fast feed pushes."""
        names = self.symbols
        codes = self.sym_index[start:stop]
        return TickBatch(
            CodedSymbols(names, codes),
            self.times[start:stop],
            self.prices[start:stop],
            prev_close=self.prev_closes[codes],
            source="bench",
        )

    @property
    def prev_closes(self) -> np.ndarray:
        return np.array([self.history[s][1][-1] for s in self.symbols])

    def quotes(self, start: int, stop: int) -> Iterator[Quote]:
        """Ticks [start, stop) as the Quote objects a feed would push."""
        names = self.symbols
        prev = [self.prev_close(k) for k in range(len(names))]
        for i in range(start, stop):
            k = int(self.sym_index[i])
            yield Quote(names[k], float(self.prices[i]), float(self.times[i]), prev_close=prev[k], source="bench")


def daily_closes() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The bundled daily closes (session ordinals, closes), read with the csv module: the bench must not
    load pandas, whose 60 MB would be counted in the app's memory figure."""
    out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for path in sorted(paths.bundled_daily_dir().glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [(date.fromisoformat(r["Date"][:10]).toordinal(), float(r["Close"])) for r in csv.DictReader(handle)
                    if r.get("Close")]  # fmt: skip
        out[path.stem] = (np.array([d for d, _ in rows], dtype=np.int64), np.array([c for _, c in rows]))
    return out


def build(n_ticks: int, n_symbols: int = 500, n_rules: int = 1000, seed: int = 7) -> Workload:
    rng = np.random.default_rng(seed)
    real = daily_closes()
    real_names = sorted(real)
    symbols = [f"S{k:03d}" for k in range(n_symbols)]
    history: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for k, symbol in enumerate(symbols):
        days, real_closes = real[real_names[k % len(real_names)]]
        ordinals = days[-HISTORY_SESSIONS:]
        closes = real_closes[-HISTORY_SESSIONS:] * (1 + 0.001 * (k // len(real_names)))
        history[symbol] = (ordinals.astype(np.int64), closes.astype(np.float64))
    start = np.array([history[s][1][-1] for s in symbols])
    sym_index = rng.integers(0, n_symbols, n_ticks)
    steps = rng.normal(0.0, 0.0004, n_ticks)  # per-tick log return of the ticking symbol
    log_price = np.log(start).copy()
    prices = np.empty(n_ticks)
    # A per-symbol cumulative walk: vectorised by sorting ticks per symbol.
    order = np.argsort(sym_index, kind="stable")
    walked = np.empty(n_ticks)
    sorted_syms = sym_index[order]
    bounds = np.flatnonzero(np.r_[True, sorted_syms[1:] != sorted_syms[:-1], True])
    for a, b in itertools.pairwise(bounds):
        walked[a:b] = log_price[sorted_syms[a]] + np.cumsum(steps[order][a:b])
    prices[order] = np.exp(walked)
    times = OPEN + np.arange(n_ticks) * (6.5 * 3600 / max(n_ticks, 1))
    rules = make_rules(symbols, start, n_rules, rng)
    return Workload(symbols, history, sym_index, prices, times, rules)


def make_rules(symbols: list[str], start: np.ndarray, n_rules: int, rng: np.random.Generator) -> list[AlertRule]:
    """400 price, 200 change, 300 spread over mixed windows, 100 ratio (scaled to n_rules), levels near now."""
    counts = [int(n_rules * f) for f in (0.4, 0.2, 0.3)]
    counts.append(n_rules - sum(counts))
    conditions = ["crosses_above", "crosses_below", "above", "below"]
    windows = ["day", "5d", "20d", "mtd", "qtd", "ytd"]
    rules: list[AlertRule] = []
    n = len(symbols)
    for i in range(counts[0]):
        k = int(rng.integers(n))
        level = float(start[k] * (1 + rng.normal(0, 0.004)))
        rules.append(
            rule_from_dict(
                {
                    "id": f"p{i}",
                    "type": "price",
                    "symbol": symbols[k],
                    "condition": conditions[i % 4],
                    "level": round(level, 2),
                }
            )
        )
    for i in range(counts[1]):
        k = int(rng.integers(n))
        rules.append(
            rule_from_dict(
                {
                    "id": f"c{i}",
                    "type": "change",
                    "symbol": symbols[k],
                    "condition": conditions[i % 4],
                    "level": round(float(rng.normal(0, 0.4)), 2),
                }
            )
        )
    for i in range(counts[2]):
        a, b = rng.choice(n, 2, replace=False)
        rules.append(
            rule_from_dict(
                {
                    "id": f"s{i}",
                    "type": "spread",
                    "a": symbols[int(a)],
                    "b": symbols[int(b)],
                    "window": windows[i % len(windows)],
                    "condition": conditions[i % 4],
                    "level": round(float(rng.normal(0, 2.0)), 2),
                }
            )
        )
    for i in range(counts[3]):
        a, b = rng.choice(n, 2, replace=False)
        ratio = float(start[int(a)] / start[int(b)])
        rules.append(
            rule_from_dict(
                {
                    "id": f"r{i}",
                    "type": "ratio",
                    "a": symbols[int(a)],
                    "b": symbols[int(b)],
                    "condition": conditions[i % 4],
                    "level": round(ratio * (1 + float(rng.normal(0, 0.003))), 6),
                }
            )
        )
    return rules
