"""The evaluator lease: one process per database evaluates the alert rules and logs their fires.

The window and the headless monitor may both run on one data folder; only the lease's holder fires rules,
the other shows what the holder logs. The holder renews the lease well within its term; a lease that ran
out, or whose holder is a process on this machine that no longer exists (killed), is taken over.
"""

from __future__ import annotations

import os
import socket
import sqlite3
import time
from dataclasses import dataclass

from desktop.storage.database import storage_method

LEASE = "alerts"
TERM_S = 15.0  # a holder that stops renewing loses the lease this long after its last renewal
RENEW_S = 3.0  # how often a holder renews (and a waiting process tries to take over)


@dataclass(frozen=True)
class LeaseHolder:
    holder: str
    pid: int
    host: str
    role: str
    expires: float


def new_holder_id(role: str) -> str:
    return f"{role}-{os.getpid()}-{os.urandom(4).hex()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: it exists
        return True
    except OSError:
        return True
    return True


@storage_method
def current_holder(conn: sqlite3.Connection) -> LeaseHolder | None:
    row = conn.execute(
        "SELECT holder, pid, host, role, expires FROM evaluator_lease WHERE name = ?", (LEASE,)
    ).fetchone()
    return None if row is None else LeaseHolder(str(row[0]), int(row[1]), str(row[2]), str(row[3]), float(row[4]))


def _vacant(held: LeaseHolder | None, me: str, now: float) -> bool:
    if held is None or held.holder == me or held.expires <= now:
        return True
    return held.host == socket.gethostname() and not _alive(held.pid)  # killed without letting go


@storage_method
def acquire(conn: sqlite3.Connection, me: str, role: str, now: float | None = None, term: float = TERM_S) -> bool:
    """Take or renew the lease for `me`; False when another live process holds it. StorageError when the
    database cannot be written (the caller keeps the role it had: the term outlasts a short hiccup)."""
    now = time.time() if now is None else now
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        if not _vacant(current_holder(conn), me, now):
            return False
        conn.execute(
            """INSERT INTO evaluator_lease(name, holder, pid, host, role, expires) VALUES (?, ?, ?, ?, ?, ?)
               ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, pid = excluded.pid,
               host = excluded.host, role = excluded.role, expires = excluded.expires""",
            (LEASE, me, os.getpid(), socket.gethostname(), role, now + term),
        )
    return True


@storage_method
def release(conn: sqlite3.Connection, me: str) -> None:
    """Let go (a clean stop), so the other process takes over at its next try instead of at expiry."""
    with conn:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DELETE FROM evaluator_lease WHERE name = ? AND holder = ?", (LEASE, me))
