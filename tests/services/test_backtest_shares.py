"""A backtest's rules dealt out to forked processes give the one-process fires exactly, on the bundled
bars. Each case runs in a Python process of its own: forking is only done from a process with no other
thread, which the test process cannot promise (and a count of the forks shows they happened)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

COMMON = """
import json, os, sys
from pathlib import Path
forks = []
real_fork = os.fork
def counted_fork():
    forks.append(os.getpid())
    return real_fork()
os.fork = counted_fork  # multiprocessing forks through os.fork
import desktop.services.backtest_shares as shares
from desktop.core.alerts.rules import rule_from_dict
from desktop.core.backtest import run_backtest
from desktop.core.prices import load_prices
from tests.core.test_backtest_paths import RULES
daily, intraday = (Path(arg) for arg in sys.argv[1:3])
prices = {**load_prices([intraday]), "IWM": load_prices([daily])["IWM"]}  # a daily file among 5-minute ones
rules = [rule_from_dict(r) for r in RULES] + [
    rule_from_dict({"id": "iwm", "type": "price", "symbol": "IWM", "condition": "crosses_above", "level": 280}),
    rule_from_dict({"id": "mix", "type": "ratio", "a": "IWM", "b": "SPY", "condition": "crosses_above",
                    "level": 0.38}),
]
"""

SAME_FIRES = (
    COMMON
    + """
start, end = 1777867200.0, 1783713600.0  # 2026-05-04 and 2026-07-10 16:00 in New York
out = {"forks": 0, "cases": []}
for dealt in (2, 3, 5):
    for window in ((None, None), (start, end)):
        one = run_backtest(prices, rules, *window)
        heard = []
        many = shares.run_backtest_on_cores(prices, rules, *window, progress=lambda d: heard.append(d) or True,
                                            shares=dealt)
        out["cases"].append({"equal": many == one, "fires": len(one), "rules": len({f.rule_id for f in one}),
                             "ties": len(one) - len({f.time for f in one}), "last_heard": heard[-1]})
out["forks"] = len(forks)
print(json.dumps(out))
"""
)

CHILD_DIES = (
    COMMON
    + """
parent = os.getpid()
real_run = shares.run_backtest
def dying(*args, **kwargs):
    if os.getpid() != parent:
        os._exit(3)  # as a child killed for memory would end
    return real_run(*args, **kwargs)
shares.run_backtest = dying
try:
    shares.run_backtest_on_cores(prices, rules, shares=2)
except shares.BacktestError as exc:
    print(json.dumps({"error": str(exc), "forks": len(forks)}))
"""
)

CANCELLED = (
    COMMON
    + """
import multiprocessing
from desktop.core.progress import WorkCancelledError
try:
    shares.run_backtest_on_cores(prices, rules, progress=lambda done: done < 0.3, shares=2)
except WorkCancelledError:
    print(json.dumps({"cancelled": True, "forks": len(forks), "left": len(multiprocessing.active_children())}))
"""
)

NO_FORK = (
    COMMON
    + """
def failing_fork():
    forks.append(os.getpid())
    raise BlockingIOError(11, "Resource temporarily unavailable")  # fork's EAGAIN: a process limit reached
os.fork = failing_fork
print(json.dumps({"equal": shares.run_backtest_on_cores(prices, rules, shares=3) == run_backtest(prices, rules),
                  "forks": len(forks)}))
"""
)


def run_case(script: str, daily_dir: Path, intraday_dir: Path) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, "-c", script, str(daily_dir), str(intraday_dir)],
        capture_output=True, text=True, timeout=120, cwd=REPO, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    found: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return found


pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="shares are forked on Linux only")


def test_shared_out_rules_fire_exactly_as_one_process(daily_dir: Path, intraday_dir: Path) -> None:
    found = run_case(SAME_FIRES, daily_dir, intraday_dir)
    assert found["forks"] == (1 + 2 + 4) * 2  # every case forked: a child per share beyond the caller's own
    cases = found["cases"]
    assert isinstance(cases, list) and len(cases) == 6
    for case in cases:
        assert case["equal"], case
        assert case["last_heard"] == 1.0
    assert cases[0]["rules"] >= 12 and cases[0]["ties"] > 20  # fires of many rules, many at one time


def test_a_share_whose_process_dies_is_an_error_not_fewer_fires(daily_dir: Path, intraday_dir: Path) -> None:
    found = run_case(CHILD_DIES, daily_dir, intraday_dir)
    assert found["forks"] == 1
    assert found["error"] == "a backtest process ended without its fires (exit status 3)"


def test_a_stopped_backtest_leaves_no_process_behind(daily_dir: Path, intraday_dir: Path) -> None:
    found = run_case(CANCELLED, daily_dir, intraday_dir)
    assert found == {"cancelled": True, "forks": 1, "left": 0}


def test_no_process_to_fork_runs_the_backtest_in_one(daily_dir: Path, intraday_dir: Path) -> None:
    assert run_case(NO_FORK, daily_dir, intraday_dir) == {"equal": True, "forks": 1}


DATED = """
import json, sys
from pathlib import Path
import desktop.services.backtest_shares as shares
from desktop.core.alerts.rules import rule_from_dict
from desktop.core.backtest import run_backtest
from desktop.core.prices import load_prices
prices = load_prices([Path(sys.argv[1])])
rules = [rule_from_dict({"id": "a", "type": "price", "symbol": "AAA", "condition": "crosses_above", "level": 100.5}),
         rule_from_dict({"id": "b", "type": "price", "symbol": "BBB", "condition": "crosses_above", "level": 51.5})]
one = [(f.rule_id, f.time, f.daily) for f in run_backtest(prices, rules)]
many = [(f.rule_id, f.time, f.daily) for f in shares.run_backtest_on_cores(prices, rules, shares=2)]
print(json.dumps({"one": one, "many": many}))
"""


def test_a_fire_beside_another_shares_daily_row_is_dated_as_one_process_dates_it(tmp_path: Path) -> None:
    """AAA's 16:00 bar (an after-hours print) and BBB's daily row share a step: one process dates AAA's
    fire there, and so must the share that plays AAA alone."""
    (tmp_path / "AAA.csv").write_text(
        "Datetime,Close\n2026-07-14T15:55:00-04:00,99\n2026-07-14T16:00:00-04:00,99.5\n"
        "2026-07-15T15:55:00-04:00,100\n2026-07-15T16:00:00-04:00,101\n"
    )
    (tmp_path / "BBB.csv").write_text("Date,Close\n2026-07-13,50\n2026-07-14,51\n2026-07-15,52\n")
    done = subprocess.run([sys.executable, "-c", DATED, str(tmp_path)], capture_output=True, text=True, timeout=120,
                          cwd=REPO, check=True)  # fmt: skip
    found = json.loads(done.stdout)
    assert [(rule, daily) for rule, _t, daily in found["one"]] == [("a", True), ("b", True)]
    assert found["many"] == found["one"]
