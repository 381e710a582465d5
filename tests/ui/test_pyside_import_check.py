"""The start-up's cheaper PySide6 import check gives PySide's own answer for every kind of module."""

from __future__ import annotations

import importlib
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from desktop.ui.pyside_import_check import CHECK_NAME, FEATURE_MODULE, make_pyside_import_check_cheap


@pytest.fixture
def feature() -> Iterator[ModuleType]:
    module = sys.modules.get(FEATURE_MODULE)
    if module is None:
        import PySide6.QtCore  # noqa: F401

        module = sys.modules[FEATURE_MODULE]
    before = getattr(module, CHECK_NAME)
    yield module
    setattr(module, CHECK_NAME, before)


def _original(feature: ModuleType) -> object:
    check = getattr(feature, CHECK_NAME)
    return check.__closure__[0].cell_contents if getattr(check, "reads_bytes", False) else check


def test_the_byte_check_agrees_with_pyside_on_every_loaded_module(feature: ModuleType) -> None:
    import desktop.ui.main_window  # noqa: F401  (a module that names PySide6)

    original = _original(feature)
    setattr(feature, CHECK_NAME, original)
    assert make_pyside_import_check_cheap()
    cheap = getattr(feature, CHECK_NAME)
    assert cheap is not original and cheap.reads_bytes
    modules = [m for m in list(sys.modules.values()) if isinstance(m, ModuleType)]
    answers = {m.__name__: cheap(m) for m in modules}
    assert answers == {m.__name__: original(m) for m in modules}  # type: ignore[operator]
    assert answers["desktop.ui.main_window"] and not answers["json"] and not answers["sys"]
    assert make_pyside_import_check_cheap() and getattr(feature, CHECK_NAME) is cheap  # once is enough


def test_a_module_imported_afterwards_is_classed_by_its_file(feature: ModuleType, tmp_path: Path) -> None:
    make_pyside_import_check_cheap()
    (tmp_path / "uses_qt_here.py").write_text("from PySide6.QtCore import QObject\n")
    (tmp_path / "plain_here.py").write_text("VALUE = 1\n")
    archive = tmp_path / "zipped.zip"
    with zipfile.ZipFile(archive, "w") as zipped:  # no file to open: PySide's own answer is asked
        zipped.writestr("zipped_qt_here.py", "import PySide6\n")
    sys.path[:0] = [str(tmp_path), str(archive)]
    names = ("uses_qt_here", "plain_here", "zipped_qt_here")
    try:
        table = feature.pyside_feature_dict
        for name in names:
            table.pop(name, None)
            # What PySide's import hook calls after each import (which hook is in place depends on what
            # else the process imported: PySide's lazy loading puts another in front).
            feature.feature_imported(importlib.import_module(name))
        assert [table[name] for name in names] == [0, -1, 0]
    finally:
        del sys.path[:2]
        for name in names:
            sys.modules.pop(name, None)
