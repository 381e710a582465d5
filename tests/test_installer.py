"""The Linux installer scripts, run for real into a temporary HOME against a stand-in app folder.

(The real PyInstaller bundle is built and run by `make dist-check`; here the scripts are what is tested.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import REPO

INSTALLER = REPO / "installer" / "linux"
SIZES = (16, 22, 24, 32, 48, 64, 128, 256, 512)


@pytest.fixture
def unpacked(tmp_path: Path) -> Path:
    """The layout of tickerdesk-<version>-linux-x86_64/ with a stand-in for the frozen app."""
    root = tmp_path / "tickerdesk-0.0.0-linux-x86_64"
    app = root / "tickerdesk"
    (app / "_internal").mkdir(parents=True)
    (app / "_internal" / "lib.so").write_bytes(b"\0" * 64)
    exe = app / "tickerdesk"
    exe.write_text('#!/bin/sh\necho "tickerdesk 0.0.0 $*"\n')
    exe.chmod(0o755)
    for name in ("install.sh", "uninstall.sh", "tickerdesk.desktop"):
        shutil.copy2(INSTALLER / name, root / name)
    (root / "icons").mkdir()
    for png in (REPO / "resources" / "icons").glob("tickerdesk*"):
        shutil.copy2(png, root / "icons" / png.name)
    return root


def run(script: Path, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"HOME": str(home), "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    return subprocess.run(["bash", str(script), *args], capture_output=True, text=True, env=env, timeout=60,
                          cwd=script.parent, check=False)  # fmt: skip


def everything(home: Path) -> set[str]:
    return {str(p.relative_to(home)) for p in home.rglob("*")}


def test_install_then_uninstall_leaves_nothing(unpacked: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    result = run(unpacked / "install.sh", home)
    assert result.returncode == 0, result.stderr
    local = home / ".local"
    launcher = local / "bin" / "tickerdesk"
    assert os.access(launcher, os.X_OK)
    assert subprocess.run([str(launcher), "--version"], capture_output=True, text=True, check=True).stdout.startswith(
        "tickerdesk 0.0.0"
    )
    entry = (local / "share" / "applications" / "tickerdesk.desktop").read_text()
    assert f"Exec={launcher}\n" in entry and "Icon=tickerdesk" in entry  # no %U: the app opens no files
    for size in SIZES:
        assert (local / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "tickerdesk.png").is_file()
    assert (local / "share" / "icons" / "hicolor" / "scalable" / "apps" / "tickerdesk.svg").is_file()
    assert (local / "lib" / "tickerdesk" / "_internal" / "lib.so").is_file()
    validator = shutil.which("desktop-file-validate")
    if validator:
        check = subprocess.run([validator, str(local / "share" / "applications" / "tickerdesk.desktop")],
                               capture_output=True, text=True, check=False)  # fmt: skip
        assert check.returncode == 0, check.stdout + check.stderr
    removed = run(unpacked / "uninstall.sh", home)
    assert removed.returncode == 0, removed.stderr
    assert everything(home) == set(), "uninstall removes exactly what install placed"


def test_user_data_survives_upgrade_and_uninstall_unless_purged(unpacked: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    data = home / ".local" / "share" / "Tickerdesk" / "tickerdesk.db"
    data.parent.mkdir(parents=True)
    data.write_bytes(b"my alerts")
    other = home / ".local" / "bin" / "something-else"
    other.parent.mkdir(parents=True)
    other.write_text("not ours")
    assert run(unpacked / "install.sh", home).returncode == 0
    upgrade = run(unpacked / "install.sh", home)  # installing again is an upgrade
    assert upgrade.returncode == 0 and "Replacing" in upgrade.stdout
    assert run(unpacked / "uninstall.sh", home).returncode == 0
    assert data.read_bytes() == b"my alerts" and other.read_text() == "not ours"
    kept = {".local", ".local/share", ".local/share/Tickerdesk", ".local/share/Tickerdesk/tickerdesk.db"}
    assert everything(home) == kept | {".local/bin", ".local/bin/something-else"}
    assert run(unpacked / "install.sh", home).returncode == 0
    assert run(unpacked / "uninstall.sh", home, "--purge").returncode == 0
    assert not data.exists() and other.exists()


def test_uninstall_without_install_says_so(tmp_path: Path) -> None:
    result = run(INSTALLER / "uninstall.sh", tmp_path)
    assert result.returncode == 1 and "not installed" in result.stderr


def test_a_home_named_with_blanks_and_shell_characters_installs_and_uninstalls(unpacked: Path, tmp_path: Path) -> None:
    home = tmp_path / 'Ann & Bob "100%" $HOME'  # sed took & for its own syntax; a desktop entry splits at blanks
    home.mkdir()
    result = run(unpacked / "install.sh", home)
    assert result.returncode == 0, result.stderr
    launcher = home / ".local" / "bin" / "tickerdesk"
    ran = subprocess.run([str(launcher), "--version"], capture_output=True, text=True, check=True)
    assert ran.stdout.startswith("tickerdesk 0.0.0")
    entry = (home / ".local" / "share" / "applications" / "tickerdesk.desktop").read_text()
    quoted = str(launcher).replace("%", "%%").replace('"', '\\\\"').replace("$", "\\\\$")
    assert f'Exec="{quoted}"\n' in entry
    validator = shutil.which("desktop-file-validate")
    if validator:
        check = subprocess.run([validator, str(home / ".local" / "share" / "applications" / "tickerdesk.desktop")],
                               capture_output=True, text=True, check=False)  # fmt: skip
        assert check.returncode == 0, check.stdout + check.stderr
    manifest = (home / ".local" / "lib" / "tickerdesk" / ".installed-files").read_text().splitlines()
    assert all(line.startswith(str(home)) for line in manifest), "every recorded path whole"
    removed = run(unpacked / "uninstall.sh", home)
    assert removed.returncode == 0, removed.stderr
    assert everything(home) == set(), "uninstall removes exactly what install placed"
