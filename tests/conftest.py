"""Test set-up: headless Qt, a private TICKERDESK_HOME per test, and access to the shared data when present."""

from __future__ import annotations

import os

# Before anything imports Qt: the offscreen platform, with a 1920x1200 screen (its default 800x600 is
# smaller than the window's minimum size, which would make geometry tests meaningless).
_SCREEN = os.path.join(os.path.dirname(__file__), "fixtures", "offscreen-screen.json")
os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={_SCREEN}"
os.environ.setdefault("LANG", "C.UTF-8")

import gc  # noqa: E402 - the environment above must come first
import logging  # noqa: E402
import signal  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from desktop import paths  # noqa: E402
from desktop.config import YAHOO_HTTP_ENV, YAHOO_WS_ENV  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


# A loopback port nothing listens on: a test that forgets its fake gets "connection refused" at once.
NOWHERE = "127.0.0.1:9"


@pytest.fixture(autouse=True)
def tickerdesk_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own app home, and Yahoo's addresses point at loopback: no test reaches the internet."""
    home = tmp_path / "home"
    monkeypatch.setenv(paths.HOME_ENV, str(home))
    monkeypatch.setenv(YAHOO_HTTP_ENV, f"http://{NOWHERE}")
    monkeypatch.setenv(YAHOO_WS_ENV, f"ws://{NOWHERE}/")
    return home


@pytest.fixture(autouse=True)
def sigpipe_as_python_keeps_it() -> Iterator[None]:
    """The command line's `main()` lets SIGPIPE end its process (`tickerdesk watch | head` ends quietly);
    called in-process by a test, it would leave this one to die at a later test's write to a closed socket
    (seen as the whole run ending with status 141 when the in-process tests ran before the services')."""
    before = signal.getsignal(signal.SIGPIPE)
    yield
    signal.signal(signal.SIGPIPE, before)


@pytest.fixture(autouse=True)
def collector_stays_on_the_gui_thread() -> Iterator[None]:
    """Once a window has put Python's cycle collector on the GUI thread (desktop/ui/gui_gc.py), a test that
    switched automatic collection back on would let a collection start on a feed's or the writer's thread
    and destroy a closed window's Qt objects there: "Timers cannot be stopped from another thread" in a
    later test, then a crash (seen twice in full runs, after a test that turned it off and back on)."""
    was = gc.isenabled()
    yield
    if not was and gc.isenabled():
        gc.disable()
        pytest.fail("the test switched automatic garbage collection back on: use tests.collector.held()", False)


class _LogRecords(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def fail_on_log_warnings(request: pytest.FixtureRequest) -> Iterator[None]:
    """A log record at WARNING or above fails the test unless the test says it expects them
    (`@pytest.mark.expected_log_warnings`): noise is a bug until someone has decided it is not."""
    handler = _LogRecords()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    if handler.records and request.node.get_closest_marker("expected_log_warnings") is None:
        lines = "\n".join(f"{r.levelname} {r.name}: {r.getMessage()}" for r in handler.records[:5])
        pytest.fail(f"unexpected log records at WARNING or above:\n{lines}", pytrace=False)


@pytest.fixture
def shared_data() -> Path:
    """The shared market data beside the repo; tests that need it skip cleanly where it is absent."""
    data = SHARED / "data"
    if not (data / "daily").is_dir():
        pytest.skip("the shared market data folder is not beside this checkout")
    return data


@pytest.fixture
def daily_dir() -> Path:
    """The daily bars the app ships (the same real data as the shared folder)."""
    return paths.bundled_daily_dir()


@pytest.fixture
def intraday_dir() -> Path:
    return paths.bundled_intraday_dir()


@pytest.fixture
def write_csv(tmp_path: Path) -> Iterator[object]:
    """Write a small price file: write_csv("ABC", "Date,Open,...\\n...") -> path."""
    folder = tmp_path / "prices"
    folder.mkdir()

    def write(symbol: str, text: str) -> Path:
        path = folder / f"{symbol}.csv"
        path.write_text(text.strip() + "\n", encoding="utf-8")
        return path

    yield write


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """A failure's report is written as it happens: a crash later in the run (a segfault in Qt's event
    processing, seen twice after a failure) takes the end-of-run summary, the only account of it, down with
    the process."""
    if report.failed:
        os.write(2, f"\n{report.nodeid} ({report.when}) failed:\n{report.longreprtext}\n".encode(errors="replace"))
