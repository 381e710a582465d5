"""What a file that is not text is, in words a person can act on (the commonest mistake named)."""

from __future__ import annotations

# A spreadsheet saved in its own format instead of CSV: an .xlsx, .ods or .numbers file is a zip archive,
# an old .xls a Compound File.
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")


def binary_kind(head: bytes) -> str:
    """'a spreadsheet workbook (save it as CSV)' for a workbook's first bytes, else 'a binary file'."""
    if head.startswith(_WORKBOOK_MAGIC):
        return "a spreadsheet workbook (save it as CSV)"
    return "a binary file"
