"""The names a price file's readers share: column names, array types and the error they raise."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from desktop.core.errors import PriceFileError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

PRICE_COLUMNS = ("Open", "High", "Low", "Close", "Volume")
SNIFF_BYTES = 65_536  # how much of a file is read to decide how to read the rest


@dataclass(frozen=True)
class Dialect:
    """How a CSV writes its fields: commas and decimal points, or semicolons, as a spreadsheet set to a
    comma-decimal language (German, French, Italian...) saves one, then often with decimal commas and
    thousands marked with points (1.234,50)."""

    sep: str = ","
    decimal_comma: bool = False

    def pandas_options(self) -> dict[str, str]:
        """What pandas' read_csv is told of it."""
        if self.decimal_comma:
            return {"sep": self.sep, "decimal": ",", "thousands": "."}
        return {"sep": self.sep}

    def fields(self, line: str) -> list[str]:
        """A line's fields, split plainly (for sniffing the first lines; quoted separators are not looked at)."""
        return line.split(self.sep)


COMMA = Dialect()


def head_rows(path: Path) -> tuple[list[str], bool]:
    """The data lines (after the header, blank ones left out) in a file's first SNIFF_BYTES, and whether the
    read stopped there (then the last line may be cut short)."""
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    rows = [row for row in head.decode("utf-8-sig", errors="ignore").splitlines()[1:] if row.strip()]
    return rows, len(head) == SNIFF_BYTES


__all__ = [
    "COMMA",
    "PRICE_COLUMNS",
    "SNIFF_BYTES",
    "BoolArray",
    "Dialect",
    "FloatArray",
    "IntArray",
    "PriceFileError",
    "head_rows",
]
