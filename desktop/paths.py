"""Where Tickerdesk keeps its files. `TICKERDESK_HOME` moves all of them (every test sets it)."""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from desktop.config import HOME_ENV

APP_NAME = "Tickerdesk"


def _home() -> Path | None:
    value = os.environ.get(HOME_ENV, "").strip()
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "data"
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False)


def config_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "config"
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False)


def cache_dir() -> Path:
    home = _home()
    if home is not None:
        return home / "cache"
    from platformdirs import user_cache_path

    return user_cache_path(APP_NAME, appauthor=False)


def database_path() -> Path:
    return data_dir() / "tickerdesk.db"


def settings_path() -> Path:
    return config_dir() / "settings.ini"


def resources_dir() -> Path:
    """The installed resources folder (package desktop.resources)."""
    return Path(str(files("desktop.resources")))


def bundled_daily_dir() -> Path:
    return resources_dir() / "data" / "daily"


def bundled_intraday_dir() -> Path:
    return resources_dir() / "data" / "intraday-5m"
