"""Deliveries to a real webhook server on loopback, from a real SQLite file: sent, retried, failed, bundled."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop.core.alerts.engine import AlertFire
from desktop.core.alerts.rules import Condition
from desktop.core.sessions import close_timestamp
from desktop.services import delivery
from desktop.services.delivery import DeliveryWorker, message, template_problem
from desktop.storage.alerts import AlertRepository
from desktop.storage.channels import Channel, ChannelRepository
from desktop.storage.database import open_database

from ..fakes.webhook import WebhookRecorder


@pytest.fixture
def hook() -> Iterator[WebhookRecorder]:
    server = WebhookRecorder()
    yield server
    server.stop()


def fire(rule_id: str, day: int, value: float) -> AlertFire:
    from datetime import date

    return AlertFire(rule_id, f"IWM price crosses above {value - 1:g}", close_timestamp(date(2026, 4, day)), True,
                     value, value - 1, Condition.CROSSES_ABOVE, (("IWM", value),))  # fmt: skip


def log(path: Path, fires: list[AlertFire], channels: list[str]) -> list[int]:
    conn = open_database(path).connection
    try:
        rows = AlertRepository(conn).log_fires_marking_new(fires, {}, [], False, lambda _f: channels)
    finally:
        conn.close()
    return [row for row, _ in rows]


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def setup(tmp_path: Path, hook: WebhookRecorder, fmt: str = "json") -> tuple[Path, DeliveryWorker, Clock]:
    path = tmp_path / "t.db"
    conn = open_database(path).connection
    ChannelRepository(conn).save(Channel("ops", "webhook", hook.url, fmt, "{name}: {value} vs {level} at {time}"))
    conn.close()
    clock = Clock()
    return path, DeliveryWorker(path, lambda: True, clock=clock), clock


def states(path: Path) -> list[tuple[str, str]]:
    conn = open_database(path).connection
    try:
        return [(d.state, d.reason) for d in ChannelRepository(conn).deliveries()]
    finally:
        conn.close()


def run_round(worker: DeliveryWorker, path: Path) -> None:
    conn = open_database(path).connection
    try:
        worker.round(conn)
    finally:
        conn.close()


def test_a_burst_goes_as_one_post_with_every_fire(tmp_path: Path, hook: WebhookRecorder) -> None:
    path, worker, _clock = setup(tmp_path, hook)
    log(path, [fire("a", 7, 253.0), fire("a", 8, 260.47), fire("b", 8, 261.0)], ["ops"])
    run_round(worker, path)
    assert len(hook.posts) == 1
    url_path, headers, body = hook.posts[0]
    sent = json.loads(body)
    assert url_path == "/hooks/s3cr3t-token" and headers["Content-Type"] == "application/json"
    assert [f["rule"] for f in sent["fires"]] == ["a", "a", "b"]
    assert sent["fires"][1] == {"rule": "a", "name": "IWM price crosses above 259.47", "symbols": ["IWM"],
                                "prices": {"IWM": 260.47}, "value": 260.47, "level": 259.47,
                                "condition": "crosses_above", "time": "2026-04-08"}  # fmt: skip
    assert sent["message"].splitlines()[1] == "IWM price crosses above 259.47: 260.47 vs 259.47 at 2026-04-08"
    assert states(path) == [("sent", "")] * 3


@pytest.mark.expected_log_warnings
def test_a_failing_server_is_retried_with_backoff_then_given_up(tmp_path: Path, hook: WebhookRecorder) -> None:
    path, worker, clock = setup(tmp_path, hook, fmt="slack")
    log(path, [fire("a", 8, 260.47)], ["ops"])
    hook.fail(2)
    run_round(worker, path)
    assert states(path) == [("retrying", "HTTP 500 Internal Server Error")] and not hook.posts
    run_round(worker, path)  # not due yet: the backoff holds it
    clock.now += delivery.MAX_BACKOFF_S
    run_round(worker, path)
    assert states(path)[0][0] == "retrying"
    clock.now += delivery.MAX_BACKOFF_S
    run_round(worker, path)
    assert states(path) == [("sent", "")]
    assert json.loads(hook.posts[0][2]) == {"text": "IWM price crosses above 259.47: 260.47 vs 259.47 at 2026-04-08"}

    log(path, [fire("a", 9, 262.0)], ["ops"])
    hook.fail(10_000)
    for _ in range(20):
        clock.now += delivery.MAX_BACKOFF_S
        run_round(worker, path)
    assert states(path)[-1] == ("failed", "HTTP 500 Internal Server Error"), "given up after RETRY_FOR_S"


@pytest.mark.expected_log_warnings
def test_a_hanging_server_times_out_and_is_retried(
    tmp_path: Path, hook: WebhookRecorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(delivery, "TIMEOUT_S", 0.3)
    path, _worker, clock = setup(tmp_path, hook)
    worker = DeliveryWorker(path, lambda: True, send=lambda c, f: delivery.post(c, f, timeout=0.3), clock=clock)
    log(path, [fire("a", 8, 260.47)], ["ops"])
    hook.hang(2.0)
    run_round(worker, path)
    state, reason = states(path)[0]
    assert state == "retrying" and "no answer" in reason


def test_the_template_fills_in_and_a_stray_brace_does_not_break_it() -> None:
    f = fire("a", 8, 260.47)
    assert message("{name} {value} crossed {level} at {time} ({prices})", f) == (
        "IWM price crosses above 259.47 260.47 crossed 259.47 at 2026-04-08 (IWM 260.47)"
    )
    assert message("{unknown} at {time}", f) == "{unknown} at 2026-04-08"
    btc = AlertFire("b", "BTC-USD above 94745.08", f.time, True, 94800.5, 94745.08, Condition.CROSSES_ABOVE,
                    (("BTC-USD", 94800.5),))  # fmt: skip
    assert message("{value} crossed {level} ({prices})", btc) == "94,800.50 crossed 94745.08 (BTC-USD 94,800.50)"
    assert "260.47" in message("broken {", f)


@pytest.mark.parametrize(
    ("template", "words"),
    [
        ("{name} {nope}", "{nope} is not a field"),
        ("{name.__class__}", "a brace that is not around a field name"),  # str.format read attributes
        ("{value:>99999999}", "a brace that is not around a field name"),  # and padded to 100 MB
        ("x" * 501, "at most 500"),
    ],
)
def test_a_template_is_plain_fields_and_text(template: str, words: str) -> None:
    problem = template_problem(template)
    assert problem is not None and words in problem
    f = fire("a", 8, 260.47)
    written = message(template, f)  # one saved before the check still sends, as written, with the facts
    assert len(written) < 1000 and "<class" not in written
    assert template_problem("{symbols} moved: {value} vs {level}") is None
