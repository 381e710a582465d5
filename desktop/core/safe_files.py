"""Writing files so a crash or a full disk never leaves half of one, and text that is safe where it lands.

`write_atomic` writes beside the target and renames over it: the old file stays whole until the new
one is complete (an export over a file on a full disk fails and leaves the old one as it was).
"""

from __future__ import annotations

import errno
import os
import re
from pathlib import Path

# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def write_atomic(path: Path, data: str | bytes, encoding: str = "utf-8") -> None:
    """Write `data` to `path` through a temporary file in the same folder and an atomic rename."""
    raw = data.encode(encoding) if isinstance(data, str) else data
    if path.is_dir():  # said of the path given, not of the temporary file the rename would have failed on
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with temporary.open("wb") as handle:
            handle.write(raw)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except FileNotFoundError:
        temporary.unlink(missing_ok=True)
        # The temporary file is ours, not the user's: name the folder they gave.
        raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path.parent)) from None
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def spreadsheet_safe(text: str) -> str:
    """A cell value no spreadsheet runs as a formula: a leading =, +, -, @, tab or CR gets a quote first."""
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def printable(text: str) -> str:
    """`text` with control characters (ESC, CR, LF, ...) shown as escapes, for a terminal or a log line."""
    return _CONTROL.sub(lambda m: repr(m.group(0))[1:-1], text)


def file_problem(path: Path, exc: OSError) -> str:
    """A sentence for a file that could not be read or written: no "[Errno 2]"."""
    reason = {
        2: "no such file or folder",
        13: "permission denied",
        21: "it is a folder",
        28: "the disk is full",
        30: "the disk is read-only",
    }.get(exc.errno or 0, (exc.strerror or str(exc)).lower())
    return f"{path}: {reason}"
