"""What `pip install .` installs: every package of the source tree, and the data the app reads."""

from __future__ import annotations

import fnmatch
import tomllib

from .conftest import REPO


def test_every_package_is_listed_for_installation() -> None:
    listed = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(path.parent.relative_to(REPO).parts) for path in (REPO / "desktop").rglob("__init__.py")} | {
        "desktop.resources"
    }
    assert found == listed, f"pyproject.toml packages differ from the source tree: {sorted(found ^ listed)}"


def test_package_data_covers_what_the_app_reads() -> None:
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    wanted = patterns["desktop.resources"]
    needed = ["symbols.json", "data/PROVENANCE.md", "data/daily/SPY.csv", "data/intraday-5m/SPY.csv",
              "icons/tickerdesk-48.png", "icons/tickerdesk.svg"]  # fmt: skip
    for name in needed:
        assert (REPO / "resources" / name).exists(), name
        assert any(fnmatch.fnmatch(name, pattern) for pattern in wanted), f"{name} is not installed"
