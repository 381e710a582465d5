"""The evaluator lease on a real SQLite file: one holder at a time, renewed, taken over when it lapses or dies."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from desktop.storage import lease
from desktop.storage.database import open_database


def test_one_holder_renews_and_lets_go(tmp_path: Path) -> None:
    conn = open_database(tmp_path / "t.db").connection
    assert lease.acquire(conn, "window-1", "window", now=1000.0)
    assert not lease.acquire(conn, "monitor-1", "monitor", now=1001.0), "held by a live process"
    assert lease.acquire(conn, "window-1", "window", now=1005.0)  # a renewal
    held = lease.current_holder(conn)
    assert held is not None and held.role == "window" and held.expires == 1005.0 + lease.TERM_S
    lease.release(conn, "monitor-1")  # not the holder: nothing happens
    assert lease.current_holder(conn) is not None
    lease.release(conn, "window-1")
    assert lease.current_holder(conn) is None
    assert lease.acquire(conn, "monitor-1", "monitor", now=1006.0)


def test_a_lapsed_lease_is_taken_over(tmp_path: Path) -> None:
    conn = open_database(tmp_path / "t.db").connection
    assert lease.acquire(conn, "window-1", "window", now=1000.0)
    assert not lease.acquire(conn, "monitor-1", "monitor", now=1000.0 + lease.TERM_S - 1)
    assert lease.acquire(conn, "monitor-1", "monitor", now=1000.0 + lease.TERM_S)


def test_the_lease_of_a_dead_process_is_taken_over_at_once(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    open_database(path).connection.close()
    script = (
        "import sys; from pathlib import Path; from desktop.storage import lease; "
        "from desktop.storage.database import open_database; "
        "print(lease.acquire(open_database(Path(sys.argv[1])).connection, 'monitor-x', 'monitor'))"
    )
    done = subprocess.run([sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=False)
    assert done.stdout.strip() == "True", done.stderr
    conn = open_database(path).connection
    held = lease.current_holder(conn)
    assert held is not None and held.pid != os.getpid()  # its holder has exited: the term has not run out...
    assert lease.acquire(conn, "window-1", "window")  # ...but a dead holder on this machine is not waited for
