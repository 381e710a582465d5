"""Alert rules, state and the fired log in SQLite, and the background writer."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from desktop.core.alerts.engine import AlertEngine, RuleState
from desktop.core.alerts.rules import rule_from_dict
from desktop.core.quote import Quote
from desktop.storage.alerts import AlertRepository
from desktop.storage.database import open_database
from desktop.storage.writer import BackgroundWriter

NVDA = rule_from_dict({"id": "nvda", "type": "price", "symbol": "NVDA", "condition": "crosses_below", "level": 175})
ONCE = rule_from_dict(
    {"id": "once", "type": "price", "symbol": "NVDA", "condition": "below", "level": 180, "once": True}
)


def test_rules_round_trip_in_order(tmp_path: Path) -> None:
    repo = AlertRepository(open_database(tmp_path / "t.db").connection)
    repo.save_rules([NVDA, ONCE])
    repo.save_rule(NVDA.with_changes(level=170))  # an update keeps its place
    rules, problems = repo.rules()
    assert [(r.id, r.level) for r in rules] == [("nvda", 170.0), ("once", 180.0)] and problems == []
    assert repo.delete_rule("nvda") and not repo.delete_rule("nvda")


def test_unreadable_stored_rule_is_reported_and_kept(tmp_path: Path) -> None:
    conn = open_database(tmp_path / "t.db").connection
    repo = AlertRepository(conn)
    repo.save_rule(NVDA)
    conn.execute("INSERT INTO alert_rule(id, position, definition) VALUES ('odd', 5, ?)", (json.dumps({"type": "x"}),))
    rules, problems = repo.rules()
    assert [r.id for r in rules] == ["nvda"] and len(problems) == 1 and "'odd'" in problems[0]
    assert conn.execute("SELECT COUNT(*) FROM alert_rule").fetchone()[0] == 2


def test_a_name_stored_before_the_length_limit_still_reads(tmp_path: Path) -> None:
    conn = open_database(tmp_path / "t.db").connection
    long = {"id": "long", "type": "price", "symbol": "NVDA", "condition": "above", "level": 1, "name": "n" * 5000}
    conn.execute("INSERT INTO alert_rule(id, position, definition) VALUES ('long', 0, ?)", (json.dumps(long),))
    (rule,), problems = AlertRepository(conn).rules()
    assert problems == [] and rule.name == "n" * 199 + "…"


def test_fires_state_and_once_in_one_transaction(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    repo = AlertRepository(open_database(path).connection)
    repo.save_rules([NVDA, ONCE])
    engine = AlertEngine([NVDA, ONCE])
    fires = engine.process([Quote("NVDA", 178.0, 1.0), Quote("NVDA", 174.0, 2.0)])
    assert [f.rule_id for f in fires] == ["once", "nvda"]
    states = {f.rule_id: engine.state(f.rule_id) or RuleState() for f in fires}
    disabled = [r for r in engine.rules if not r.enabled]
    repo.log_fires(fires, states, disabled)

    again = AlertRepository(open_database(path).connection)
    stored = again.fires()
    assert [(s.fire.rule_id, s.fire.value, dict(s.fire.inputs)) for s in stored] == [
        ("once", 178.0, {"NVDA": 178.0}),
        ("nvda", 174.0, {"NVDA": 174.0}),
    ]
    rules, _ = again.rules()
    assert [r.enabled for r in rules] == [True, False]
    saved = again.states()
    assert saved["nvda"].last_fire == 2.0 and saved["nvda"].prev == 174.0 and saved["once"].fires == 1
    assert again.clear_fires() == 2 and again.fires() == []


def test_deleting_a_rule_keeps_its_fires(tmp_path: Path) -> None:
    repo = AlertRepository(open_database(tmp_path / "t.db").connection)
    repo.save_rule(NVDA)
    engine = AlertEngine([NVDA])
    fires = engine.process([Quote("NVDA", 180.0, 1.0), Quote("NVDA", 170.0, 2.0)])
    repo.log_fires(fires, {"nvda": engine.state("nvda") or RuleState()}, [])
    repo.delete_rule("nvda")
    assert len(repo.fires()) == 1 and repo.states() == {}


@pytest.mark.expected_log_warnings
def test_writer_runs_jobs_in_order_off_the_calling_thread(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    AlertRepository(open_database(path).connection).save_rule(NVDA)
    writer = BackgroundWriter(path)
    threads: list[str] = []
    done: list[int] = []
    failed: list[Exception] = []

    def job(n: int):  # type: ignore[no-untyped-def]
        def run(conn):  # type: ignore[no-untyped-def]
            threads.append(threading.current_thread().name)
            AlertRepository(conn).save_states({"nvda": RuleState(prev=float(n))})
            return n

        return run

    for n in range(20):
        writer.submit(job(n), done.append)
    writer.submit(lambda conn: conn.execute("INSERT INTO nowhere VALUES (1)"), on_failed=failed.append)
    assert writer.wait_idle(5)
    writer.close()
    assert done == list(range(20)) and set(threads) == {"db-writer"}
    assert len(failed) == 1 and "nowhere" in str(failed[0])
    assert AlertRepository(open_database(path).connection).states()["nvda"].prev == 19.0
