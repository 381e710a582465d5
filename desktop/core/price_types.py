"""The names a price file's readers share: column names, array types and the error they raise."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from desktop.core.errors import PriceFileError

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

PRICE_COLUMNS = ("Open", "High", "Low", "Close", "Volume")


__all__ = ["PRICE_COLUMNS", "BoolArray", "FloatArray", "IntArray", "PriceFileError"]
