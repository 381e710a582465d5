"""Errors the command line reports as bad input, in a module that imports nothing heavy (the CLI catches
them before it knows which command will run, and must not load numpy to do so)."""

from __future__ import annotations


class PriceFileError(ValueError):
    """A price file or folder that cannot be read; the message names the file and what is wrong."""


class BacktestError(ValueError):
    """Rules that cannot run on the given prices (a symbol with no price file)."""


__all__ = ["BacktestError", "PriceFileError"]
