"""The command line called in-process (`desktop.cli.main`): what each command prints and returns, and its
notes, without a subprocess. (The subprocess tests keep what only a real process shows: signals, exit codes
of the interpreter, the window.)"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop.cli import main
from desktop.paths import bundled_daily_dir

from .test_cli_alerts import ROTATION


def test_quote_from_the_replay(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quote", "AMZN", "--source", "replay", "--at", "2025-12-19", "--format", "json"]) == 0
    (amzn,) = json.loads(capsys.readouterr().out)
    assert (amzn["price"], amzn["change"], amzn["session"]) == (227.35, 0.59, "regular")


def test_auto_with_no_network_says_so_after_its_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quote", "SPY"]) == 0
    captured = capsys.readouterr()
    assert "SPY" in captured.out and "used the bundled replay data" in captured.err


def test_the_rules_round_trip(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    add = ["alerts", "add", "--type", "price", "--symbol", "NVDA", "--condition", "crosses_below", "--level", "175"]
    assert main([*add, "--id", "nvda"]) == 0
    assert main([*add, "--id", "nvda"]) == 2
    assert "exists already" in capsys.readouterr().err
    rules = tmp_path / "rotation.toml"
    rules.write_text(ROTATION)
    assert main(["alerts", "import", str(rules)]) == 0
    assert main(["alerts", "list", "--format", "json"]) == 0
    out = capsys.readouterr().out
    listed = json.loads(out[out.index("[") :])
    assert [r["id"] for r in listed] == ["nvda", "rotation"]
    exported = tmp_path / "all.json"
    assert main(["alerts", "export", str(exported)]) == 0
    written = json.loads(exported.read_text())
    assert [r["id"] for r in written["alerts"]] == ["nvda", "rotation"]
    assert main(["alerts", "remove", "nvda", "zzz"]) == 2
    assert "no rule with id zzz" in capsys.readouterr().err
    assert main(["alerts", "remove", "nvda"]) == 0


def test_backtest_prints_every_fire(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    rules = tmp_path / "rotation.toml"
    rules.write_text(ROTATION)
    code = main(["backtest", "--prices", str(bundled_daily_dir()), "--alerts", str(rules), "--from", "2025-10-01",
                 "--format", "json"])  # fmt: skip
    assert code == 0
    fires = json.loads(capsys.readouterr().out)
    assert fires and fires[0]["time"] == "2025-10-14" and fires[0]["alert"] == "rotation"


def test_watch_a_replay_for_a_moment(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["watch", "SPY", "QQQ", "--source", "replay", "--speed", "max", "--seconds", "1", "--format",
                 "jsonl"]) == 0  # fmt: skip
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert {r["symbol"] for r in rows} == {"SPY", "QQQ"}


@pytest.mark.parametrize(
    ("args", "status", "words"),
    [
        (["quote", "ZZZZ", "--source", "replay"], 2, "unknown symbol ZZZZ"),
        (["quote", "SPY", "--source", "yahoo"], 1, "cannot reach Yahoo"),
        (["chart", "--png", "x.png", "--source", "yahoo"], 2, "chart draws recorded data"),
        # What only a replay reads, with a live source, would be ignored without a word.
        (
            ["watch", "SPY", "--source", "yahoo", "--start", "2025-10-01", "--seconds", "1"],
            2,
            "--start is for recorded",
        ),
        (["quote", "SPY", "--source", "yahoo", "--at", "2025-10-01"], 2, "--at is for recorded data"),
        (
            ["monitor", "--source", "yahoo", "--replay-data", "x", "--exit-after", "1"],
            2,
            "--replay-data is for recorded",
        ),
        (["run", "--source", "yahoo", "--start", "2025-10-01", "--exit-after", "1"], 2, "(see tickerdesk run --help)"),
        (["backtest", "--prices", "nowhere", "--alerts", "nowhere.toml"], 2, "nowhere"),
    ],
)
def test_failures_are_one_line(capsys: pytest.CaptureFixture[str], args: list[str], status: int, words: str) -> None:
    assert main(args) == status
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and words in err[0]


@pytest.mark.parametrize(
    "command",
    [
        ["run"],
        ["quote"],
        ["watch"],
        ["record"],
        ["monitor"],
        ["chart"],
        ["backtest"],
        ["alerts", "add"],
        ["alerts", "list"],
        ["notify", "add"],
        ["notify", "test"],
    ],
)
def test_every_help_page_prints(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([*command, "--help"])
    assert done.value.code == 0 and "usage: tickerdesk" in capsys.readouterr().out


def test_a_mistyped_command_is_named_not_taken_for_the_window(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["alert", "list"]) == 2
    err = capsys.readouterr().err
    assert "'alert' is not a command; did you mean 'alerts'?" in err and "watchlist" in err
    assert main(["quotes", "SPY"]) == 2
    assert "did you mean 'quote'?" in capsys.readouterr().err
    assert main(["zzzz"]) == 2
    assert "did you mean" not in capsys.readouterr().err


def test_a_window_that_starts_after_today_is_pointed_out(capsys: pytest.CaptureFixture[str]) -> None:
    spread = ["alerts", "add", "--type", "spread", "--a", "IWM", "--b", "QQQ", "--condition", "crosses_above"]
    assert main([*spread, "--level", "1.5", "--window", "since:2199-01-02", "--name", "far\nahead"]) == 0
    captured = capsys.readouterr()
    assert captured.out.startswith("saved ") and captured.out.rstrip().endswith(": far ahead")
    assert "its window starts 2199-01-02, after today: it has no value until then" in captured.err
    assert main([*spread, "--level", "1.5", "--window", "since:2025-07-01"]) == 0
    assert "after today" not in capsys.readouterr().err


def test_record_adds_only_to_a_recording(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    picture = tmp_path / "chart.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n....")
    record = ["record", "SPY", "--source", "replay", "--seconds", "1", "--out"]
    assert main([*record, str(picture)]) == 2
    assert "not a recording" in capsys.readouterr().err and picture.read_bytes() == b"\x89PNG\r\n\x1a\n...."
    kept = tmp_path / "kept.csv"
    assert main([*record, str(kept)]) == 0
    first = kept.read_text()
    kept.write_text(first.rstrip("\r\n"))  # saved by an editor without the last line end
    assert main([*record, str(kept)]) == 0
    from desktop.core.prices import read_recording

    rows = kept.read_text().splitlines()
    assert len(rows) == 2 * len(first.splitlines()) - 1 and rows[0].startswith("Datetime,Symbol")
    assert len(read_recording(kept)["SPY"].times) >= 1


def test_a_backtest_range_outside_the_prices_says_where_they_are(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text(ROTATION)
    backtest = ["backtest", "--prices", str(bundled_daily_dir()), "--alerts", str(rules)]
    assert main([*backtest, "--from", "2030-01-01"]) == 0
    captured = capsys.readouterr()
    assert captured.out.endswith("0 fires of 1 rule\n")
    assert "the prices run from 2024-01-02 to 2026-08-21" in captured.err
    assert main([*backtest, "--from", "2025-10-01"]) == 0
    assert "the prices run" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--source", "replay", "--speed", "max", "--exit-after", "5", "--screenshot", "w.png"],
        ["alerts", "add", "--type", "spread", "--a", "IWM", "--b", "QQQ", "--window", "qtd", "--level", "1.5"],
        ["watchlist", "remove", "Default", "NVDA"],
        ["notify", "add", "ops", "--webhook", "https://example.invalid/hook", "--format", "slack"],
        ["chart", "NVDA", "--range", "3M", "--png", "n.png"],
    ],
)
def test_a_command_parsed_by_its_own_parser_reads_as_by_the_whole_one(argv: list[str]) -> None:
    from desktop.cli.arguments import COMMANDS, build_parser

    whole = build_parser()
    assert vars(build_parser(argv[0]).parse_args(argv)) == vars(whole.parse_args(argv))
    listed = whole.format_help()
    assert all(name in listed for name in COMMANDS)


def test_a_symbol_asked_for_twice_is_answered_once(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["quote", "SPY", "spy", "QQQ", "SPY", "--source", "replay", "--format", "json"]) == 0
    assert [q["symbol"] for q in json.loads(capsys.readouterr().out)] == ["SPY", "QQQ"]


def test_a_replay_asked_to_start_after_its_data_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["watch", "SPY", "--source", "replay", "--start", "2030-01-01", "--speed", "max", "--seconds", "1"]) == 0
    )
    captured = capsys.readouterr()
    assert "the replay data ends 2026-08-21, before the start asked for (2030-01-01)" in captured.err
    assert "SPY" in captured.out  # its last day is still shown


def test_a_channel_added_again_under_its_name_is_said_to_replace_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["notify", "add", "ops", "--webhook", "https://example.invalid/one?token=SECRET"]) == 0
    assert "saved channel ops (webhook to https://example.invalid/…)" in capsys.readouterr().err
    assert main(["notify", "add", "ops", "--desktop"]) == 0
    said = capsys.readouterr().err
    assert (
        "replaced channel ops (desktop to desktop notifications; it was webhook to https://example.invalid/…)" in said
    )
    assert "SECRET" not in said


def test_a_test_message_is_stamped_in_whole_seconds() -> None:
    from desktop.services.delivery import sample_fire

    assert sample_fire().time == int(sample_fire().time)


def test_record_with_replay_data_and_no_source_records_the_replay(
    capsys: pytest.CaptureFixture[str], daily_dir: Path, tmp_path: Path
) -> None:
    """`record` goes live by default; naming replay data (and no source) asks for the replay instead."""
    out = tmp_path / "spy.csv"
    assert main(["record", "SPY", "--out", str(out), "--replay-data", str(daily_dir), "--seconds", "1"]) == 0
    assert "from replay" in capsys.readouterr().err
    assert out.read_text().splitlines()[1].split(",")[1] == "SPY"
