"""The names a price file's readers share: column names, array types and the error they raise."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

PRICE_COLUMNS = ("Open", "High", "Low", "Close", "Volume")


class PriceFileError(ValueError):
    """A price file or folder that cannot be read; the message names the file and what is wrong."""
