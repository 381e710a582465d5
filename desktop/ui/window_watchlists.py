"""Several named watchlists as tabs above the table: new, rename, duplicate, delete (with undo), reorder by
dragging, import and export a file of symbols. Each list keeps its own columns and sort; the last one
shown opens next time. Alerts do not depend on the list shown (the feed also follows the rules' symbols).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QPoint, Qt, QTimer
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMenu, QPushButton, QTabBar

from desktop import logs
from desktop.core.safe_files import printable
from desktop.core.symbol_lists import SymbolListError, read_symbol_file, symbols_text
from desktop.core.watchlist_names import name_for_file
from desktop.storage.database import StorageError
from desktop.storage.watchlists import WatchlistError
from desktop.ui import settings as cfg
from desktop.ui.file_writes import write_later
from desktop.ui.window_parts import WindowParts

log = logs.ui

UNDO_MS = 10_000


def header_setting(name: str) -> cfg.Setting:
    return cfg.Setting(f"table/header/{name}", QByteArray, QByteArray(), "a watchlist's column widths, order and sort")


class WatchlistTabs(WindowParts):
    """A room of MainWindow (see window_parts)."""

    def _build_watchlist_tabs(self, chosen: str | None) -> None:
        self.list_tabs = QTabBar()
        self.list_tabs.setObjectName("watchlistTabs")
        self.list_tabs.setAccessibleName("Watchlists")
        self.list_tabs.setMovable(True)
        self.list_tabs.setExpanding(False)
        self.list_tabs.setDocumentMode(True)
        self.list_tabs.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list_tabs.customContextMenuRequested.connect(self._list_menu)
        names = self.watchlists.names()
        for name in names:
            self.list_tabs.addTab(name)
        chosen = self.watchlists.resolve(chosen) if chosen else None  # "default" opens the Default list
        wanted = chosen or str(self.settings.get(cfg.CURRENT_WATCHLIST))
        if chosen and chosen not in names:
            try:
                self.watchlists.create(chosen, [])
            except WatchlistError as exc:  # the window opens on the list it would have shown
                self.startup_notes.append(f"Could not open the watchlist {printable(chosen)!r}: {exc}.")
            else:
                self.list_tabs.addTab(chosen)
                names.append(chosen)
        self.current_list = wanted if wanted in names else names[0]
        self.list_tabs.setCurrentIndex(names.index(self.current_list))
        self.list_tabs.currentChanged.connect(self._tab_chosen)
        self.list_tabs.tabMoved.connect(lambda _a, _b: self._save_order())
        self.undo_button = QPushButton("Undo")
        self.undo_button.setVisible(False)
        self.undo_button.setFlat(True)
        self._undo_timer = QTimer(self)
        self._undo_timer.setSingleShot(True)
        self._undo_timer.timeout.connect(lambda: self.undo_button.setVisible(False))
        self._undo: tuple[str, list[str], int] | None = None
        self.undo_button.clicked.connect(self.undo_delete_list)

    def list_names(self) -> list[str]:
        return [self.list_tabs.tabText(k) for k in range(self.list_tabs.count())]

    # -- switching ------------------------------------------------------------------------------

    def _tab_chosen(self, index: int) -> None:
        if 0 <= index < self.list_tabs.count():
            self.show_list(self.list_tabs.tabText(index))

    def show_list(self, name: str) -> None:
        """Show watchlist `name`: its symbols, its columns and sort (the list left keeps its own)."""
        if name == self.current_list and self.model.symbols == self._symbols_of(name):
            return
        self.settings.set(header_setting(self.current_list), self.table.fitted.saved_state())
        self.current_list = name
        self.name_table()
        self.model.set_symbols(self._symbols_of(name))
        saved = self.settings.get(header_setting(name))
        if not saved.isEmpty():
            self.table.fitted.restore_state(saved)
        self.settings.set(cfg.CURRENT_WATCHLIST, name)
        self.feeds.set_symbols(self.model.symbols)
        self.begin_snapshot_progress()
        index = self.list_names().index(name)
        if self.list_tabs.currentIndex() != index:
            self.list_tabs.setCurrentIndex(index)

    def name_table(self) -> None:
        """What a screen reader calls the table: the list it shows."""
        self.table.setAccessibleName(f"Watchlist {self.current_list}")

    def _symbols_of(self, name: str) -> list[str]:
        try:
            return self.watchlists.symbols(name)
        except StorageError as exc:
            self.show_message(f"Could not read the watchlist {name}: {exc}", error=True)
            return []

    # -- editing the lists ------------------------------------------------------------------------

    def _list_menu(self, pos: QPoint) -> None:
        index = self.list_tabs.tabAt(pos)
        if index >= 0:
            self.list_tabs.setCurrentIndex(index)
        menu = QMenu(self)
        menu.addAction("New Watchlist…", lambda: self.new_list())
        menu.addAction("Rename…", lambda: self.rename_list())
        menu.addAction("Duplicate", lambda: self.duplicate_list())
        menu.addAction("Delete", lambda: self.delete_list()).setEnabled(self.list_tabs.count() > 1)
        menu.addSeparator()
        menu.addAction("Import Symbols…", lambda: self.import_list())
        menu.addAction("Export Symbols…", lambda: self.export_list())
        menu.popup(self.list_tabs.mapToGlobal(pos))

    def _ask_name(self, title: str, start: str = "") -> str | None:
        name, ok = QInputDialog.getText(self, title, "Name:", text=start)
        name = name.strip()
        return name if ok and name else None

    def create_list(self, name: str, symbols: list[str], position: int | None = None) -> bool:
        try:
            self.watchlists.create(name, symbols)
        except (WatchlistError, StorageError) as exc:
            self.show_message(str(exc), error=True)
            return False
        index = self.list_tabs.count() if position is None else min(position, self.list_tabs.count())
        self.list_tabs.insertTab(index, name)
        self._save_order()
        self.list_tabs.setCurrentIndex(index)
        return True

    def new_list(self, name: str | None = None) -> bool:
        name = name or self._ask_name("New Watchlist")
        if name is None or not self.create_list(name, []):
            return False
        self.show_message(f"New watchlist {name}: add symbols in the box above the table")
        return True

    def duplicate_list(self) -> bool:
        source = self.current_list
        names = set(self.list_names())
        copy = next(f"{source} copy{'' if k == 1 else f' {k}'}" for k in range(1, 1000) if
                    f"{source} copy{'' if k == 1 else f' {k}'}" not in names)  # fmt: skip
        if not self.create_list(copy, self._symbols_of(source)):
            return False
        saved = self.settings.get(header_setting(source))
        if not saved.isEmpty():
            self.settings.set(header_setting(copy), saved)
        return True

    def rename_list(self, new: str | None = None) -> bool:
        old = self.current_list
        new = new or self._ask_name("Rename Watchlist", old)
        if new is None or new == old:
            return False
        try:
            self.watchlists.rename(old, new)
        except (WatchlistError, StorageError) as exc:
            self.show_message(str(exc), error=True)
            return False
        self.list_tabs.setTabText(self.list_tabs.currentIndex(), new)
        self.settings.set(header_setting(new), self.table.fitted.saved_state())
        self.current_list = new
        self.name_table()
        self.settings.set(cfg.CURRENT_WATCHLIST, new)
        self.show_message(f"Renamed the watchlist {old} to {new}")
        return True

    def delete_list(self) -> bool:
        """Delete the shown list (never the last one); Undo in the status bar brings it back for a while."""
        if self.list_tabs.count() <= 1:
            self.show_message("The last watchlist cannot be deleted.", error=True)
            return False
        name, index = self.current_list, self.list_tabs.currentIndex()
        try:
            held = self.watchlists.delete(name)
        except (WatchlistError, StorageError) as exc:
            self.show_message(str(exc), error=True)
            return False
        self._undo = (name, held, index)
        self.list_tabs.removeTab(index)  # shows the neighbour (currentChanged)
        self._save_order()
        self.show_message(f"Deleted the watchlist {name} ({len(held)} symbols)")
        self.undo_button.setVisible(True)
        self._undo_timer.start(UNDO_MS)
        return True

    def undo_delete_list(self) -> None:
        if self._undo is None:
            return
        name, held, index = self._undo
        self._undo = None
        self.undo_button.setVisible(False)
        if self.create_list(name, held, index):
            self.show_message(f"Restored the watchlist {name}")

    def _save_order(self) -> None:
        try:
            self.watchlists.set_order(self.list_names())
        except StorageError as exc:
            self.show_message(f"Could not save the order of the watchlists: {exc}", error=True)

    # -- files ----------------------------------------------------------------------------------

    def import_list(self, path: Path | None = None) -> bool:
        """A text or CSV file of symbols (a broker's export) becomes a new watchlist named after the file."""
        if path is None:
            name, _ = QFileDialog.getOpenFileName(self, "Import Symbols", "", "Symbols (*.txt *.csv);;All files (*)")
            if not name:
                return False
            path = Path(name)
        try:
            symbols, bad = read_symbol_file(path)
        except OSError as exc:
            self.show_message(f"Could not read {path.name}: {exc.strerror or exc}", error=True)
            return False
        except SymbolListError as exc:
            self.show_message(f"Could not import {exc}", error=True)
            return False
        name = name_for_file(path, self.list_names())
        if not self.create_list(name, symbols):
            return False
        skipped = f"; skipped {', '.join(bad[:5])}" if bad else ""
        self.show_message(f"Imported {len(symbols)} symbols into {name}{skipped}")
        return True

    def export_list(self, path: Path | None = None) -> bool:
        if path is None:
            name, _ = QFileDialog.getSaveFileName(self, "Export Symbols", f"{self.current_list}.txt", "Text (*.txt)")
            if not name:
                return False
            path = Path(name)
        symbols = self.model.symbols
        done = f"Exported {len(symbols)} symbol{'s' if len(symbols) != 1 else ''} to {path.name}"
        write_later(self, path, symbols_text(symbols), self.show_message, done, "Could not export the symbols")
        return True
