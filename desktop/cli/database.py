"""How a command opens the app's database: "busy" said while another program holds it, a recovery said
once, read-only refused for a command that writes, always closed, storage failures as exit status 1."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

from desktop import paths
from desktop.cli.arguments import RuntimeFailureError
from desktop.core.safe_files import printable
from desktop.storage.database import OpenedDatabase, StorageError, open_database


@contextmanager
def command_database(writes: bool = True) -> Iterator[OpenedDatabase]:
    def busy() -> None:
        print("tickerdesk: database busy (another program holds it), waiting…", file=sys.stderr, flush=True)

    try:
        opened = open_database(paths.database_path(), on_busy=busy)
    except StorageError as exc:
        raise RuntimeFailureError(str(exc)) from None
    try:
        if opened.recovery_message:
            print(f"tickerdesk: {printable(opened.recovery_message)}", file=sys.stderr)
        if opened.read_only and writes:
            raise RuntimeFailureError(opened.read_only.replace(" Opened read-only: changes will not be saved.", ""))
        yield opened
    except StorageError as exc:
        raise RuntimeFailureError(str(exc)) from None
    finally:
        opened.connection.close()
