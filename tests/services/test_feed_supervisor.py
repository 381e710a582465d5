"""The auto/replay/live rules as a plain state machine: no Qt, no threads, a clock the test holds."""

from __future__ import annotations

from desktop.feeds.base import FeedState, FeedStatus
from desktop.services.feed_supervisor import OFFLINE_GRACE_S, Action, FeedSupervisor

OFFLINE = FeedStatus(FeedState.OFFLINE, "cannot reach Yahoo (connection refused)")
LIVE = FeedStatus(FeedState.LIVE, "Yahoo · stream")


def test_auto_probes_first_then_falls_back_and_comes_back() -> None:
    now = [0.0]
    supervisor = FeedSupervisor("auto", clock=lambda: now[0])
    assert supervisor.start().action is Action.PROBE
    decision = supervisor.probed(False)
    assert decision.action is Action.START_REPLAY and decision.note == "Yahoo Finance cannot be reached"
    assert supervisor.probed(False).action is Action.PROBE_LATER  # the replay runs already: only ask again
    assert supervisor.probed(True).action is Action.GO_LIVE and supervisor.live and supervisor.note == ""
    assert supervisor.probed(True).action is Action.NOTHING


def test_a_live_feed_offline_past_the_grace_period_falls_back() -> None:
    now = [0.0]
    supervisor = FeedSupervisor("auto", clock=lambda: now[0])
    supervisor.start()
    supervisor.probed(True)
    assert supervisor.status(OFFLINE).action is Action.NOTHING
    now[0] = OFFLINE_GRACE_S / 2
    assert supervisor.status(LIVE).action is Action.NOTHING  # back in time: the clock starts again
    assert supervisor.status(OFFLINE).action is Action.NOTHING
    now[0] += OFFLINE_GRACE_S + 1
    decision = supervisor.status(OFFLINE)
    assert decision.action is Action.FALL_BACK and "stopped answering" in decision.note and not supervisor.live


def test_yahoo_and_replay_never_switch() -> None:
    yahoo = FeedSupervisor("yahoo")
    assert yahoo.start().action is Action.GO_LIVE
    assert yahoo.status(OFFLINE).action is Action.NOTHING and yahoo.probed(False).action is Action.NOTHING
    replay = FeedSupervisor("replay")
    assert replay.start().action is Action.START_REPLAY and replay.probed(True).action is Action.NOTHING
