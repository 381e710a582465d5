"""What `pip install .` installs: every package of the source tree, and the data the app reads."""

from __future__ import annotations

import fnmatch
import tomllib

from .conftest import REPO


def test_every_package_is_listed_for_installation() -> None:
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(path.parent.relative_to(REPO).parts) for path in (REPO / "desktop").rglob("__init__.py")}
    # resources/ installs as desktop.resources; its data folders with importable names are listed too.
    found |= {"desktop.resources"} | {
        ".".join(("desktop", *path.relative_to(REPO).parts))
        for path in (REPO / "resources").rglob("*")
        if path.is_dir() and path.name.isidentifier() and path.name not in ("__pycache__", "screenshots")
    }  # the screenshots are the README's, not installed
    assert found == listed, f"pyproject.toml packages differ from the source tree: {sorted(found ^ listed)}"


def test_package_data_covers_what_the_app_reads() -> None:
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    wanted = patterns["desktop.resources"]
    needed = ["symbols.json", "data/PROVENANCE.md", "data/daily/SPY.csv", "data/intraday-5m/SPY.csv",
              "icons/tickerdesk-48.png", "icons/tickerdesk.svg"]  # fmt: skip
    for name in needed:
        assert (REPO / "resources" / name).exists(), name
        assert any(fnmatch.fnmatch(name, pattern) for pattern in wanted), f"{name} is not installed"
