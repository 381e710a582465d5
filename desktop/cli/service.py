"""`tickerdesk monitor --install-service`: a systemd user unit that keeps the monitor running.

The unit runs this same program (the installed bundle, or this Python with `-m desktop`) with the data folder
it was installed from. systemctl is asked to reload its units when it is there; enabling is left to the user,
with the command printed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from desktop.config import HOME_ENV
from desktop.core.safe_files import write_atomic
from desktop.services.background_monitor import program

UNIT = "tickerdesk-monitor.service"


def unit_path() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "systemd" / "user" / UNIT


def unit_text(source: str) -> str:
    command = " ".join(systemd_word(part, command=True) for part in [*program(), "monitor", "--source", source])
    home = os.environ.get(HOME_ENV)
    environment = f"Environment={systemd_word(f'{HOME_ENV}={home}')}\n" if home else ""
    return (
        "[Unit]\n"
        "Description=Tickerdesk alert monitor (alerts while the window is closed)\n"
        "After=network-online.target\n\n"
        "[Service]\n"
        f"ExecStart={command}\n"
        f"{environment}"
        "Restart=on-failure\n"
        "RestartSec=10\n\n"
        "[Install]\n"
        "WantedBy=default.target\n"
    )


def systemd_word(text: str, command: bool = False) -> str:
    """`text` as one word of a unit file's setting, read back by systemd as written: "%" is doubled (systemd
    expands %h and the like everywhere), "$" too in a command line (where it expands variables), and a word
    with blanks, quotes or backslashes is double-quoted with C escapes (a whole Environment= assignment)."""
    word = text.replace("%", "%%")
    if command:
        word = word.replace("$", "$$")
    if any(c in text for c in " \t\"'\\"):
        word = '"' + word.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return word


def _systemctl(*args: str) -> bool:
    if shutil.which("systemctl") is None:
        return False
    try:
        done = subprocess.run(["systemctl", "--user", *args], capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def install_service(source: str) -> list[str]:
    path = unit_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, unit_text(source))
    notes = [f"wrote {path}"]
    if _systemctl("daemon-reload"):
        notes.append(f"start it now and at every login with: systemctl --user enable --now {UNIT}")
    else:
        notes.append(f"systemd's user manager did not answer; once it runs: systemctl --user enable --now {UNIT}")
    return notes


def uninstall_service() -> list[str]:
    path = unit_path()
    if not path.exists():
        return [f"no service to remove ({path} is not there)"]
    _systemctl("disable", "--now", UNIT)
    path.unlink()
    _systemctl("daemon-reload")
    return [f"removed {path} (the monitor is stopped and no longer starts at login)"]
