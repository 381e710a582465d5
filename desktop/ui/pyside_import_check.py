"""A cheaper form of the question PySide6 asks of every module imported after it.

PySide6 keeps, for each module, whether its `__feature__` switches (snake_case, true_property) apply, and
decides it at import by fetching the module's whole source through `inspect.getsource` and looking for
"PySide6" in it. `inspect` goes through `linecache` (which then keeps every line of numpy's ~150 modules in
memory) and costs 45-55 ms of a 0.6 s start here (259 modules imported after PySide6 on the way to the first
paint). The same answer comes from reading the file's bytes. Anything that is not a plain `.py` file (a zip,
an extension, a frozen module) still gets PySide's own answer.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import ModuleType

FEATURE_MODULE = "shibokensupport.feature"  # where PySide6 (6.4 and later) keeps its import-time check
CHECK_NAME = "_mod_uses_pyside"


def make_pyside_import_check_cheap() -> bool:
    """Replace PySide6's per-import source check with a byte search of the module's file; False (and
    nothing changed) when this PySide6 does not have the check where it is expected."""
    import PySide6.QtCore  # noqa: F401  (loads the signature support that holds the check)

    feature = sys.modules.get(FEATURE_MODULE)
    original = getattr(feature, CHECK_NAME, None)
    if feature is None or not callable(original):
        return False
    if getattr(original, "reads_bytes", False):
        return True
    setattr(feature, CHECK_NAME, _byte_check(original))
    return True


def _byte_check(original: Callable[[ModuleType], bool]) -> Callable[[ModuleType], bool]:
    def uses_pyside(module: ModuleType) -> bool:
        path = getattr(module, "__file__", None)
        if not isinstance(path, str) or not path.endswith(".py"):
            return original(module)
        try:
            with open(path, "rb") as source:
                return b"PySide6" in source.read()
        except OSError:
            return original(module)

    uses_pyside.reads_bytes = True  # type: ignore[attr-defined]
    return uses_pyside
